using System.CommandLine;
using System.IO;
using System.Text;
using Spectre.Console;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc convert MODEL.onnx --calibration CALIB.npy --output MODEL.tdsc [--calibration-method] [--percentile]
/// [--emit-csharp FILE.cs [--emit-golden N] [--golden-input X.npy] [--emit-namespace NS]]
/// </summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL.onnx") { Description = "PyTorch-exported ONNX model" };
        var calibration = new Option<string>("--calibration") { Description = "Calibration samples, float32 .npy: NCHW for ONNX, NHWC for a float .tflite; an int8 .tflite needs none" };
        var outputTensor = new Option<string?>("--output-tensor") { Description = ".tflite only: convert up to this tensor (name or index), e.g. the scores before a SOFTMAX" };
        var output = new Option<string>("--output", "-o") { Description = "The .tdsc file to write", Required = true };
        var method = new Option<string>("--calibration-method")
        {
            Description = "How activation ranges are taken from the calibration data (README: minmax, percentile, mse, auto)",
            DefaultValueFactory = _ => "minmax",
        };
        method.AcceptOnlyFromAmong("minmax", "percentile", "mse", "auto");
        var percentile = new Option<double>("--percentile")
        {
            Description = "Upper percentile P for --calibration-method percentile, in (50, 100]",
            DefaultValueFactory = _ => 99.99,
        };

        var emit = new Option<string?>("--emit-csharp")
        {
            Description = "Also write the model as a C# source file for a nanoFramework project (array initialisers, at most 60,000 bytes)",
        };
        var golden = new Option<int?>("--emit-golden")
        {
            Description = "Golden vectors to embed with --emit-csharp: the first N samples of --golden-input (default: the calibration data)",
        };
        var goldenInput = new Option<string?>("--golden-input") { Description = "Golden inputs for --emit-golden, float32 NCHW .npy" };
        var ns = new Option<string?>("--emit-namespace") { Description = "Namespace of the emitted class (default TinyDsc.Embedded)" };
        var fuse = new Option<string>("--fuse")
        {
            Description = "auto (default): run inverted-residual and depthwise-separable chains as fused blocks, row by row, "
                + "in a smaller arena (format v1.1); none: every tensor in the arena (format v1.0)",
            DefaultValueFactory = _ => "auto",
        };
        fuse.AcceptOnlyFromAmong("auto", "none");

        Option<bool> force = Cli.ForceOption();
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("convert", "Quantize an ONNX model to an int8 .tdsc model")
        {
            model, calibration, output, method, percentile, emit, golden, goldenInput, ns, outputTensor, force, fuse, threads,
        };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string modelPath = parse.GetRequiredValue(model);
            string outPath = parse.GetRequiredValue(output);
            int workers = Cli.Threads(parse, threads);
            bool floatTflite = TfliteFiles.IsTflite(modelPath) && TfliteFiles.IsFloatModel(modelPath);
            if (floatTflite)
            {
                // A float .tflite is calibrated like an ONNX model; its calibration data is in its own NHWC layout.
                foreach (Option option in new Option[] { emit, golden, goldenInput, ns })
                {
                    if (parse.GetResult(option) is { Implicit: false })
                    {
                        throw new PipelineInputException($"{option.Name} applies to ONNX models only (a float .tflite converts to a .tdsc; embed that with the ONNX path's tools)");
                    }
                }
            }
            else if (TfliteFiles.IsTflite(modelPath))
            {
                foreach (Option option in new Option[] { calibration, method, percentile, emit, golden, goldenInput, ns })
                {
                    if (parse.GetResult(option) is { Implicit: false })
                    {
                        throw new PipelineInputException($"{option.Name} does not apply to an int8 .tflite (its own scales are used as given)");
                    }
                }
                return TfliteFiles.Convert(context, modelPath, outPath, parse.GetValue(outputTensor), parse.GetValue(force));
            }
            if (!floatTflite && parse.GetResult(outputTensor) != null)
            {
                throw new PipelineInputException("--output-tensor applies to a .tflite model only");
            }
            string calibPath = parse.GetValue(calibration) ?? throw new PipelineInputException(floatTflite
                ? "--calibration CALIB.npy is required for a float .tflite (float32 samples in the model's NHWC layout)"
                : "--calibration CALIB.npy is required for an ONNX model");
            var options = new CalibrationOptions
            {
                Method = parse.GetValue(method) switch
                {
                    "percentile" => CalibrationMethod.Percentile,
                    "mse" => CalibrationMethod.Mse,
                    "auto" => CalibrationMethod.Auto,
                    _ => CalibrationMethod.MinMax,
                },
                Percentile = parse.GetValue(percentile),
                Threads = workers,
            };
            if (options.Method == CalibrationMethod.Percentile && !(options.Percentile > 50 && options.Percentile <= 100))
            {
                throw new PipelineInputException($"--percentile must be in (50, 100], got {options.Percentile}");
            }
            if (options.Method != CalibrationMethod.Percentile && parse.GetResult(percentile) is { Implicit: false })
            {
                // Silently calibrating with another method than the one the user tuned would be worse than stopping.
                throw new PipelineInputException($"--percentile applies only to --calibration-method percentile, " +
                    $"but the method is {parse.GetValue(method)}: add --calibration-method percentile, or drop --percentile");
            }

            string? csPath = parse.GetValue(emit);
            CSharpEmbedding.Request? embedding = null;
            // Every output path is checked before any work; they are written together at the end, or none is.
            var outputs = new OutputFiles(parse.GetValue(force));
            outputs.Declare(outPath, "--output");
            if (csPath != null)
            {
                if (Path.GetFullPath(csPath) == Path.GetFullPath(outPath))
                {
                    throw new PipelineInputException($"--emit-csharp {csPath} is also the --output file");
                }
                outputs.Declare(csPath, "--emit-csharp");
                string? goldenPath = parse.GetValue(goldenInput);
                embedding = new CSharpEmbedding.Request(csPath, parse.GetValue(golden) ?? (goldenPath != null ? null : 0),
                    goldenPath ?? calibPath, parse.GetValue(ns) ?? new EmbeddingOptions().Namespace, Path.GetFileName(modelPath),
                    $"tinydsc convert {Path.GetFileName(modelPath)} --calibration {Path.GetFileName(calibPath)} --emit-csharp {Path.GetFileName(csPath)}");
                if (goldenPath != null)
                {
                    CommandFiles.RequireFile(goldenPath, "golden inputs");
                }
            }
            else
            {
                foreach (Option option in new Option[] { golden, goldenInput, ns })
                {
                    if (parse.GetResult(option) != null)
                    {
                        throw new PipelineInputException($"{option.Name} needs --emit-csharp FILE.cs");
                    }
                }
            }

            FloatGraph graph;
            (float[] data, int[] shape) = CommandFiles.ReadTensor(calibPath, "calibration data");
            if (floatTflite)
            {
                graph = TfliteFloatGraph.Build(File.ReadAllBytes(modelPath), Path.GetFileName(modelPath),
                    new TfliteImportOptions { OutputTensor = parse.GetValue(outputTensor) });
                (data, shape) = TfliteFiles.ToNchw(data, shape);
            }
            else
            {
                graph = CommandFiles.LoadGraph(modelPath);
            }
            ConversionResult result = context.WithProgress($"calibrating on {Path.GetFileName(calibPath)}",
                progress => ModelConverter.Convert(graph, data, shape, calibPath, options, progress,
                    parse.GetValue(fuse) == "none" ? FusionMode.None : FusionMode.Auto));
            // Everything is computed before anything is written: a refused embedding leaves no .tdsc behind either.
            (EmbeddingResult Result, int GoldenCount)? emitted = embedding == null ? null : CSharpEmbedding.Build(embedding, result.FileBytes);
            outputs.Stage(outPath, result.FileBytes);
            if (emitted is { } e)
            {
                outputs.Stage(embedding!.CsPath, new UTF8Encoding(false).GetBytes(e.Result.Source));
            }
            outputs.Commit();

            var table = new Table().AddColumn("").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("operators", result.Quantized.Model.Operators.Length.ToString());
            table.AddRow("tensors", result.Quantized.Model.Tensors.Length.ToString());
            table.AddRow("calibration samples", shape[0].ToString());
            table.AddRow("arena bytes", result.Plan.ArenaBytes.ToString());
            table.AddRow("arena lower bound", result.Plan.LowerBoundBytes.ToString());
            table.AddRow("fused blocks", BlockFusion.Groups(result.Quantized.Model).Count.ToString());
            table.AddRow("model bytes", result.FileBytes.Length.ToString());
            table.AddRow("written", Markup.Escape(outPath));
            if (emitted is { } emittedCs)
            {
                table.AddRow("golden vectors", emittedCs.GoldenCount.ToString());
                table.AddRow("C# initialiser bytes", $"{emittedCs.Result.Size.Total} of {emittedCs.Result.Size.Limit}");
                table.AddRow("C# written", Markup.Escape(embedding!.CsPath));
            }
            context.Ansi.Write(table);
            context.Ansi.Write(InspectCommand.BoardFitTable(TinyDsc.Runtime.Format.ModelReader.Load(result.FileBytes), result.FileBytes.Length));
            return ExitCodes.Success;
        }));
        return command;
    }
}
