using System;
using System.Collections.Generic;

namespace TinyDsc.Converter.Calibration;

/// <summary>
/// Accumulates the values each named tensor takes over the calibration samples.
///
/// Min/max needs one pass. The percentile method needs two: the first finds each value's min and max, then
/// <see cref="BeginHistograms"/> fixes a histogram of <see cref="CalibrationOptions.HistogramBins"/> equal bins over
/// [min, max] per value and the second pass counts into it. The lower bound is the lower edge of the bin holding the
/// (100 − P)-th percentile and the upper bound the upper edge of the bin holding the P-th, so the clipped range is
/// never narrower than the exact percentiles. Memory is O(values · bins), independent of the sample count.
/// </summary>
public sealed class RangeCollector
{
    private readonly CalibrationOptions _options;
    private readonly Dictionary<string, Stats> _stats = new();
    private bool _histograms;

    public RangeCollector(CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Number of passes over the calibration data the method needs (1 for min/max, 2 for percentile).</summary>
    public int Passes => _options.Method == CalibrationMethod.Percentile ? 2 : 1;

    /// <summary>Records the values <paramref name="name"/> took for one sample.</summary>
    /// <exception cref="CalibrationException">A value is NaN or infinite.</exception>
    public void Observe(string name, ReadOnlySpan<float> values)
    {
        if (!_stats.TryGetValue(name, out Stats? s))
        {
            if (_histograms)
            {
                throw new InvalidOperationException($"value '{name}' first seen in the histogram pass");
            }
            _stats[name] = s = new Stats();
        }
        if (!_histograms)
        {
            float min = s.Min, max = s.Max;
            foreach (float v in values)
            {
                if (!float.IsFinite(v))
                {
                    throw new CalibrationException($"value '{name}' is {v} on the calibration data");
                }
                if (v < min)
                {
                    min = v;
                }
                if (v > max)
                {
                    max = v;
                }
            }
            s.Min = min;
            s.Max = max;
            s.Count += values.Length;
            return;
        }

        long[] bins = s.Bins!;
        double lo = s.Min;
        double width = s.BinWidth;
        int last = bins.Length - 1;
        foreach (float v in values)
        {
            int b = width > 0 ? (int)((v - lo) / width) : 0;
            bins[Math.Clamp(b, 0, last)]++;
        }
    }

    /// <summary>Ends the min/max pass and starts the histogram pass (percentile method only).</summary>
    public void BeginHistograms()
    {
        if (_options.Method != CalibrationMethod.Percentile || _histograms)
        {
            throw new InvalidOperationException("histograms are only built once, for the percentile method");
        }
        foreach (Stats s in _stats.Values)
        {
            s.Bins = new long[_options.HistogramBins];
            s.BinWidth = ((double)s.Max - s.Min) / _options.HistogramBins;
        }
        _histograms = true;
    }

    /// <summary>The calibrated range of every observed value, widened to contain 0.</summary>
    public Dictionary<string, ValueRange> Ranges()
    {
        if (_options.Method == CalibrationMethod.Percentile && !_histograms)
        {
            throw new InvalidOperationException("the percentile method needs the histogram pass first");
        }
        var result = new Dictionary<string, ValueRange>(_stats.Count);
        foreach ((string name, Stats s) in _stats)
        {
            if (s.Count == 0)
            {
                throw new CalibrationException($"value '{name}' was never observed");
            }
            if (_options.Method == CalibrationMethod.MinMax)
            {
                result[name] = new ValueRange(s.Min, s.Max);
                continue;
            }
            long[] bins = s.Bins!;
            long total = 0;
            foreach (long c in bins)
            {
                total += c;
            }
            double tail = (100.0 - _options.Percentile) / 100.0 * total;
            // Lowest bin whose cumulative count exceeds the lower tail, highest bin whose count from the top does.
            int lowBin = 0;
            long cumulative = 0;
            for (; lowBin < bins.Length - 1; lowBin++)
            {
                cumulative += bins[lowBin];
                if (cumulative > tail)
                {
                    break;
                }
            }
            int highBin = bins.Length - 1;
            cumulative = 0;
            for (; highBin > 0; highBin--)
            {
                cumulative += bins[highBin];
                if (cumulative > tail)
                {
                    break;
                }
            }
            float lo = (float)Math.Max(s.Min, s.Min + lowBin * s.BinWidth);
            float hi = (float)Math.Min(s.Max, s.Min + (highBin + 1) * s.BinWidth);
            result[name] = new ValueRange(Math.Min(lo, hi), Math.Max(lo, hi));
        }
        return result;
    }

    private sealed class Stats
    {
        public float Min = float.PositiveInfinity;
        public float Max = float.NegativeInfinity;
        public long Count;
        public long[]? Bins;
        public double BinWidth;
    }
}
