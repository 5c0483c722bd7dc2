using System;
using System.Collections.Generic;
using System.IO;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Report;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// tinydsc report REFERENCE.tflite MODEL.(tflite|tdsc) --input X.npy ...: the per-layer report of a .tflite, with the
/// references verify takes (<see cref="TfliteVerify"/>): an int8 .tflite's dequantized execution, or a float .tflite.
/// How each int8 tensor finds its float value:
/// - an int8 .tflite as MODEL (imported in memory) or a .tdsc whose bytes are that import's: the importer's record of
///   the file tensor behind each .tdsc tensor (<see cref="TfliteReportMapping"/>); against another file (the float
///   .tflite) through a node-by-node match of the two files' float graphs;
/// - a .tdsc converted from a float .tflite through calibration: as for ONNX (<see cref="ReportMapping.FromGraph"/>).
/// Inputs are the .tflite's own NHWC layout, as verify takes them.
/// </summary>
internal static class TfliteReport
{
    /// <summary>What the report needs, resolved and checked before any sample runs.</summary>
    /// <returns>The report's source, the input batch transposed to NCHW (and its shape), the sample count and the
    /// model's output size per sample.</returns>
    public static (ReportSource Source, float[] Data, int[] Shape, int Samples, int OutputSize) Prepare(string referencePath, string modelPath,
        string inPath, string? outputTensor)
    {
        if (!TfliteFiles.IsTflite(referencePath))
        {
            throw new PipelineInputException($"{modelPath}: a .tflite model is reported against a .tflite reference (the int8 file itself, " +
                $"whose dequantized execution is the reference, or the float .tflite it came from), not {Path.GetFileName(referencePath)}");
        }
        CommandFiles.RequireFile(referencePath, "reference .tflite");
        byte[] referenceBytes = File.ReadAllBytes(referencePath);
        var options = new TfliteImportOptions { OutputTensor = outputTensor };
        bool floatReference = TfliteFiles.IsFloatModel(referencePath);
        (FloatGraph graph, Func<TfliteTensorOrigin, string?> referenceValueOf) =
            TfliteFloatGraph.BuildWithOrigins(referenceBytes, Path.GetFileName(referencePath), options);
        string kind = floatReference ? "float .tflite" : "int8 .tflite, dequantized";

        ReportSource source;
        if (TfliteFiles.IsTflite(modelPath))
        {
            CommandFiles.RequireFile(modelPath, ".tflite model");
            if (TfliteFiles.IsFloatModel(modelPath))
            {
                throw new PipelineInputException($"{modelPath} is a float .tflite: the int8 model it becomes needs calibration data " +
                    "(tinydsc convert MODEL.tflite --calibration CALIB.npy --output MODEL.tdsc); then report on that .tdsc");
            }
            byte[] modelFileBytes = File.ReadAllBytes(modelPath);
            (TfliteImport import, _, byte[] bytes) = TfliteFiles.Import(modelPath, outputTensor);
            source = FromImport(import, modelFileBytes, bytes.Length, modelPath, referenceBytes, referencePath, graph, referenceValueOf, options, kind);
        }
        else
        {
            (Model model, byte[] bytes) = CommandFiles.LoadModel(modelPath);
            if (floatReference)
            {
                source = new ReportSource
                {
                    Graph = graph,
                    Model = model,
                    ModelBytes = bytes.Length,
                    ReferenceFile = referencePath,
                    ReferenceKind = kind,
                    ModelFile = modelPath,
                    Nhwc = true,
                    Map = unfused => ReportMapping.FromGraph(graph, unfused, referencePath, modelPath),
                    MismatchHint = "a .tdsc converted from an int8 .tflite is reported against that .tflite " +
                        "(or give the int8 .tflite as MODEL to compare its layers with the float .tflite)",
                };
            }
            else
            {
                // The .tdsc must be what convert writes for this int8 .tflite (and --output-tensor): then the import's
                // record of file tensors describes it.
                (TfliteImport import, _, byte[] expected) = TfliteFiles.Import(referencePath, outputTensor);
                if (!((ReadOnlySpan<byte>)expected).SequenceEqual(bytes))
                {
                    int at = ((ReadOnlySpan<byte>)expected).CommonPrefixLength(bytes);
                    throw new PipelineInputException($"{modelPath} was not converted from {referencePath}" +
                        (outputTensor == null ? "" : $" with --output-tensor {outputTensor}") +
                        $": `tinydsc convert` of it writes {expected.Length} bytes that differ from its {bytes.Length} at byte {at}; " +
                        "give the int8 .tflite itself as MODEL, or the --output-tensor the .tdsc was converted with");
                }
                source = FromImport(import, referenceBytes, bytes.Length, modelPath, referenceBytes, referencePath, graph, referenceValueOf, options, kind);
            }
        }

        // Inputs: NHWC as the .tflite takes them; the float graph (and the report) run NCHW.
        (float[] data, int[] shape) = CommandFiles.ReadTensor(inPath, "input");
        int[] refNhwc = Nhwc(ModelShapes.WithBatch(graph.Values[graph.Input].Shape, 1));
        TensorInfo input = source.Model.Tensors[source.Model.InputTensor];
        int[] modelNhwc = input.Dims[..input.Rank];
        if (!((ReadOnlySpan<int>)refNhwc[1..]).SequenceEqual(modelNhwc[1..]))
        {
            throw new PipelineInputException($"{referencePath} takes {ModelShapes.Describe(refNhwc)} but {modelPath} takes " +
                $"{ModelShapes.Describe(modelNhwc)}: the models do not match");
        }
        int n = ModelShapes.BatchOf(inPath, shape, refNhwc);
        (float[] nchwData, int[] nchwShape) = TfliteFiles.ToNchw(data, shape);
        TensorInfo output = source.Model.Tensors[source.Model.OutputTensor];
        return (source, nchwData, nchwShape, n, output.ByteSize);
    }

    private static ReportSource FromImport(TfliteImport import, byte[] modelFileBytes, long tdscBytes, string modelPath,
        byte[] referenceBytes, string referencePath, FloatGraph graph, Func<TfliteTensorOrigin, string?> referenceValueOf,
        TfliteImportOptions options, string kind)
    {
        Func<TfliteTensorOrigin, string?> valueOf = referenceValueOf;
        IReadOnlyDictionary<string, string>? toReference = null;
        if (!((ReadOnlySpan<byte>)modelFileBytes).SequenceEqual(referenceBytes))
        {
            // Another file (the float .tflite of the same network): the model file's own float graph names the values,
            // matched node by node with the reference's.
            (FloatGraph own, valueOf) = TfliteFloatGraph.BuildWithOrigins(modelFileBytes, Path.GetFileName(modelPath), options);
            toReference = TfliteReportMapping.Correspond(own, graph, modelPath, referencePath);
        }
        ReportMapping mapping = TfliteReportMapping.Map(import, valueOf, toReference, graph, modelPath, referencePath);
        return new ReportSource
        {
            Graph = graph,
            Model = import.Quantized.Model,
            ModelBytes = tdscBytes,
            ReferenceFile = referencePath,
            ReferenceKind = kind,
            ModelFile = modelPath,
            Nhwc = true,
            Map = _ => mapping,
        };
    }

    private static int[] Nhwc(int[] nchw) => nchw.Length == 4 ? new[] { nchw[0], nchw[2], nchw[3], nchw[1] } : nchw;
}
