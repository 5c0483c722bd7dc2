using System.CommandLine;
using System.IO;
using Spectre.Console;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;

namespace TinyDsc.Cli.Commands;

/// <summary>tinydsc convert MODEL.onnx --calibration CALIB.npy --output MODEL.tdsc [--calibration-method] [--percentile]</summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL.onnx") { Description = "PyTorch-exported ONNX model" };
        var calibration = new Option<string>("--calibration") { Description = "Calibration samples, float32 NCHW .npy", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The .tdsc file to write", Required = true };
        var method = new Option<string>("--calibration-method")
        {
            Description = "How activation ranges are taken: minmax (default) or percentile",
            DefaultValueFactory = _ => "minmax",
        };
        method.AcceptOnlyFromAmong("minmax", "percentile");
        var percentile = new Option<double>("--percentile")
        {
            Description = "Upper percentile for --calibration-method percentile (default 99.99)",
            DefaultValueFactory = _ => 99.99,
        };

        var command = new Command("convert", "Quantize an ONNX model to an int8 .tdsc model") { model, calibration, output, method, percentile };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string modelPath = parse.GetRequiredValue(model);
            string calibPath = parse.GetRequiredValue(calibration);
            string outPath = parse.GetRequiredValue(output);
            var options = new CalibrationOptions
            {
                Method = parse.GetValue(method) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax,
                Percentile = parse.GetValue(percentile),
            };
            if (options.Method == CalibrationMethod.Percentile && !(options.Percentile > 50 && options.Percentile <= 100))
            {
                throw new PipelineInputException($"--percentile must be in (50, 100], got {options.Percentile}");
            }

            FloatGraph graph = CommandFiles.LoadGraph(modelPath);
            (float[] data, int[] shape) = CommandFiles.ReadTensor(calibPath, "calibration data");
            ConversionResult result = context.WithProgress($"calibrating on {Path.GetFileName(calibPath)}",
                progress => ModelConverter.Convert(graph, data, shape, calibPath, options, progress));
            TensorFiles.WriteBytes(outPath, result.FileBytes);

            var table = new Table().AddColumn("").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("operators", result.Quantized.Model.Operators.Length.ToString());
            table.AddRow("tensors", result.Quantized.Model.Tensors.Length.ToString());
            table.AddRow("calibration samples", shape[0].ToString());
            table.AddRow("arena bytes", result.Plan.ArenaBytes.ToString());
            table.AddRow("arena lower bound", result.Plan.LowerBoundBytes.ToString());
            table.AddRow("model bytes", result.FileBytes.Length.ToString());
            table.AddRow("written", Markup.Escape(outPath));
            context.Ansi.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }
}
