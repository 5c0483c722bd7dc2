using System;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Tests.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Interpreter;

public class InterpreterTests
{
    [Fact]
    public void Tiny_fully_connected_model_by_hand()
    {
        // Input [1,2] scale 0.5 zp 0: floats (1.0, 1.5) quantize to (2, 3). Weights (1, 2), M = 1: 2 + 6 = 8.
        // Output scale 0.25, zp 0 → 8 · 0.25 = 2.0.
        var b = new ModelBuilder();
        int x = b.Tensor(new[] { 1, 2 }, 0.5f, 0);
        int y = b.Tensor(new[] { 1, 1 }, 0.25f, 0);
        b.Op(new OperatorInfo
        {
            OpCode = OpCodes.FullyConnected, Input0 = x, Output = y, Weights = new sbyte[] { 1, 2 },
            Multiplier = new[] { 1 << 30 }, Shift = new[] { 1 },
        });
        var interp = new TinyDsc.Runtime.Interpreter(b.Build(x, y));
        interp.SetInput(new[] { 9f, 1.0f, 1.5f }, 1);
        interp.Invoke();
        var f = new float[1];
        interp.GetOutput(f, 0);
        Assert.Equal(2.0f, f[0]);
        var q = new sbyte[3];
        interp.GetOutput(q, 2);
        Assert.Equal(new sbyte[] { 0, 0, 8 }, q);
        Assert.Equal(2, interp.InputLength);
        Assert.Equal(1, interp.OutputLength);
        Assert.Equal(3, interp.ArenaBytes);
        Assert.Equal(0, interp.ScratchBytes);
    }

    [Fact]
    public void Softmax_head_matches_the_plain_twins_chained_by_hand()
    {
        // TestModels' softmax-head: FullyConnected to 10 logits, then Softmax (op 18) at 1/256, -128.
        Model model = TinyDsc.Runtime.Tests.Format.TestModels.Get("softmax-head");
        var interp = new TinyDsc.Runtime.Interpreter(model);
        Assert.Equal("Softmax", interp.KernelName(1));
        TestSeed.Run(1818, rng =>
        {
            for (int rep = 0; rep < 20; rep++)
            {
                sbyte[] actual = AssertInvokeMatchesReference(model, interp, ConvCase.RandomActivations(rng, interp.InputLength));
                // Probabilities: 256 · Σ (q + 128) / 256 is 1 within a rounding of 1/2 LSB per class.
                int sum = 0;
                foreach (sbyte q in actual)
                {
                    sum += q + 128;
                }
                Assert.InRange(sum, 256 - 5, 256 + 5);
            }
        });
    }

    [Fact]
    public void Concat_and_PRelu_model_matches_the_plain_twins_chained_by_hand()
    {
        // TestModels' concat-prelu: a 3-input channel Concat (requantized, edge zero point, copied) and a 2-input
        // Concat of vectors, two PRelus (4-D, and rank 2 with an alpha zero point of 0 and 3).
        Model model = TinyDsc.Runtime.Tests.Format.TestModels.Get("concat-prelu");
        var interp = new TinyDsc.Runtime.Interpreter(model);
        Assert.Equal("Concat", interp.KernelName(2));
        Assert.Equal("PRelu", interp.KernelName(1));
        Assert.Equal(4 * 256, interp.PreparedBytes - FoldedBiasBytes(interp, model));   // one table per requantized Concat input
        TestSeed.Run(1919, rng =>
        {
            for (int rep = 0; rep < 20; rep++)
            {
                AssertInvokeMatchesReference(model, interp, ConvCase.RandomActivations(rng, interp.InputLength));
            }
        });
    }

