using System;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Quantization;

/// <summary>
/// Asymmetric int8 quantization of one activation tensor: real = Scale · (q − ZeroPoint), q in [-128, 127].
/// </summary>
public readonly record struct QuantParams(float Scale, int ZeroPoint)
{
    /// <summary>Scale used for a value whose calibrated range is [0, 0] or next to it (it only ever holds zeros).</summary>
    public const float DegenerateScale = 1f / 255f;

    /// <summary>Ranges narrower than 255 · MinScale (values below ~1e-18) are treated as all-zero.</summary>
    public const float MinScale = 1e-20f;

    /// <summary>
    /// scale = (max − min) / 255, zp = round(−128 − min / scale) clamped to [-128, 127], from a range that contains 0
    /// (so zero maps to the integer zp exactly). The zero point is computed from the float32 scale that is stored.
    /// </summary>
    public static QuantParams FromRange(ValueRange range)
    {
        double min = range.Min;
        double max = range.Max;
        float scale = (float)((max - min) / 255.0);
        if (float.IsInfinity(scale))
        {
            throw new QuantizationException($"range {range} is too wide for a float32 scale");
        }
        if (scale < MinScale)
        {
            // Zero, or so narrow that every value rounds to zero at any usable scale.
            return new QuantParams(DegenerateScale, -128);
        }
        double zp = Math.Round(-128.0 - min / scale, MidpointRounding.AwayFromZero);
        return new QuantParams(scale, (int)Math.Clamp(zp, -128, 127));
    }

    /// <summary>
    /// The int8 clamp of a fused activation on a tensor with these parameters:
    /// None [-128, 127]; ReLU [max(-128, q(0)), 127]; ReLU6 [max(-128, q(0)), min(127, q(6))], with q = <see cref="QuantizeBound"/>
    /// (TFLite's CalculateActivationRangeQuantized).
    /// </summary>
    public (int Min, int Max) ActivationBounds(Activation activation)
    {
        switch (activation)
        {
            case Activation.None:
                return (-128, 127);
            case Activation.Relu:
                return (Math.Max(-128, ZeroPoint), 127);
            case Activation.Relu6:
                long upper = Math.Min(127L, QuantizeBound(6f));
                return (Math.Max(-128, ZeroPoint), (int)Math.Max(upper, Math.Max(-128, ZeroPoint)));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    public float Dequantize(int q) => Scale * (q - ZeroPoint);

    /// <summary>
    /// A clamp bound as TFLite quantizes it: zp + round(f / scale) with the division and the rounding (half away from
    /// zero) in float32, not double; near a tie the two differ by one. Not clamped to int8 (callers clamp).
    /// </summary>
    public long QuantizeBound(float f) => ZeroPoint + (long)MathF.Round(f / Scale, MidpointRounding.AwayFromZero);
}
