using System;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Converter.Quantization;

/// <summary>
/// The 256-entry tables of the runtime's Lookup op (FORMAT.md op 16): entry q + 128 is the int8 output for input q.
/// Each table is the activation's int8 definition evaluated at every input, so the Lookup kernel computes it exactly:
/// <list type="bullet">
/// <item>HardSwish: TFLite's int8 hard_swish (16-bit fixed point, <see cref="HardSwishQ"/>), bit for bit;</item>
/// <item>Sigmoid, Tanh, HardSigmoid, LeakyReLU, Hardtanh: TFLite's float LUT population (<see cref="FromFunction"/>,
///   what its int8 logistic and tanh use): dequantize in float32, apply the float function, multiply by 1/s_out in
///   float32, round half away from zero, add zp_out, clamp. For HardSigmoid, LeakyReLU and Hardtanh this is the
///   correctly rounded result of the float function (TFLite's own int8 leaky_relu uses two multipliers instead and
///   can differ by 1 LSB).</item>
/// </list>
/// </summary>
public static class ActivationTables
{
    /// <summary>The table of element-wise node <paramref name="node"/> for input / output parameters.</summary>
    public static sbyte[] For(FloatNode node, QuantParams input, QuantParams output)
    {
        if (node.Kind == NodeKind.HardSwish)
        {
            var p = HardSwishParams.Prepare(input, output);
            var t = new sbyte[256];
            for (int q = -128; q <= 127; q++)
            {
                t[q + 128] = HardSwishQ(p, q);
            }
            return t;
        }
        return FromFunction(input, output, x => FloatReference.Elementwise(node, x));
    }

    /// <summary>TFLite's LUTPopulate for int8: all arithmetic in float32.</summary>
    public static sbyte[] FromFunction(QuantParams input, QuantParams output, Func<float, float> f)
    {
        var t = new sbyte[256];
        float inverse = 1f / output.Scale;
        for (int q = -128; q <= 127; q++)
        {
            float x = input.Scale * (q - input.ZeroPoint);
            float rescaled = MathF.Round(f(x) * inverse, MidpointRounding.AwayFromZero);
            float v = rescaled + output.ZeroPoint;
            t[q + 128] = (sbyte)(v >= 127f ? 127 : v <= -128f ? -128 : (int)v);
        }
        return t;
    }

    /// <summary>Parameters of TFLite's int8 hard_swish (its HardSwishPrepare): two 16-bit multipliers and exponents.</summary>
    public readonly record struct HardSwishParams(int InputZeroPoint, int OutputZeroPoint,
        short OutputMultiplier, int OutputExponent, short ReluishMultiplier, int ReluishExponent)
    {
        /// <summary>
        /// hires_input_scale = s_in / 128, output multiplier hires / s_out (exponent must be ≤ 0), reluish multiplier
        /// hires / (3 / 32768), each formed in float32, quantized as a Q31 multiplier and rounded to its top 16 bits.
        /// </summary>
        public static HardSwishParams Prepare(QuantParams input, QuantParams output)
        {
            float hires = (1f / 128f) * input.Scale;
            float reluishScale = 3f / 32768f;
            float outputMultiplier = hires / output.Scale;
            float reluishMultiplier = hires / reluishScale;
            QuantMath.QuantizeMultiplier(outputMultiplier, out int om, out int oe);
            QuantMath.QuantizeMultiplier(reluishMultiplier, out int rm, out int re);
            if (oe > 0)
            {
                throw new QuantizationException($"HardSwish: output scale {output.Scale:G6} is below input scale / 128 ({input.Scale:G6} / 128); " +
                    "TFLite's int8 hard_swish needs s_in / (128 · s_out) < 1");
            }
            return new HardSwishParams(input.ZeroPoint, output.ZeroPoint, DownScale(om), oe, DownScale(rm), re);
        }

        private static short DownScale(int m) => m >= int.MaxValue - (1 << 15) ? short.MaxValue : (short)((m + (1 << 15)) >> 16);
    }

    /// <summary>TFLite's reference int8 hard_swish for one input value (16-bit fixed point throughout).</summary>
    public static sbyte HardSwishQ(HardSwishParams p, int q)
    {
        int inputValue = q - p.InputZeroPoint;
        int hires = inputValue * 128;                                    // |·| ≤ 255 · 128 < 2^15
        int preshift = RoundingDoublingHighMul16(hires, p.OutputMultiplier);
        int reluish = hires;
        if (p.ReluishExponent > 0)
        {
            reluish = SaturatingLeftShift16(reluish, p.ReluishExponent - 1);
        }
        reluish = RoundingDoublingHighMul16(reluish, p.ReluishMultiplier);
        if (p.ReluishExponent > 0)
        {
            reluish = SaturatingLeftShift16(reluish, 1);
        }
        if (p.ReluishExponent < 0)
        {
            reluish = RoundingDivideByPot16(reluish, -p.ReluishExponent);
        }
        reluish = (reluish + (1 << 15)) >> 1;                            // [-1, 1] → [0, 1] in Q15
        int output = RoundingDivideByPot16(DoublingHighMul16(reluish, preshift), -p.OutputExponent) + p.OutputZeroPoint;
        return (sbyte)Math.Clamp(output, -128, 127);
    }

    private static int SaturatingLeftShift16(int v, int amount) => (int)Math.Clamp((long)v << amount, short.MinValue, short.MaxValue);

    /// <summary>gemmlowp's SaturatingRoundingDoublingHighMul on int16.</summary>
    private static int RoundingDoublingHighMul16(int a, int b)
    {
        if (a == short.MinValue && b == short.MinValue)
        {
            return short.MaxValue;
        }
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short)((ab + nudge) / (1 << 15));
    }

    /// <summary>The same without rounding (truncating toward zero), as TFLite's hard_swish uses for the final product.</summary>
    private static int DoublingHighMul16(int a, int b)
    {
        if (a == short.MinValue && b == short.MinValue)
        {
            return short.MaxValue;
        }
        return (short)(a * b / (1 << 15));
    }

    /// <summary>gemmlowp's RoundingDivideByPOT: round half away from zero.</summary>
    private static int RoundingDivideByPot16(int x, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }
}
