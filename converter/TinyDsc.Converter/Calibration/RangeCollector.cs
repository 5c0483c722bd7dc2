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

    /// <summary>Number of passes over the calibration data the method needs (1 for min/max, 2 for the histogram
    /// methods: percentile, mse, auto).</summary>
    public int Passes => _options.Method == CalibrationMethod.MinMax ? 1 : 2;

    /// <summary>Values the auto method keeps at min/max (the graph input and output); set before <see cref="Ranges"/>.</summary>
    public ISet<string> MinMaxValues { get; set; } = new HashSet<string>();

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
        if (_options.Method == CalibrationMethod.MinMax || _histograms)
        {
            throw new InvalidOperationException("histograms are only built once, for the histogram methods");
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
        if (_options.Method != CalibrationMethod.MinMax && !_histograms)
        {
            throw new InvalidOperationException($"the {_options.Method} method needs the histogram pass first");
        }
        var result = new Dictionary<string, ValueRange>(_stats.Count);
        foreach ((string name, Stats s) in _stats)
        {
            if (s.Count == 0)
            {
                throw new CalibrationException($"value '{name}' was never observed");
            }
            CalibrationMethod method = _options.Method;
            if (method == CalibrationMethod.Auto)
            {
                method = !MinMaxValues.Contains(name) && LongTailed(s) ? CalibrationMethod.Mse : CalibrationMethod.MinMax;
            }
            if (method == CalibrationMethod.MinMax)
            {
                result[name] = new ValueRange(s.Min, s.Max);
                continue;
            }
            if (method == CalibrationMethod.Mse)
            {
                result[name] = MseRange(s);
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

    /// <summary>Largest magnitude over twice the 99.99th-percentile magnitude (from the histogram's bin edges).</summary>
    private static bool LongTailed(Stats s)
    {
        long[] bins = s.Bins!;
        long total = 0;
        foreach (long c in bins)
        {
            total += c;
        }
        double tail = 1e-4 * total;
        double maxAbs = Math.Max(Math.Abs((double)s.Min), Math.Abs((double)s.Max));
        // Magnitude below which all but the top 0.01 % of values lie: walk both ends inwards.
        int lo = 0, hi = bins.Length - 1;
        long outside = 0;
        while (lo < hi)
        {
            double loMag = Math.Abs(s.Min + lo * s.BinWidth), hiMag = Math.Abs(s.Min + (hi + 1) * s.BinWidth);
            long next = loMag >= hiMag ? bins[lo] : bins[hi];
            if (outside + next > tail)
            {
                break;
            }
            outside += next;
            if (loMag >= hiMag)
            {
                lo++;
            }
            else
            {
                hi--;
            }
        }
        double p9999 = Math.Max(Math.Abs(s.Min + lo * s.BinWidth), Math.Abs(s.Min + (hi + 1) * s.BinWidth));
        return maxAbs > 2 * p9999;
    }

    /// <summary>
    /// The range minimising the expected squared error E(lo, hi) = [Σ_{x&lt;lo} c(x)(x − lo)² + Σ_{x&gt;hi} c(x)(x − hi)²
    /// + N_inside · Δ²/12] / N, Δ = (hi − lo)/255, with x the bin centres and lo, hi bin edges (lo ≤ 0 ≤ hi, as every
    /// range holds 0). Prefix sums of c, c·x, c·x² make each E O(1); a search every 16th edge pair, then every edge
    /// within 16 of the best, keeps it at about 70,000 evaluations per value.
    /// </summary>
    private static ValueRange MseRange(Stats s)
    {
        long[] bins = s.Bins!;
        int n = bins.Length;
        if (s.BinWidth <= 0)
        {
            return new ValueRange(s.Min, s.Max);
        }
        var c = new double[n + 1];
        var cx = new double[n + 1];
        var cxx = new double[n + 1];
        for (int b = 0; b < n; b++)
        {
            double x = s.Min + (b + 0.5) * s.BinWidth;
            c[b + 1] = c[b] + bins[b];
            cx[b + 1] = cx[b] + bins[b] * x;
            cxx[b + 1] = cxx[b] + bins[b] * x * x;
        }
        double Edge(int e) => s.Min + e * s.BinWidth;
        // Edge indices 0..n; lo edge l clips bins [0, l), hi edge h clips bins [h, n).
        double Error(int l, int h)
        {
            double lo = Math.Min(Edge(l), 0), hi = Math.Max(Edge(h), 0);
            double below = cxx[l] - 2 * lo * cx[l] + lo * lo * c[l];
            double above = (cxx[n] - cxx[h]) - 2 * hi * (cx[n] - cx[h]) + hi * hi * (c[n] - c[h]);
            double step = (hi - lo) / 255;
            return below + above + (c[h] - c[l]) * step * step / 12;
        }
        // The range holds 0: lo edges at or below 0, hi edges at or above it.
        int lMax = 0, hMin = n;
        while (lMax < n && Edge(lMax + 1) <= 0)
        {
            lMax++;
        }
        while (hMin > 0 && Edge(hMin - 1) >= 0)
        {
            hMin--;
        }
        int bestL = 0, bestH = n;
        double best = Error(0, n);
        void Search(int l0, int l1, int h0, int h1, int stride)
        {
            for (int l = Math.Max(0, l0); l <= Math.Min(lMax, l1); l += stride)
            {
                for (int h = Math.Max(Math.Max(l + 1, hMin), h0); h <= Math.Min(n, h1); h += stride)
                {
                    double e = Error(l, h);
                    if (e < best)
                    {
                        best = e;
                        bestL = l;
                        bestH = h;
                    }
                }
            }
        }
        const int coarse = 16;
        Search(0, n, 0, n, coarse);
        Search(0, n, n, n, 1); // the max edge with every lo, and the min edge with every hi: one-sided clipping
        Search(0, 0, 0, n, 1);
        int cl = bestL, ch = bestH;
        Search(cl - coarse, cl + coarse, ch - coarse, ch + coarse, 1);
        float rangeLo = (float)Math.Max(s.Min, Edge(bestL)), rangeHi = (float)Math.Min(s.Max, Edge(bestH));
        return new ValueRange(Math.Min(rangeLo, rangeHi), Math.Max(rangeLo, rangeHi));
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
