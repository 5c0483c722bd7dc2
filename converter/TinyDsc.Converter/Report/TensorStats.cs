using System;

namespace TinyDsc.Converter.Report;

/// <summary>
/// One int8 tensor compared with the float value it quantizes, over every sample of the report's input: error
/// (dequantized int8 against float), the calibrated range its scale and zero point cover, the share of float values
/// outside it, and a histogram of the float values.
/// </summary>
public sealed class TensorStats
{
    /// <summary>Histogram bins: the calibrated range spans the middle half, a quarter of it left and right.</summary>
    public const int Bins = 64;

    internal TensorStats(int index, string name, int producer, int[] shape, float scale, int zeroPoint)
    {
        Index = index;
        Name = name;
        Producer = producer;
        Shape = shape;
        Scale = scale;
        ZeroPoint = zeroPoint;
        RangeLow = scale * (-128 - zeroPoint);
        RangeHigh = scale * (127 - zeroPoint);
        double span = RangeHigh - RangeLow;
        HistogramLow = RangeLow - span / 2;
        HistogramHigh = RangeHigh + span / 2;
        Histogram = new long[Bins];
    }

    /// <summary>Tensor index in the .tdsc.</summary>
    public int Index { get; }

    /// <summary>Tensor name: the float-graph value name (ONNX), or the .tflite's tensor name.</summary>
    public string Name { get; }

    /// <summary>Index of the operator that writes it; −1 for the graph input.</summary>
    public int Producer { get; }

    /// <summary>Shape of one sample in the model's edge layout: PyTorch's ([1, C, H, W] or [1, C]), or a .tflite's NHWC
    /// (<see cref="ModelReport.Nhwc"/>).</summary>
    public int[] Shape { get; }

    public float Scale { get; }

    public int ZeroPoint { get; }

    /// <summary>Smallest real value int8 represents: scale · (−128 − zp): the calibrated range's low end.</summary>
    public double RangeLow { get; }

    /// <summary>Largest real value int8 represents: scale · (127 − zp).</summary>
    public double RangeHigh { get; }

    public long Count { get; private set; }

    /// <summary>Σ f² over every float value.</summary>
    public double Signal { get; private set; }

    /// <summary>Σ (f − q)² over every value, q the dequantized int8 value.</summary>
    public double Noise { get; private set; }

    public double MaxAbsError { get; private set; }

    /// <summary>
    /// Float values int8 saturates by more than half a step: outside [RangeLow − scale/2, RangeHigh + scale/2]. A value
    /// within half a step of the range rounds to the end value with no more than the usual rounding error.
    /// </summary>
    public long Clipped { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>10 · log10(Signal / Noise); +∞ when identical.</summary>
    public double SqnrDb => Noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(Signal / Noise);

    public double ClippedShare => Count == 0 ? 0 : (double)Clipped / Count;

    public double HistogramLow { get; }

    public double HistogramHigh { get; }

    /// <summary>Counts of float values per bin over [HistogramLow, HistogramHigh]; values beyond go to the end bins.</summary>
    public long[] Histogram { get; }

    /// <summary>Adds one pair of values.</summary>
    internal void Add(float f, float q)
    {
        double e = (double)f - q;
        Count++;
        Signal += (double)f * f;
        Noise += e * e;
        MaxAbsError = Math.Max(MaxAbsError, Math.Abs(e));
        if (f < RangeLow - Scale / 2.0 || f > RangeHigh + Scale / 2.0)
        {
            Clipped++;
        }
        Min = Math.Min(Min, f);
        Max = Math.Max(Max, f);
        int bin = (int)Math.Floor((f - HistogramLow) / (HistogramHigh - HistogramLow) * Bins);
        Histogram[Math.Clamp(bin, 0, Bins - 1)]++;
    }
}
