using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
/// Fused block execution against unfused execution through the real .tdsc bytes: each model converted twice
/// (every fusable chain fused, FusionMode.All, and `--fuse none`), both files loaded back with the runtime's reader and run by the Interpreter on
/// the same inputs; the int8 outputs must be identical (the fused kernel computes every element with the unfused
/// kernels' arithmetic). Fixtures whose graph has no fusable chain are skipped by the theory's data, not silently:
/// <see cref="FusableFixturesArePresent"/> pins how many there are.
/// </summary>
public sealed class FusedModelBitExactTests
{
    private readonly ITestOutputHelper _output;

    public FusedModelBitExactTests(ITestOutputHelper output) => _output = output;

    private static string Repo => Directory.GetParent(PytorchFixtureTests.FixtureRoot)!.Parent!.FullName;

    private static (Model Fused, Model Unfused) ConvertBoth(string onnx, NpyArray<float> calibration, FusionMode mode = FusionMode.All)
    {
        var graph = OnnxImporter.Load(onnx);
        byte[] fused = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration", new CalibrationOptions(), null, mode).FileBytes;
        byte[] unfused = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration", new CalibrationOptions(), null, FusionMode.None).FileBytes;
        return (ModelReader.Load(fused), ModelReader.Load(unfused));
    }

    /// <summary>Fixtures of tests/fixtures/onnx whose conversion contains at least one fused block.</summary>
    public static IEnumerable<object[]> FusableFixtures()
    {
        foreach (object[] c in PytorchFixtureTests.Cases())
        {
            string dir = Path.Combine(PytorchFixtureTests.FixtureRoot, "onnx", (string)c[0]);
            (Model fused, _) = ConvertBoth(Path.Combine(dir, "model.onnx"), Npy.ReadFloat32(Path.Combine(dir, "input.npy")));
            if (BlockFusion.Groups(fused).Count > 0)
            {
                yield return c;
            }
        }
    }

    [Fact]
    public void FusableFixturesArePresent()
    {
        string[] names = FusableFixtures().Select(c => (string)c[0]).ToArray();
        _output.WriteLine(string.Join(", ", names));
        // ds_block, inverted_residual, opset13_dscnn(_folded), opset9_block, depthwise_bn_relu6, ...: the chains of the fixtures.
        Assert.Contains("inverted_residual", names);
        Assert.Contains("ds_block", names);
    }

    [Theory]
    [MemberData(nameof(FusableFixtures))]
    public void Fixture_FusedEqualsUnfused(string name)
    {
        string dir = Path.Combine(PytorchFixtureTests.FixtureRoot, "onnx", name);
        var input = Npy.ReadFloat32(Path.Combine(dir, "input.npy"));
        (Model fused, Model unfused) = ConvertBoth(Path.Combine(dir, "model.onnx"), input);
        SameOutputs(fused, unfused, input.Data, input.Shape, name);
        // Also on inputs beyond the calibration range (saturating every clamp), fixed seed.
        var rng = new Random(20261206);
        float[] wild = input.Data.Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        SameOutputs(fused, unfused, wild, input.Shape, name + " (random inputs, seed 20261206)");
    }

    /// <summary>
    /// Both trained models, with every chain fused (All: on the bundled DS-CNN the stem → depthwise block and four
    /// v1.1 blocks) and with auto's choice (on the bundled DS-CNN the two producer → depthwise blocks, the stem's and
    /// the 1×1 32→64 into the stride-2 depthwise).
    /// </summary>
    [Theory]
    [InlineData("firmware-samples/models/fashion-dscnn", FusionMode.All)]
    [InlineData("firmware-samples/models/fashion-dscnn", FusionMode.Auto)]
    [InlineData("tests/fixtures/models/mbv2-fashion", FusionMode.All)]
    [InlineData("tests/fixtures/models/mbv2-fashion", FusionMode.Auto)]
    public void TrainedModel_FusedEqualsUnfused(string folder, FusionMode mode)
    {
        var images = Npy.ReadFloat32(Path.Combine(Repo, "firmware-samples/models/fashion-dscnn", "test_images.npy"));
        var calibration = Npy.ReadFloat32(Path.Combine(Repo, folder, "calibration.npy"));
        (Model fused, Model unfused) = ConvertBoth(Path.Combine(Repo, folder, "model.onnx"), calibration, mode);
        Assert.NotEmpty(BlockFusion.Groups(fused));
        int n = 300;
        int sample = images.Data.Length / images.Shape[0];
        int[] shape = (int[])images.Shape.Clone();
        shape[0] = n;
        SameOutputs(fused, unfused, images.Data.AsSpan(0, n * sample).ToArray(), shape, folder);
        _output.WriteLine($"{folder}: {BlockFusion.Groups(fused).Count} fused blocks, arena {fused.ArenaSize} B fused vs {unfused.ArenaSize} B unfused");
    }

    internal static void SameOutputs(Model fused, Model unfused, float[] batch, int[] shape, string what)
    {
        float[] a = new Int8Runner(fused).Run(batch, shape, what).Data;
        float[] b = new Int8Runner(unfused).Run(batch, shape, what).Data;
        Assert.Equal(b.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
            {
                Assert.Fail($"{what}: output {i} differs, fused {a[i]} vs unfused {b[i]}");
            }
        }
    }
}
