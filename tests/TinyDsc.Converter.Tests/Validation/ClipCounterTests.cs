using System.IO;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Converter.Validation;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Validation;

/// <summary>
/// verify's clipping count (ClipCounter) on models with fused blocks: the tensors inside a block never reach the
/// arena, but their float values clip all the same, so a fused and an unfused conversion of one graph with one
/// calibration must count the same activations, with the same shares.
/// </summary>
public class ClipCounterTests
{
    [Theory]
    [InlineData("inverted_residual")]
    [InlineData("ds_block")]
    public void FusedModel_CountsTheSameClippingAsUnfused(string name)
    {
        string dir = Fixtures.Onnx(name);
        FloatGraph graph = OnnxImporter.Load(Path.Combine(dir, "model.onnx"));
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(Path.Combine(dir, "input.npy"));
        // Calibrated on data 10x smaller than it then sees: activations clip.
        float[] small = data.Select(v => v / 10).ToArray();
        Model Convert(FusionMode mode) => ModelReader.Load(
            ModelConverter.Convert(graph, small, shape, "small.npy", new CalibrationOptions(), null, mode).FileBytes);
        Model fused = Convert(FusionMode.All), unfused = Convert(FusionMode.None);
        Assert.NotEmpty(BlockFusion.Groups(fused));

        ClipShare[] Count(Model m)
        {
            ClipCounter counter = ClipCounter.For(graph, m) ?? throw new Xunit.Sdk.XunitException("no clip counter for " + name);
            new FloatRunner(graph) { Observer = counter.Observe }.Run(data, shape, "input.npy");
            return counter.Shares.ToArray();
        }

        ClipShare[] a = Count(fused), b = Count(unfused);
        Assert.Equal(b.Select(s => (s.Name, s.Share, s.Clipped)), a.Select(s => (s.Name, s.Share, s.Clipped)));
        Assert.Contains(a, s => s.Share > 0.01);
        // Operators are named by their number in the file: after each group record, members follow it.
        int groupRecords = fused.Operators.Length - unfused.Operators.Length;
        Assert.True(groupRecords > 0);
        Assert.All(a.Where(s => s.Where.StartsWith("operator ", System.StringComparison.Ordinal)), s =>
        {
            int index = int.Parse(s.Where.Split(' ')[1]);
            Assert.NotEqual(OpCodes.FusedBlock, fused.Operators[index].OpCode);
        });
    }
}
