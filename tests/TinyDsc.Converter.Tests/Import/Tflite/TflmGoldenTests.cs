using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>
/// TinyDsc's int8 outputs against TensorFlow Lite Micro's, byte for byte: against the committed goldens
/// (golden_tflm_logits.bin, written by tools/tflm/goldens.sh with TFLM's reference interpreter) always, and against
/// a live TFLM run when the TFLM lane is built (tools/tflm/README.md).
/// </summary>
public class TflmGoldenTests
{
    [Theory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void OutputsEqualTflmGoldensByteForByte(string name)
    {
        byte[] inputs = File.ReadAllBytes(TfliteFixtures.Path_(name, "inputs.bin"));
        byte[] golden = File.ReadAllBytes(TfliteFixtures.Path_(name, "golden_tflm_logits.bin"));
        TfliteImport import = TfliteFixtures.Import(name);
        // Both the optimised kernels the interpreter picks and the plain reference convolutions.
        foreach (bool reference in new[] { false, true })
        {
            byte[] actual = TfliteFixtures.RunRuntime(import.Quantized.Model, inputs, reference);
            AssertSameBytes(golden, actual, $"{name} ({(reference ? "reference" : "optimised")} convolutions) vs golden_tflm_logits.bin");
        }
    }

    [Theory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void WholeModelOutputsEqualTflmPostSoftmaxGoldensByteForByte(string name)
    {
        byte[] inputs = File.ReadAllBytes(TfliteFixtures.Path_(name, "inputs.bin"));
        byte[] golden = File.ReadAllBytes(TfliteFixtures.Path_(name, "golden_tflm_output.bin"));
        TfliteImport import = TfliteFixtures.ImportWhole(name);
        Assert.Equal(OpCodes.Softmax, import.Quantized.Model.Operators[^1].OpCode);
        foreach (bool reference in new[] { false, true })
        {
            byte[] actual = TfliteFixtures.RunRuntime(import.Quantized.Model, inputs, reference);
            AssertSameBytes(golden, actual, $"{name} whole model ({(reference ? "reference" : "optimised")} convolutions) vs golden_tflm_output.bin");
        }
    }

    [Fact]
    public void TflmsOwnPersonDetectOutputsOrderTheTestImagesAsItsTestExpects()
    {
        // The golden softmax outputs, [no person, person] per image: a check that the goldens come from a TFLM run that
        // passes TFLM's own person_detection_test.
        byte[] g = File.ReadAllBytes(TfliteFixtures.Path_("person_detect", "golden_tflm_output.bin"));
        Assert.True((sbyte)g[1] > (sbyte)g[0]);
        Assert.True((sbyte)g[2] > (sbyte)g[3]);
    }

    [TflmLaneTheory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void OutputsEqualALiveTflmRunByteForByte(string name)
    {
        string runner = TflmLane.Runner!;
        string model = TfliteFixtures.Path_(name, "model.tflite"), inputs = TfliteFixtures.Path_(name, "inputs.bin");
        string output = Path.Combine(Path.GetTempPath(), $"tinydsc-tflm-{name}-{Guid.NewGuid():N}.bin");
        try
        {
            TfliteImport import = TfliteFixtures.Import(name);
            string stdout = TflmLane.Run(runner, model, inputs, output, "--tensor", import.Output.TfliteIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Matches(@"arena_used_bytes=\d+", stdout);
            byte[] actual = TfliteFixtures.RunRuntime(import.Quantized.Model, File.ReadAllBytes(inputs));
            AssertSameBytes(File.ReadAllBytes(output), actual, $"{name} vs live TFLM ({runner})");
        }
        finally
        {
            File.Delete(output);
        }
    }

    [TflmLaneTheory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void WholeModelOutputsEqualALiveTflmRunByteForByte(string name)
    {
        string runner = TflmLane.Runner!;
        string model = TfliteFixtures.Path_(name, "model.tflite"), inputs = TfliteFixtures.Path_(name, "inputs.bin");
        string output = Path.Combine(Path.GetTempPath(), $"tinydsc-tflm-whole-{name}-{Guid.NewGuid():N}.bin");
        try
        {
            TflmLane.Run(runner, model, inputs, output);
            byte[] actual = TfliteFixtures.RunRuntime(TfliteFixtures.ImportWhole(name).Quantized.Model, File.ReadAllBytes(inputs));
            AssertSameBytes(File.ReadAllBytes(output), actual, $"{name} whole model vs live TFLM ({runner})");
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>
    /// Every tensor TinyDsc computes, not only the output, equals TFLM's bytes for the same file tensor (the runner's
    /// --tensor reads it through preserve_all_tensors): the importer's record of the file tensor behind each .tdsc
    /// tensor (<see cref="TfliteImport.TensorOrigins"/>, which `tinydsc report` pairs with float values) names the
    /// tensor TFLM computes there. The [1, 1, 1, C] tensor of a MEAN without keep_dims has no file counterpart and is
    /// compared through its Reshape's output.
    /// </summary>
    [TflmLaneTheory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void EveryTensorEqualsTflmsTensorOfTheSameFileIndex(string name)
    {
        string runner = TflmLane.Runner!;
        string model = TfliteFixtures.Path_(name, "model.tflite");
        byte[] inputs = File.ReadAllBytes(TfliteFixtures.Path_(name, "inputs.bin"));
        TfliteImport import = TfliteFixtures.ImportWhole(name);
        Model m = import.Quantized.Model;
        int inSize = m.Tensors[m.InputTensor].ByteSize, n = inputs.Length / inSize;
        var ours = new byte[m.Tensors.Length][];
        for (int t = 0; t < ours.Length; t++)
        {
            ours[t] = new byte[n * m.Tensors[t].ByteSize];
        }
        var interpreter = new Interpreter(m);
        var capture = new CaptureAll(m, ours);
        interpreter.Observer = capture;
        for (int s = 0; s < n; s++)
        {
            capture.Sample = s;
            var x = new sbyte[inSize];
            Buffer.BlockCopy(inputs, s * inSize, x, 0, inSize);
            interpreter.SetInput(x, 0);
            interpreter.Invoke();
        }
        int compared = 0;
        string output = Path.Combine(Path.GetTempPath(), $"tinydsc-tflm-tensor-{name}-{Guid.NewGuid():N}.bin");
        try
        {
            for (int t = 0; t < ours.Length; t++)
            {
                TfliteTensorOrigin origin = import.TensorOrigins[t];
                if (origin.KeepDims || t == m.InputTensor)
                {
                    continue;
                }
                TflmLane.Run(runner, model, TfliteFixtures.Path_(name, "inputs.bin"), output, "--tensor", origin.Tensor.ToString(System.Globalization.CultureInfo.InvariantCulture));
                AssertSameBytes(File.ReadAllBytes(output), ours[t], $"{name} tensor {t} ('{import.Quantized.TensorNames[t]}', file tensor {origin.Tensor}) vs live TFLM");
                compared++;
            }
        }
        finally
        {
            File.Delete(output);
        }
        Assert.Equal(m.Operators.Length - import.TensorOrigins.Count(o => o.KeepDims), compared);
    }

    /// <summary>The committed tflm.txt's arena_used_bytes (what inspect shows without the lane) is what TFLM reports now.</summary>
    [TflmLaneTheory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void CommittedArenaIsWhatTflmReports(string name)
    {
        string output = Path.Combine(Path.GetTempPath(), $"tinydsc-tflm-arena-{name}-{Guid.NewGuid():N}.bin");
        try
        {
            string stdout = TflmLane.Run(TflmLane.Runner!, TfliteFixtures.Path_(name, "model.tflite"), TfliteFixtures.Path_(name, "inputs.bin"), output);
            string live = System.Text.RegularExpressions.Regex.Match(stdout, @"arena_used_bytes=(\d+)").Groups[1].Value;
            string committed = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(TfliteFixtures.Path_(name, "tflm.txt")), @"arena_used_bytes=(\d+)").Groups[1].Value;
            Assert.Equal(committed, live);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Copies each operator's output as it is written (the arena is reused later), per sample.</summary>
    private sealed class CaptureAll : IOperatorObserver
    {
        private readonly Model _model;
        private readonly byte[][] _into;

        public CaptureAll(Model model, byte[][] into)
        {
            _model = model;
            _into = into;
        }

        public int Sample { get; set; }

        public void OperatorDone(Interpreter interpreter, int operatorIndex)
        {
            int t = _model.Operators[operatorIndex].Output;
            TensorInfo info = _model.Tensors[t];
            var bytes = new sbyte[info.ByteSize];
            interpreter.GetTensor(info, bytes, 0);
            Buffer.BlockCopy(bytes, 0, _into[t], Sample * info.ByteSize, info.ByteSize);
        }
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} bytes, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}: byte {i} is {(sbyte)actual[i]}, TFLM has {(sbyte)expected[i]}");
        }
    }
}

/// <summary>The TFLM lane: TINYDSC_TFLM_RUNNER, or tools/tflm/build.sh's default output ~/.cache/tinydsc-tflm/tflm_runner.</summary>
internal static class TflmLane
{
    public static string? Runner
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("TINYDSC_TFLM_RUNNER");
            if (!string.IsNullOrEmpty(env))
            {
                return File.Exists(env) ? env : null;
            }
            string home = Environment.GetEnvironmentVariable("HOME") ?? "";
            string path = Path.Combine(home, ".cache", "tinydsc-tflm", "tflm_runner");
            return home.Length > 0 && File.Exists(path) ? path : null;
        }
    }

    public const string MissingMessage = "TFLM lane not built: tools/tflm/build.sh with TFLM_DIR=<tflite-micro checkout> (tools/tflm/README.md), or set TINYDSC_TFLM_RUNNER";

    public static string Run(string runner, params string[] args)
    {
        var start = new ProcessStartInfo(runner) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        using Process p = Process.Start(start)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{runner} exited {p.ExitCode}: {stderr.Trim()}");
        }
        return stdout;
    }
}

/// <summary>A [Theory] skipped, with a message, when the TFLM lane is not built.</summary>
public sealed class TflmLaneTheoryAttribute : TheoryAttribute
{
    public TflmLaneTheoryAttribute()
    {
        if (TflmLane.Runner == null)
        {
            Skip = TflmLane.MissingMessage;
        }
    }
}