    /// <summary>PreparedBytes of the convolutions alone (4 bytes per output channel of each specialised one).</summary>
    private static int FoldedBiasBytes(TinyDsc.Runtime.Interpreter interp, Model model)
    {
        int bytes = 0;
        for (int i = 0; i < model.Operators.Length; i++)
        {
            if (model.Operators[i].OpCode == OpCodes.Conv2D && interp.KernelName(i) != "Conv2DReference")
            {
                bytes += 4 * model.Tensors[model.Operators[i].Output].Dims[3];
            }
        }

        return bytes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Network_matches_reference_kernels_chained_by_hand(int seed)
    {
        Model model = ModelBuilder.Network(seed);
        var interp = new TinyDsc.Runtime.Interpreter(model);
        TestSeed.Run(seed * 11, rng =>
        {
            for (int rep = 0; rep < 3; rep++)
            {
                AssertInvokeMatchesReference(model, interp, ConvCase.RandomActivations(rng, interp.InputLength));
            }
        });
    }

    [Fact]
    public void Network_output_is_not_degenerate()
    {
        // Guards the comparison above against a model whose output would be constant whatever the kernels do.
        Model model = ModelBuilder.Network(1);
        TestSeed.Run(3, rng =>
        {
            var seen = new System.Collections.Generic.HashSet<string>();
            for (int i = 0; i < 5; i++)
            {
                seen.Add(string.Join(",", RunWithReferenceKernels(model, ConvCase.RandomActivations(rng, 8 * 8 * 3))));
            }

            Assert.True(seen.Count > 1, "the test network maps different inputs to the same output");
        });
    }

    [Fact]
    public void Chooses_specialised_kernels_where_the_shape_allows()
    {
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(1));
        string[] expected =
        {
            "Conv2DDense", "DepthwiseConv3x3", "PointwiseConv", "PointwiseConv", "Add", "AveragePool", "MaxPool",
            "DepthwiseConv3x3Multiplier", "GlobalAveragePool", "Reshape", "FullyConnected",
        };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], interp.KernelName(i));
        }

        Assert.Throws<ArgumentException>(() => interp.KernelName(expected.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reference_convolutions_option_runs_every_conv_on_the_reference_with_the_same_output(int seed)
    {
        Model model = ModelBuilder.Network(seed);
        var reference = new TinyDsc.Runtime.Interpreter(model, referenceConvolutions: true);
        var picked = new TinyDsc.Runtime.Interpreter(model);
        for (int i = 0; i < model.Operators.Length; i++)
        {
            if (model.Operators[i].OpCode == OpCodes.Conv2D)
            {
                Assert.Equal("Conv2DReference", reference.KernelName(i));
            }
            else
            {
                Assert.Equal(picked.KernelName(i), reference.KernelName(i));
            }
        }

        // The reference kernel reads padding from the input directly: no band scratch.
        Assert.Equal(0, reference.ScratchBytes);
        TestSeed.Run(seed * 13, rng =>
        {
            for (int rep = 0; rep < 3; rep++)
            {
                sbyte[] input = ConvCase.RandomActivations(rng, picked.InputLength);
                reference.SetInput(input, 0);
                reference.Invoke();
                var actual = new sbyte[reference.OutputLength];
                reference.GetOutput(actual, 0);
                Assert.Equal(RunWithReferenceKernels(model, input), actual);
            }
        });
    }

    [Fact]
    public void Layers_with_a_field_beyond_16_bits_keep_every_parameter()
    {
        // A step keeps two ConvParams fields to an int only when every field fits in 16 bits: a 40,000-wide 1-D
        // signal takes the one-field-an-int layout (the depthwise), and the pointwise step its 40,000 pixels.
        var rng = new Random(7);
        var b = new ModelBuilder();
        int x = b.Tensor(new[] { 1, 1, 40000, 2 }, 0.02f, -5);
        int y = b.Tensor(new[] { 1, 1, 40000, 2 }, 0.05f, 3);
        b.Conv(rng, x, y, 3, 1, 1, 1, 1, 1, 2);
        int z = b.Tensor(new[] { 1, 1, 40000, 4 }, 0.05f, -2);
        b.Conv(rng, y, z, 1, 1, 0, 0, 0, 0, 1, relu: true);
        Model model = b.Build(x, z);
        var interp = new TinyDsc.Runtime.Interpreter(model);
        Assert.Equal("DepthwiseConv3x3", interp.KernelName(0));
        Assert.Equal("PointwiseConv", interp.KernelName(1));
        AssertInvokeMatchesReference(model, interp, ConvCase.RandomActivations(rng, interp.InputLength));
    }

    [Fact]
    public void Scratch_is_the_band_beyond_free_arena_bytes_and_the_packed_longs()
    {
        Model model = ModelBuilder.Network(1);
        var interp = new TinyDsc.Runtime.Interpreter(model);
        // The kernels' bands: depthwise 3x3 on 4x4x8 with pads 1 needs three rows of (4 + 2) · 8 = 144 bytes;
        // the stem (Conv2DDense, 8x8x3, pads right 1) three rows of (8 + 1) · 3 = 81. Beside it PointwiseConv's packed
        // scratch for the widest 1x1 layer (Cin 16, one chunk): 4 · 16 packed longs, 8 bytes each.
        // The interpreter keeps the bands in the arena's array, below the arena laid out top-down: a band may use
        // the plan's bytes above every tensor live during its layer. The builder's plan (1,221 bytes) leaves 37 bytes
        // above the multiplier-2 depthwise's input and output (they end at byte 1,184), and that layer's band is three
        // rows of (2 + 2) · 8 = 96 bytes: 59 bytes below the arena. The other bands fit in free plan bytes.
        Assert.Equal(1221, model.ArenaSize);
        Assert.Equal(96 - (1221 - 1184) + 8 * 4 * 16, interp.ScratchBytes);
        Assert.Equal(model.ArenaSize, interp.ArenaBytes);
        // Folded biases of the stem (8), depthwise (8), two pointwise (16, 8) and multiplier-2 depthwise (16) layers.
        Assert.Equal(4 * (8 + 8 + 16 + 8 + 16), interp.PreparedBytes);
    }

    [Fact]
    public void Softmax_rows_run_as_their_twin_chained_by_hand()
    {
        // softmax-rows: Softmax over 4 rows of 6 channels, Reshape, Softmax over one row of 24 (TestModels.SoftmaxRows).
        var model = TinyDsc.Runtime.Tests.Format.TestModels.SoftmaxRows();
        var interp = new TinyDsc.Runtime.Interpreter(model);
        Assert.Equal("Softmax", interp.KernelName(0));
        Assert.Equal("Softmax", interp.KernelName(2));
        sbyte[] input = ConvCase.RandomActivations(new Random(18), 24);
        var first = new sbyte[24];
        var expected = new sbyte[24];
        SoftmaxReference.Run(4, 6, model.Operators[0].Params[0], model.Operators[0].Params[1], input, 0, first, 0);
        SoftmaxReference.Run(1, 24, model.Operators[2].Params[0], model.Operators[2].Params[1], first, 0, expected, 0);
        interp.SetInput(input, 0);
        interp.Invoke();
        var output = new sbyte[24];
        interp.GetOutput(output, 0);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Invoke_allocates_nothing_with_softmax()
    {
        var interp = new TinyDsc.Runtime.Interpreter(TinyDsc.Runtime.Tests.Format.TestModels.SoftmaxRows());
        sbyte[] input = ConvCase.RandomActivations(new Random(2), interp.InputLength);
        interp.SetInput(input, 0);
        interp.Invoke();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            interp.SetInput(input, 0);
            interp.Invoke();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Invoke_allocates_nothing()
    {
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(5));
        sbyte[] input = ConvCase.RandomActivations(new Random(1), interp.InputLength);
        for (int i = 0; i < 3; i++)
        {
            interp.SetInput(input, 0);
            interp.Invoke(); // let every method be compiled first
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            interp.SetInput(input, 0);
            interp.Invoke();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    [Fact]
    public void Invoke_without_a_new_input_is_refused()
    {
        // The plan may reuse the input tensor's bytes, so a second Invoke on the same SetInput would compute on
        // overwritten data; the interpreter refuses it instead of returning a wrong answer.
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(3));
        var fresh = Assert.Throws<InvalidOperationException>(() => interp.Invoke());
        Assert.Contains("SetInput", fresh.Message);
        interp.SetInput(ConvCase.RandomActivations(new Random(2), interp.InputLength), 0);
        interp.Invoke();
        Assert.Throws<InvalidOperationException>(() => interp.Invoke());
        interp.SetInput(new float[interp.InputLength], 0);
        interp.Invoke();
    }

    [Fact]
    public void Repeated_invokes_give_the_same_output()
    {
        // The scratch band and arena are reused; nothing from one run may leak into the next.
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(7));
        TestSeed.Run(8, rng =>
        {
            sbyte[] a = ConvCase.RandomActivations(rng, interp.InputLength);
            sbyte[] other = ConvCase.RandomActivations(rng, interp.InputLength);
            var first = new sbyte[interp.OutputLength];
            var second = new sbyte[interp.OutputLength];
            interp.SetInput(a, 0);
            interp.Invoke();
            interp.GetOutput(first, 0);
            interp.SetInput(other, 0);
            interp.Invoke();
            interp.SetInput(a, 0);
            interp.Invoke();
            interp.GetOutput(second, 0);
            Assert.Equal(first, second);
        });
    }

    [Fact]
    public void Float_input_is_quantized_with_the_input_tensor_parameters()
    {
        Model model = ModelBuilder.Network(2);
        TensorInfo t = model.Tensors[model.InputTensor];
        TestSeed.Run(4, rng =>
        {
            var floats = new float[t.ByteSize];
            var q = new sbyte[t.ByteSize];
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = (float)(rng.NextDouble() * 6 - 3);
                q[i] = QuantMath.Quantize(floats[i], t.Scale, t.ZeroPoint);
            }

            var viaFloat = new TinyDsc.Runtime.Interpreter(model);
            var viaInt = new TinyDsc.Runtime.Interpreter(model);
            viaFloat.SetInput(floats, 0);
            viaInt.SetInput(q, 0);
            viaFloat.Invoke();
            viaInt.Invoke();
            var a = new float[viaFloat.OutputLength];
            var b = new sbyte[viaInt.OutputLength];
            viaFloat.GetOutput(a, 0);
            viaInt.GetOutput(b, 0);
            TensorInfo o = model.Tensors[model.OutputTensor];
            for (int i = 0; i < a.Length; i++)
            {
                Assert.Equal(o.Scale * (b[i] - o.ZeroPoint), a[i]);
            }
        });
    }

    [Theory]
    [InlineData("short", 191, 0)]
    [InlineData("offset_past_fit", 192, 1)]
    [InlineData("negative_offset", 300, -1)]
    [InlineData("offset_beyond_length", 192, 193)]
    public void Wrong_lengths_and_offsets_throw_naming_expected_and_actual(string why, int length, int offset)
    {
        _ = why;
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(1));
        Assert.Equal(192, interp.InputLength);
        var e1 = Assert.Throws<ArgumentException>(() => interp.SetInput(new sbyte[length], offset));
        Assert.Contains("192", e1.Message);
        Assert.Contains(length.ToString(), e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => interp.SetInput(new float[length], offset));
        Assert.Contains("192", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => interp.GetOutput(new sbyte[offset < 0 ? 10 : 4 + offset], offset));
        Assert.Contains("5", e3.Message);
        Assert.Throws<ArgumentException>(() => interp.GetOutput(new float[4], 0));
        Assert.Throws<ArgumentException>(() => interp.GetOutput((float[])null!, 0));
        Assert.Throws<ArgumentException>(() => interp.SetInput((sbyte[])null!, 0));
    }

    [Theory]
    [InlineData("multiplier_length", "operator 2", "multiplier")]
    [InlineData("multiplier_below_2^30", "operator 3", "multiplier[1]")]
    [InlineData("shift_out_of_range", "operator 0", "shift[0]")]
    [InlineData("groups_do_not_divide", "operator 1", "groups = 3")]
    [InlineData("output_dims_wrong", "operator 6", "output h = 2")]
    [InlineData("tensor_outside_arena", "tensor 3", "outside the arena")]
    [InlineData("weights_length", "operator 10", "weights")]
    [InlineData("add_left_shift", "operator 4", "left shift")]
    [InlineData("reshape_count", "operator 9", "Reshape")]
    public void Malformed_models_are_rejected_naming_op_and_field(string mutation, string where, string what)
    {
        // The constructor runs ModelValidator before preparing anything.
        Model m = ModelBuilder.Network(1);
        switch (mutation)
        {
            case "multiplier_length": m.Operators[2].Multiplier = new int[3]; break;
            case "multiplier_below_2^30": m.Operators[3].Multiplier[1] = 12345; break;
            case "shift_out_of_range": m.Operators[0].Shift[0] = 31; break;
            case "groups_do_not_divide": m.Operators[1].Groups = 3; break;
            case "output_dims_wrong": m.Operators[6].StrideH = 1; break;
            case "tensor_outside_arena": m.Tensors[3].ArenaOffset = m.ArenaSize - 1; break;
            case "weights_length": m.Operators[10].Weights = new sbyte[7]; break;
            case "add_left_shift": m.Operators[4].Params[0] = 31; break;
            case "reshape_count": m.Tensors[m.Operators[9].Output].Dims = new[] { 1, 15, 1, 1 }; m.Tensors[m.Operators[9].Output].ByteSize = 15; break;
        }

        var e = Assert.Throws<ModelFormatException>(() => new TinyDsc.Runtime.Interpreter(m));
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void Layers_beyond_the_accumulator_bound_are_rejected()
    {
        // 1x1 conv with 66312 input channels: 66312 · 127 · 255 > 2^31 could overflow int32.
        var b = new ModelBuilder();
        int x = b.Tensor(new[] { 1, 1, 1, 66312 }, 0.1f, 0);
        int y = b.Tensor(new[] { 1, 1, 1, 1 }, 0.1f, 0);
        b.Op(new OperatorInfo
        {
            OpCode = OpCodes.Conv2D, Input0 = x, Output = y, Weights = new sbyte[66312], Multiplier = new[] { 1 << 30 }, Shift = new[] { 0 },
        });
        var e = Assert.Throws<ModelFormatException>(() => new TinyDsc.Runtime.Interpreter(b.Build(x, y)));
        Assert.Contains("accumulator bound", e.Message);
    }

    /// <summary>Runs input through interp, asserts its output equals the reference kernels chained by hand and returns it.</summary>
    private static sbyte[] AssertInvokeMatchesReference(Model model, TinyDsc.Runtime.Interpreter interp, sbyte[] input)
    {
        interp.SetInput(input, 0);
        interp.Invoke();
        var actual = new sbyte[interp.OutputLength];
        interp.GetOutput(actual, 0);
        Assert.Equal(RunWithReferenceKernels(model, input), actual);
        return actual;
    }

    /// <summary>
    /// A second executor for the same model: one array per tensor (no arena), Conv2DReference for every convolution,
    /// parameters mapped from the records independently of the interpreter.
    /// </summary>
    private static sbyte[] RunWithReferenceKernels(Model model, sbyte[] input) =>
        RunAllWithReferenceKernels(model, input)[model.OutputTensor];

    /// <summary>Every tensor of the model, by tensor index, computed with the plain reference kernels.</summary>
    internal static sbyte[][] RunAllWithReferenceKernels(Model model, sbyte[] input)
    {
        var values = new sbyte[model.Tensors.Length][];
        values[model.InputTensor] = (sbyte[])input.Clone();
        foreach (OperatorInfo op in model.Operators)
        {
            TensorInfo ti = model.Tensors[op.Input0];
            TensorInfo to = model.Tensors[op.Output];
            var output = new sbyte[to.ByteSize];
            var p = ConvCase.Params(ti.Dims[1], ti.Dims[2], ti.Dims[3], to.Dims[3], op.KernelH, op.KernelW, op.StrideH, op.StrideW,
                op.DilationH, op.DilationW, op.PadTop, op.PadLeft, op.PadBottom, op.PadRight, op.Groups, ti.ZeroPoint, to.ZeroPoint,
                op.ActMin, op.ActMax);
            sbyte[] x = values[op.Input0];
            switch (op.OpCode)
            {
                case OpCodes.Conv2D:
                    Conv2DReference.Run(ref p, x, 0, op.Weights, op.Bias, op.Multiplier, Requantize.NarrowShifts(op.Shift), output, 0);
                    break;
                case OpCodes.FullyConnected:
                    FullyConnected.Run(ti.ByteSize, to.ByteSize, ti.ZeroPoint, to.ZeroPoint, op.ActMin, op.ActMax, x, 0,
                        op.Weights, op.Bias, op.Multiplier, Requantize.NarrowShifts(op.Shift), output, 0);
                    break;
                case OpCodes.Add:
                    var ap = new AddParams
                    {
                        LeftShift = op.Params[0], Input0Multiplier = op.Params[1], Input0Shift = op.Params[2],
                        Input1Multiplier = op.Params[3], Input1Shift = op.Params[4], OutputMultiplier = op.Params[5], OutputShift = op.Params[6],
                        Input0ZeroPoint = ti.ZeroPoint, Input1ZeroPoint = model.Tensors[op.Input1].ZeroPoint, OutputZeroPoint = to.ZeroPoint,
                        ActMin = op.ActMin, ActMax = op.ActMax,
                    };
                    Add.Run(ref ap, x, 0, values[op.Input1], 0, output, 0, output.Length);
                    break;
                case OpCodes.AveragePool:
                    AveragePool.Run(ref p, op.Params[0] == 1, x, 0, output, 0);
                    break;
                case OpCodes.MaxPool:
                    MaxPool.Run(ref p, x, 0, output, 0);
                    break;
                case OpCodes.GlobalAveragePool:
                    GlobalAveragePool.Run(ti.Dims[1], ti.Dims[2], ti.Dims[3], op.ActMin, op.ActMax, x, 0, output, 0);
                    break;
                case OpCodes.Reshape:
                    Array.Copy(x, output, output.Length);
                    break;
                case OpCodes.Softmax:
                    TinyDsc.Runtime.Tests.Kernels.SoftmaxReference.Run(to.ByteSize / to.Dims[to.Rank - 1], to.Dims[to.Rank - 1], op.Params[0], op.Params[1], x, 0, output, 0);
                    break;
                case OpCodes.PRelu:
                    output = ConcatPReluReference.PRelu(x, op.Weights, ti.ZeroPoint, op.Params[4], to.ZeroPoint, op.Params[0], op.Params[1], op.Params[2], op.Params[3]);
                    break;
                case OpCodes.Concat:
                {
                    int n = op.Params[0];
                    var inputs = new sbyte[n][];
                    var channels = new int[n];
                    var zps = new int[n];
                    var ms = new int[n];
                    var shs = new int[n];
                    for (int k = 0; k < n; k++)
                    {
                        int t = k == 0 ? op.Input0 : k == 1 ? op.Input1 : op.Params[k - 1];
                        TensorInfo tk = model.Tensors[t];
                        inputs[k] = values[t];
                        channels[k] = tk.Dims[tk.Rank - 1];
                        zps[k] = tk.ZeroPoint;
                        ms[k] = op.Params[3 + 2 * k];
                        shs[k] = op.Params[4 + 2 * k];
                    }

                    output = ConcatPReluReference.Concat(to.ByteSize / to.Dims[to.Rank - 1], inputs, channels, zps, ms, shs, to.ZeroPoint);
                    break;
                }
            }

            values[op.Output] = output;
        }

        return values;
    }
}
