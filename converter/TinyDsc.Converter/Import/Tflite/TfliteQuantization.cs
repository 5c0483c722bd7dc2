using System;
using TinyDsc.Converter.Import.Tflite.Schema;
using TinyDsc.Converter.Quantization;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// Quantization parameters formed exactly as TensorFlow Lite (Micro) forms them from a file's float32 scales, so an
/// imported model computes TFLM's bytes. Written from TFLite's documented arithmetic (kernel_util, reduce, add
/// Prepare functions), not copied.
/// </summary>
public static class TfliteQuantization
{
    /// <summary>
    /// Per-output-channel conv / fully connected multiplier: M = (double)s_in · (double)s_w[c] / (double)s_out, each
    /// scale the float32 stored in the file, then TFLite's QuantizeMultiplier (f · 2^shift, f in [0.5, 1),
    /// round(f · 2^31)). A per-tensor weight scale is used for every channel.
    /// </summary>
    public static (int[] Multipliers, int[] Shifts) ConvMultipliers(float inputScale, float[] weightScales, int channels, float outputScale)
    {
        var multipliers = new int[channels];
        var shifts = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            float ws = weightScales.Length == 1 ? weightScales[0] : weightScales[c];
            double real = (double)inputScale * (double)ws / (double)outputScale;
            (multipliers[c], shifts[c]) = Requantization.Quantize(real);
        }
        return (multipliers, shifts);
    }

    /// <summary>
    /// int8 MEAN over <paramref name="count"/> elements: TFLite quantizes M0 = (double)s_in / (double)s_out into
    /// (m, sh), then folds 1/count in by integer arithmetic: k = min(floor(log2(count)), 32, 31 + sh),
    /// m' = (m · 2^k) / count (64-bit, truncating), sh' = sh − k. m' need not be normalized (it can be below 2^30).
    /// </summary>
    public static (int Multiplier, int Shift) Mean(float inputScale, float outputScale, long count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "MEAN over no elements");
        }
        (int m, int sh) = Requantization.Quantize((double)inputScale / (double)outputScale);
        int k = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)count);
        k = Math.Min(k, 32);
        k = Math.Min(k, 31 + sh);
        long folded = ((long)m << k) / count;
        return ((int)folded, sh - k);
    }

    /// <summary>
    /// TFLite's CalculateActivationRangeQuantized for int8: quantize(f) = zp + (int)round(f / scale) in float32
    /// arithmetic (round half away from zero); NONE [-128, 127], RELU [max(-128, q(0)), 127], RELU6 [max(-128, q(0)),
    /// min(127, q(6))], RELU_N1_TO_1 [max(-128, q(-1)), min(127, q(1))]. Other activations are not supported.
    /// </summary>
    public static (int Min, int Max) ActivationRange(ActivationFunctionType activation, float scale, int zeroPoint, string where)
    {
        switch (activation)
        {
            case ActivationFunctionType.NONE:
                return (-128, 127);
            case ActivationFunctionType.RELU:
                return (Math.Max(-128, Quantize(0f, scale, zeroPoint)), 127);
            case ActivationFunctionType.RELU6:
                return (Math.Max(-128, Quantize(0f, scale, zeroPoint)), Math.Min(127, Quantize(6f, scale, zeroPoint)));
            case ActivationFunctionType.RELU_N1_TO_1:
                return (Math.Max(-128, Quantize(-1f, scale, zeroPoint)), Math.Min(127, Quantize(1f, scale, zeroPoint)));
            default:
                throw new TfliteImportException($"{where}: fused activation {activation} is not supported (NONE, RELU, RELU6, RELU_N1_TO_1 are)");
        }
    }

    private static int Quantize(float f, float scale, int zeroPoint)
    {
        float ratio = f / scale;
        return zeroPoint + (int)MathF.Round(ratio, MidpointRounding.AwayFromZero);
    }
}
