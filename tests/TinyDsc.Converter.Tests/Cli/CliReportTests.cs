using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// tinydsc report: the page renders in a real browser, its tables are there, its numbers are verify's, it fetches
/// nothing, bad input gets one line, and the file is replaced atomically.
/// </summary>
public sealed class CliReportTests
{
    private const string Model = "opset13_dscnn";

    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    /// <summary>Converts <paramref name="name"/> into <paramref name="folder"/> and returns the .tdsc path.</summary>
    private static string Convert(string folder, string name)
    {
        string tdsc = Path.Combine(folder, name + ".tdsc");
        var r = CliRunner.Run("convert", Fixture(name, "model.onnx"), "--calibration", Fixture(name, "input.npy"), "--output", tdsc);
        Assert.True(r.Code == 0, r.Err);
        return tdsc;
    }

    private static (string Html, string Tdsc, string Labels) Report(string folder)
    {
        string tdsc = Convert(folder, Model);
        string labels = Path.Combine(folder, "labels.npy");
        Fixtures.WriteInt64(labels, new long[] { 1, 4, 0 });
        string html = Path.Combine(folder, "report.html");
        var r = CliRunner.Run("report", Fixture(Model, "model.onnx"), tdsc, "--input", Fixture(Model, "input.npy"),
            "--labels", labels, "--output", html);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("wrote", r.Out);
        return (html, tdsc, labels);
    }

    /// <summary>The value verify prints for <paramref name="metric"/> (a row of its table).</summary>
    private static string VerifyValue(string verifyOutput, string metric)
    {
        Match m = Regex.Match(verifyOutput, Regex.Escape(metric) + @"\s*│\s*([^│]+?)\s*│");
        Assert.True(m.Success, $"verify printed no '{metric}': {verifyOutput}");
        return m.Groups[1].Value;
    }

