using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Tests.Conformance;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Converter.Tests.Fusion;

/// <summary>
/// Issue 10's arena targets: the arena planned with fused blocks (`convert`, default `--fuse auto`) against the
/// unfused greedy plan (`--fuse none`) of the same model, and the fused model still bit-exact on its calibration data.
/// </summary>
public sealed class FusedArenaTests
{
    private readonly ITestOutputHelper _output;

    public FusedArenaTests(ITestOutputHelper output) => _output = output;

    private static string Repo => Directory.GetParent(PytorchFixtureTests.FixtureRoot)!.Parent!.FullName;

    [Theory]
    [InlineData("tests/fixtures/models/mbv2-fashion", 0.5)]
    // This DS-CNN has two peaks of 18,816 B: the stem's output with the depth-multiplier-2 depthwise's, and the 1×1
    // 32→64 output at 14×14 with its input; auto fuses both as producer → depthwise blocks (FORMAT.md p4 = 1), together.
    [InlineData("firmware-samples/models/fashion-dscnn", 0.7)]
    [InlineData("tests/fixtures/models/mbv2-torchvision-96", 0.5)] // torchvision mobilenet_v2(width_mult=0.35) at 3×96×96
    public void FusedArena_IsAtMostTheTargetFractionOfTheUnfusedPlan(string folder, double target)
    {
        var calibration = Npy.ReadFloat32(Path.Combine(Repo, folder, "calibration.npy"));
        var graph = OnnxImporter.Load(Path.Combine(Repo, folder, "model.onnx"));
        ConversionResult fused = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy", new CalibrationOptions(), null, FusionMode.Auto);
        ConversionResult unfused = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy", new CalibrationOptions(), null, FusionMode.None);
        double ratio = (double)fused.Plan.ArenaBytes / unfused.Plan.ArenaBytes;
        _output.WriteLine($"{folder}: arena {fused.Plan.ArenaBytes} B fused ({BlockFusion.Groups(fused.Quantized.Model).Count} blocks) vs "
            + $"{unfused.Plan.ArenaBytes} B unfused (lower bound {unfused.Plan.LowerBoundBytes} B): {ratio:F3}x");
        Assert.True(ratio <= target, $"{folder}: fused arena {fused.Plan.ArenaBytes} B is {ratio:F3}x the unfused {unfused.Plan.ArenaBytes} B, target {target}x");
        FusedModelBitExactTests.SameOutputs(ModelReader.Load(fused.FileBytes), ModelReader.Load(unfused.FileBytes), calibration.Data, calibration.Shape, folder);
    }
}
