using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Import.Ops;

namespace TinyDsc.Converter.Import;

/// <summary>One ONNX op the importer lowers on activations: its family (the file in <c>Import/Ops</c>) and handler.</summary>
internal sealed record ImportOp(string OpType, string Family, Action<ImportContext, NodeView> Lower);

/// <summary>
/// The importer's dispatch table: every ONNX op it lowers on activations, by family. <see cref="GraphLowering"/>
/// dispatches through it, and <see cref="OnnxImporter.SupportedOps"/> (the CLI's rejection message, the README's
/// supported-op list, checked by a test) is read from it, so the list cannot drift from what is handled.
/// Ops evaluated only on constants are <see cref="ConstantEvaluator.SupportedOps"/>.
/// </summary>
internal static class ImportOps
{
    public const string Convolution = "convolution";
    public const string Normalization = "normalization";
    public const string Activations = "activation";
    public const string Arithmetic = "arithmetic";
    public const string Pooling = "pooling";
    public const string Linear = "linear";
    public const string Shape = "shape";

    public static readonly IReadOnlyList<ImportOp> All = new ImportOp[]
    {
        new("Conv", Convolution, ConvolutionImport.LowerConv),
        new("BatchNormalization", Normalization, NormalizationImport.LowerBatchNorm),
        new("Relu", Activations, ActivationImport.LowerRelu),
        new("Clip", Activations, ActivationImport.LowerClip),
        new("HardSwish", Activations, ActivationImport.LowerHardSwish),
        new("HardSigmoid", Activations, ActivationImport.LowerHardSigmoid),
        new("Sigmoid", Activations, ActivationImport.LowerSigmoid),
        new("Tanh", Activations, ActivationImport.LowerTanh),
        new("LeakyRelu", Activations, ActivationImport.LowerLeakyRelu),
        new("Softmax", Activations, ActivationImport.LowerSoftmax),
        new("PRelu", Activations, ActivationImport.LowerPRelu),
        new("Add", Arithmetic, ArithmeticImport.LowerArithmetic),
        new("Sub", Arithmetic, ArithmeticImport.LowerArithmetic),
        new("Mul", Arithmetic, ArithmeticImport.LowerArithmetic),
        new("Div", Arithmetic, ArithmeticImport.LowerArithmetic),
        new("GlobalAveragePool", Pooling, PoolingImport.LowerGlobalAveragePool),
        new("AveragePool", Pooling, PoolingImport.LowerPool),
        new("MaxPool", Pooling, PoolingImport.LowerPool),
        new("Pad", Shape, ShapeImport.LowerPad),
        new("Flatten", Shape, ShapeImport.LowerFlatten),
        new("Reshape", Shape, ShapeImport.LowerReshape),
        new("Squeeze", Shape, ShapeImport.LowerSqueeze),
        new("ReduceMean", Pooling, PoolingImport.LowerReduceMean),
        new("Gemm", Linear, LinearImport.LowerGemm),
        new("MatMul", Linear, LinearImport.LowerMatMul),
        new("Identity", Shape, ShapeImport.LowerIdentity),
        new("Dropout", Shape, ShapeImport.LowerDropout),
        new("Concat", Shape, ConcatImport.LowerConcat),
    };

    private static readonly Dictionary<string, ImportOp> ByType = All.ToDictionary(o => o.OpType);

    public static ImportOp? Find(string opType) => ByType.GetValueOrDefault(opType);
}
