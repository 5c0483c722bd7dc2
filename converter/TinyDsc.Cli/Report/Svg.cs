using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;

namespace TinyDsc.Cli.Report;

/// <summary>
/// Small hand-written SVG charts for the HTML report: inline, no script, no fonts or files fetched. Every chart has a
/// title element (read by screen readers and shown as a tooltip) and axis labels in plain text.
/// </summary>
internal static class Svg
{
    public const string Blue = "#3b6ea8";
    public const string Orange = "#d9822b";
    public const string Red = "#c0392b";
    public const string Grey = "#888";
    public const string Green = "#2e8b57";
    private static readonly string[] SeriesColours = { Blue, Orange, Green, "#8e44ad" };

    public static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Esc(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Horizontal bars, one per row, with a labelled x axis and an optional reference line.</summary>
    public static string HorizontalBars(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values,
        IReadOnlyList<string> valueText, double max, string axis, double? marker, string? markerText,
        IReadOnlyList<string>? colours = null)
    {
        max = NiceMax(max);
        const int left = 260, right = 70, rowH = 18, top = 24;
        int width = 900, plot = width - left - right;
        int height = top + labels.Count * rowH + 36;
        var s = Open(width, height, title);
        for (int i = 0; i < labels.Count; i++)
        {
            double y = top + i * rowH;
            double w = max <= 0 ? 0 : Math.Clamp(values[i] / max, 0, 1) * plot;
            string colour = colours?[i] ?? Blue;
            s.Append($"<text x=\"{left - 6}\" y=\"{N(y + 13)}\" text-anchor=\"end\" class=\"lbl\">{Esc(labels[i])}</text>");
            s.Append($"<rect x=\"{left}\" y=\"{N(y + 3)}\" width=\"{N(w)}\" height=\"{rowH - 6}\" fill=\"{colour}\"/>");
            s.Append($"<text x=\"{N(left + w + 4)}\" y=\"{N(y + 13)}\" class=\"val\">{Esc(valueText[i])}</text>");
        }
        double bottom = top + labels.Count * rowH;
        Axis(s, left, plot, bottom, max, axis);
        if (marker is double m && max > 0 && m <= max)
        {
            double x = left + m / max * plot;
            s.Append($"<line x1=\"{N(x)}\" y1=\"{top - 4}\" x2=\"{N(x)}\" y2=\"{N(bottom)}\" stroke=\"{Red}\" stroke-dasharray=\"4 3\"/>");
            s.Append($"<text x=\"{N(x + 3)}\" y=\"{top - 8}\" class=\"lbl\" fill=\"{Red}\">{Esc(markerText ?? "")}</text>");
        }
        return s.Append("</svg>").ToString();
    }

    /// <summary>
    /// A histogram of counts (log scale) over [low, high] with the calibrated range [rangeLow, rangeHigh] shaded and
    /// its ends marked.
    /// </summary>
    public static string Histogram(string title, long[] counts, double low, double high, double rangeLow, double rangeHigh,
        string caption)
    {
        const int width = 280, height = 150, left = 8, right = 8, top = 8, plotH = 96;
        int plot = width - left - right;
        var s = Open(width, height, title);
        double maxLog = 0;
        foreach (long c in counts)
        {
            maxLog = Math.Max(maxLog, Math.Log10(1 + c));
        }
        double X(double v) => left + (v - low) / (high - low) * plot;
        s.Append($"<rect x=\"{N(X(rangeLow))}\" y=\"{top}\" width=\"{N(X(rangeHigh) - X(rangeLow))}\" height=\"{plotH}\" fill=\"#e8f0e8\"/>");
        double bw = (double)plot / counts.Length;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            double h = maxLog == 0 ? 0 : Math.Log10(1 + counts[i]) / maxLog * plotH;
            double binLow = low + i * (high - low) / counts.Length, binHigh = low + (i + 1) * (high - low) / counts.Length;
            string colour = binLow > rangeHigh || binHigh < rangeLow ? Red : Blue;
            s.Append($"<rect x=\"{N(left + i * bw)}\" y=\"{N(top + plotH - h)}\" width=\"{N(Math.Max(1, bw - 0.5))}\" height=\"{N(h)}\" fill=\"{colour}\"/>");
        }
        foreach (double edge in new[] { rangeLow, rangeHigh })
        {
            s.Append($"<line x1=\"{N(X(edge))}\" y1=\"{top}\" x2=\"{N(X(edge))}\" y2=\"{top + plotH}\" stroke=\"{Green}\" stroke-width=\"1.5\"/>");
        }
        s.Append($"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plot}\" y2=\"{top + plotH}\" stroke=\"#333\"/>");
        s.Append($"<text x=\"{N(X(rangeLow))}\" y=\"{top + plotH + 13}\" text-anchor=\"middle\" class=\"lbl\">{Esc(Short(rangeLow))}</text>");
        s.Append($"<text x=\"{N(X(rangeHigh))}\" y=\"{top + plotH + 13}\" text-anchor=\"middle\" class=\"lbl\">{Esc(Short(rangeHigh))}</text>");
        s.Append($"<text x=\"{left}\" y=\"{top + plotH + 30}\" class=\"lbl\">{Esc(caption)}</text>");
        return s.Append("</svg>").ToString();
    }

