using System.CommandLine;
using System.IO;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;

namespace TinyDsc.Cli.Commands;

/// <summary>tinydsc reference MODEL.onnx --input X.npy --output Y.npy — the float reference.</summary>
internal static class ReferenceCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL.onnx") { Description = "PyTorch-exported ONNX model" };
        var input = new Option<string>("--input", "-i") { Description = "Input batch, float32 NCHW .npy", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output .npy (float32)", Required = true };
        Option<bool> force = Cli.ForceOption();
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("reference", "Run the float reference on a batch") { model, input, output, threads, force };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string inPath = parse.GetRequiredValue(input);
            int workers = Cli.Threads(parse, threads);
            var outputs = new OutputFiles(parse.GetValue(force));
            string outPath = parse.GetRequiredValue(output);
            outputs.Declare(outPath, "--output");
            FloatGraph graph = CommandFiles.LoadGraph(parse.GetRequiredValue(model));
            (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
            var runner = new FloatRunner(graph) { Threads = workers };
            BatchResult result = context.WithProgress($"float on {Path.GetFileName(inPath)}",
                progress => runner.Run(data, shape, inPath, progress));
            outputs.Stage(outPath, Npy.EncodeFloat32(outPath, result.Shape, result.Data));
            outputs.Commit();
            return ExitCodes.Success;
        }));
        return command;
    }
}
