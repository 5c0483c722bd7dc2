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
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var onnx = new Argument<string>("MODEL.onnx") { Description = "PyTorch-exported ONNX model (float reference)" };
        var tdsc = new Argument<string>("MODEL.tdsc") { Description = "int8 model converted from it" };
        var input = new Option<string>("--input", "-i") { Description = "Input batch, float32 NCHW .npy", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Class labels, one integer per sample (.npy)" };
        var output = new Option<string>("--output", "-o") { Description = "HTML file to write (replaced atomically)", Required = true };
        Option<bool> force = Cli.ForceOption();
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("report", "Write an HTML report: per-layer int8 error, activations, weights, memory, cost, board fit")
        {
            onnx, tdsc, input, labels, output, threads, force,
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
            foreach (string path in new[] { onnxPath, tdscPath })
            {
                if (TfliteFiles.IsTflite(path))
                {
                    // The per-layer comparison matches the .tdsc's tensors to an ONNX graph's values; a .tflite has its
                    // own tensor list and NHWC layout, which the report does not map yet.
                    throw new PipelineInputException($"{path}: report takes an ONNX model and the .tdsc converted from it; " +
                        "for a .tflite use `tinydsc verify MODEL.tflite MODEL.tdsc --input X.npy` (whole-model metrics) and `tinydsc inspect`");
                }
            }

            FloatGraph graph = CommandFiles.LoadGraph(onnxPath);
            (Model model, byte[] bytes) = CommandFiles.LoadModel(tdscPath);
            (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
            long[]? truth = null;
            if (labelPath != null)
            {
                CommandFiles.RequireFile(labelPath, "labels");
                int n = ModelShapes.BatchOf(inPath, shape, ModelShapes.Nchw(model.Tensors[model.InputTensor]));
                TensorInfo outInfo = model.Tensors[model.OutputTensor];
                if (outInfo.Rank != 2)
                {
                    throw new PipelineInputException($"--labels needs a classification model (output [N, classes]), but {tdscPath} outputs a rank-{outInfo.Rank} tensor");
                }
                truth = TensorFiles.ReadLabels(labelPath, n, outInfo.Dims[1]);
            }

            ModelReport report = context.WithProgress($"report on {Path.GetFileName(inPath)}", p =>
                ModelReportBuilder.Build(graph, model, bytes.Length, onnxPath, tdscPath, data, shape, inPath, truth, labelPath, p, workers));
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
