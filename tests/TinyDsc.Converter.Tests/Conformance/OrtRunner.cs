using System.Linq;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TinyDsc.Converter.Onnx;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, float32) on one input tensor.</summary>
internal static class OrtRunner
{
    public static float[] Run(byte[] model, float[] input, int[] shape)
    {
        // Graph optimizations off: the comparison is with ONNX semantics, not with ORT's rewrites (its Pad fusion folds a
        // zero Pad into a following MaxPool, which changes results on negative inputs).
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        using var session = new InferenceSession(ForCurrentOrt(model), options);
        string name = session.InputMetadata.Keys.Single();
        var tensor = new DenseTensor<float>(input, shape);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, tensor) });
        return results.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>
    /// ONNX Runtime no longer ships kernels for some opset-6 op versions (AveragePool-1, BatchNormalization-6,
    /// Gemm-6) that the older conformance models use. Their opset-7 versions compute the same thing once the
    /// attributes opset 7 removed are dropped: is_test (BatchNormalization, Dropout: inference either way here) and
    /// Gemm's broadcast (opset 7 always broadcasts C). Models using the old Add/Mul broadcast+axis form are left alone.
    /// </summary>
    private static byte[] ForCurrentOrt(byte[] bytes)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain == "");
        if (opset == null || opset.Version >= 7 || model.Graph.Node.Any(n => n.Attribute.Any(a => a.Name == "axis") && n.Attribute.Any(a => a.Name == "broadcast")))
        {
            return bytes;
        }
        opset.Version = 7;
        foreach (var node in model.Graph.Node)
        {
            var drop = node.Attribute.Where(a => a.Name == "is_test" || (a.Name == "broadcast" && node.OpType == "Gemm")).ToList();
            foreach (var a in drop)
            {
                node.Attribute.Remove(a);
            }
        }
        return model.ToByteArray();
    }
}
