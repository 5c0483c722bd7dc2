using System;

namespace TinyDsc.Converter.Calibration;

/// <summary>The calibrated float range of one value; always contains 0 so that zero is exactly representable.</summary>
public readonly record struct ValueRange
{
    public ValueRange(float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max) || min > max)
        {
            throw new ArgumentException($"invalid range [{min}, {max}]");
        }
        Min = Math.Min(min, 0f);
        Max = Math.Max(max, 0f);
    }

    public float Min { get; }
    public float Max { get; }

    public override string ToString() => $"[{Min:G6}, {Max:G6}]";
}
