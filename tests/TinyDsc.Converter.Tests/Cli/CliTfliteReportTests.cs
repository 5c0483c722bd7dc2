using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Tests.Import.Tflite;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// tinydsc report on .tflite models (tests/fixtures/tflite): against an int8 file's dequantized execution and against a
/// float .tflite, for the int8 file itself, the .tdsc converted from it, and a .tdsc calibrated from the float file.
/// The page renders in chromium; its whole-model numbers are verify's; each per-layer row is checked against an
/// independent path: `verify --output-tensor T`, which imports and runs the model only up to T and compares T through
/// GetOutput, must print the SQNR and max error the report's row for T shows.
/// </summary>
public sealed class CliTfliteReportTests
{
    private static string Kws(string file) => TfliteFixtures.Path_("kws_ref_model", file);

    private static string Person(string file) => TfliteFixtures.Path_("person_detect", file);

    /// <summary>The fixture's int8 inputs (inputs.bin, NHWC) dequantized with the model's input scale and zero point, as a float32 NHWC .npy.</summary>
    private static string Inputs(string folder, string name)
    {
        TfliteImport import = TfliteFixtures.ImportWhole(name);
        int[] shape = import.Input.Shape;
        byte[] bytes = File.ReadAllBytes(TfliteFixtures.Path_(name, "inputs.bin"));
        int per = shape.Skip(1).Aggregate(1, (a, b) => a * b);
        float[] data = bytes.Select(b => ((sbyte)b - import.Input.ZeroPoint) * import.Input.Scale).ToArray();
        string path = Path.Combine(folder, name + ".npy");
        Npy.WriteFloat32(path, new[] { bytes.Length / per }.Concat(shape.Skip(1)).ToArray(), data);
        return path;
    }

    private static string Report(string html, params string[] args)
    {
        var r = CliRunner.Run(new[] { "report" }.Concat(args).Concat(new[] { "--output", html }).ToArray());
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("wrote", r.Out);
        return File.ReadAllText(html);
    }

    private static string Verify(params string[] args)
    {
        var r = CliRunner.Run(new[] { "verify" }.Concat(args).ToArray());
        Assert.True(r.Code == 0, r.Err);
        return r.Out;
    }

    private static string VerifyValue(string verifyOutput, string metric)
    {
        Match m = Regex.Match(verifyOutput, Regex.Escape(metric) + @"\s*│\s*([^│]+?)\s*│");
        Assert.True(m.Success, $"verify printed no '{metric}': {verifyOutput}");
        return m.Groups[1].Value;
    }

