using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>
/// ONNX's pytorch-converted conformance cases: every case is either supported (imported and run by the float
/// reference, matching both the stored PyTorch output and ONNX Runtime) or unsupported (rejected with a message naming
/// the reason). A case in neither list fails <see cref="EveryCaseIsClassified"/>, so new data cannot be skipped silently.
/// </summary>
public sealed class PytorchConvertedTests
{
    public static readonly string[] Supported =
    {
        "test_AvgPool2d", "test_AvgPool2d_stride", "test_BatchNorm2d_eval", "test_BatchNorm2d_momentum_eval",
        "test_Conv2d", "test_Conv2d_depthwise", "test_Conv2d_depthwise_padded", "test_Conv2d_depthwise_strided",
        "test_Conv2d_depthwise_with_multiplier", "test_Conv2d_dilated", "test_Conv2d_groups", "test_Conv2d_groups_thnn",
        "test_Conv2d_no_bias", "test_Conv2d_padding", "test_Conv2d_strided", "test_Linear", "test_Linear_no_bias",
        "test_MaxPool2d", "test_ReLU", "test_ZeroPad2d", "test_Sigmoid", "test_Tanh", "test_Softmax", "test_softmax_lastdim",
        // 1-D layers on [N, C, L], lowered to the 2-D ops with H = 1.
        "test_BatchNorm1d_3d_input_eval", "test_Conv1d", "test_Conv1d_dilated", "test_Conv1d_groups", "test_Conv1d_pad1",
        "test_Conv1d_pad1size1", "test_Conv1d_pad2", "test_Conv1d_pad2size1", "test_Conv1d_stride", "test_MaxPool1d",
        "test_MaxPool1d_stride", "test_LeakyReLU", "test_LeakyReLU_with_negval", "test_PReLU_1d", "test_PReLU_2d",
    };

    /// <summary>Unsupported cases and a fragment the import error must contain.</summary>
    public static readonly Dictionary<string, string> Unsupported = new()
    {
        // An old (opset 6) AvgPool1d export: Unsqueeze to [N, C, L, 1], a 2-D pool, Squeeze back. Unsqueeze of an
        // activation is not lowered (today's exporter writes a 1-D AveragePool, which is).
        ["test_AvgPool1d"] = "op Unsqueeze is not supported on activations",
        ["test_AvgPool1d_stride"] = "op Unsqueeze is not supported on activations",
        ["test_MaxPool1d_stride_padding_dilation"] = "dilations [10] are not supported",
        // 3-D layers: TinyDsc graphs are NCHW, NCL or [N, C] only.
        ["test_AvgPool3d"] = "has shape [2, 3, 4, 4, 4]",
        ["test_AvgPool3d_stride"] = "has shape [2, 3, 5, 5, 5]",
        ["test_AvgPool3d_stride1_pad0_gpu_input"] = "has shape [2, 3, 4, 4, 4]",
        ["test_BatchNorm3d_eval"] = "has shape [2, 3, 4, 4, 4]",
        ["test_BatchNorm3d_momentum_eval"] = "has shape [2, 3, 4, 4, 4]",
        ["test_Conv3d"] = "has shape [2, 3, 3, 4, 5]",
        ["test_Conv3d_dilated"] = "has shape [2, 3, 5, 5, 5]",
        ["test_Conv3d_dilated_strided"] = "has shape [2, 3, 5, 5, 5]",
        ["test_Conv3d_groups"] = "has shape [2, 4, 4, 5, 4]",
        ["test_Conv3d_no_bias"] = "has shape [2, 3, 3, 4, 5]",
        ["test_Conv3d_stride"] = "has shape [2, 3, 5, 5, 5]",
        ["test_Conv3d_stride_padding"] = "has shape [2, 3, 5, 5, 5]",
        ["test_MaxPool3d"] = "has shape [2, 3, 5, 5, 5]",
        ["test_MaxPool3d_stride"] = "has shape [2, 3, 5, 5, 5]",
        ["test_MaxPool3d_stride_padding"] = "has shape [2, 3, 5, 5, 5]",
        ["test_PReLU_3d"] = "has shape [2, 3, 4, 5, 6]",
        ["test_PReLU_3d_multiparam"] = "has shape [2, 3, 4, 5, 6]",
        // 1-D inputs through ops outside TinyDsc's set.
        ["test_ELU"] = "op Elu is not supported",
        ["test_GLU"] = "op Split is not supported",
        ["test_GLU_dim"] = "op Split is not supported",
        ["test_SELU"] = "op Selu is not supported",
        ["test_Softsign"] = "op Abs is not supported",
        // Opset 6 PReLU(num_parameters=3): slope [3], per channel in PyTorch but broadcast over the last axis in ONNX.
        ["test_PReLU_1d_multiparam"] = "constant operand of shape [3]",
        ["test_PReLU_2d_multiparam"] = "constant operand of shape [3]",
        // Ops outside TinyDsc's set.
        ["test_ConstantPad2d"] = "padding value 2 is not supported",
        ["test_ReflectionPad2d"] = "mode 'reflect' is not supported",
        ["test_ReplicationPad2d"] = "mode 'edge' is not supported",
        ["test_ConvTranspose2d"] = "op ConvTranspose is not supported",
        ["test_ConvTranspose2d_no_bias"] = "op ConvTranspose is not supported",
        ["test_MaxPool2d_stride_padding_dilation"] = "dilations [10, 10] are not supported",
        ["test_Embedding"] = "has element type INT64",
        ["test_Embedding_sparse"] = "has element type INT64",
        ["test_LogSoftmax"] = "op LogSoftmax is not supported",
        ["test_log_softmax_dim3"] = "op LogSoftmax is not supported",
        ["test_log_softmax_lastdim"] = "op LogSoftmax is not supported",
        ["test_softmax_functional_dim3"] = "softmax over axis 3 of a [1, 3, 4, 5] tensor; only the class axis of an [N, C] tensor",
        ["test_Softmin"] = "op Neg is not supported",
        ["test_PixelShuffle"] = "Reshape of [1, 9, 4, 4] to [1, 1, 3, 3, 4, 4] is not supported",
        ["test_PoissonNLLLLoss_no_reduce"] = "op Exp is not supported",
        ["test_Softplus"] = "op Softplus is not supported",
    };

