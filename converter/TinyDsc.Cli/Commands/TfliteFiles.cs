using TinyDsc.Converter.IO;
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using Spectre.Console;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// The .tflite side of the commands: convert, run and inspect take a full-integer int8 .tflite (imported in memory
/// with <see cref="TfliteImporter"/>); its edges keep the file's own NHWC layout.
/// </summary>
internal static class TfliteFiles
{
    public static bool IsTflite(string path) => path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a float .tflite: no activation is quantized (no operator output and no graph input is INT8,
    /// UINT8 or INT16; constant weights may be, as in a weight-only quantized file, and are dequantized), so convert
    /// calibrates it as it does an ONNX model.</summary>
    public static bool IsFloatModel(string path)
    {
        CommandFiles.RequireFile(path, ".tflite model");
        TfliteModelFile f = TfliteModelFile.Open(File.ReadAllBytes(path), Path.GetFileName(path));
        var activations = new System.Collections.Generic.List<int>(f.Graph.GetInputsArray() ?? Array.Empty<int>());
        for (int j = 0; j < f.Graph.OperatorsLength; j++)
        {
            activations.AddRange(f.Graph.Operators(j)!.Value.GetOutputsArray() ?? Array.Empty<int>());
        }
        foreach (int t in activations)
        {
            var type = f.Tensor(t).Type;
            if (type is TinyDsc.Converter.Import.Tflite.Schema.TensorType.INT8 or TinyDsc.Converter.Import.Tflite.Schema.TensorType.UINT8
                or TinyDsc.Converter.Import.Tflite.Schema.TensorType.INT16)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>NHWC samples (the .tflite's layout) as NCHW for the float graph; other ranks are returned as they are.</summary>
    public static (float[] Data, int[] Shape) ToNchw(float[] data, int[] shape) =>
        shape.Length != 4 ? (data, shape)
            : (TfliteVerify.Transpose(data, shape[0], shape, toNchw: true), new[] { shape[0], shape[3], shape[1], shape[2] });

    /// <summary>Imports a .tflite and plans its arena, as convert does.</summary>
    public static (TfliteImport Import, MemoryPlan Plan, byte[] Bytes) Import(string path, string? outputTensor)
    {
        CommandFiles.RequireFile(path, ".tflite model");
        TfliteImport import = TfliteImporter.Load(path, new TfliteImportOptions { OutputTensor = outputTensor });
        MemoryPlan plan = ModelMemoryPlanner.Apply(import.Quantized.Model);
        return (import, plan, ModelWriter.Write(import.Quantized.Model));
    }

    /// <summary>A .tdsc, or a .tflite imported in memory: the model, its .tdsc bytes, and whether its edges are NHWC.</summary>
    public static (Model Model, byte[] Bytes, bool Nhwc) LoadModel(string path, string? outputTensor)
    {
        if (IsTflite(path))
        {
            (TfliteImport import, _, byte[] bytes) = Import(path, outputTensor);
            return (import.Quantized.Model, bytes, true);
        }
        if (outputTensor != null)
        {
            throw new PipelineInputException("--output-tensor applies to a .tflite model only");
        }
        (Model m, byte[] b) = CommandFiles.LoadModel(path);
        return (m, b, false);
    }

    /// <summary>tinydsc convert MODEL.tflite --output MODEL.tdsc [--output-tensor NAME].</summary>
    public static int Convert(CliContext context, string modelPath, string outPath, string? outputTensor, bool force)
    {
        var outputs = new OutputFiles(force);
        outputs.Declare(outPath, "--output");
        (TfliteImport import, MemoryPlan plan, byte[] bytes) = Import(modelPath, outputTensor);
        outputs.Stage(outPath, bytes);
        outputs.Commit();
        Model m = import.Quantized.Model;
        var table = new Table().AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("operators", m.Operators.Length.ToString(CultureInfo.InvariantCulture));
        table.AddRow("tensors", m.Tensors.Length.ToString(CultureInfo.InvariantCulture));
        table.AddRow("input (NHWC)", Markup.Escape(Edge(import.Input)));
        table.AddRow("output", Markup.Escape(Edge(import.Output)));
        table.AddRow("arena bytes", plan.ArenaBytes.ToString(CultureInfo.InvariantCulture));
        table.AddRow("arena lower bound", plan.LowerBoundBytes.ToString(CultureInfo.InvariantCulture));
        table.AddRow("model bytes", bytes.Length.ToString(CultureInfo.InvariantCulture));
        table.AddRow("written", Markup.Escape(outPath));
        context.Ansi.Write(table);
        foreach (string note in import.Notes)
        {
            context.Ansi.WriteLine("note: " + note, Style.Plain);
        }
        return ExitCodes.Success;
    }

    private static string Edge(TfliteEdge e) =>
        $"'{e.Name}' [{string.Join(",", e.Shape)}] scale {e.Scale.ToString("G6", CultureInfo.InvariantCulture)} zp {e.ZeroPoint}" +
        (e.FloatEdge ? " (float in the .tflite)" : "");

    /// <summary>
    /// TFLM's arena for the same model, for inspect: measured by the TFLM lane's runner when it is built
    /// (TINYDSC_TFLM_RUNNER, tools/tflm/README.md), else read from a tflm.txt beside the model (the fixtures carry
    /// one), else null with the reason.
    /// </summary>
    public static (long? Bytes, string Source) TflmArena(string tflitePath)
    {
        string? runner = TflmRunner();
        if (runner != null)
        {
            string? measured = MeasureArena(runner, tflitePath);
            if (measured != null)
            {
                return (long.Parse(measured, CultureInfo.InvariantCulture), "measured by " + Path.GetFileName(runner));
            }
        }
        string note = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tflitePath)) ?? ".", "tflm.txt");
        if (File.Exists(note))
        {
            Match m = Regex.Match(File.ReadAllText(note), @"arena_used_bytes=(\d+)");
            if (m.Success)
            {
                return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), "from tflm.txt beside the model");
            }
        }
        return (null, "not measured: build the TFLM lane (tools/tflm/README.md) and set TINYDSC_TFLM_RUNNER");
    }

    /// <summary>The TFLM lane's runner: TINYDSC_TFLM_RUNNER, or tools/tflm/build.sh's default output; null when absent.</summary>
    public static string? TflmRunner()
    {
        string? env = Environment.GetEnvironmentVariable("TINYDSC_TFLM_RUNNER");
        if (!string.IsNullOrEmpty(env))
        {
            return File.Exists(env) ? env : null;
        }
        string home = Environment.GetEnvironmentVariable("HOME") ?? "";
        string fallback = Path.Combine(home, ".cache", "tinydsc-tflm", "tflm_runner");
        return home.Length > 0 && File.Exists(fallback) ? fallback : null;
    }

    /// <summary>Runs the TFLM runner once on an all-zero input; its arena_used_bytes, or null if it failed.</summary>
    private static string? MeasureArena(string runner, string tflitePath)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tinydsc-tflm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            TfliteModelFile file = TfliteModelFile.Open(File.ReadAllBytes(tflitePath), Path.GetFileName(tflitePath));
            int inputTensor = file.Graph.Inputs(0);
            string input = Path.Combine(dir, "in.bin"), output = Path.Combine(dir, "out.bin");
            long size = file.Tensor(inputTensor).Type == Converter.Import.Tflite.Schema.TensorType.FLOAT32 ? 4 : 1;
            foreach (int d in file.Shape(inputTensor))
            {
                size *= d;
            }
            File.WriteAllBytes(input, new byte[size]);
            var start = new ProcessStartInfo(runner) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(tflitePath);
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            Match m = Regex.Match(stdout, @"arena_used_bytes=(\d+)");
            return process.ExitCode == 0 && m.Success ? m.Groups[1].Value : null;
        }
        catch (Exception e) when (e is TfliteImportException or IOException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
