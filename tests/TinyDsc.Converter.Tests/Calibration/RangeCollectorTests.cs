using System;
using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using Xunit;

namespace TinyDsc.Converter.Tests.Calibration;

public sealed class RangeCollectorTests
{
    [Fact]
    public void MinMax_OverAllSamples_WidenedToZero()
    {
        var c = new RangeCollector(new CalibrationOptions());
        c.Observe("a", new[] { 1f, 3f });
        c.Observe("a", new[] { 2f, 5f });
        c.Observe("b", new[] { -2f, -1f });
        Dictionary<string, ValueRange> r = c.Ranges();
        Assert.Equal((0f, 5f), (r["a"].Min, r["a"].Max));
        Assert.Equal((-2f, 0f), (r["b"].Min, r["b"].Max));
    }

    [Fact]
    public void Percentile_ClipsARareOutlier_ButKeepsTheBulk()
    {
        var options = new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = 99.9 };
        var c = new RangeCollector(options);
        float[] sample = new float[10000];
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] = i - 2000; // -2000 .. 7999
        }
        sample[123] = 1e6f;
        sample[124] = -1e6f;
        Assert.Equal(2, c.Passes);
        c.Observe("x", sample);
        c.BeginHistograms();
        c.Observe("x", sample);
        ValueRange r = c.Ranges()["x"];
        // 0.1 % of 10000 = 10 values per tail may be clipped; bins are 2e6 / 4096 ≈ 488 wide, and the bounds are the
        // outer edges of the bins holding the percentiles, so each bound is within one bin of the exact percentile.
        double bin = 2e6 / options.HistogramBins;
        Assert.InRange(r.Max, 7989 - 1e-3, 7989 + bin);
        Assert.InRange(r.Min, -1990 - bin, -1990 + 1e-3);
    }

    [Fact]
    public void Percentile100_EqualsMinMaxUpToOneBin()
    {
        var c = new RangeCollector(new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = 100 });
        float[] sample = { -1f, 0.5f, 2f };
        c.Observe("x", sample);
        c.BeginHistograms();
        c.Observe("x", sample);
        ValueRange r = c.Ranges()["x"];
        Assert.Equal(-1f, r.Min);
        Assert.Equal(2f, r.Max);
    }

    [Fact]
    public void NaN_IsRejectedWithTheValueName()
    {
        var c = new RangeCollector(new CalibrationOptions());
        var e = Assert.Throws<CalibrationException>(() => c.Observe("conv1", new[] { 1f, float.NaN }));
        Assert.Contains("'conv1'", e.Message);
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(100.5)]
    public void PercentileOutOfRange_IsRejected(double p)
    {
        Assert.Throws<ArgumentException>(() =>
            new RangeCollector(new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = p }));
    }
}
