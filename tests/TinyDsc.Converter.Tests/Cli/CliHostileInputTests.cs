using System;
using System.IO;
using System.Linq;
using System.Text;
using Google.Protobuf;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Onnx;
using TinyDsc.Converter.Tests.Import;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// Hostile inputs, one table per input kind: each row is a file a user could hand over, built here, and what the
/// command must say about it. Every row: exit code 1, exactly one stderr line that names the file and the problem,
/// no stack trace, and no output file (nor temporary file) left behind.
/// </summary>
public sealed class CliHostileInputTests
{
    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    /// <summary>Runs a failing command and checks the common contract; returns the stderr line.</summary>
    private static string AssertRejected(Fixtures.TempFolder temp, string file, string fragment, params string[] args)
    {
        var result = CliRunner.Run(args);
        string line = CliRunner.AssertBadInput(result, Path.GetFileName(file), fragment);
        Assert.DoesNotContain(" at TinyDsc", result.Err);
        Assert.DoesNotContain("Exception", line);
        // Only the inputs the test wrote remain: no output, no temporary file.
        Assert.DoesNotContain(Directory.GetFiles(temp.Path), f => Path.GetFileName(f).StartsWith("out", StringComparison.Ordinal)
            || f.EndsWith(".tmp", StringComparison.Ordinal));
        return line;
    }

    // ---- ONNX models given to convert ----

    /// <summary>A valid model: x [N,4,5,5] → Conv 3x3 (6 filters) → y; its calibration data is [2,4,5,5].</summary>
    private static OnnxModelBuilder ConvModel(int[]? sample = null)
    {
        var b = new OnnxModelBuilder().Input("x", sample ?? new[] { 4, 5, 5 }).Output("y");
        b.Init("w", new long[] { 6, 4, 3, 3 }, OnnxModelBuilder.Random(6 * 4 * 9, seed: 3));
        b.Node("Conv", new[] { "x", "w" }, "y", "conv1");
        return b;
    }

