using System;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Reference;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Tests;
using Xunit;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// ONNX Softmax over the class axis: lowered after Gemm / Flatten for each way the axis is spelled, run by the float
/// reference against ONNX Runtime; other axes refused by shape; converted end to end (op 18 with TFLite's parameters,
/// output 1/256 and −128): the int8 probabilities within 1 LSB of the float softmax of the int8 logits, and of the
/// float model's within 1 LSB plus half the logits' own error.
/// </summary>
public sealed class SoftmaxImportTests
{
    private static OnnxModelBuilder GemmSoftmax(int opset, params (string, object)[] softmaxAttributes)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { 6 }).Output("y");
        var rng = new Random(20261206);
        b.Init("w", new long[] { 5, 6 }, Enumerable.Range(0, 30).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
        b.Init("c", new long[] { 5 }, new[] { 0.5f, -0.25f, 0f, 1f, -1f });
        b.Node("Gemm", new[] { "x", "w", "c" }, "logits", "fc", ("transB", 1));
        b.Node("Softmax", new[] { "logits" }, "y", "softmax", softmaxAttributes);
        return b;
    }

    [Theory]
    [InlineData(11, null)]   // opset < 13: default axis 1
    [InlineData(13, null)]   // opset 13: default axis -1
    [InlineData(13, 1L)]
    [InlineData(13, -1L)]
    [InlineData(11, -1L)]
    public void ClassAxisSoftmaxMatchesOnnxRuntime(int opset, long? axis)
    {
        var b = axis is long a ? GemmSoftmax(opset, ("axis", a)) : GemmSoftmax(opset);
        FloatGraph g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 6 }, batch: 3, inputScale: 3f);
        Assert.Equal("FullyConnected Softmax", ImportAssert.Kinds(g));
    }

    [Fact]
    public void SoftmaxOverAnotherAxisOrRankIsRefusedWithTheShape()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 3, 4, 4 }).Output("y");
        b.Node("Softmax", new[] { "x" }, "y", "sm", ("axis", 1L));
        ImportAssert.Rejects(b.Build(), "node 'sm' (Softmax): softmax over axis 1 of a [1, 3, 4, 4] tensor; only the class axis of an [N, C] tensor");

        var c = GemmSoftmax(13, ("axis", 0L));
        ImportAssert.Rejects(c.Build(), "softmax over axis 0 of a [1, 5] tensor");
    }

    [Fact]
    public void ConvertsToOp18AndRunsAsProbabilities()
    {
        TestSeed.Run(1812, rng =>
        {
            FloatGraph graph = OnnxImporter.Import(GemmSoftmax(13).Build());
            int n = 64;
            float[] data = Enumerable.Range(0, n * 6).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
            ConversionResult converted = ModelConverter.Convert(graph, data, new[] { n, 6 }, "calibration.npy", new CalibrationOptions());
            Model model = ModelReader.Load(converted.FileBytes);
            OperatorInfo softmax = model.Operators[^1];
            Assert.Equal(OpCodes.Softmax, softmax.OpCode);
            TensorInfo logits = model.Tensors[softmax.Input0], probs = model.Tensors[model.OutputTensor];
            Assert.Equal((1f / 256, -128), (probs.Scale, probs.ZeroPoint));
            Assert.Equal(Requantization.Softmax(logits.Scale), (softmax.Params[0], softmax.Params[1]));

            var interpreter = new Interpreter(model);
            Assert.Equal("Softmax", interpreter.KernelName(model.Operators.Length - 1));
            var logitBytes = new sbyte[5];
            interpreter.Observer = new Capture(Array.FindIndex(model.Operators, o => o.Output == softmax.Input0), logits, logitBytes);
            var output = new float[5];
            for (int s = 0; s < n; s++)
            {
                float[] x = data[(s * 6)..(s * 6 + 6)];
                var all = FloatReference.RunAll(graph, x);
                float[] expected = all[graph.Output], floatLogits = all["logits"];
                interpreter.SetInput(x, 0);
                interpreter.Invoke();
                interpreter.GetOutput(output, 0);
                Assert.Equal(1.0, expected.Sum(), 5);
                // The int8 softmax is within 1 LSB of the float softmax of its own (dequantized int8) logits, the bound
                // SoftmaxTests proves. Against the float model the logits' quantization error δ adds to it: each
                // probability moves by at most max|δ| / 2 (∂p_c/∂z_j sums to 2·p_c·(1 − p_c) ≤ 1/2 in absolute value).
                double[] z = logitBytes.Select(q => logits.Scale * (double)(q - logits.ZeroPoint)).ToArray();
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                double logitError = z.Select((v, c) => Math.Abs(v - floatLogits[c])).Max();
                for (int c = 0; c < 5; c++)
                {
                    double p = Math.Exp(z[c] - max) / sum;
                    Assert.True(Math.Abs(output[c] - p) <= 1.0 / 256, $"sample {s}, class {c}: int8 {output[c]}, softmax of the int8 logits {p}");
                    Assert.True(Math.Abs(output[c] - expected[c]) <= 1.0 / 256 + logitError / 2 + 1e-6,
                        $"sample {s}, class {c}: int8 {output[c]}, float {expected[c]}, logits off by up to {logitError}");
                }
            }
        });
    }

    private sealed class Capture(int index, TensorInfo tensor, sbyte[] into) : IOperatorObserver
    {
        public void OperatorDone(Interpreter interpreter, int operatorIndex)
        {
            if (operatorIndex == index)
            {
                interpreter.GetTensor(tensor, into, 0);
            }
        }
    }
}
