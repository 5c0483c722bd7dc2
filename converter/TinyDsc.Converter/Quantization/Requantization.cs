using System;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Converter.Quantization;

/// <summary>Fixed-point multipliers of the runtime's requantization (runtime/FORMAT.md, Arithmetic).</summary>
public static class Requantization
{
    /// <summary>Left shift applied to both Add inputs before rescaling (TFLite's int8 add uses 20).</summary>
    public const int AddLeftShift = 20;

    /// <summary>
    /// M = f · 2^shift with f in [0.5, 1), multiplier = round(f · 2^31), via the runtime's QuantMath so that converter
    /// and kernels agree on every bit. M too small for shift ≥ -31 gives multiplier 0 (the product rounds to 0 anyway).
    /// </summary>
    public static (int Multiplier, int Shift) Quantize(double real)
    {
        if (!(real >= 0) || double.IsInfinity(real))
        {
            throw new QuantizationException($"requantization multiplier {real} is not a finite non-negative number");
        }
        if (real == 0)
        {
            return (0, 0);
        }
        if (real >= 1L << 30)
        {
            throw new QuantizationException($"requantization multiplier {real:G6} is too large (shift above 30)");
        }
        QuantMath.QuantizeMultiplier(real, out int multiplier, out int shift);
        if (multiplier == 0 || shift < -31)
        {
            return (0, 0);
        }
        if (shift > 30)
        {
            throw new QuantizationException($"requantization multiplier {real:G6} is too large (2^{shift})");
        }
        return (multiplier, shift);
    }

    /// <summary>
    /// Per-output-channel multipliers and shifts of a conv / fully connected layer: M[c] = s_in · s_w[c] / s_out.
    /// </summary>
    public static (int[] Multipliers, int[] Shifts) PerChannel(float inputScale, double[] weightScales, float outputScale)
    {
        int[] multipliers = new int[weightScales.Length];
        int[] shifts = new int[weightScales.Length];
        for (int c = 0; c < weightScales.Length; c++)
        {
            (multipliers[c], shifts[c]) = Quantize((double)inputScale * weightScales[c] / outputScale);
        }
        return (multipliers, shifts);
    }

    /// <summary>
    /// Multiplier and shift of a requantizing GlobalAveragePool over <paramref name="pixels"/> = H·W taps, as TFLite's
    /// int8 MEAN prepares them: M = s_in / s_out (the division by H·W happens in the kernel, after the multiply; the
    /// op's p0 = 1 says so, FORMAT.md). Null when the format's bound H·W·(255·2^max(shift, 0) + 1) &lt; 2^31 does not
    /// hold (a large map, or an output range far narrower than the input's); the pool then keeps its input's scale
    /// and zero point.
    /// </summary>
    public static (int Multiplier, int Shift)? GlobalAveragePool(float inputScale, float outputScale, long pixels)
    {
        if (pixels < 1)
        {
            throw new QuantizationException($"global average pool over {pixels} pixels");
        }
        double real = (double)inputScale / outputScale;
        if (real >= 1L << 30)
        {
            return null;
        }
        (int multiplier, int shift) = Quantize(real);
        if (pixels > int.MaxValue / 256 || ((255L << Math.Max(shift, 0)) + 1) * pixels > int.MaxValue)
        {
            return null;
        }
        return (multiplier, shift);
    }

    /// <summary>
    /// Params p0..p6 of an Add (FORMAT.md): p0 left shift, (p1, p2) input 0, (p3, p4) input 1, (p5, p6) output, with
    /// input multipliers s_i / (2 · max(s0, s1)) (≤ 0.5, so shifts ≤ -1) and output multiplier
    /// 2 · max(s0, s1) / (2^20 · s_out), as TFLite's int8 add prepares them.
    /// </summary>
    public static int[] AddParams(float scale0, float scale1, float outputScale)
    {
        double twiceMax = 2.0 * Math.Max((double)scale0, scale1);
        (int m0, int sh0) = Quantize(scale0 / twiceMax);
        (int m1, int sh1) = Quantize(scale1 / twiceMax);
        (int mo, int sho) = Quantize(twiceMax / ((1 << AddLeftShift) * (double)outputScale));
        return new[] { AddLeftShift, m0, sh0, m1, sh1, mo, sho };
    }

    /// <summary>Output scale TFLite's int8 softmax requires (its zero point is <see cref="SoftmaxOutputZeroPoint"/>).</summary>
    public const float SoftmaxOutputScale = 1f / 256;

    /// <summary>Output zero point TFLite's int8 softmax requires.</summary>
    public const int SoftmaxOutputZeroPoint = -128;

    /// <summary>
    /// Input multiplier and left shift of TFLite's int8 softmax with beta = 1 (PreprocessSoftmaxScaling with 5 integer
    /// bits): M = min((double)s_in · 2^26, 2^31 − 1), then QuantizeMultiplierGreaterThanOne (f · 2^shift, f in
    /// [0.5, 1), round(f · 2^31), shift 1..31). s_in ≤ 2^−26 (M ≤ 1) is refused, as TFLite refuses it.
    /// </summary>
    public static (int Multiplier, int LeftShift) Softmax(float inputScale)
    {
        double real = Math.Min((double)inputScale * (1 << 26), (1L << 31) - 1.0);
        if (!(real > 1.0))
        {
            throw new QuantizationException($"softmax input scale {inputScale:G9} is at most 2^-26: TFLite's softmax input multiplier must exceed 1");
        }
        // Halving is exact, so quantizing M / 2 and adding 1 to the shift keeps every bit and stays within Quantize's shift ≤ 30.
        (int m, int sh) = Quantize(real / 2);
        return (m, sh + 1);
    }
}
