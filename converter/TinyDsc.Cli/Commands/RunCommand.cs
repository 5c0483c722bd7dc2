using System.CommandLine;
using System.IO;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>tinydsc run MODEL.tdsc --input X.npy --output Y.npy — the int8 runtime, outputs dequantized.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL.tdsc") { Description = "int8 model written by convert" };
        var input = new Option<string>("--input", "-i") { Description = "Input batch, float32 NCHW .npy", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output .npy (float32, the ONNX model's output shape)", Required = true };
        var nhwc = new Option<bool>("--nhwc") { Description = "Take and return NHWC (a .tdsc converted from .tflite); implied for a .tflite MODEL" };
        var outputTensor = new Option<string?>("--output-tensor") { Description = ".tflite only: run up to this tensor (see convert)" };
        Option<bool> force = Cli.ForceOption();
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("run", "Run the int8 model (.tdsc or int8 .tflite) on a batch") { model, input, output, nhwc, outputTensor, threads, force };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string inPath = parse.GetRequiredValue(input);
            int workers = Cli.Threads(parse, threads);
            var outputs = new OutputFiles(parse.GetValue(force));
            string outPath = parse.GetRequiredValue(output);
            outputs.Declare(outPath, "--output");
            (Model m, _, bool tflite) = TfliteFiles.LoadModel(parse.GetRequiredValue(model), parse.GetValue(outputTensor));
            (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
            var runner = new Int8Runner(m, tflite || parse.GetValue(nhwc)) { Threads = workers };
            BatchResult result = context.WithProgress($"int8 on {Path.GetFileName(inPath)}",
                progress => runner.Run(data, shape, inPath, progress));
            outputs.Stage(outPath, Npy.EncodeFloat32(outPath, result.Shape, result.Data));
            outputs.Commit();
            return ExitCodes.Success;
        }));
        return command;
    }
}
