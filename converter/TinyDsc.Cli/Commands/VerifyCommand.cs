using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using Spectre.Console;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Validation;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc verify MODEL.onnx MODEL.tdsc --input X.npy [--labels L.npy] [--task auto|classification|regression] —
/// int8 against float, with the metrics of the output's kind (<see cref="OutputComparison"/>) and warnings
/// (<see cref="QualityWarnings"/>) on stderr.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var onnx = new Argument<string>("MODEL.onnx") { Description = "PyTorch-exported ONNX model (float reference)" };
        var tdsc = new Argument<string>("MODEL.tdsc") { Description = "int8 model converted from it" };
        var input = new Option<string>("--input", "-i") { Description = "Input batch, float32 NCHW .npy", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Class labels, one integer class index per sample (.npy); classification only" };
        var task = new Option<string>("--task")
        {
            Description = "What the output is: auto (an [N, C] output is classification, anything else regression), " +
                "classification (top-1 over each sample's whole output), regression (SQNR, max error, cosine only)",
            DefaultValueFactory = _ => "auto",
        };
        task.AcceptOnlyFromAmong("auto", "classification", "regression");
        var outputTensor = new Option<string?>("--output-tensor") { Description = ".tflite reference only: compare up to this tensor (see convert)" };
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("verify", "Compare the int8 model with the float reference (ONNX, or a .tflite: float, or int8 dequantized)") { onnx, tdsc, input, labels, task, outputTensor, threads };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string onnxPath = parse.GetRequiredValue(onnx), tdscPath = parse.GetRequiredValue(tdsc);
            string inPath = parse.GetRequiredValue(input);
            string? labelPath = parse.GetValue(labels);
            int workers = Cli.Threads(parse, threads);
            if (TfliteFiles.IsTflite(onnxPath))
            {
                return TfliteVerify.Run(context, onnxPath, tdscPath, inPath, labelPath, parse.GetValue(outputTensor), workers);
            }
            FloatGraph graph = CommandFiles.LoadGraph(onnxPath);
            (Model model, _) = CommandFiles.LoadModel(tdscPath);
            (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
            var floatRunner = new FloatRunner(graph) { Threads = workers };
            var int8Runner = new Int8Runner(model) { Threads = workers };
            if (!((ReadOnlySpan<int>)floatRunner.InputShape).SequenceEqual(int8Runner.InputShape))
            {
                throw new PipelineInputException($"{onnxPath} takes {ModelShapes.Describe(floatRunner.InputShape)} but " +
                    $"{tdscPath} takes {ModelShapes.Describe(int8Runner.InputShape)}: the models do not match");
            }
            int n = ModelShapes.BatchOf(inPath, shape, floatRunner.InputShape);
            int[] outShape = floatRunner.OutputShape;
            OutputTask kind = parse.GetValue(task) switch
            {
                "classification" => OutputTask.Classification,
                "regression" => OutputTask.Regression,
                _ => OutputComparison.Detect(outShape),
            };
            if (kind == OutputTask.Classification && OutputComparison.EndsInSoftmax(model))
            {
                kind = OutputTask.Probabilities;   // a final Softmax: both sides are probabilities (the int8 one in steps of 1/256)
            }
            long[]? truth = null;
            if (labelPath != null)
            {
                CommandFiles.RequireFile(labelPath, "labels");
                if (kind == OutputTask.Regression)
                {
                    throw new PipelineInputException($"--labels needs a classification model (output [N, classes]), but " +
                        $"{onnxPath} outputs {ModelShapes.Describe(outShape)}" +
                        (parse.GetValue(task) == "regression" ? " and --task is regression" : "; add --task classification to treat each sample's whole output as class scores"));
                }
                truth = TensorFiles.ReadLabels(labelPath, n, ModelShapes.SampleSize(outShape));
            }

            string name = Path.GetFileName(inPath);
            ClipCounter? clipping = ClipCounter.For(graph, model);
            floatRunner.Observer = clipping == null ? null : clipping.Observe;
            BatchResult reference = context.WithProgress($"float on {name}", p => floatRunner.Run(data, shape, inPath, p));
            BatchResult quantized = context.WithProgress($"int8 on {name}", p => int8Runner.Run(data, shape, inPath, p));
            Format.RequireSameShape(reference, quantized, onnxPath, tdscPath);
            OutputComparison m = OutputComparison.Compute(reference.Data, quantized.Data, n, kind, truth);

            var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("samples", n.ToString(CultureInfo.InvariantCulture));
            table.AddRow("output", Markup.Escape($"{ModelShapes.Describe(outShape)}, {kind switch { OutputTask.Classification => "classification", OutputTask.Probabilities => "class probabilities (Softmax)", _ => "regression" }}"));
            table.AddRow("SQNR (int8 vs float)", Format.Db(m.SqnrDb));
            table.AddRow("max abs error", Markup.Escape(Format.MaxAbsError(m)));
            table.AddRow("cosine similarity", m.Cosine.ToString("F6", CultureInfo.InvariantCulture));
            if (m.Top1Agreement is double agreement)
            {
                table.AddRow("top-1 agreement", Markup.Escape(Format.Percent(agreement, n)));
            }
            if (m.FloatAccuracy is double fa && m.Int8Accuracy is double qa)
            {
                table.AddRow("float accuracy", Markup.Escape(Format.Percent(fa, n)));
                table.AddRow("int8 accuracy", Markup.Escape(Format.Percent(qa, n)));
            }
            context.Ansi.Write(table);
            foreach (string warning in QualityWarnings.For(m, clipping?.Shares))
            {
                context.Error.WriteLine($"tinydsc: warning: {warning}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
