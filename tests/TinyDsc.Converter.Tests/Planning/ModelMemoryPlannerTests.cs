using System;
using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Converter.Tests.Planning;

/// <summary>The planner on real models: the bundled Fashion-MNIST DS-CNN and the MobileNetV2 block fixture.</summary>
public sealed class ModelMemoryPlannerTests
{
    private readonly ITestOutputHelper _output;

    public ModelMemoryPlannerTests(ITestOutputHelper output) => _output = output;

    private static Model Quantize(string onnx, string npy, int samples)
    {
        FloatGraph graph = OnnxImporter.Load(onnx);
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(npy);
        int per = data.Length / shape[0];
        samples = Math.Min(samples, shape[0]);
        var ranges = Calibrator.Calibrate(graph, data[..(samples * per)], samples, new CalibrationOptions());
        return GraphQuantizer.Quantize(graph, ranges).Model;
    }

    [Theory]
    [InlineData("bundled")]
    [InlineData("inverted_residual")]
    public void RealModel_PlanEqualsLowerBound_AndNoOpWritesOverItsInputs(string which)
    {
        Model model = which == "bundled"
            ? Quantize(Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn", "model.onnx"),
                Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn", "calibration.npy"), 4)
            : Quantize(Path.Combine(Fixtures.Onnx(which), "model.onnx"), Path.Combine(Fixtures.Onnx(which), "input.npy"), 2);
        MemoryPlan plan = ModelMemoryPlanner.Apply(model);
        long sum = 0;
        foreach (TensorInfo t in model.Tensors)
        {
            sum += t.ByteSize;
        }
        _output.WriteLine($"{which}: {model.Operators.Length} ops, arena {plan.ArenaBytes} B, lower bound " +
            $"{plan.LowerBoundBytes} B, all tensors {sum} B");
        Assert.Equal(plan.LowerBoundBytes, plan.ArenaBytes);
        Assert.Equal(plan.ArenaBytes, model.ArenaSize);

        foreach (OperatorInfo op in model.Operators)
        {
            TensorInfo output = model.Tensors[op.Output];
            foreach (int input in new[] { op.Input0, op.Input1 })
            {
                if (input < 0)
                {
                    continue;
                }
                TensorInfo t = model.Tensors[input];
                bool overlap = t.ArenaOffset < output.ArenaOffset + output.ByteSize
                    && output.ArenaOffset < t.ArenaOffset + t.ByteSize;
                Assert.False(overlap, $"op {OpCodes.Name(op.OpCode)} writes tensor {op.Output} over its input {input}");
            }
        }
    }
}