    public static IEnumerable<object[]> SupportedCases() => Supported.Select(c => new object[] { c });

    public static IEnumerable<object[]> UnsupportedCases() => Unsupported.Keys.Select(c => new object[] { c });

    [OnnxTestDataFact]
    public void EveryCaseIsClassified()
    {
        var onDisk = Directory.GetDirectories(OnnxTestData.PytorchConverted).Select(Path.GetFileName).ToList();
        var unclassified = onDisk.Where(c => !Supported.Contains(c) && !Unsupported.ContainsKey(c!)).ToList();
        Assert.True(unclassified.Count == 0, "unclassified pytorch-converted cases: " + string.Join(", ", unclassified));
    }

    /// <summary>The float reference, sample by sample, against PyTorch's stored output and against ONNX Runtime.</summary>
    [OnnxTestDataTheory]
    [MemberData(nameof(SupportedCases))]
    public void ReferenceMatchesPytorchAndOnnxRuntime(string name)
    {
        string dir = Path.Combine(OnnxTestData.PytorchConverted, name);
        byte[] model = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
        var (inShape, input) = OnnxTestData.ReadTensor(Path.Combine(dir, "test_data_set_0", "input_0.pb"));
        var (_, expected) = OnnxTestData.ReadTensor(Path.Combine(dir, "test_data_set_0", "output_0.pb"));

        var graph = OnnxImporter.Import(model);
        int batch = inShape[0];
        var actual = FloatReference.RunBatch(graph, input, batch);

        Compare.Close(expected, actual, $"{name} vs PyTorch");
        Compare.Close(OrtRunner.Run(model, input, inShape), actual, $"{name} vs ONNX Runtime");
    }

    [OnnxTestDataTheory]
    [MemberData(nameof(UnsupportedCases))]
    public void UnsupportedCaseIsRejectedWithReason(string name)
    {
        byte[] model = File.ReadAllBytes(Path.Combine(OnnxTestData.PytorchConverted, name, "model.onnx"));
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        Assert.Contains(Unsupported[name], e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