    private static string Cell(string dom, string attribute, string key)
    {
        Match m = Regex.Match(dom, $"{attribute}=\"{Regex.Escape(key)}\"[^>]*>([^<]*)<");
        Assert.True(m.Success, $"no element with {attribute}=\"{key}\" in the page");
        return System.Net.WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>The summary shows verify's numbers for the same files and input.</summary>
    private static void AssertSummaryIsVerify(string page, string verifyOutput)
    {
        foreach ((string metric, string key) in new[] { ("SQNR (int8 vs float)", "sqnr"), ("max abs error", "max-abs-error"),
                     ("cosine similarity", "cosine"), ("top-1 agreement", "top1-agreement") })
        {
            Assert.Equal(VerifyValue(verifyOutput, metric), Cell(page, "data-metric", key));
        }
    }

    /// <summary>(name, shown SQNR, shown max abs error) of the layer row of tensor <paramref name="index"/>.</summary>
    private static (string Name, string Sqnr, string MaxError) Row(string page, int index)
    {
        Match m = Regex.Match(page, $"<tr data-tensor=\"{index}\"><td>{index}</td><td>([^<]*)</td>.*?data-sqnr=\"[^\"]*\">([^<]*)<.*?data-max-abs-error=\"[^\"]*\">([^<]*)<");
        Assert.True(m.Success, $"no layer row for tensor {index}");
        return (System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m.Groups[2].Value, m.Groups[3].Value);
    }

    /// <summary>
    /// Rows of the given tensors equal `verify --output-tensor NAME` on the same reference and model: the int8
    /// model truncated at the tensor, its output read through GetOutput, against the float graph truncated there.
    /// </summary>
    private static void AssertRowsAreVerifyAtTensor(string page, string reference, string model, string input, params int[] tensors)
    {
        foreach (int t in tensors)
        {
            (string name, string sqnr, string maxError) = Row(page, t);
            string verify = Verify(reference, model, "--input", input, "--output-tensor", name);
            Assert.True(sqnr == VerifyValue(verify, "SQNR (int8 vs float)"), $"tensor {t} '{name}': report {sqnr}, verify {verify}");
            Assert.Equal(VerifyValue(verify, "max abs error"), maxError);
        }
    }

    [ChromiumFact]
    public void PersonDetect_renders_in_chromium_with_verify_numbers_and_rows_verify_reproduces()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string model = Person("model.tflite"), input = Inputs(temp.Path, "person_detect");
        string labels = temp.File("labels.npy");
        Fixtures.WriteInt64(labels, new long[] { 1, 0 });   // inputs.bin: TFLM's person image, then its no-person image
        string html = temp.File("person.html");
        Report(html, model, model, "--input", input, "--labels", labels);
        string dom = Chromium.DumpDom(html, temp.File("profile"));

        foreach (string id in new[] { "summary", "calibration", "layers", "weights", "arena", "cost", "memory", "board" })
        {
            Assert.Matches($"<table id=\"{id}\">", dom);
        }
        Model m = TfliteFixtures.ImportWhole("person_detect").Quantized.Model;
        Assert.Equal(m.Tensors.Length, Regex.Matches(dom, "<tr data-tensor=").Count);
        Assert.Equal(m.Tensors.Length, Regex.Matches(dom, "<title>histogram of ").Count);
        Assert.Equal(m.Operators.Count(o => o.Weights != null && o.Multiplier != null), Regex.Matches(dom, "<title>weights of op ").Count);
        Assert.Contains("shape (NHWC)", dom);
        Assert.Contains("[1,96,96,1]", dom);   // the input row, in the file's own layout
        Assert.Contains("MobilenetV1/MobilenetV1/Conv2d_0/Relu6", dom);   // the file's tensor names

        string verify = Verify(model, model, "--input", input, "--labels", labels);
        AssertSummaryIsVerify(dom, verify);
        Assert.Equal(VerifyValue(verify, "float accuracy"), Cell(dom, "data-metric", "float-accuracy"));
        Assert.Equal(VerifyValue(verify, "int8 accuracy"), Cell(dom, "data-metric", "int8-accuracy"));
        Assert.Equal("100.00 % (2/2)", Cell(dom, "data-metric", "int8-accuracy"));   // TFLM's test: person, then no person
        // The output row (through the observer) is verify's output SQNR (through GetOutput).
        Assert.Equal(VerifyValue(verify, "SQNR (int8 vs float)"), Row(dom, m.OutputTensor).Sqnr);
        // The first convolution, a pointwise one in the middle, the last one and the scores before the softmax.
        AssertRowsAreVerifyAtTensor(dom, model, model, input, 1, 13, 27, 30);

        // The input row against a hand computation: the inputs are TFLM's int8 pixels dequantized in float32, so
        // quantizing them again with the input tensor's parameters (x / scale rounded half away from zero) and
        // dequantizing in float32 gives every value back: the row shows no error.
        (float[] x, _) = TensorFiles.ReadFloat32(input);
        TensorInfo inT = m.Tensors[m.InputTensor];
        foreach (float f in x)
        {
            int q = (int)Math.Clamp(Math.Round((double)f / inT.Scale, MidpointRounding.AwayFromZero) + inT.ZeroPoint, -128, 127);
            Assert.Equal(f, (q - inT.ZeroPoint) * inT.Scale);
        }
        Assert.Equal("inf dB", Row(dom, m.InputTensor).Sqnr);
        Assert.Equal("0", Row(dom, m.InputTensor).MaxError);

        string png = temp.File("person.png");
        Chromium.Screenshot(html, png, 1280, 2400, temp.File("profile"));
        byte[] image = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image[..4]);
        Assert.True(image.Length > 40_000, $"the screenshot is {image.Length} bytes: a nearly blank page?");
    }

    /// <summary>
    /// The KWS int8 .tflite against the float .tflite it came from: the importer's file tensors, paired with the float
    /// file's values node by node. Then the .tdsc converted from the int8 file, against the int8 file's dequantized
    /// execution (and the .tflite as MODEL gives the same page numbers).
    /// </summary>
    [Fact]
    public void Kws_int8_against_the_float_tflite_and_the_converted_tdsc_against_the_int8_file()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string int8 = Kws("model.tflite"), float32 = Kws("model_float32.tflite"), input = Inputs(temp.Path, "kws_ref_model");

        string page = Report(temp.File("float-ref.html"), float32, int8, "--input", input);
        Model m = TfliteFixtures.ImportWhole("kws_ref_model").Quantized.Model;
        Assert.Equal(m.Tensors.Length, Regex.Matches(page, "<tr data-tensor=").Count);
        Assert.Contains("reference (float .tflite)", page);
        AssertSummaryIsVerify(page, Verify(float32, int8, "--input", input));
        AssertRowsAreVerifyAtTensor(page, float32, int8, input, 1, 5, 12);

        string tdsc = temp.File("kws.tdsc");
        Assert.Equal(0, CliRunner.Run("convert", int8, "--output", tdsc).Code);
        string fromTdsc = Report(temp.File("tdsc.html"), int8, tdsc, "--input", input);
        Assert.Contains("reference (int8 .tflite, dequantized)", fromTdsc);
        AssertSummaryIsVerify(fromTdsc, Verify(int8, tdsc, "--input", input));
        string fromTflite = Report(temp.File("tflite.html"), int8, int8, "--input", input);
        for (int t = 0; t < m.Tensors.Length; t++)
        {
            Assert.Equal(Row(fromTflite, t), Row(fromTdsc, t));
        }

        // --output-tensor: the scores before the SOFTMAX, as convert and verify take it.
        string logits = TfliteFixtures.Logits["kws_ref_model"];
        string scores = Report(temp.File("scores.html"), int8, int8, "--input", input, "--output-tensor", logits);
        Assert.Equal(m.Tensors.Length - 1, Regex.Matches(scores, "<tr data-tensor=").Count);
        AssertSummaryIsVerify(scores, Verify(int8, int8, "--input", input, "--output-tensor", logits));
    }

    /// <summary>A float .tflite converted through calibration, reported against itself: every layer, verify's numbers.</summary>
    [Fact]
    public void Float_tflite_converted_through_calibration()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string float32 = Kws("model_float32.tflite"), input = Inputs(temp.Path, "kws_ref_model"), tdsc = temp.File("kws-float.tdsc");
        var convert = CliRunner.Run("convert", float32, "--calibration", input, "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        string page = Report(temp.File("float.html"), float32, tdsc, "--input", input);
        Model m = ModelReader.Load(File.ReadAllBytes(tdsc));
        Assert.Equal(m.Tensors.Length, Regex.Matches(page, "<tr data-tensor=").Count);
        Assert.Contains("shape (NHWC)", page);
        AssertSummaryIsVerify(page, Verify(float32, tdsc, "--input", input));
        Assert.Equal(VerifyValue(Verify(float32, tdsc, "--input", input), "SQNR (int8 vs float)"), Row(page, m.OutputTensor).Sqnr);
    }

    /// <summary>
    /// `reference` runs a .tflite as the report's and verify's reference does, NHWC in and out: at a 48×48×16 feature
    /// map it follows the int8 runtime's `run` (NHWC) closely, which a layout mix-up (NCHW order) would not.
    /// </summary>
    [Fact]
    public void Reference_runs_a_tflite_in_its_own_NHWC_layout()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string model = Person("model.tflite"), input = Inputs(temp.Path, "person_detect");
        const string Map = "MobilenetV1/MobilenetV1/Conv2d_1_pointwise/Relu6";
        string f = temp.File("f.npy"), q = temp.File("q.npy");
        Assert.Equal(0, CliRunner.Run("reference", model, "--input", input, "--output", f, "--output-tensor", Map).Code);
        Assert.Equal(0, CliRunner.Run("run", model, "--input", input, "--output", q, "--output-tensor", Map).Code);
        (float[] fv, int[] fs) = TensorFiles.ReadFloat32(f);
        (float[] qv, int[] qs) = TensorFiles.ReadFloat32(q);
        Assert.Equal(new[] { 2, 48, 48, 16 }, fs);
        Assert.Equal(qs, fs);
        double signal = 0, noise = 0, transposedNoise = 0;
        for (int i = 0; i < fv.Length; i++)
        {
            signal += (double)fv[i] * fv[i];
            noise += ((double)fv[i] - qv[i]) * (fv[i] - qv[i]);
            // The same element read in NCHW order: what a missing transpose would compare.
            int s = i / (48 * 48 * 16), r = i % (48 * 48 * 16), c = r / (48 * 48), p = r % (48 * 48);
            double t = qv[s * 48 * 48 * 16 + p * 16 + c];
            transposedNoise += (fv[i] - t) * (fv[i] - t);
        }
        Assert.True(10 * Math.Log10(signal / noise) > 30, $"SQNR {10 * Math.Log10(signal / noise):F2} dB");
        Assert.True(10 * Math.Log10(signal / transposedNoise) < 10, "NCHW order matches as well: the check cannot tell layouts apart");
    }

    public static TheoryData<string> BadInputs => new() { "float_model", "unknown_output_tensor", "tdsc_of_another_file",
        "int8_tdsc_against_float", "onnx_reference", "output_tensor_for_onnx", "input_in_nchw", "another_network", "missing_reference" };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_line_and_writes_nothing(string what)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string reference = Kws("model.tflite"), model = Kws("model.tflite"), input = Inputs(temp.Path, "kws_ref_model");
        string output = temp.File("out.html");
        string[] extra = Array.Empty<string>();
        string[] fragments;
        switch (what)
        {
            case "float_model": // needs calibration: convert it first
                model = Kws("model_float32.tflite");
                fragments = new[] { "model_float32.tflite is a float .tflite", "--calibration CALIB.npy" };
                break;
            case "unknown_output_tensor":
                extra = new[] { "--output-tensor", "nope" };
                fragments = new[] { "no tensor named 'nope'" };
                break;
            case "tdsc_of_another_file": // a .tdsc calibrated from the float file, against the int8 file
                model = temp.File("float.tdsc");
                Assert.Equal(0, CliRunner.Run("convert", Kws("model_float32.tflite"), "--calibration", input, "--output", model).Code);
                fragments = new[] { "float.tdsc was not converted from", "model.tflite", "give the int8 .tflite itself as MODEL" };
                break;
            case "int8_tdsc_against_float": // the int8 file's .tdsc against the float file: its scales are the int8 file's
                reference = Kws("model_float32.tflite");
                model = temp.File("int8.tdsc");
                Assert.Equal(0, CliRunner.Run("convert", Kws("model.tflite"), "--output", model).Code);
                fragments = new[] { "int8.tdsc was not converted from", "give the int8 .tflite as MODEL" };
                break;
            case "onnx_reference":
                reference = Path.Combine(Fixtures.Onnx("relu"), "model.onnx");
                fragments = new[] { "a .tflite model is reported against a .tflite reference" };
                break;
            case "output_tensor_for_onnx":
                reference = Path.Combine(Fixtures.Onnx("relu"), "model.onnx");
                model = temp.File("relu.tdsc");
                Assert.Equal(0, CliRunner.Run("convert", reference, "--calibration", Path.Combine(Fixtures.Onnx("relu"), "input.npy"), "--output", model).Code);
                extra = new[] { "--output-tensor", "x" };
                fragments = new[] { "--output-tensor applies to a .tflite model only" };
                break;
            case "input_in_nchw": // [N, 1, 49, 10]: the PyTorch layout, not the file's
                (float[] x, int[] shape) = TensorFiles.ReadFloat32(input);
                input = temp.File("nchw.npy");
                Npy.WriteFloat32(input, new[] { shape[0], 1, 49, 10 }, x);
                fragments = new[] { "nchw.npy", "[N,49,10,1]" };
                break;
            case "another_network": // the VWW int8 model against person_detect: same family, another input
                reference = Person("model.tflite");
                model = TfliteFixtures.Path_("vww_96_int8", "model.tflite");
                fragments = new[] { "are not the same network", "the input is" };
                break;
            default:
                reference = temp.File("none.tflite");
                fragments = new[] { "none.tflite: no such file (the reference .tflite)" };
                break;
        }
        var result = CliRunner.Run(new[] { "report", reference, model, "--input", input, "--output", output }.Concat(extra).ToArray());
        CliRunner.AssertBadInput(result, fragments);
        Assert.False(File.Exists(output), "a failed report wrote its output");
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }
}
