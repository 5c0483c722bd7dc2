using System;
using System.IO;
using Spectre.Console;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Validation;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc verify REFERENCE.tflite MODEL.(tdsc|tflite) --input X.npy [--labels L.npy] [--output-tensor NAME]:
/// the int8 model against the reference .tflite's float execution — a float32 .tflite as it is, an int8 .tflite
/// dequantized (<see cref="TfliteFloatGraph"/>). Inputs and outputs are NHWC, the .tflite's own layout.
/// </summary>
internal static class TfliteVerify
{
    public static int Run(CliContext context, string referencePath, string modelPath, string inPath, string? labelPath, string? outputTensor, int threads)
    {
        CommandFiles.RequireFile(referencePath, "reference .tflite");
        var options = new TfliteImportOptions { OutputTensor = outputTensor };
        FloatGraph graph = TfliteFloatGraph.Build(File.ReadAllBytes(referencePath), Path.GetFileName(referencePath), options);
        (Model model, _, bool _) = TfliteFiles.IsTflite(modelPath)
            ? TfliteFiles.LoadModel(modelPath, outputTensor)
            : TfliteFiles.LoadModel(modelPath, null);
        (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
        var floatRunner = new FloatRunner(graph) { Threads = threads };
        var int8Runner = new Int8Runner(model, nhwc: true) { Threads = threads };
        int[] refNhwc = Nhwc(floatRunner.InputShape);
        if (!((ReadOnlySpan<int>)refNhwc).SequenceEqual(int8Runner.InputShape))
        {
            throw new PipelineInputException($"{referencePath} takes {ModelShapes.Describe(refNhwc)} but {modelPath} takes " +
                $"{ModelShapes.Describe(int8Runner.InputShape)}: the models do not match");
        }
        int n = ModelShapes.BatchOf(inPath, shape, refNhwc);
        // The task verify (ONNX) and report take without --task: [N, C] is classification, probabilities after a Softmax.
        OutputTask kind = OutputComparison.AutoTask(int8Runner.OutputShape, model);
        long[]? truth = null;
        if (labelPath != null)
        {
            CommandFiles.RequireFile(labelPath, "labels");
            if (kind == OutputTask.Regression)
            {
                throw new PipelineInputException($"--labels needs a classification model (output [N, classes]), but {modelPath} outputs {ModelShapes.Describe(int8Runner.OutputShape)}");
            }
            truth = TensorFiles.ReadLabels(labelPath, n, ModelShapes.SampleSize(int8Runner.OutputShape));
        }

        // The float reference runs NCHW: transpose each NHWC sample in, and a 4-D output back.
        float[] nchw = Transpose(data, n, refNhwc, toNchw: true);
        string name = Path.GetFileName(inPath);
        BatchResult reference = context.WithProgress($"float on {name}", p => floatRunner.Run(nchw, ModelShapes.WithBatch(floatRunner.InputShape, n), inPath, p));
        float[] refOut = Transpose(reference.Data, n, Nhwc(floatRunner.OutputShape), toNchw: false);
        BatchResult quantized = context.WithProgress($"int8 on {name}", p => int8Runner.Run(data, shape, inPath, p));
        if (refOut.Length != quantized.Data.Length)
        {
            throw new PipelineInputException($"{referencePath} gives {refOut.Length / n} outputs per sample but {modelPath} gives {quantized.Data.Length / n}");
        }
        OutputComparison m = OutputComparison.Compute(refOut, quantized.Data, n, kind, truth);

        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("samples", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("reference", Markup.Escape(Path.GetFileName(referencePath) + (TfliteFiles.IsFloatModel(referencePath)
            ? " float execution" : " float execution (int8 weights dequantized)")));
        table.AddRow("output", Markup.Escape($"{ModelShapes.Describe(int8Runner.OutputShape)}, {kind switch { OutputTask.Classification => "classification", OutputTask.Probabilities => "class probabilities (Softmax)", _ => "regression" }}"));
        table.AddRow("SQNR (int8 vs float)", Format.Db(m.SqnrDb));
        table.AddRow("max abs error", Markup.Escape(Format.MaxAbsError(m)));
        table.AddRow("cosine similarity", m.Cosine.ToString("F6", System.Globalization.CultureInfo.InvariantCulture));
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
        return ExitCodes.Success;
    }

    private static int[] Nhwc(int[] nchw) => nchw.Length == 4 ? new[] { nchw[0], nchw[2], nchw[3], nchw[1] } : nchw;

    /// <summary>NHWC ↔ NCHW per sample for 4-D shapes (given in NHWC); other ranks are returned as they are.</summary>
    internal static float[] Transpose(float[] data, int n, int[] nhwc, bool toNchw)
    {
        if (nhwc.Length != 4)
        {
            return data;
        }
        int h = nhwc[1], w = nhwc[2], c = nhwc[3], size = h * w * c;
        var result = new float[data.Length];
        var sample = new float[size];
        for (int s = 0; s < n; s++)
        {
            if (toNchw)
            {
                Array.Copy(data, s * size, sample, 0, size);
                TinyDsc.Converter.Pipeline.Layout.NhwcToNchw(sample, c, h, w, result, s * size);
            }
            else
            {
                TinyDsc.Converter.Pipeline.Layout.NchwToNhwc(data, s * size, c, h, w, sample);
                Array.Copy(sample, 0, result, s * size, size);
            }
        }
        return result;
    }
}
