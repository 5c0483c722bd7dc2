using System;
using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using Xunit;

namespace TinyDsc.Converter.Tests.Calibration;

/// <summary>
/// --calibration-method mse and auto. The MSE range is checked against the definition, not against itself: the squared
/// error of really quantizing the values (TFLite asymmetric int8: scale (hi − lo)/255, zero point round(−128 − lo/s),
/// clamp, dequantize) must be no larger with the MSE range than with min/max or the 99.99 percentile.
/// </summary>
public sealed class MseCalibrationTests
{
    private static Dictionary<string, ValueRange> Collect(CalibrationMethod method, Dictionary<string, float[]> values, ISet<string>? minMax = null)
    {
        var c = new RangeCollector(new CalibrationOptions { Method = method }) { MinMaxValues = minMax ?? new HashSet<string>() };
        for (int pass = 0; pass < c.Passes; pass++)
        {
            if (pass == 1)
            {
                c.BeginHistograms();
            }
            foreach ((string name, float[] v) in values)
            {
                c.Observe(name, v);
            }
        }
        return c.Ranges();
    }

    /// <summary>Mean squared error of quantizing <paramref name="x"/> to int8 with range <paramref name="r"/>.</summary>
    private static double QuantizationMse(float[] x, ValueRange r)
    {
        double s = ((double)r.Max - r.Min) / 255;
        double zp = Math.Round(-128 - r.Min / s);
        double sum = 0;
        foreach (float v in x)
        {
            double q = Math.Clamp(Math.Round(v / s) + zp, -128, 127);
            double d = (q - zp) * s - v;
            sum += d * d;
        }
        return sum / x.Length;
    }

    /// <summary>Laplace-distributed values (a long-tailed activation), fixed seed.</summary>
    private static float[] Laplace(int n, int seed)
    {
        var random = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u = random.NextDouble() - 0.5;
            x[i] = (float)(-Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u)));
        }
        return x;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mse_OnALongTail_BeatsMinMaxAndPercentile(int seed)
    {
        float[] x = Laplace(200_000, seed);
        var values = new Dictionary<string, float[]> { ["a"] = x };
        ValueRange mse = Collect(CalibrationMethod.Mse, values)["a"];
        ValueRange minMax = Collect(CalibrationMethod.MinMax, values)["a"];
        ValueRange percentile = Collect(CalibrationMethod.Percentile, values)["a"];
        double eMse = QuantizationMse(x, mse), eMinMax = QuantizationMse(x, minMax), ePercentile = QuantizationMse(x, percentile);
        Assert.True(eMse < eMinMax, $"seed {seed}: mse {eMse} ({mse}) vs minmax {eMinMax} ({minMax})");
        Assert.True(eMse <= ePercentile, $"seed {seed}: mse {eMse} ({mse}) vs percentile {ePercentile} ({percentile})");
        // It clips the tails: the range is inside min/max on both sides.
        Assert.True(mse.Max < minMax.Max && mse.Min > minMax.Min, $"seed {seed}: {mse} vs {minMax}");
    }

    /// <summary>Uniform values have no tail worth clipping: the MSE range stays within 2 % of min/max.</summary>
    [Fact]
    public void Mse_OnAUniformSpread_KeepsTheRange()
    {
        var random = new Random(7);
        var x = new float[100_000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(2 * random.NextDouble() - 1);
        }
        ValueRange r = Collect(CalibrationMethod.Mse, new Dictionary<string, float[]> { ["u"] = x })["u"];
        Assert.InRange(r.Max, 0.98, 1.0);
        Assert.InRange(r.Min, -1.0, -0.98);
    }

    /// <summary>A one-sided (post-ReLU) value keeps 0 as its lower end.</summary>
    [Fact]
    public void Mse_OneSided_StartsAtZero()
    {
        float[] x = Laplace(50_000, 4);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Abs(x[i]);
        }
        ValueRange r = Collect(CalibrationMethod.Mse, new Dictionary<string, float[]> { ["r"] = x })["r"];
        Assert.Equal(0f, r.Min);
        float max = 0;
        foreach (float v in x)
        {
            max = Math.Max(max, v);
        }
        Assert.True(r.Max > 1 && r.Max < max, $"{r} vs max {max}");
    }

    /// <summary>auto: the graph input and output stay min/max; a long-tailed inner value (max magnitude over twice its
    /// 99.99th-percentile magnitude) gets the MSE range; a uniform inner value keeps min/max.</summary>
    [Fact]
    public void Auto_PicksPerValue()
    {
        // Laplace plus 10 rare outliers at ±60, five times the bulk's largest values: a long tail by auto's rule.
        float[] tail = Laplace(200_000, 5);
        for (int i = 0; i < 10; i++)
        {
            tail[i * 997] = i % 2 == 0 ? 60 : -60;
        }
        var random = new Random(6);
        var flat = new float[200_000];
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = (float)(2 * random.NextDouble() - 1);
        }
        var values = new Dictionary<string, float[]> { ["input"] = tail, ["inner"] = tail, ["flat"] = flat, ["output"] = tail };
        var minMax = new HashSet<string> { "input", "output" };
        Dictionary<string, ValueRange> auto = Collect(CalibrationMethod.Auto, values, minMax);
        Dictionary<string, ValueRange> mm = Collect(CalibrationMethod.MinMax, values);
        Dictionary<string, ValueRange> mse = Collect(CalibrationMethod.Mse, values);
        Assert.Equal(mm["input"], auto["input"]);
        Assert.Equal(mm["output"], auto["output"]);
        Assert.Equal(mse["inner"], auto["inner"]);
        Assert.Equal(mm["flat"], auto["flat"]);
    }
}