    /// <summary>Per-channel whiskers [low, high] around zero and, below, per-channel bars of a second quantity.</summary>
    public static string Channels(string title, float[] low, float[] high, double[] bars, string barsLabel)
    {
        int n = low.Length;
        const int left = 60, right = 10, top = 10, rangeH = 90, gap = 26, barH = 50;
        int width = Math.Max(300, Math.Min(900, left + right + n * 8));
        int plot = width - left - right;
        int height = top + rangeH + gap + barH + 22;
        var s = Open(width, height, title);
        double extent = 0, barMax = 0;
        for (int c = 0; c < n; c++)
        {
            extent = Math.Max(extent, Math.Max(Math.Abs(low[c]), Math.Abs(high[c])));
            barMax = Math.Max(barMax, bars[c]);
        }
        extent = extent == 0 ? 1 : extent;
        double step = (double)plot / n;
        double Y(double v) => top + rangeH / 2.0 - v / extent * (rangeH / 2.0);
        s.Append($"<line x1=\"{left}\" y1=\"{N(Y(0))}\" x2=\"{left + plot}\" y2=\"{N(Y(0))}\" stroke=\"#bbb\"/>");
        s.Append($"<text x=\"{left - 4}\" y=\"{N(Y(extent) + 9)}\" text-anchor=\"end\" class=\"lbl\">{Esc(Short(extent))}</text>");
        s.Append($"<text x=\"{left - 4}\" y=\"{N(Y(-extent))}\" text-anchor=\"end\" class=\"lbl\">{Esc(Short(-extent))}</text>");
        s.Append($"<text x=\"2\" y=\"{N(Y(0) + 4)}\" class=\"lbl\">weights</text>");
        double barTop = top + rangeH + gap;
        for (int c = 0; c < n; c++)
        {
            double x = left + (c + 0.5) * step;
            s.Append($"<line x1=\"{N(x)}\" y1=\"{N(Y(high[c]))}\" x2=\"{N(x)}\" y2=\"{N(Y(low[c]))}\" stroke=\"{Blue}\" stroke-width=\"{N(Math.Max(1, Math.Min(4, step * 0.6)))}\"/>");
            double h = barMax == 0 ? 0 : bars[c] / barMax * barH;
            s.Append($"<rect x=\"{N(left + c * step + step * 0.15)}\" y=\"{N(barTop + barH - h)}\" width=\"{N(Math.Max(0.8, step * 0.7))}\" height=\"{N(h)}\" fill=\"{Orange}\"/>");
        }
        s.Append($"<text x=\"{left - 4}\" y=\"{N(barTop + 9)}\" text-anchor=\"end\" class=\"lbl\">{Esc(Short(barMax))}</text>");
        s.Append($"<text x=\"2\" y=\"{N(barTop + barH / 2.0 + 4)}\" class=\"lbl\">{Esc(barsLabel)}</text>");
        s.Append($"<text x=\"{left}\" y=\"{height - 4}\" class=\"lbl\">output channel 0 … {n - 1}</text>");
        return s.Append("</svg>").ToString();
    }

