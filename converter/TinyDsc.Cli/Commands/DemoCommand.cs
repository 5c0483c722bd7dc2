using System.CommandLine;
using System.IO;
using Spectre.Console;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc demo — converts the bundled Fashion-MNIST DS-CNN (firmware-samples/models/fashion-dscnn), runs the float
/// reference and the int8 runtime on its test images, and prints one table comparing them.
/// </summary>
internal static class DemoCommand
{
    public const string ModelFolder = "firmware-samples/models/fashion-dscnn";

    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Convert and evaluate the bundled Fashion-MNIST model");
        command.SetAction(Cli.Guard(context, _ =>
        {
            string root = RepositoryRoot.Find() ?? throw new PipelineInputException(
                $"no {RepositoryRoot.Marker} above {Directory.GetCurrentDirectory()} or tinydsc's folder: run demo inside the TinyDsc repository");
            return Run(context, Path.Combine(root, ModelFolder));
        }));
        return command;
    }

    /// <summary>Runs the demo on the model folder (model.onnx, calibration.npy, test_images.npy, test_labels.npy).</summary>
    internal static int Run(CliContext context, string folder)
    {
        string onnxPath = Path.Combine(folder, "model.onnx");
        string calibPath = Path.Combine(folder, "calibration.npy");
        string imagesPath = Path.Combine(folder, "test_images.npy");
        string labelsPath = Path.Combine(folder, "test_labels.npy");

        FloatGraph graph = CommandFiles.LoadGraph(onnxPath);
        (float[] calib, int[] calibShape) = CommandFiles.ReadTensor(calibPath, "demo calibration data");
        (float[] images, int[] imageShape) = CommandFiles.ReadTensor(imagesPath, "demo test images");
        CommandFiles.RequireFile(labelsPath, "demo test labels");

        ConversionResult converted = context.WithProgress("calibrating",
            p => ModelConverter.Convert(graph, calib, calibShape, calibPath, new CalibrationOptions(), p));
        // Run what a device would load: the written bytes, read back through the runtime's reader.
        Model model = ModelReader.Load(converted.FileBytes);
        var floatRunner = new FloatRunner(graph);
        var int8Runner = new Int8Runner(model);
        int n = ModelShapes.BatchOf(imagesPath, imageShape, floatRunner.InputShape);
        long[] labels = TensorFiles.ReadLabels(labelsPath, n, ModelShapes.SampleSize(floatRunner.OutputShape));

        BatchResult reference = context.WithProgress($"float reference, {n} images", p => floatRunner.Run(images, imageShape, imagesPath, p));
        BatchResult quantized = context.WithProgress($"int8 runtime, {n} images", p => int8Runner.Run(images, imageShape, imagesPath, p));
        Format.RequireSameShape(reference, quantized, onnxPath, "the converted model");
        VerifyMetrics m = VerifyMetrics.Compute(reference.Data, quantized.Data, n, labels);

        long onnxBytes = new FileInfo(onnxPath).Length;
        var table = new Table().Title(Markup.Escape($"fashion-dscnn: {n} test images, {calibShape[0]} calibration images"))
            .AddColumn("").AddColumn(new TableColumn("float").RightAligned()).AddColumn(new TableColumn("int8").RightAligned());
        table.AddRow("accuracy", Markup.Escape(Format.Percent(m.FloatAccuracy!.Value, n)), Markup.Escape(Format.Percent(m.Int8Accuracy!.Value, n)));
        table.AddRow("top-1 agreement", "", Markup.Escape(Format.Percent(m.Top1Agreement, n)));
        table.AddRow("SQNR (int8 vs float)", "", Format.Db(m.SqnrDb));
        table.AddRow("max abs error (logits)", "", Format.Number(m.MaxAbsError));
        table.AddRow("model file", Format.Bytes(onnxBytes) + " .onnx", Format.Bytes(converted.FileBytes.Length) + " .tdsc");
        table.AddRow("arena", "", Format.Bytes(model.ArenaSize));
        // The device figure: nanoCLR's managed heap on an ESP32 (objects, headers and stack as well as the arrays),
        // estimated as inspect's board fit does; within 1 % of the device lane's measurement for this model.
        table.AddRow("ESP32 heap peak (estimate)", "", Format.Bytes(BoardFit.Estimate(model, converted.FileBytes.Length).Peak));
        // Wall time of the batch over the images: with several threads, the inverse of the throughput.
        table.AddRow($"desktop time per image ({int8Runner.Threads} thread{(int8Runner.Threads == 1 ? "" : "s")})",
            Format.Ms(reference.MillisecondsPerSample), Format.Ms(quantized.MillisecondsPerSample));
        context.Ansi.Write(table);
        return ExitCodes.Success;
    }
}