    private static byte[] HostileOnnx(string name)
    {
        switch (name)
        {
            case "truncated_file":
                byte[] whole = File.ReadAllBytes(Fixture("ds_block", "model.onnx"));
                return whole[..(whole.Length / 2)];
            case "random_garbage":
                var garbage = new byte[4096];
                new Random(20261126).NextBytes(garbage);
                return garbage;
            case "empty_file":
                return Array.Empty<byte>();
            case "tensor_proto_not_a_model":
                // Valid protobuf of another ONNX message type (a weights file saved on its own).
                return OnnxModelBuilder.FloatTensor("t", new long[] { 2, 2 }, new[] { 1f, 2f, 3f, 4f }).ToByteArray();
            case "model_without_graph":
                // A ModelProto with its header fields but no graph (e.g. metadata written on its own).
                var header = new ModelProto { IrVersion = 8, ProducerName = "pytorch", ProducerVersion = "1.13.1" };
                header.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
                return header.ToByteArray();
            case "text_file":
                return Encoding.UTF8.GetBytes("this is not a model\n");
            case "missing_initializer":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Node("Conv", new[] { "x", "w" }, "y", "conv1");
                return b.Build();
            }
            case "cycle":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Node("Add", new[] { "x", "b" }, "a", "add1");
                b.Node("Relu", new[] { "a" }, "b", "relu1");
                b.Node("Relu", new[] { "a" }, "y", "relu2");
                return b.Build();
            }
            case "dangling_input":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Node("Relu", new[] { "x" }, "r", "relu1");
                b.Node("Add", new[] { "r", "ghost" }, "y", "add1");
                return b.Build();
            }
            case "unsupported_op":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Node("Relu", new[] { "x" }, "r", "relu1");
                b.Node("Sigmoid", new[] { "r" }, "y", "gate");
                return b.Build();
            }
            case "groups_not_fitting":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Init("w", new long[] { 64, 1, 3, 3 }, new float[64 * 9]);
                b.Node("Conv", new[] { "x", "w" }, "y", "dw", ("group", 3));
                return b.Build();
            }
            case "groups_not_dividing_input":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Init("w", new long[] { 6, 1, 3, 3 }, new float[6 * 9]);
                b.Node("Conv", new[] { "x", "w" }, "y", "dw", ("group", 3));
                return b.Build();
            }
            case "groups_weight_mismatch":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
                b.Init("w", new long[] { 6, 4, 3, 3 }, new float[6 * 4 * 9]);
                b.Node("Conv", new[] { "x", "w" }, "y", "dw", ("group", 2));
                return b.Build();
            }
            case "zero_sized_dim":
                return ConvModel(new[] { 4, 0, 5 }).Build();
            case "huge_dims":
                // 1×3×100000×100000: 3·10^10 elements, far past any int32 count or a desktop's memory.
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 3, 100_000, 100_000 }, batch: 1).Output("y");
                b.Node("Relu", new[] { "x" }, "y", "relu1");
                return b.Build();
            }
            case "huge_intermediate":
                // A small input widened by a 1x1 conv to 2^16 channels of 16x16: 2^24 + elements per sample.
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 1, 16, 16 }).Output("y");
                b.Init("w", new long[] { 65_600, 1, 1, 1 }, new float[65_600]);
                b.Node("Conv", new[] { "x", "w" }, "y", "widen");
                return b.Build();
            }
            case "two_inputs":
            {
                var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Input("z", new[] { 4, 5, 5 }).Output("y");
                b.Node("Add", new[] { "x", "z" }, "y", "add1");
                return b.Build();
            }
            default:
                throw new ArgumentException($"no hostile ONNX case '{name}'");
        }
    }

    [Theory]
    [InlineData("truncated_file", "not an ONNX model (protobuf parse failed")]
    [InlineData("random_garbage", "not an ONNX model")]
    [InlineData("empty_file", "the file is empty")]
    [InlineData("tensor_proto_not_a_model", "not an ONNX model (protobuf parse failed")]
    [InlineData("model_without_graph", "the model has no graph")]
    [InlineData("text_file", "not an ONNX model")]
    [InlineData("missing_initializer", "node 'conv1' (Conv): input 'w' is not a graph input, an initializer or the output of any node (missing initializer?)")]
    [InlineData("cycle", "the graph has a cycle: node 'add1' (Add) depends on its own output")]
    [InlineData("dangling_input", "node 'add1' (Add): input 'ghost' is not a graph input, an initializer or the output of any node")]
    [InlineData("unsupported_op", "node 'gate' (Sigmoid): op Sigmoid is not supported; supported ops: Conv, BatchNormalization, Relu,")]
    [InlineData("groups_not_fitting", "node 'dw' (Conv): groups=3 requires weight dim 0 divisible by 3, got 64 (in PyTorch terms: out_channels=64 is not divisible by groups=3)")]
    [InlineData("groups_not_dividing_input", "node 'dw' (Conv): groups=3 requires input channels divisible by 3, got 4 (in PyTorch terms: in_channels=4 is not divisible by groups=3)")]
    [InlineData("groups_weight_mismatch", "node 'dw' (Conv): groups=2 with 4 input channels requires weight dim 1 = 4/2 = 2, got 4 (in PyTorch terms: Conv2d(in_channels=4, groups=2) has a weight of shape [out_channels, 2, kh, kw])")]
    [InlineData("zero_sized_dim", "graph input 'x' has shape [N, 4, 0, 5]: dim 2 must be positive")]
    [InlineData("huge_dims", "graph input 'x' has shape [1, 3, 100000, 100000]: 30000000000 elements per sample, over TinyDsc's limit of 16777216")]
    [InlineData("huge_intermediate", "node 'widen' (Conv): output shape [1, 65600, 16, 16] has 16793600 elements per sample, over TinyDsc's limit of 16777216")]
    [InlineData("two_inputs", "the graph has 2 non-initializer inputs ('x', 'z'); TinyDsc needs exactly one")]
    public void Onnx_GivenToConvert(string name, string message)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = temp.File(name + ".onnx"), calibration = temp.File("calibration.npy");
        File.WriteAllBytes(onnx, HostileOnnx(name));
        Npy.WriteFloat32(calibration, new[] { 2, 4, 5, 5 }, OnnxModelBuilder.Random(200, seed: 5));
        AssertRejected(temp, onnx, message, "convert", onnx, "--calibration", calibration, "--output", temp.File("out.tdsc"));
    }

    [Theory]
    [InlineData("truncated_file", "not an ONNX model")]
    [InlineData("empty_file", "the file is empty")]
    [InlineData("unsupported_op", "op Sigmoid is not supported")]
    public void Onnx_GivenToReferenceAndVerify(string name, string message)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = temp.File(name + ".onnx"), x = temp.File("x.npy"), tdsc = temp.File("m.tdsc");
        File.WriteAllBytes(onnx, HostileOnnx(name));
        Npy.WriteFloat32(x, new[] { 2, 4, 5, 5 }, OnnxModelBuilder.Random(200, seed: 5));
        AssertRejected(temp, onnx, message, "reference", onnx, "--input", x, "--output", temp.File("out.npy"));
        File.WriteAllBytes(temp.File("good.onnx"), ConvModel().Build());
        Assert.Equal(0, CliRunner.Run("convert", temp.File("good.onnx"), "--calibration", x, "--output", tdsc).Code);
        AssertRejected(temp, onnx, message, "verify", onnx, tdsc, "--input", x);
    }

    /// <summary>Garbage of many lengths and seeds: never an internal error, whatever protobuf makes of it.</summary>
    [Fact]
    public void Onnx_RandomBytes_AreAlwaysBadInput()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = temp.File("garbage.onnx"), calibration = temp.File("calibration.npy");
        Npy.WriteFloat32(calibration, new[] { 2, 4, 5, 5 }, OnnxModelBuilder.Random(200, seed: 5));
        byte[] valid = ConvModel().Build();
        TestSeed.Run(7, rng =>
        {
            for (int i = 0; i < 60; i++)
            {
                byte[] bytes;
                if (i % 2 == 0)
                {
                    bytes = new byte[rng.Next(1, 2000)];
                    rng.NextBytes(bytes);
                }
                else
                {
                    // A valid model with a few bytes flipped: mostly parses, then fails somewhere in the importer.
                    bytes = (byte[])valid.Clone();
                    for (int k = 0; k < 3; k++)
                    {
                        bytes[rng.Next(bytes.Length)] ^= (byte)rng.Next(1, 256);
                    }
                }
                File.WriteAllBytes(onnx, bytes);
                var result = CliRunner.Run("convert", onnx, "--calibration", calibration, "--output", temp.File("out.tdsc"));
                if (result.Code == 0)
                {
                    File.Delete(temp.File("out.tdsc")); // a flip in a weight value still makes a valid model
                    continue;
                }
                Assert.True(result.Code == 1, $"case {i}: exit {result.Code}: {result.Err}");
                CliRunner.AssertBadInput(result, "garbage.onnx");
            }
        });
    }

    // ---- .npy files given as calibration data (convert) and as input (run, reference, verify) ----

    /// <summary>A hostile stand-in for conv3x3_bias's input.npy ([2,3,8,8] float32, 128-byte header).</summary>
    private static byte[] HostileNpy(string name)
    {
        byte[] good = File.ReadAllBytes(Fixture("conv3x3_bias", "input.npy"));
        const string shape = "(2, 3, 8, 8)";
        byte[] payload = good[^(2 * 3 * 8 * 8 * 4)..];
        switch (name)
        {
            case "broken_magic":
                byte[] b = (byte[])good.Clone();
                b[1] = (byte)'X';
                return b;
            case "empty_file":
                return Array.Empty<byte>();
            case "header_length_past_end":
                byte[] h = (byte[])good.Clone();
                h[8] = 0xFF;
                h[9] = 0xFF;
                return h[..200];
            case "malformed_header":
                return NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 8, 8 }", payload);
            case "dtype_u1":
                return NpyBytes("{'descr': '<u1', 'fortran_order': False, 'shape': " + shape + ", }", new byte[384]);
            case "dtype_big_endian_f4":
                return NpyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': " + shape + ", }", payload);
            case "dtype_complex_c8":
                return NpyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3, 8, 4), }", payload);
            case "dtype_object":
                return NpyBytes("{'descr': '|O', 'fortran_order': False, 'shape': " + shape + ", }", new byte[384 * 8]);
            case "fortran_order":
                return NpyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': " + shape + ", }", payload);
            case "wrong_rank":
                return NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6, 8, 8), }", payload);
            case "huge_shape_in_header":
                return NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 3, 100000, 100000), }", payload);
            case "negative_dim":
                return NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, -8, 8), }", payload);
            case "fewer_data_bytes":
                return good[..^100];
            case "nan_value":
                return WithValue(good, 37, float.NaN);
            case "infinite_value":
                return WithValue(good, 200, float.NegativeInfinity);
            default:
                throw new ArgumentException($"no hostile .npy case '{name}'");
        }
    }

    /// <summary>A version-1.0 .npy file with the given header dict (padded to a 128-byte header) and payload.</summary>
    private static byte[] NpyBytes(string dict, byte[] data)
    {
        var header = dict.PadRight(117) + "\n";
        return new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 }
            .Concat(Encoding.Latin1.GetBytes(header)).Concat(data).ToArray();
    }

    private static byte[] WithValue(byte[] npy, int element, float value)
    {
        byte[] b = (byte[])npy.Clone();
        int offset = b.Length - 2 * 3 * 8 * 8 * 4 + 4 * element;
        BitConverter.GetBytes(value).CopyTo(b, offset);
        return b;
    }

    private static readonly Lazy<byte[]> Conv3x3Tdsc = new(() =>
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("m.tdsc");
        var result = CliRunner.Run("convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration",
            Fixture("conv3x3_bias", "input.npy"), "--output", tdsc);
        Assert.True(result.Code == 0, result.Err);
        return File.ReadAllBytes(tdsc);
    });

    [Theory]
    [InlineData("broken_magic", "not a .npy file (missing \\x93NUMPY magic)")]
    [InlineData("empty_file", "not a .npy file")]
    [InlineData("header_length_past_end", "header length 65535 runs past the end of the 200-byte file")]
    [InlineData("malformed_header", "malformed header")]
    [InlineData("dtype_u1", "dtype '<u1' is not supported")]
    [InlineData("dtype_big_endian_f4", "dtype '>f4' (big-endian) is not supported")]
    [InlineData("dtype_complex_c8", "dtype '<c8' is not supported")]
    [InlineData("dtype_object", "dtype '|O' is not supported")]
    [InlineData("fortran_order", "Fortran-order arrays are not supported")]
    [InlineData("wrong_rank", "has shape [6,8,8] but the model expects [N,3,8,8]")]
    [InlineData("huge_shape_in_header", "shape (100000, 3, 100000, 100000) is too large")]
    [InlineData("negative_dim", "negative dimension in shape (2, 3, -8, 8)")]
    [InlineData("fewer_data_bytes", "header says shape (2, 3, 8, 8) of <f4 (1536 data bytes) but the file has 1436 data bytes (truncated?)")]
    [InlineData("nan_value", "element 37 (sample 0) is NaN; values must be finite")]
    [InlineData("infinite_value", "element 200 (sample 1) is -Infinity; values must be finite")]
    public void Npy_AsCalibrationAndAsInput(string name, string message)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string npy = temp.File(name + ".npy"), tdsc = temp.File("m.tdsc");
        string onnx = Fixture("conv3x3_bias", "model.onnx");
        File.WriteAllBytes(npy, HostileNpy(name));
        File.WriteAllBytes(tdsc, Conv3x3Tdsc.Value);

        AssertRejected(temp, npy, message, "convert", onnx, "--calibration", npy, "--output", temp.File("out.tdsc"));
        AssertRejected(temp, npy, message, "run", tdsc, "--input", npy, "--output", temp.File("out.npy"));
        AssertRejected(temp, npy, message, "reference", onnx, "--input", npy, "--output", temp.File("out.npy"));
        AssertRejected(temp, npy, message, "verify", onnx, tdsc, "--input", npy);
    }

    // ---- .npy labels given to verify ----

    private static byte[] HostileLabels(string name) => name switch
    {
        "float_labels" => NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]),
        "too_few_labels" => NpyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new byte[8]),
        "labels_2d" => NpyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 1), }", new byte[16]),
        "text_file" => Encoding.UTF8.GetBytes("3\n5\n"),
        _ => throw new ArgumentException($"no hostile labels case '{name}'"),
    };

    [Theory]
    [InlineData("float_labels", "dtype '<f4' is not an integer type; class labels must be integers")]
    [InlineData("too_few_labels", "has shape [1] but 2 labels are expected ([2])")]
    [InlineData("labels_2d", "has shape [2,1] but 2 labels are expected ([2])")]
    [InlineData("text_file", "not a .npy file")]
    public void Labels_GivenToVerify(string name, string message)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        // Labels need a classification model: flatten_spatial_linear outputs [N, 6].
        string labels = temp.File(name + ".npy"), tdsc = temp.File("m.tdsc");
        string onnx = Fixture("flatten_spatial_linear", "model.onnx"), x = Fixture("flatten_spatial_linear", "input.npy");
        Assert.Equal(0, CliRunner.Run("convert", onnx, "--calibration", x, "--output", tdsc).Code);
        File.WriteAllBytes(labels, HostileLabels(name));
        AssertRejected(temp, labels, message, "verify", onnx, tdsc, "--input", x, "--labels", labels);
    }

    // ---- .tdsc files given to run, inspect and verify ----

    private static byte[] HostileTdsc(string name)
    {
        byte[] good = Conv3x3Tdsc.Value;
        switch (name)
        {
            case "onnx_file":
                return File.ReadAllBytes(Fixture("conv3x3_bias", "model.onnx"));
            case "empty_file":
                return Array.Empty<byte>();
            case "truncated_header":
                return good[..40];
            case "truncated_payload":
                return good[..(good.Length - 64)];
            case "crc_mismatch":
                byte[] b = (byte[])good.Clone();
                b[^5] ^= 0x10;
                return b;
            default:
                throw new ArgumentException($"no hostile .tdsc case '{name}'");
        }
    }

    [Theory]
    [InlineData("onnx_file", "is not a valid .tdsc model: header: magic 0x")]
    [InlineData("empty_file", "is not a valid .tdsc model: header: file of 0 bytes is shorter than the 64-byte header")]
    [InlineData("truncated_header", "is not a valid .tdsc model: header: file of 40 bytes is shorter than the 64-byte header")]
    [InlineData("truncated_payload", "is not a valid .tdsc model: header: file size field 584 differs from the 520 bytes given (truncated?)")]
    [InlineData("crc_mismatch", "is not a valid .tdsc model: header: CRC32 field 0x")]
    public void Tdsc_GivenToRunInspectVerify(string name, string message)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File(name + ".tdsc");
        File.WriteAllBytes(tdsc, HostileTdsc(name));
        string x = Fixture("conv3x3_bias", "input.npy");
        AssertRejected(temp, tdsc, message, "run", tdsc, "--input", x, "--output", temp.File("out.npy"));
        AssertRejected(temp, tdsc, message, "inspect", tdsc);
        AssertRejected(temp, tdsc, message, "verify", Fixture("conv3x3_bias", "model.onnx"), tdsc, "--input", x);
    }
}
