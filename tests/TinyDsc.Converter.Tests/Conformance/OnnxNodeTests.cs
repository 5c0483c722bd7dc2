using System.IO;
using System.Linq;
using Google.Protobuf;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Onnx;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>
/// ONNX's own single-op conformance cases (data/node) for the op variants TinyDsc lowers: auto_pad, asymmetric and
/// precomputed pads, count_include_pad, 1-D pools, Gemm alpha/beta/bias forms, BatchNorm epsilon, Flatten axes. These models take
/// weights as extra graph inputs; TinyDsc needs them constant, so the test turns inputs 1.. into initializers holding
/// the case's own input_1.pb, input_2.pb, ... before importing. Expected values are ONNX's output_0.pb.
/// (test_identity is left out: a graph that only passes its input through is rejected as having nothing to run.)
/// </summary>
public sealed class OnnxNodeTests
{
    public static readonly string[] Cases =
    {
        "test_averagepool_1d_default", "test_maxpool_1d_default", "test_averagepool_2d_default", "test_averagepool_2d_pads", "test_averagepool_2d_pads_count_include_pad",
        "test_averagepool_2d_precomputed_pads", "test_averagepool_2d_precomputed_pads_count_include_pad",
        "test_averagepool_2d_precomputed_same_upper", "test_averagepool_2d_precomputed_strides",
        "test_averagepool_2d_same_lower", "test_averagepool_2d_same_upper", "test_averagepool_2d_strides",
        "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_conv_with_autopad_same",
        "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_strides_no_padding", "test_conv_with_strides_padding",
        "test_batchnorm_epsilon", "test_batchnorm_example",
        "test_flatten_axis1", "test_flatten_default_axis", "test_flatten_negative_axis3",
        "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_no_bias", "test_gemm_default_scalar_bias",
        "test_gemm_default_single_elem_vector_bias", "test_gemm_default_vector_bias", "test_gemm_default_zero_bias",
        "test_gemm_transposeB", "test_matmul_2d",
        "test_maxpool_2d_default", "test_maxpool_2d_pads", "test_maxpool_2d_precomputed_pads",
        "test_maxpool_2d_precomputed_same_upper", "test_maxpool_2d_precomputed_strides", "test_maxpool_2d_same_lower",
        "test_maxpool_2d_same_upper", "test_maxpool_2d_strides",
        "test_softmax_example", "test_softmax_large_number",
    };

    public static TheoryData<string> CaseData() => new(Cases);

    /// <summary>The case's model with every graph input after the first turned into an initializer.</summary>
    private static byte[] WithConstantWeights(string dir)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
        var initialized = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = model.Graph.Input.Where(i => !initialized.Contains(i.Name)).ToList();
        for (int i = 1; i < inputs.Count; i++)
        {
            var t = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "test_data_set_0", $"input_{i}.pb")));
            t.Name = inputs[i].Name;
            model.Graph.Initializer.Add(t);
            model.Graph.Input.Remove(inputs[i]);
        }
        return model.ToByteArray();
    }

    [OnnxTestDataTheory]
    [MemberData(nameof(CaseData))]
    public void ReferenceMatchesOnnxExpectedOutput(string name)
    {
        string dir = Path.Combine(OnnxTestData.Node, name);
        byte[] model = WithConstantWeights(dir);
        var (inShape, input) = OnnxTestData.ReadTensor(Path.Combine(dir, "test_data_set_0", "input_0.pb"));
        var (_, expected) = OnnxTestData.ReadTensor(Path.Combine(dir, "test_data_set_0", "output_0.pb"));

        var graph = OnnxImporter.Import(model);
        var actual = FloatReference.RunBatch(graph, input, inShape[0]);

        Compare.Close(expected, actual, $"{name} vs ONNX expected output");
        Compare.Close(OrtRunner.Run(model, input, inShape), actual, $"{name} vs ONNX Runtime");
    }
}
