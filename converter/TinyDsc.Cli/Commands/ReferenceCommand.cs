using System.CommandLine;
using System.IO;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Pipeline;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc reference MODEL.onnx --input X.npy --output Y.npy — the float reference. A .tflite runs as verify's
/// reference does (an int8 file dequantized, a float file as it is; NHWC in and out, [--output-tensor NAME]).
/// </summary>
internal static class ReferenceCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL.onnx") { Description = "PyTorch-exported ONNX model, or a .tflite (an int8 one runs dequantized)" };
        var input = new Option<string>("--input", "-i") { Description = "Input batch, float32 .npy: NCHW for ONNX, NHWC for a .tflite", Required = true };
        var outputTensor = new Option<string?>("--output-tensor") { Description = ".tflite only: stop at this tensor (as convert and verify)" };
        var output = new Option<string>("--output", "-o") { Description = "Output .npy (float32)", Required = true };
        Option<bool> force = Cli.ForceOption();
        Option<int> threads = Cli.ThreadsOption();
        var command = new Command("reference", "Run the float reference on a batch") { model, input, output, outputTensor, threads, force };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string inPath = parse.GetRequiredValue(input);
            int workers = Cli.Threads(parse, threads);
            var outputs = new OutputFiles(parse.GetValue(force));
            string outPath = parse.GetRequiredValue(output);
            outputs.Declare(outPath, "--output");
            string modelPath = parse.GetRequiredValue(model);
            string? tensor = parse.GetValue(outputTensor);
            bool tflite = TfliteFiles.IsTflite(modelPath);
            if (tensor != null && !tflite)
            {
                throw new PipelineInputException("--output-tensor applies to a .tflite model only");
            }
            FloatGraph graph;
            if (tflite)
            {
                CommandFiles.RequireFile(modelPath, ".tflite model");
                graph = TfliteFloatGraph.Build(File.ReadAllBytes(modelPath), Path.GetFileName(modelPath), new TfliteImportOptions { OutputTensor = tensor });
            }
            else
            {
                graph = CommandFiles.LoadGraph(modelPath);
            }
            (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
            var runner = new FloatRunner(graph) { Threads = workers };
            if (tflite)
            {
                // The .tflite's NHWC samples in, its NHWC output back; the float graph runs NCHW.
                ModelShapes.BatchOf(inPath, shape, Nhwc(runner.InputShape));
                (data, shape) = TfliteFiles.ToNchw(data, shape);
            }
            BatchResult result = context.WithProgress($"float on {Path.GetFileName(inPath)}",
                progress => runner.Run(data, shape, inPath, progress));
            (float[] outData, int[] outShape) = (result.Data, result.Shape);
            if (tflite && outShape.Length == 4)
            {
                outShape = Nhwc(outShape);
                outData = TfliteVerify.Transpose(outData, outShape[0], outShape, toNchw: false);
            }
            outputs.Stage(outPath, Npy.EncodeFloat32(outPath, outShape, outData));
            outputs.Commit();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int[] Nhwc(int[] nchw) => nchw.Length == 4 ? new[] { nchw[0], nchw[2], nchw[3], nchw[1] } : nchw;
}
