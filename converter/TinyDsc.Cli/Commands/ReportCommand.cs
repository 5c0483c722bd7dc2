using System.CommandLine;
using System.IO;
using System.Reflection;
using System.Text;
using TinyDsc.Cli.Report;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Report;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc report MODEL.onnx MODEL.tdsc --input X.npy [--labels L.npy] --output report.html — one self-contained HTML
/// page: per-layer error, activation histograms, per-channel weights, arena timeline, estimated cost, board fit.
/// A .tflite reference or model goes through <see cref="TfliteReport"/> (NHWC input, --output-tensor).
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var onnx = new Argument<string>("MODEL.onnx") { Description = "Float reference: a PyTorch-exported ONNX model, or a .tflite (an int8 one runs dequantized; or its float .tflite)" };
        var tdsc = new Argument<string>("MODEL.tdsc") { Description = "int8 model converted from it, or an int8 .tflite (imported in memory)" };
        var input = new Option<string>("--input", "-i") { Description = "Input batch, float32 .npy: NCHW for ONNX, NHWC for a .tflite", Required = true };
        var outputTensor = new Option<string?>("--output-tensor") { Description = ".tflite only: compare up to this tensor (as convert and verify)" };
        var labels = new Option<string?>("--labels") { Description = "Class labels, one integer per sample (.npy)" };
        var output = new Option<string>("--output", "-o") { Description = "HTML file to write (replaced atomically)", Required = true };
        Option<bool> force = Cli.ForceOption();
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("report", "Write an HTML report: per-layer int8 error, activations, weights, memory, cost, board fit")
        {
            onnx, tdsc, input, labels, output, outputTensor, threads, force,
        };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string onnxPath = parse.GetRequiredValue(onnx), tdscPath = parse.GetRequiredValue(tdsc);
            string inPath = parse.GetRequiredValue(input), outPath = parse.GetRequiredValue(output);
            string? labelPath = parse.GetValue(labels);
            int workers = Cli.Threads(parse, threads);
            // Checked before the (slow) comparison runs, so a typo fails at once.
            var outputs = new OutputFiles(parse.GetValue(force));
            outputs.Declare(outPath, "--output");
            string? tensor = parse.GetValue(outputTensor);
            ReportSource source;
            float[] data;
            int[] shape;
            int n, outSize;
            if (TfliteFiles.IsTflite(onnxPath) || TfliteFiles.IsTflite(tdscPath))
            {
                (source, data, shape, n, outSize) = TfliteReport.Prepare(onnxPath, tdscPath, inPath, tensor);
            }
            else
            {
                if (tensor != null)
                {
                    throw new PipelineInputException("--output-tensor applies to a .tflite model only");
                }
                FloatGraph graph = CommandFiles.LoadGraph(onnxPath);
                (Model model, byte[] bytes) = CommandFiles.LoadModel(tdscPath);
                (data, shape) = CommandFiles.ReadTensor(inPath, "input");
                n = ModelShapes.BatchOf(inPath, shape, ModelShapes.Nchw(model.Tensors[model.InputTensor]));
                outSize = model.Tensors[model.OutputTensor].ByteSize;
                source = new ReportSource
                {
                    Graph = graph,
                    Model = model,
                    ModelBytes = bytes.Length,
                    ReferenceFile = onnxPath,
                    ReferenceKind = "ONNX",
                    ModelFile = tdscPath,
                    Map = unfused => ReportMapping.FromGraph(graph, unfused, onnxPath, tdscPath),
                };
            }
            long[]? truth = null;
            if (labelPath != null)
            {
                CommandFiles.RequireFile(labelPath, "labels");
                TensorInfo outInfo = source.Model.Tensors[source.Model.OutputTensor];
                if (outInfo.Rank != 2)
                {
                    throw new PipelineInputException($"--labels needs a classification model (output [N, classes]), but {tdscPath} outputs a rank-{outInfo.Rank} tensor");
                }
                truth = TensorFiles.ReadLabels(labelPath, n, outSize);
            }

            ModelReport report = context.WithProgress($"report on {Path.GetFileName(inPath)}", p =>
                ModelReportBuilder.Build(source, data, shape, inPath, truth, labelPath, p, workers));
            string html = HtmlReport.Render(report, Version());
            outputs.Stage(outPath, new UTF8Encoding(false).GetBytes(html));
            outputs.Commit();
            context.Output.WriteLine($"wrote {outPath} ({report.Output.Samples} samples, {report.Tensors.Count} tensors; " +
                $"output SQNR {Format.Db(report.Output.SqnrDb)}; board fit: {HtmlReport.BoardSummary(report)})");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Version() =>
        typeof(ReportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
}