    private static string Cell(string dom, string attribute, string key)
    {
        Match m = Regex.Match(dom, $"{attribute}=\"{Regex.Escape(key)}\"[^>]*>([^<]*)<");
        Assert.True(m.Success, $"no element with {attribute}=\"{key}\" in the DOM");
        return System.Net.WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    [ChromiumFact]
    public void Renders_in_chromium_with_every_table_and_verify_numbers()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        (string html, string tdsc, string labels) = Report(temp.Path);
        string dom = Chromium.DumpDom(html, temp.File("profile"));

        // Every section's table survived the browser's parse, with one row per tensor / operator.
        foreach (string id in new[] { "summary", "calibration", "layers", "weights", "arena", "cost", "memory", "board" })
        {
            Assert.Matches($"<table id=\"{id}\">", dom);
        }
        Model model = ModelReader.Load(File.ReadAllBytes(tdsc));
        Assert.Equal(model.Tensors.Length, Regex.Matches(dom, "<tr data-tensor=").Count);
        Assert.Equal(model.Tensors.Length, Regex.Matches(dom, "<title>histogram of ").Count);
        int convs = model.Operators.Count(o => o.Weights != null);
        Assert.Equal(convs, Regex.Matches(dom, "<title>weights of op ").Count);
        // The cost table lists the operators the block records group (auto fuses this DS-CNN's stem into its first depthwise).
        Assert.Equal(model.Operators.Count(o => o.OpCode != OpCodes.FusedBlock) + 1, Regex.Matches(dom, "data-macs=").Count);

        // The summary's numbers are the ones verify prints for the same files.
        var verify = CliRunner.Run("verify", Fixture(Model, "model.onnx"), tdsc, "--input", Fixture(Model, "input.npy"), "--labels", labels);
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Equal(VerifyValue(verify.Out, "SQNR (int8 vs float)"), Cell(dom, "data-metric", "sqnr"));
        Assert.Equal(VerifyValue(verify.Out, "max abs error"), Cell(dom, "data-metric", "max-abs-error"));
        Assert.Equal(VerifyValue(verify.Out, "cosine similarity"), Cell(dom, "data-metric", "cosine"));
        Assert.Equal(VerifyValue(verify.Out, "top-1 agreement"), Cell(dom, "data-metric", "top1-agreement"));
        Assert.Equal(VerifyValue(verify.Out, "float accuracy"), Cell(dom, "data-metric", "float-accuracy"));
        Assert.Equal(VerifyValue(verify.Out, "int8 accuracy"), Cell(dom, "data-metric", "int8-accuracy"));
        // The per-layer row of the output tensor, reached through the interpreter's observer, agrees with verify's
        // output SQNR, computed from GetOutput.
        Match outputRow = Regex.Match(dom, $"<tr data-tensor=\"{model.OutputTensor}\">.*?data-sqnr=\"[^\"]*\">([^<]*)<");
        Assert.Equal(VerifyValue(verify.Out, "SQNR (int8 vs float)"), outputRow.Groups[1].Value);

        // The input row against a hand computation: quantize each float with the input tensor's parameters.
        (float[] x, _) = TensorFiles.ReadFloat32(Fixture(Model, "input.npy"));
        TensorInfo input = model.Tensors[model.InputTensor];
        double signal = 0, noise = 0;
        foreach (float f in x)
        {
            double q = input.Scale * (Math.Clamp(Math.Round(f / input.Scale, MidpointRounding.ToEven) + input.ZeroPoint, -128, 127) - input.ZeroPoint);
            signal += (double)f * f;
            noise += (f - q) * (f - q);
        }
        Match inputRow = Regex.Match(dom, $"<tr data-tensor=\"{model.InputTensor}\">.*?data-sqnr=\"([^\"]*)\"");
        double reported = double.Parse(inputRow.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(reported, 10 * Math.Log10(signal / noise) - 0.01, 10 * Math.Log10(signal / noise) + 0.01);

        // A screenshot: a PNG of the requested size with more than a blank page's worth of content.
        string png = temp.File("report.png");
        Chromium.Screenshot(html, png, 1280, 2400, temp.File("profile"));
        byte[] image = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image[..4]);
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(16)));
        Assert.Equal(2400, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(20)));
        Assert.True(image.Length > 40_000, $"the screenshot is {image.Length} bytes: a nearly blank page?");
    }

    [Fact]
    public void Page_is_self_contained_and_fetches_nothing()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string text = File.ReadAllText(Report(temp.Path).Html);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", text);
        Assert.DoesNotContain("http://", text);
        Assert.DoesNotContain("https://", text);
        Assert.DoesNotContain("<script", text);
        Assert.DoesNotContain("<link", text);
        Assert.DoesNotContain(" src=", text);
        Assert.Contains("<svg", text);
        Assert.Contains("Estimates, not measurements", text);
    }

    [Fact]
    public void Fused_model_is_compared_unfused_and_shows_both_arena_series()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        const string name = "inverted_residual"; // expand 1x1 -> depthwise -> project 1x1 + residual: one fused block
        string tdsc = Convert(temp.Path, name), html = temp.File("fused.html");
        Model model = ModelReader.Load(File.ReadAllBytes(tdsc));
        Assert.Contains(model.Operators, o => o.OpCode == OpCodes.FusedBlock);
        var r = CliRunner.Run("report", Fixture(name, "model.onnx"), tdsc, "--input", Fixture(name, "input.npy"), "--output", html);
        Assert.True(r.Code == 0, r.Err);
        string text = File.ReadAllText(html);
        Assert.Contains("id=\"fused-note\"", text);
        // A feature-map output: verify prints no top-1 agreement, nor does the report.
        Assert.DoesNotContain("top1-agreement", text);

        var verify = CliRunner.Run("verify", Fixture(name, "model.onnx"), tdsc, "--input", Fixture(name, "input.npy"));
        Assert.Equal(VerifyValue(verify.Out, "SQNR (int8 vs float)"), Cell(text, "data-metric", "sqnr"));
        // Every tensor of the unfused model has a row, the block's internal ones included.
        Assert.Equal(model.Tensors.Length, Regex.Matches(text, "<tr data-tensor=").Count);

        // The arena table: unfused and fused columns. The block spans every operator here, so during each of them
        // the fused plan holds the block input, output and work area: exactly the .tdsc's arena.
        string arena = Regex.Match(text, "<table id=\"arena\">(.*?)</table>").Groups[1].Value;
        Assert.Contains("fused blocks (as the .tdsc runs)", arena);
        string fusedArena = model.ArenaSize.ToString("N0", CultureInfo.InvariantCulture) + " B";
        MatchCollection rows = Regex.Matches(arena, "<tr><td>\\d+</td><td>[^<]*</td><td class=\"num\">([^<]*)</td><td class=\"num\">([^<]*)</td></tr>");
        Assert.Equal(model.Operators.Count(o => o.OpCode != OpCodes.FusedBlock), rows.Count);
        foreach (Match row in rows)
        {
            Assert.Equal(fusedArena, row.Groups[2].Value);
        }
        Assert.Contains(rows, row => long.Parse(row.Groups[1].Value.Replace(",", "").Replace(" B", ""), CultureInfo.InvariantCulture) > model.ArenaSize);
    }

    /// <summary>A final Softmax: verify compares probabilities (max error also in steps of 1/256), and so does the report.</summary>
    [Fact]
    public void Softmax_model_summary_is_verify_probabilities()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        const string name = "gap_linear_softmax";
        string tdsc = Convert(temp.Path, name), html = temp.File("softmax.html");
        var r = CliRunner.Run("report", Fixture(name, "model.onnx"), tdsc, "--input", Fixture(name, "input.npy"), "--output", html);
        Assert.True(r.Code == 0, r.Err);
        string text = File.ReadAllText(html);
        var verify = CliRunner.Run("verify", Fixture(name, "model.onnx"), tdsc, "--input", Fixture(name, "input.npy"));
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("steps of 1/256", VerifyValue(verify.Out, "max abs error"));
        foreach ((string metric, string key) in new[] { ("SQNR (int8 vs float)", "sqnr"), ("max abs error", "max-abs-error"),
                     ("cosine similarity", "cosine"), ("top-1 agreement", "top1-agreement") })
        {
            Assert.Equal(VerifyValue(verify.Out, metric), Cell(text, "data-metric", key));
        }
    }

    public static TheoryData<string> BadInputs => new() { "other_structure", "other_weights", "missing_onnx", "missing_tdsc",
        "missing_input", "missing_labels", "wrong_input_shape", "no_output_folder", "output_is_folder", "read_only_output", "tflite_reference" };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_line_and_writes_nothing(string what)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = Fixture("relu", "model.onnx"), x = Fixture("relu", "input.npy"), output = temp.File("out.html");
        string tdsc = Convert(temp.Path, "relu");
        string[] fragments;
        string[] extra = Array.Empty<string>();
        switch (what)
        {
            case "other_structure": // same input shape, different graph
                onnx = Fixture("batchnorm_then_conv", "model.onnx");
                fragments = new[] { "was not converted from", "batchnorm_then_conv" };
                break;
            case "other_weights": // same graph, different weights (relu6 vs relu: both one Conv)
                tdsc = Convert(temp.Path, "relu6");
                fragments = new[] { "relu6.tdsc was not converted from", "weight scale" };
                break;
            case "missing_onnx":
                onnx = temp.File("none.onnx");
                fragments = new[] { "none.onnx: no such file" };
                break;
            case "missing_tdsc":
                tdsc = temp.File("none.tdsc");
                fragments = new[] { "none.tdsc: no such file" };
                break;
            case "missing_input":
                x = temp.File("none.npy");
                fragments = new[] { "none.npy: no such file (the input)" };
                break;
            case "missing_labels":
                extra = new[] { "--labels", temp.File("nolabels.npy") };
                fragments = new[] { "nolabels.npy: no such file (the labels)" };
                break;
            case "wrong_input_shape":
                x = Fixture("conv3x3_bias", "input.npy");
                fragments = new[] { "has shape [2,3,8,8]", "[N,3,6,6]" };
                break;
            case "tflite_reference": // an int8 .tflite reference: the .tdsc must be what convert writes for it
                onnx = Path.Combine(Fixtures.Root, "tests", "fixtures", "tflite", "kws_ref_model", "model.tflite");
                fragments = new[] { "relu.tdsc was not converted from", "model.tflite" };
                break;
            case "no_output_folder":
                output = Path.Combine(temp.Path, "missing", "out.html");
                fragments = new[] { "does not exist" };
                break;
            case "read_only_output":
                output = temp.File("readonly.html");
                File.WriteAllText(output, "old");
                if (OperatingSystem.IsWindows())
                {
                    return;   // Unix file modes only; Windows read-only attributes are covered by OutputFiles' own tests
                }
                File.SetUnixFileMode(output, UnixFileMode.UserRead);
                fragments = new[] { "readonly.html", "is read-only", "--force" };
                break;
            default:
                output = temp.Path;
                fragments = new[] { "is a folder" };
                break;
        }
        var result = CliRunner.Run(new[] { "report", onnx, tdsc, "--input", x, "--output", output }.Concat(extra).ToArray());
        CliRunner.AssertBadInput(result, fragments);
        Assert.False(File.Exists(temp.File("out.html")), "a failed report wrote its output");
        if (what == "read_only_output")
        {
            Assert.Equal("old", File.ReadAllText(output));
        }
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void Success_replaces_the_page_by_rename_and_failure_leaves_it()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        byte[] sentinel = { 0x5A, 1, 2, 3, 4, 5, 6, 7 };
        string tdsc = Convert(temp.Path, Model), output = temp.File("report.html");
        File.WriteAllBytes(output, sentinel);
        var bad = CliRunner.Run("report", Fixture(Model, "model.onnx"), tdsc, "--input", Fixture("relu", "input.npy"), "--output", output);
        CliRunner.AssertBadInput(bad, "relu");
        Assert.Equal(sentinel, File.ReadAllBytes(output));

        // A reader holding the old file keeps the old bytes: the new page is another file renamed into place.
        using (var reader = new FileStream(output, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            var ok = CliRunner.Run("report", Fixture(Model, "model.onnx"), tdsc, "--input", Fixture(Model, "input.npy"), "--output", output);
            Assert.True(ok.Code == 0, ok.Err);
            var old = new byte[64];
            int n = reader.Read(old, 0, old.Length);
            Assert.Equal(sentinel, old[..n]);
        }
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(output));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }
}
