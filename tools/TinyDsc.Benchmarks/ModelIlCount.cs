using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Kernels;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `-- ilcount-model [PATH.tdsc]`: IL instructions executed by every operator of a whole model (ModelCost), on a real
/// input, with the kernels the Interpreter picks and, for every convolution, with Conv2DReference instead; then the
/// totals per inference. Without a path: the bundled fashion-dscnn model, converted from its ONNX file and calibration
/// set, on the first bundled test image. With a path: that model, on a fixed pseudo-random input.
/// </summary>
internal static class ModelIlCount
{
    public static int Run(string[] args)
    {
        Model model;
        sbyte[] input;
        string what;
        if (args.Length > 1)
        {
            model = ModelReader.Load(File.ReadAllBytes(args[1]));
            var rng = new Random(1);
            input = new sbyte[model.Tensors[model.InputTensor].ByteSize];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (sbyte)rng.Next(-128, 128);
            }

            what = $"{args[1]}, pseudo-random input (seed 1)";
        }
        else
        {
            string folder = Path.Combine(RepoRoot(), ModelCost.BundledFolder);
            model = ModelReader.Load(ModelCost.ConvertBundled(folder, TinyDsc.Converter.Planning.FusionMode.None));
            input = ModelCost.BundledInput(model, folder);
            what = $"{ModelCost.BundledFolder}/model.onnx converted with calibration.npy and --fuse none (every layer on its own kernel), first image of test_images.npy";
        }

        List<ModelCost.Row> rows = ModelCost.Count(model, input, countReference: true);
        Console.WriteLine($"Model: {what}. IL-counted outputs equal the native kernels' on every op; Interpreter.Invoke's output matches.");
        Console.WriteLine();
        Console.WriteLine("| # | op | shape | kernel | MACs | IL executed | IL/MAC | Conv2DReference IL | ref IL/MAC |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (ModelCost.Row r in rows)
        {
            bool conv = r.Op == "Conv2D";
            Console.WriteLine($"| {r.Index} | {r.Op} | {r.Shape} | {r.Kernel} | {r.Macs} | {r.Il} | {PerMac(r.Il, r.Macs)} | " +
                $"{(conv ? r.ReferenceIl.ToString() : "")} | {(conv ? PerMac(r.ReferenceIl, r.Macs) : "")} |");
        }

        long macs = rows.Sum(r => r.Macs);
        long il = rows.Sum(r => r.Il);
        long convIl = rows.Where(r => r.Op == "Conv2D").Sum(r => r.Il);
        long refIl = il - convIl + rows.Where(r => r.Op == "Conv2D").Sum(r => r.ReferenceIl);
        long convMacs = rows.Where(r => r.Op == "Conv2D").Sum(r => r.Macs);
        Console.WriteLine();
        Console.WriteLine("| per inference | MACs | IL executed | IL/MAC |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| kernels the Interpreter picks | {macs} | {il} | {(double)il / macs:F2} |");
        Console.WriteLine($"| every conv on Conv2DReference | {macs} | {refIl} | {(double)refIl / macs:F2} |");
        Console.WriteLine($"| ratio | | | {(double)refIl / il:F2}x |");
        Console.WriteLine();
        // Invoke's switch is not interpreted by IlCounter; one operator's dispatch runs a part of Invoke's body at most once.
        int invoke = new IlCounter().InstructionCount(typeof(Interpreter).GetMethod(nameof(Interpreter.Invoke))!);
        long dispatch = (long)invoke * rows.Count;
        Console.WriteLine($"Convolutions: {convMacs} of {macs} MACs, {convIl} of {il} IL ({100.0 * convIl / il:F1} %).");
        Console.WriteLine($"Not counted: Interpreter.Invoke's dispatch, under {invoke} IL per operator (its whole body), so under " +
            $"{dispatch} IL per inference ({100.0 * dispatch / il:F3} % of the kernels' IL).");
        return 0;
    }

    /// <summary>
    /// `-- model-source OUT.cs`: a C# file for the mono timing driver (MonoIlCost), which cannot read files: the bundled
    /// model's .tdsc bytes, the first test image quantized, and the desktop Interpreter's int8 output for it, each as
    /// base64 (nanoFramework's mscorlib has Convert.FromBase64String). Written at build time, never committed.
    /// </summary>
    public static int WriteSource(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: model-source OUT.cs");
            return 2;
        }

        string folder = Path.Combine(RepoRoot(), ModelCost.BundledFolder);
        byte[] file = ModelCost.ConvertBundled(folder);
        Model model = ModelReader.Load(file);
        sbyte[] input = ModelCost.BundledInput(model, folder);
        var interpreter = new Interpreter(model);
        interpreter.SetInput(input, 0);
        interpreter.Invoke();
        var output = new sbyte[interpreter.OutputLength];
        interpreter.GetOutput(output, 0);

        string source =
            "// Generated by `TinyDsc.Benchmarks -- model-source` from " + ModelCost.BundledFolder + "; not committed.\n" +
            "namespace TinyDsc.MonoIlCost\n{\n" +
            "    internal static class BundledModel\n    {\n" +
            "        public const string Model = \"" + Convert.ToBase64String(file) + "\";\n" +
            "        public const string Input = \"" + Convert.ToBase64String((byte[])(Array)input) + "\";\n" +
            "        public const string DesktopOutput = \"" + Convert.ToBase64String((byte[])(Array)output) + "\";\n" +
            "    }\n}\n";
        string? dir = Path.GetDirectoryName(Path.GetFullPath(args[1]));
        Directory.CreateDirectory(dir!);
        if (!File.Exists(args[1]) || File.ReadAllText(args[1]) != source)
        {
            File.WriteAllText(args[1], source);
        }

        return 0;
    }

    public static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "TinyDsc.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("run from inside the repository (TinyDsc.sln not found above the binary)");
    }

    private static string PerMac(long il, long macs) => macs == 0 ? "" : ((double)il / macs).ToString("F1");
}
