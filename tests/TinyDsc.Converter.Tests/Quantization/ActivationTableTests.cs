using System;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Reference;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Tests;
using Xunit;

namespace TinyDsc.Converter.Tests.Quantization;

/// <summary>
/// The Lookup tables: each entry against an independent double-precision evaluation of the activation on the
/// output grid (within a stated LSB bound), TFLite's fixed output parameters of Sigmoid / Tanh, and the Lookup
/// kernel reproducing the per-element definition (its reference twin) bit for bit.
/// </summary>
public sealed class ActivationTableTests
{
    private static double Exact(NodeKind kind, double x, double alpha, double beta) => kind switch
    {
        NodeKind.HardSwish => x * Math.Clamp(x + 3, 0, 6) / 6,
        NodeKind.HardSigmoid => Math.Clamp(alpha * x + beta, 0, 1),
        NodeKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        NodeKind.Tanh => Math.Tanh(x),
        NodeKind.LeakyRelu => x >= 0 ? x : alpha * x,
        NodeKind.Hardtanh => Math.Clamp(x, alpha, beta),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    // Bound 1 LSB: TFLite's hard_swish runs in 16-bit fixed point (multipliers rounded to 16 bits, the product
    // truncated), the others round a float32 evaluation once (1 LSB covers float32 vs double at near-ties).
    [InlineData(NodeKind.HardSwish, 1.0)]
    [InlineData(NodeKind.HardSigmoid, 1.0)]
    [InlineData(NodeKind.Sigmoid, 1.0)]
    [InlineData(NodeKind.Tanh, 1.0)]
    [InlineData(NodeKind.LeakyRelu, 1.0)]
    [InlineData(NodeKind.Hardtanh, 1.0)]
    public void TableIsWithinOneLsbOfTheExactFunction(NodeKind kind, double bound)
    {
        TestSeed.Run(TestSeed.ForName("ActivationTable" + kind), rng =>
        {
            for (int n = 0; n < 200; n++)
            {
                // Input ranges from ±0.5 to ±20, with zero points at both ends of int8 sometimes.
                double lo = -(0.5 + rng.NextDouble() * 19.5), hi = 0.5 + rng.NextDouble() * 19.5;
                int zpIn = rng.Next(5) == 0 ? -128 : rng.Next(5) == 0 ? 127 : rng.Next(-128, 128);
                float sIn = (float)((hi - lo) / 255);
                if (zpIn == 127)
                {
                    sIn = (float)(-lo / 255);
                }
                else if (zpIn == -128)
                {
                    sIn = (float)(hi / 255);
                }
                var node = new FloatNode { Kind = kind, Alpha = kind == NodeKind.Hardtanh ? -1f : kind == NodeKind.HardSigmoid ? 1f / 6f : 0.1f, Beta = kind == NodeKind.Hardtanh ? 1.5f : 0.5f };
                // Output range: the function over the input range (as calibration would see it), always containing 0.
                double yMin = 0, yMax = 0;
                for (int q = -128; q <= 127; q++)
                {
                    double y = Exact(kind, sIn * (q - zpIn), node.Alpha, node.Beta);
                    yMin = Math.Min(yMin, y);
                    yMax = Math.Max(yMax, y);
                }
                QuantParams inQ = new(sIn, zpIn);
                QuantParams outQ = kind switch
                {
                    NodeKind.Sigmoid => new QuantParams(1f / 256f, -128),
                    NodeKind.Tanh => new QuantParams(1f / 128f, 0),
                    _ => QuantParams.FromRange(new TinyDsc.Converter.Calibration.ValueRange((float)yMin, (float)yMax)),
                };
                sbyte[] table = ActivationTables.For(node, inQ, outQ);
                for (int q = -128; q <= 127; q++)
                {
                    double exact = Math.Clamp(outQ.ZeroPoint + Exact(kind, sIn * (q - zpIn), node.Alpha, node.Beta) / outQ.Scale, -128, 127);
                    Assert.True(Math.Abs(table[q + 128] - exact) <= bound + 0.5,
                        $"{kind} case {n}: q {q} → {table[q + 128]}, exact {exact:F3} (s_in {sIn}, zp_in {zpIn}, s_out {outQ.Scale}, zp_out {outQ.ZeroPoint})");
                }
            }
        });
    }

    [Fact]
    public void HardSwishTable_IsTflitesArithmeticPerElement_AndTheLookupKernelReproducesIt()
    {
        // The table is TFLite's hard_swish evaluated per input; the runtime's Lookup over every int8 input must
        // give exactly the per-element evaluation (the kernel's reference twin).
        var inQ = new QuantParams(0.05f, -10);
        var outQ = new QuantParams(0.03f, -100);
        var p = ActivationTables.HardSwishParams.Prepare(inQ, outQ);
        sbyte[] table = ActivationTables.For(new FloatNode { Kind = NodeKind.HardSwish }, inQ, outQ);
        var input = new sbyte[256];
        for (int i = 0; i < 256; i++)
        {
            input[i] = (sbyte)(i - 128);
        }
        var output = new sbyte[256];
        Lookup.Run(table, input, 0, output, 0, 256);
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(ActivationTables.HardSwishQ(p, i - 128), output[i]);
        }
    }

    [Fact]
    public void HardSwishParams_AreTflitesPrepare()
    {
        // s_in = 0.05, s_out = 0.03: hires = 0.05/128 = 3.90625e-4; output multiplier 3.90625e-4/0.03 = 0.0130208… =
        // 0.8333… · 2^-6 → Q31 1789569792 → top 16 bits (1789569792 + 2^15) >> 16 = 27307, exponent −6.
        // reluish multiplier 3.90625e-4 / (3/32768) = 4.2666… = 0.5333… · 2^3 → Q31 1145324672 → 17476, exponent 3.
        var p = ActivationTables.HardSwishParams.Prepare(new QuantParams(0.05f, 0), new QuantParams(0.03f, 0));
        Assert.Equal((27307, -6, 17476, 3), ((int)p.OutputMultiplier, p.OutputExponent, (int)p.ReluishMultiplier, p.ReluishExponent));
    }

    [Fact]
    public void SigmoidAndTanhUseTflitesFixedOutputParameters()
    {
        // Sigmoid(0) = 0.5 → 0.5 · 256 − 128 = 0; Tanh(0) = 0 → 0. Large inputs saturate at 127.
        var inQ = new QuantParams(0.1f, 0);
        sbyte[] sig = ActivationTables.For(new FloatNode { Kind = NodeKind.Sigmoid }, inQ, new QuantParams(1f / 256f, -128));
        Assert.Equal(0, sig[128]);
        Assert.Equal(127, sig[255]);   // sigmoid(12.7) · 256 − 128 = 127.999… → 128 → clamped
        Assert.Equal(-128, sig[0]);    // sigmoid(−12.8) · 256 ≈ 0.0007 → −128
        sbyte[] tanh = ActivationTables.For(new FloatNode { Kind = NodeKind.Tanh }, inQ, new QuantParams(1f / 128f, 0));
        Assert.Equal(0, tanh[128]);
        Assert.Equal(-128, tanh[0]);
        Assert.Equal(127, tanh[255]);
    }
}
