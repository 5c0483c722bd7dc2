using System;

namespace TinyDsc.Converter.Calibration;

/// <summary>Calibration settings (CLI: --calibration-method, --percentile).</summary>
public sealed record CalibrationOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Upper percentile P for <see cref="CalibrationMethod.Percentile"/>, in (50, 100].</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>Histogram bins per value for the percentile method: the range error is at most (max − min) / bins.</summary>
    public int HistogramBins { get; init; } = 4096;

    public void Validate()
    {
        if (Method == CalibrationMethod.Percentile && !(Percentile > 50 && Percentile <= 100))
        {
            throw new ArgumentException($"--percentile must be in (50, 100], got {Percentile}");
        }
        if (HistogramBins < 16)
        {
            throw new ArgumentException($"histogram bins must be at least 16, got {HistogramBins}");
        }
    }
}
