using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TinyDsc.Cli.Commands;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Validation;
using TinyDsc.Converter.Report;
using static TinyDsc.Cli.Report.Svg;

namespace TinyDsc.Cli.Report;

/// <summary>
/// Renders a <see cref="ModelReport"/> as one self-contained HTML page: inline CSS and SVG, no script, and a
/// Content-Security-Policy that forbids every fetch, so the page works offline and cannot reach the network. Tables
/// carry ids (summary, layers, calibration, weights, arena, cost, board) and the output metrics are formatted as
/// `tinydsc verify` prints them.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Below this SQNR a layer is flagged (issue 9: the level verify warns at).</summary>
    public const double LowSqnrDb = 20;

    /// <summary>Above this share of clipped values a tensor is flagged.</summary>
    public const double LargeClippedShare = 0.01;

    public static string Render(ModelReport r, string version)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
        h.Append($"<title>TinyDsc report: {Esc(FileName(r.TdscFile))}</title><style>{Css}</style></head><body>");
        h.Append($"<h1>TinyDsc report: {Esc(FileName(r.TdscFile))}</h1>");
        h.Append($"<p class=\"meta\">reference ({Esc(r.ReferenceKind)}) <code>{Esc(r.ReferenceFile)}</code> · int8 <code>{Esc(r.TdscFile)}</code> · input <code>{Esc(r.InputFile)}</code>");
        if (r.LabelsFile != null)
        {
            h.Append($" · labels <code>{Esc(r.LabelsFile)}</code>");
        }
        h.Append($" · tinydsc {Esc(version)}</p>");
        if (r.FusedBlocks > 0)
        {
            h.Append($"<p class=\"meta\" id=\"fused-note\">The .tdsc runs {r.FusedBlocks} fused block(s), whose internal tensors never " +
                "exist whole; the per-layer comparison and the cost rows run the same model unfused (identical int8 bytes). " +
                "Memory and board fit are the fused model's.</p>");
        }
        h.Append("<nav><a href=\"#s-summary\">summary</a> <a href=\"#s-layers\">per-layer error</a> <a href=\"#s-histograms\">activations</a> " +
            "<a href=\"#s-weights\">weights</a> <a href=\"#s-arena\">arena</a> <a href=\"#s-cost\">cost</a> <a href=\"#s-board\">board fit</a></nav>");
        Summary(h, r);
        Layers(h, r);
        Histograms(h, r);
        Weights(h, r);
        Arena(h, r);
        Cost(h, r);
        Board(h, r);
        h.Append("</body></html>");
        return h.ToString();
    }

    private static void Summary(StringBuilder h, ModelReport r)
    {
        OutputComparison m = r.Output;
        int n = m.Samples;
        h.Append("<section id=\"s-summary\"><h2>Summary</h2><div class=\"cards\">");
        Card(h, "output SQNR", Format.Db(m.SqnrDb), m.SqnrDb < LowSqnrDb);
        Card(h, "board fit (estimate)", BoardSummary(r), r.Boards[0].Fit != Fit.Fits);
        long il = r.Costs.Sum(c => c.EstimatedIl);
        Card(h, "estimated time per inference", Ms(il * CostEstimate.DesktopNanoClrNsPerIl / 1e6) + " (x86 nanoCLR)", false);
        h.Append("</div><table id=\"summary\"><tr><th>metric (as tinydsc verify)</th><th>value</th></tr>");
        Row(h, "samples", n.ToString(CultureInfo.InvariantCulture), "samples");
        Row(h, "SQNR (int8 vs float)", Format.Db(m.SqnrDb), "sqnr");
        Row(h, "max abs error", Format.MaxAbsError(m), "max-abs-error");
        Row(h, "cosine similarity", m.Cosine.ToString("F6", CultureInfo.InvariantCulture), "cosine");
        if (m.Top1Agreement is double agreement)
        {
            Row(h, "top-1 agreement", Format.Percent(agreement, n), "top1-agreement");
        }
        if (m.FloatAccuracy is double fa && m.Int8Accuracy is double qa)
        {
            Row(h, "float accuracy", Format.Percent(fa, n), "float-accuracy");
            Row(h, "int8 accuracy", Format.Percent(qa, n), "int8-accuracy");
        }
        h.Append("</table>");
        var flagged = new List<string>();
        foreach (TensorStats t in r.Tensors)
        {
            if (t.SqnrDb < LowSqnrDb)
            {
                flagged.Add($"{t.Name}: SQNR {Format.Db(t.SqnrDb)} (below {LowSqnrDb:0} dB)");
            }
            if (t.ClippedShare > LargeClippedShare)
            {
                flagged.Add($"{t.Name}: {Pct(t.ClippedShare)} of values outside the calibrated range");
            }
        }
        h.Append("<h3>Calibration summary</h3><p>The calibrated range of a tensor is what its int8 scale and zero point represent: " +
            "[scale·(−128 − zp), scale·(127 − zp)]. Values of this input more than half a step outside it are clipped " +
            "(int8 saturates them with more than the rounding error). " +
            "“Range used” is the share of the calibrated range this input's values span: low values waste int8 resolution.</p>");
        h.Append(flagged.Count == 0
            ? "<p class=\"ok\" id=\"calibration-verdict\">No tensor clips more than 1 % of its values and every tensor keeps at least 20 dB SQNR on this input.</p>"
            : "<ul class=\"warn\" id=\"calibration-verdict\">" + string.Concat(flagged.Select(f => $"<li>{Esc(f)}</li>")) + "</ul>");
        h.Append("<table id=\"calibration\"><tr><th>#</th><th>tensor</th><th>calibrated range</th><th>observed range</th>" +
            "<th>clipped</th><th>range used</th></tr>");
        foreach (TensorStats t in r.Tensors)
        {
            double used = (Math.Min(t.Max, t.RangeHigh) - Math.Max(t.Min, t.RangeLow)) / (t.RangeHigh - t.RangeLow);
            h.Append($"<tr><td>{t.Index}</td><td>{Esc(t.Name)}</td><td>[{Short(t.RangeLow)}, {Short(t.RangeHigh)}]</td>" +
                $"<td>[{Short(t.Min)}, {Short(t.Max)}]</td><td class=\"{(t.ClippedShare > LargeClippedShare ? "bad" : "")}\">{Pct(t.ClippedShare)}</td>" +
                $"<td>{Pct(Math.Max(0, used))}</td></tr>");
        }
        h.Append("</table></section>");
    }

    private static void Layers(StringBuilder h, ModelReport r)
    {
        h.Append("<section id=\"s-layers\"><h2>Per-layer error</h2><p>Every tensor of the int8 model, dequantized, against the float " +
            "reference's value of the same name, over every sample (the interpreter's observer reads each operator's output " +
            "before the memory plan reuses its bytes). SQNR = 10·log10(Σf² / Σ(f − q)²).</p>");
        var labels = new List<string>();
        var values = new List<double>();
        var texts = new List<string>();
        var colours = new List<string>();
        double max = 0;
        foreach (TensorStats t in r.Tensors)
        {
            labels.Add($"{t.Index} {Trim(t.Name, 30)}");
            double v = double.IsPositiveInfinity(t.SqnrDb) ? 0 : t.SqnrDb;
            values.Add(v);
            texts.Add(Format.Db(t.SqnrDb));
            colours.Add(t.SqnrDb < LowSqnrDb ? Red : Blue);
            max = Math.Max(max, v);
        }
        double axisMax = Math.Max(40, max);
        h.Append("<figure>").Append(HorizontalBars("SQNR per tensor", labels, values, texts, axisMax, "SQNR (dB)", LowSqnrDb, "20 dB", colours))
            .Append("</figure>");
        h.Append($"<table id=\"layers\"><tr><th>#</th><th>tensor</th><th>written by</th><th>kernel</th><th>shape ({(r.Nhwc ? "NHWC" : "NCHW")})</th>" +
            "<th>scale</th><th>zp</th><th>SQNR</th><th>max abs error</th><th>clipped</th></tr>");
        foreach (TensorStats t in r.Tensors)
        {
            string op = t.Producer < 0 ? "graph input" : $"{t.Producer} {r.Costs[t.Producer].Op}";
            string kernel = t.Producer < 0 ? "" : r.Costs[t.Producer].Kernel;
            h.Append($"<tr data-tensor=\"{t.Index}\"><td>{t.Index}</td><td>{Esc(t.Name)}</td><td>{Esc(op)}</td><td>{Esc(kernel)}</td>" +
                $"<td>{Esc(ModelShapes.Text(t.Shape))}</td><td>{Short(t.Scale)}</td><td>{t.ZeroPoint}</td>" +
                $"<td class=\"num {(t.SqnrDb < LowSqnrDb ? "bad" : "")}\" data-sqnr=\"{R(t.SqnrDb)}\">{Format.Db(t.SqnrDb)}</td>" +
                $"<td class=\"num\" data-max-abs-error=\"{R(t.MaxAbsError)}\">{Format.Number(t.MaxAbsError)}</td><td class=\"num\">{Pct(t.ClippedShare)}</td></tr>");
        }
        h.Append("</table></section>");
    }

    private static void Histograms(StringBuilder h, ModelReport r)
    {
        h.Append("<section id=\"s-histograms\"><h2>Activation histograms</h2><p>Float values of each tensor on this input " +
            "(counts on a log scale). Shaded, between the green lines: the calibrated range; red bars: values int8 clips. " +
            "The plot spans the calibrated range plus half of it on each side; values beyond fall in the end bins.</p><div class=\"grid\">");
        foreach (TensorStats t in r.Tensors)
        {
            string caption = $"clipped {Pct(t.ClippedShare)} · observed [{Short(t.Min)}, {Short(t.Max)}]";
            h.Append($"<figure class=\"hist\"><figcaption>{t.Index} {Esc(Trim(t.Name, 34))}</figcaption>")
                .Append(Histogram($"histogram of {t.Name}", t.Histogram, t.HistogramLow, t.HistogramHigh, t.RangeLow, t.RangeHigh, caption))
                .Append("</figure>");
        }
        h.Append("</div></section>");
    }

    private static void Weights(StringBuilder h, ModelReport r)
    {
        h.Append("<section id=\"s-weights\"><h2>Per-channel weights</h2><p>Symmetric int8 weights, one scale per output channel " +
            "(s_w[c] = max|w_c| / 127 when the converter quantized them; an int8 .tflite's own scales, per channel or per tensor, " +
            "taken as given). Scales are read back from the .tdsc's requantization: s_w[c] = M[c]·s_out / s_in. " +
            "Per layer: float weight range per channel (blue) and scale per channel (orange). A large max/min scale ratio " +
            "is fine for per-channel quantization; a channel whose int8 range is far from ±127 has lost resolution.</p>");
        h.Append("<table id=\"weights\"><tr><th>op</th><th>node</th><th>channels</th><th>scale min</th><th>scale median</th>" +
            "<th>scale max</th><th>float range</th><th>int8 range</th></tr>");
        foreach (WeightStats w in r.Weights)
        {
            double[] sorted = w.Scale.OrderBy(x => x).ToArray();
            h.Append($"<tr><td>{w.Operator}</td><td>{Esc(w.Node)}</td><td>{w.Channels}</td><td>{Short(sorted[0])}</td>" +
                $"<td>{Short(sorted[sorted.Length / 2])}</td><td>{Short(sorted[^1])}</td>" +
                $"<td>[{Short(w.FloatMin.Min())}, {Short(w.FloatMax.Max())}]</td><td>[{w.IntMin.Min()}, {w.IntMax.Max()}]</td></tr>");
        }
        h.Append("</table><div class=\"grid\">");
        foreach (WeightStats w in r.Weights)
        {
            h.Append($"<figure><figcaption>op {w.Operator} {Esc(Trim(w.Node, 40))}: {w.Channels} channels</figcaption>")
                .Append(Channels($"weights of op {w.Operator}", w.FloatMin, w.FloatMax, w.Scale, "scale"))
                .Append("</figure>");
        }
        h.Append("</div></section>");
    }

    private static void Arena(StringBuilder h, ModelReport r)
    {
        h.Append("<section id=\"s-arena\"><h2>Arena timeline</h2><p>Bytes of activations live while each operator runs " +
            "(tensor lifetimes as the converter's planner computes them). The arena is what the plan allocates; " +
            "it equals the peak when the plan packs perfectly.</p>");
        var xs = r.Costs.Select(c => c.Index.ToString(CultureInfo.InvariantCulture)).ToList();
        h.Append("<figure>").Append(Timeline("arena bytes live per operator", r.Arena.Select(a => a.Name).ToList(),
            r.Arena.Select(a => a.LiveBytes).ToList(), r.Arena.Select(a => a.ArenaBytes).ToList(), xs)).Append("</figure>");
        h.Append("<table id=\"arena\"><tr><th>op</th><th>kind</th>");
        foreach (ArenaSeries a in r.Arena)
        {
            h.Append($"<th>live bytes, {Esc(a.Name)}</th>");
        }
        h.Append("</tr>");
        for (int i = 0; i < r.Costs.Count; i++)
        {
            h.Append($"<tr><td>{i}</td><td>{Esc(r.Costs[i].Op)}</td>");
            foreach (ArenaSeries a in r.Arena)
            {
                h.Append($"<td class=\"num\">{Format.Bytes(a.LiveBytes[i])}</td>");
            }
            h.Append("</tr>");
        }
        h.Append("<tr><th colspan=\"2\">arena</th>");
        foreach (ArenaSeries a in r.Arena)
        {
            h.Append($"<th class=\"num\">{Format.Bytes(a.ArenaBytes)}</th>");
        }
        h.Append("</tr></table></section>");
    }

    private static void Cost(StringBuilder h, ModelReport r)
    {
        long macs = r.Costs.Sum(c => c.Macs), il = r.Costs.Sum(c => c.EstimatedIl);
        double x86 = CostEstimate.DesktopNanoClrNsPerIl, esp = x86 * CostEstimate.Esp32SlowdownAssumed;
        h.Append("<section id=\"s-cost\"><h2>Cost per operator (estimate)</h2><p class=\"estimate\"><b>Estimates, not measurements.</b> " +
            "IL instructions per operator come from per-kernel formulas fitted to exact IL counts (IlCounter; runtime/README.md " +
            "“Cost”), within 1 % per operator on the bundled model's layers and up to 50 % low on very small feature maps. " +
            $"Time assumes a flat cost per IL instruction (docs/DESIGN.md): {N(x86)} ns per IL on nanoCLR built for an x86 desktop core " +
            $"(measured there); for an ESP32 an unmeasured slowdown of {N(CostEstimate.Esp32SlowdownAssumed)}× is assumed ({N(esp)} ns per IL).</p>");
        var labels = r.Costs.Select(c => $"{c.Index} {c.Kernel}").ToList();
        var values = r.Costs.Select(c => (double)c.EstimatedIl).ToList();
        var texts = r.Costs.Select(c => Millions(c.EstimatedIl)).ToList();
        h.Append("<figure>").Append(HorizontalBars("estimated IL per operator", labels, values, texts, Math.Max(1, values.Max()),
            "estimated IL instructions", null, null)).Append("</figure>");
        h.Append("<table id=\"cost\"><tr><th>#</th><th>op</th><th>kernel</th><th>shape (NHWC)</th><th>MACs</th><th>est. IL</th>" +
            "<th>est. IL/MAC</th><th>formula</th><th>est. ms, x86 nanoCLR</th><th>est. ms, ESP32 (assumed)</th></tr>");
        foreach (OperatorCost c in r.Costs)
        {
            h.Append($"<tr><td>{c.Index}</td><td>{Esc(c.Op)}</td><td>{Esc(c.Kernel)}</td><td>{Esc(c.Shape)}</td>" +
                $"<td class=\"num\" data-macs=\"{c.Macs}\">{Count(c.Macs)}</td><td class=\"num\">{Count(c.EstimatedIl)}</td>" +
                $"<td class=\"num\">{(c.Macs > 0 ? ((double)c.EstimatedIl / c.Macs).ToString("F1", CultureInfo.InvariantCulture) : "–")}</td>" +
                $"<td>{Esc(c.Basis)}</td><td class=\"num\">{Ms3(c.EstimatedIl * x86 / 1e6)}</td><td class=\"num\">{Ms3(c.EstimatedIl * esp / 1e6)}</td></tr>");
        }
        h.Append($"<tr class=\"total\"><th colspan=\"4\">per inference</th><th class=\"num\" data-macs=\"{macs}\">{Count(macs)}</th>" +
            $"<th class=\"num\">{Count(il)}</th><th class=\"num\">{(macs > 0 ? ((double)il / macs).ToString("F2", CultureInfo.InvariantCulture) : "–")}</th>" +
            $"<th></th><th class=\"num\">{Ms3(il * x86 / 1e6)}</th><th class=\"num\">{Ms3(il * esp / 1e6)}</th></tr></table></section>");
    }

    private static void Board(StringBuilder h, ModelReport r)
    {
        HeapEstimate e = r.Heap;
        h.Append("<section id=\"s-board\"><h2>Board fit (estimate)</h2>");
        h.Append($"<p id=\"board-verdict\"><b>{Esc(BoardSummary(r))}</b>. The managed heap the model needs on nanoCLR, " +
            "modelled as nanoCLR lays out an ESP32's heap (object and array headers included) for the objects the runtime " +
            "holds, plus the boot and stack part the device lane measured (firmware-samples/README.md \"Heap on the device\"), " +
            "plus a reserve for the app's own objects; the same estimate convert and inspect print.</p>");
        h.Append("<table id=\"memory\"><tr><th>part</th><th>bytes</th></tr>");
        void Part(string name, long bytes, bool total = false) =>
            h.Append(total ? $"<tr class=\"total\"><th>{Esc(name)}</th><th class=\"num\">{Format.Bytes(bytes)}</th></tr>"
                : $"<tr><td>{Esc(name)}</td><td class=\"num\">{Format.Bytes(bytes)}</td></tr>");
        Part("model file (.tdsc)", e.FileBytes);
        Part("boot (assemblies, strings, main thread)", e.Boot);
        Part("loaded Model (objects and blobs)", e.LoadedModel);
        Part("Interpreter (steps, parameters, blobs, arena, scratch)", e.Interpreter);
        Part("of which arena payload", e.Arena);
        Part("of which prepared at load (folded biases)", e.Prepared);
        Part("of which kernel scratch", e.Scratch);
        Part("kernel stack frames during Invoke", e.KernelStack);
        Part("input and float output buffers", e.CaseBuffers);
        Part("loading: boot + model + largest chunk", e.Loading);
        Part("running: boot + interpreter + stack + buffers", e.Running);
        Part($"peak + {BoardFit.Reserve:N0} B reserve", e.Peak + BoardFit.Reserve, total: true);
        h.Append("</table><table id=\"board\"><tr><th>board</th><th>nanoff targets</th><th>managed heap</th><th>fit</th></tr>");
        foreach (BoardVerdict v in r.Boards)
        {
            string heap = v.Board.HeapLow == v.Board.HeapHigh ? Format.Bytes(v.Board.HeapLow)
                : $"{Format.Bytes(v.Board.HeapLow)} – {Format.Bytes(v.Board.HeapHigh)}";
            h.Append($"<tr><td>{Esc(v.Board.Name)}</td><td>{Esc(v.Board.FirmwareTargets)}</td><td class=\"num\">{Esc(heap)}</td>" +
                $"<td class=\"{(v.Fit == Fit.Fits ? "ok" : "bad")}\">{Esc(BoardFit.Describe(v))}</td></tr>");
        }
        h.Append("</table></section>");
    }

    /// <summary>One phrase: the smallest board family the model fits.</summary>
    internal static string BoardSummary(ModelReport r)
    {
        foreach (BoardVerdict v in r.Boards)
        {
            if (v.Fit == Fit.Fits)
            {
                return "fits " + v.Board.Name;
            }
        }
        foreach (BoardVerdict v in r.Boards)
        {
            if (v.Fit == Fit.Tight)
            {
                return "tight on " + v.Board.Name + ": measure on the board";
            }
        }
        return "fits no ESP32 board, even with PSRAM";
    }

    private static void Card(StringBuilder h, string title, string value, bool bad) =>
        h.Append($"<div class=\"card{(bad ? " bad" : "")}\"><div class=\"k\">{Esc(title)}</div><div class=\"v\">{Esc(value)}</div></div>");

    private static void Row(StringBuilder h, string name, string value, string key) =>
        h.Append($"<tr><td>{Esc(name)}</td><td class=\"num\" data-metric=\"{key}\">{Esc(value)}</td></tr>");

    private static string Pct(double f) => (100 * f).ToString("F2", CultureInfo.InvariantCulture) + " %";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Count(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Millions(long v) => v >= 1_000_000 ? (v / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " M" : Count(v);

    private static string Ms(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static string Ms3(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture);

    private static string Trim(string s, int max) => s.Length <= max ? s : "…" + s[^(max - 1)..];

    private static string FileName(string path) => System.IO.Path.GetFileName(path);

    private const string Css =
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}" +
        "h1{font-size:1.6em;margin-bottom:4px}h2{border-bottom:2px solid #3b6ea8;padding-bottom:3px;margin-top:36px}" +
        ".meta{color:#555;font-size:.9em}code{background:#f3f3f3;padding:1px 4px;border-radius:3px}" +
        "nav a{margin-right:12px;color:#3b6ea8}table{border-collapse:collapse;margin:12px 0;font-size:.86em}" +
        "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f6f9}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}" +
        "tr.total th{background:#eef2f7}.bad{color:#c0392b;font-weight:600}.ok{color:#2e8b57}.warn{color:#c0392b}" +
        ".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ccd;border-radius:6px;padding:10px 14px;min-width:220px;background:#fafbfd}" +
        ".card .k{font-size:.8em;color:#666}.card .v{font-size:1.25em;font-weight:600}.card.bad .v{color:#c0392b}" +
        ".grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:6px 0}figcaption{font-size:.8em;color:#444}" +
        "svg .lbl{font-size:11px;fill:#333}svg .val{font-size:11px;fill:#555}.estimate{background:#fff8e6;border-left:4px solid #d9822b;padding:6px 10px}";
}
