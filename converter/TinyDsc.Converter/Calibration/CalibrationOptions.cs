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

    /// <summary>Worker threads running the float reference over the samples (CLI: --threads; default the core count).
    /// The ranges do not depend on it.</summary>
    public int Threads { get; init; } = Pipeline.Workers.DefaultThreads;

    public void Validate()
    {
        if (Threads < 1 || Threads > 1024)
        {
            throw new ArgumentException($"--threads must be between 1 and 1024, got {Threads}");
        }
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
