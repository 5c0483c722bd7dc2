using System;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// GlobalAveragePool with multiplier and shift blobs (FORMAT.md): reader rules on the blob offsets, the sum bound at
/// its edge, round trip, and the interpreter's choice of the requantizing kernel.
/// </summary>
public class PoolRequantizationTests
{
    // Operator record slots as numbered in FORMAT.md; operator 1 of "requantized-gap" is the pool.
    private const int WOff = 17, BOff = 18, MOff = 19, SOff = 20;
    private const int Gap = 1;

    [Theory]
    [InlineData("shift absent", SOff, -1, "operator 1 (GlobalAveragePool): multiplier and shift must be both present (requantization) or both null")]
    [InlineData("multiplier absent", MOff, -1, "operator 1 (GlobalAveragePool): multiplier and shift must be both present (requantization) or both null")]
    [InlineData("weights on the pool", WOff, 0, "operator 1 (GlobalAveragePool): weights offset = 0, must be -1 (unused)")]
    [InlineData("bias on the pool", BOff, 0, "operator 1 (GlobalAveragePool): bias offset = 0, must be -1 (unused)")]
    [InlineData("multiplier overlaps the conv's blobs", MOff, 0, "operator 1 (GlobalAveragePool): multiplier blob [offset 0, 4 bytes] starts before the end")]
    [InlineData("multiplier misaligned", MOff, 2, "operator 1 (GlobalAveragePool): multiplier offset 2 is not a multiple of 4")]
    public void Reader_rejects_bad_blob_offsets(string what, int slot, int value, params string[] expect)
    {
        var f = new TdscBytes(ModelWriter.Write(TestModels.RequantizedGap()));
        f.SetOp(Gap, slot, value);
        f.FixCrc();
        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(f.Bytes));
        foreach (string fragment in expect)
        {
            Assert.True(error.Message.Contains(fragment), what + ": " + error.Message);
        }
    }

    [Fact]
    public void Reader_rejects_a_bad_multiplier_value_in_the_blob()
    {
        var f = new TdscBytes(ModelWriter.Write(TestModels.RequantizedGap()));
        f.SetI32(f.Blob(Gap, MOff), -12345);
        f.FixCrc();
        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(f.Bytes));
        Assert.Contains("operator 1 (GlobalAveragePool): multiplier[0] = -12345", error.Message);
    }

    [Fact]
    public void Unnormalized_multiplier_is_accepted_only_with_the_divisor_folded_in()
    {
        // p0 = 0 folds 1/(H·W) into the multiplier (a .tflite MEAN forms it by integer division, so it may be below
        // 2^30); p0 = 1 divides in the kernel and needs a normalized multiplier.
        Model m = TestModels.RequantizedGap();
        m.Operators[Gap].Params[0] = 0;
        m.Operators[Gap].Multiplier[0] = 12345;
        ModelValidator.Validate(m);
        m.Operators[Gap].Params[0] = 1;
        var error = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
        Assert.Contains("multiplier[0] = 12345, must be 0 or in [2^30, 2^31 - 1]", error.Message);
    }

    [Fact]
    public void Sum_bound_edge_is_accepted_and_one_more_shift_rejected()
    {
        // 5·5·255·2^18 = 1 671 168 000 < 2^31; · 2 exceeds it.
        Model m = TestModels.RequantizedGap();
        m.Operators[Gap].Shift[0] = 18;
        ModelValidator.Validate(m);
        m.Operators[Gap].Shift[0] = 19;
        Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
    }

    [Fact]
    public void Round_trip_keeps_the_single_multiplier_and_shift()
    {
        Model model = TestModels.RequantizedGap();
        byte[] file = ModelWriter.Write(model);
        Model loaded = ModelReader.Load(file);
        Assert.Equal(new[] { 2021161081 }, loaded.Operators[Gap].Multiplier);
        Assert.Equal(new[] { -2 }, loaded.Operators[Gap].Shift);
        Assert.Null(loaded.Operators[Gap].Weights);
        Assert.Null(loaded.Operators[Gap].Bias);
        ModelAssert.Equal(model, loaded);
        Assert.Equal(file, ModelWriter.Write(loaded));
    }

    [Fact]
    public void Interpreter_runs_the_requantizing_kernel_when_the_blobs_are_present()
    {
        Model model = TestModels.RequantizedGap();
        var interp = new TinyDsc.Runtime.Interpreter(model);
        Assert.Equal("GlobalAveragePoolRequantized", interp.KernelName(Gap));
        Model plain = TestModels.EveryOp();
        Assert.Equal("GlobalAveragePool", new TinyDsc.Runtime.Interpreter(plain).KernelName(7));

        // The pool's output inside the arena equals the kernel run on the conv output.
        TestSeed.Run(11, rng =>
        {
            var input = new sbyte[interp.InputLength];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (sbyte)rng.Next(-128, 128);
            }

            var prefix = new Model
            {
                Tensors = model.Tensors,
                Operators = new[] { model.Operators[0], model.Operators[1] },
                InputTensor = model.InputTensor,
                OutputTensor = model.Operators[1].Output,
                ArenaSize = model.ArenaSize,
            };
            var head = new TinyDsc.Runtime.Interpreter(prefix);
            head.SetInput(input, 0);
            head.Invoke();
            var pooled = new sbyte[head.OutputLength];
            head.GetOutput(pooled, 0);

            var convOnly = new Model
            {
                Tensors = model.Tensors,
                Operators = new[] { model.Operators[0] },
                InputTensor = model.InputTensor,
                OutputTensor = model.Operators[0].Output,
                ArenaSize = model.ArenaSize,
            };
            var conv = new TinyDsc.Runtime.Interpreter(convOnly);
            conv.SetInput(input, 0);
            conv.Invoke();
            var features = new sbyte[conv.OutputLength];
            conv.GetOutput(features, 0);

            TensorInfo tin = model.Tensors[model.Operators[Gap].Input0];
            TensorInfo tout = model.Tensors[model.Operators[Gap].Output];
            var expected = new sbyte[tout.ByteSize];
            GlobalAveragePoolRequantized.Run(tin.Dims[1], tin.Dims[2], tin.Dims[3], tin.ZeroPoint, tout.ZeroPoint, 2021161081, -2, 1, -128, 127,
                features, 0, expected, 0);
            Assert.Equal(expected, pooled);
            Assert.NotEqual(expected, new sbyte[expected.Length]);
        });
    }
}