    /// <summary>Step lines over operator indices, one per series, each with a dashed line at its own limit.</summary>
    public static string Timeline(string title, IReadOnlyList<string> names, IReadOnlyList<long[]> series,
        IReadOnlyList<long> limits, IReadOnlyList<string> xLabels)
    {
        const int width = 900, height = 300, left = 80, right = 20, top = 30, plotH = 200;
        int plot = width - left - right;
        int n = xLabels.Count;
        double max = 1;
        for (int k = 0; k < series.Count; k++)
        {
            max = Math.Max(max, limits[k]);
            foreach (long v in series[k])
            {
                max = Math.Max(max, v);
            }
        }
        max = NiceMax(max * 1.05);
        double step = (double)plot / Math.Max(1, n);
        double Y(double v) => top + plotH - v / max * plotH;
        var s = Open(width, height, title);
        for (int g = 0; g <= 4; g++)
        {
            double v = max * g / 4;
            s.Append($"<line x1=\"{left}\" y1=\"{N(Y(v))}\" x2=\"{left + plot}\" y2=\"{N(Y(v))}\" stroke=\"#eee\"/>");
            s.Append($"<text x=\"{left - 4}\" y=\"{N(Y(v) + 4)}\" text-anchor=\"end\" class=\"lbl\">{Esc(Bytes(v))}</text>");
        }
        for (int i = 0; i < n; i++)
        {
            s.Append($"<text x=\"{N(left + (i + 0.5) * step)}\" y=\"{top + plotH + 14}\" text-anchor=\"middle\" class=\"lbl\">{Esc(xLabels[i])}</text>");
        }
        s.Append($"<text x=\"{left + plot / 2}\" y=\"{top + plotH + 32}\" text-anchor=\"middle\" class=\"lbl\">operator</text>");
        for (int k = 0; k < series.Count; k++)
        {
            string colour = SeriesColours[k % SeriesColours.Length];
            var points = new StringBuilder();
            for (int i = 0; i < n; i++)
            {
                points.Append($"{N(left + i * step)},{N(Y(series[k][i]))} {N(left + (i + 1) * step)},{N(Y(series[k][i]))} ");
            }
            s.Append($"<polyline points=\"{points.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            s.Append($"<line x1=\"{left}\" y1=\"{N(Y(limits[k]))}\" x2=\"{left + plot}\" y2=\"{N(Y(limits[k]))}\" stroke=\"{colour}\" stroke-dasharray=\"6 4\"/>");
            s.Append($"<rect x=\"{left + 10 + k * 380}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"/>");
            s.Append($"<text x=\"{left + 26 + k * 380}\" y=\"16\" class=\"lbl\">{Esc(names[k])}; dashed: its arena</text>");
        }
        return s.Append("</svg>").ToString();
    }

    private static void Axis(StringBuilder s, int left, int plot, double y, double max, string label)
    {
        s.Append($"<line x1=\"{left}\" y1=\"{N(y)}\" x2=\"{left + plot}\" y2=\"{N(y)}\" stroke=\"#333\"/>");
        for (int g = 0; g <= 4; g++)
        {
            double x = left + plot * g / 4.0;
            s.Append($"<text x=\"{N(x)}\" y=\"{N(y + 14)}\" text-anchor=\"middle\" class=\"lbl\">{Esc(Tick(max * g / 4))}</text>");
        }
        s.Append($"<text x=\"{left + plot / 2}\" y=\"{N(y + 30)}\" text-anchor=\"middle\" class=\"lbl\">{Esc(label)}</text>");
    }

    private static StringBuilder Open(int width, int height, string title) =>
        new StringBuilder($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\"><title>{Esc(title)}</title>");

    public static string Short(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 7.5 × 10^k at or above <paramref name="v"/>: quarter ticks stay round.</summary>
    public static double NiceMax(double v)
    {
        if (v <= 0 || double.IsNaN(v) || double.IsInfinity(v))
        {
            return 1;
        }
        double p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10 })
        {
            if (m * p >= v * (1 - 1e-12))
            {
                return m * p;
            }
        }
        return 10 * p;
    }

    /// <summary>Axis label: 1.5 M, 250 k, 12.5, 0.004.</summary>
    private static string Tick(double v) =>
        Math.Abs(v) >= 1e6 ? N(v / 1e6) + " M" : Math.Abs(v) >= 1e4 ? N(v / 1e3) + " k" : Short(v);

    private static string Bytes(double v) => N(Math.Round(v)) + " B";
}
