using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>ModelValidator on in-memory models: each named case breaks one rule of FORMAT.md.</summary>
public class ValidatorTests
{
    private sealed record Case(Func<Model> Build, params string[] Expect);

    private static Case On(Action<Model> mutate, params string[] expect) => new(() =>
    {
        Model m = TestModels.EveryOp();
        mutate(m);
        return m;
    }, expect);

    /// <summary>A mutation of the "requantized-gap" model, whose operator 1 is a GlobalAveragePool with multiplier and shift.</summary>
    private static Case OnGap(Action<Model> mutate, params string[] expect) => new(() =>
    {
        Model m = TestModels.RequantizedGap();
        mutate(m);
        return m;
    }, expect);

    /// <summary>
    /// A mutation of "fused-inverted-residual": operator 0 is a FusedBlock over operators 1..4 (expand, depthwise,
    /// project, Add); tensors 1, 2 and 3 are internal (arena offset -1).
    /// </summary>
    private static Case OnFused(Action<Model> mutate, params string[] expect) => new(() =>
    {
        Model m = TestModels.Get("fused-inverted-residual");
        mutate(m);
        return m;
    }, expect);

    /// <summary>
    /// A mutation of "fused-ds-cnn": operator 0 is a producer → depthwise FusedBlock (p4 = 1) over operators 1 (the 3×3
    /// stem, tensor 0 → 1) and 2 (the stride-2 depthwise, tensor 1 → 2); tensor 1 is internal.
    /// </summary>
    private static Case OnStem(Action<Model> mutate, params string[] expect) => new(() =>
    {
        Model m = TestModels.Get("fused-ds-cnn");
        Assert.Equal(1, m.Operators[0].Params[4]);
        mutate(m);
        return m;
    }, expect);

    /// <summary>A mutation of "softmax-rows": operators 0 and 2 are Softmax (tensors 0 → 1 rank 4, 2 → 3 rank 2).</summary>
    private static Case OnSoftmax(Action<Model> mutate, params string[] expect) => new(() =>
    {
        Model m = TestModels.SoftmaxRows();
        mutate(m);
        return m;
    }, expect);

    /// <summary>
    /// A mutation of "concat-prelu": operator 1 is a PRelu (tensor 0 → 2, 3 channels), operator 2 a 3-input Concat
    /// (tensors 1, 2, 0 → 3: 5 + 3 + 3 = 11 channels), operator 6 a 2-input Concat of vectors (tensors 5, 6 → 7).
    /// </summary>
    private static Case OnConcat(Action<Model> mutate, params string[] expect) => new(() =>
    {
        Model m = TestModels.Get("concat-prelu");
        mutate(m);
        return m;
    }, expect);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["softmax output scale"] = OnSoftmax(m => m.Tensors[1].Scale = 1f / 128, "operator 0 (Softmax): output tensor 1 scale/zero point 0.0078125/-128, must be 0.00390625 (1/256)/-128"),
        ["softmax output zero point"] = OnSoftmax(m => m.Tensors[3].ZeroPoint = 0, "operator 2 (Softmax): output tensor 3 scale/zero point 0.00390625/0, must be"),
        ["softmax multiplier"] = OnSoftmax(m => m.Operators[0].Params[0] = (1 << 30) - 1, "operator 0 (Softmax): p0 (input multiplier) = 1073741823, must be in [2^30, 2^31 - 1]"),
        ["softmax multiplier zero"] = OnSoftmax(m => m.Operators[0].Params[0] = 0, "operator 0 (Softmax): p0 (input multiplier) = 0, must be in [2^30, 2^31 - 1]"),
        ["softmax left shift"] = OnSoftmax(m => m.Operators[0].Params[1] = 32, "operator 0 (Softmax): p1 (input left shift) = 32 is outside 0..31"),
        ["softmax negative shift"] = OnSoftmax(m => m.Operators[2].Params[1] = -1, "operator 2 (Softmax): p1 (input left shift) = -1 is outside 0..31"),
        ["softmax unused param"] = OnSoftmax(m => m.Operators[0].Params[2] = 5, "operator 0 (Softmax): p2 = 5, must be 0 (unused)"),
        ["softmax dims"] = OnSoftmax(m => m.Tensors[3].Dims[1] = m.Tensors[3].ByteSize = 23, "operator 2 (Softmax): output tensor 3 dims"),
        ["softmax activation"] = OnSoftmax(m => m.Operators[0].ActMax = 100, "operator 0 (Softmax): act min/max = -128..100, must be -128..127 (unused)"),
        ["softmax classes"] = new(() =>
        {
            var b = new TestModels.Builder(seed: 1);
            int x = b.Tensor(0.1f, 0, 1, 4096), y = b.Tensor(1f / 256, -128, 1, 4096);
            OperatorInfo op = b.Simple(OpCodes.Softmax, x, y);
            (op.Params[0], op.Params[1]) = (1 << 30, 23);
            return b.Build(x, y);
        }, "operator 0 (Softmax): sum bound: 4096 classes in the last dimension; classes·2^19 must be < 2^31 (at most 4095)"),
        ["concat input count 5"] = OnConcat(m => m.Operators[2].Params[0] = 5, "operator 2 (Concat): p0 (input count) = 5, must be 2..4"),
        ["concat input count 1"] = OnConcat(m => m.Operators[6].Params[0] = 1, "operator 6 (Concat): p0 (input count) = 1, must be 2..4"),
        ["concat unused input slot"] = OnConcat(m => m.Operators[6].Params[1] = 3, "operator 6 (Concat): p1 = 3, must be 0 (unused: 2 inputs)"),
        ["concat channels"] = OnConcat(m => m.Operators[2].Params[1] = 1, "operator 2 (Concat): inputs have 13 channels in all, output dims [1, 4, 4, 11] have 11"),
        ["concat input rank"] = OnConcat(m => m.Operators[6].Input1 = 2, "operator 6 (Concat): input 1 tensor 2 dims [1, 4, 4, 3] must match output dims [1, 5]"),
        ["concat shift bound"] = OnConcat(m => m.Operators[2].Params[4] = 24, "operator 2 (Concat): requantization bound", "shift ≤ 23, got p4 = 24"),
        ["concat multiplier"] = OnConcat(m => m.Operators[2].Params[7] = 5, "operator 2 (Concat): p7 (input 2 multiplier) = 5"),
        ["concat output is an input"] = OnConcat(m => m.Operators[2].Params[1] = 3, "operator 2 (Concat): output tensor 3 is also an input of the same operator"),
        ["concat unused param"] = OnConcat(m => m.Operators[6].Params[7] = 1, "operator 6 (Concat): p7 = 1, must be 0 (unused)"),
        ["prelu alpha length"] = OnConcat(m => m.Operators[1].Weights = new sbyte[2], "operator 1 (PRelu): alpha (weights) must have C = 3 entries, got 2"),
        ["prelu negative shift bound"] = OnConcat(m => m.Operators[1].Params[3] = 16, "operator 1 (PRelu): product bound", "p3 (shift for x < 0) ≤ 15, got 16"),
        ["prelu alpha zero point"] = OnConcat(m => m.Operators[1].Params[4] = 128, "operator 1 (PRelu): p4 (alpha zero point) = 128 is outside -128..127"),
        ["prelu act"] = OnConcat(m => m.Operators[1].ActMin = 0, "operator 1 (PRelu): act min/max = 0..127, must be -128..127"),
        ["prelu output dims"] = OnConcat(m => m.Operators[4].Output = 6, "operator 4 (PRelu): output tensor 6 dims [1, 3] differ from input 0 dims [1, 2]"),
        ["fused member count"] = OnFused(m => m.Operators[0].Params[0] = 3, "operator 0 (FusedBlock): output = tensor 4, but the last member (operator 3) writes tensor 3"),
        ["fused member count 1"] = OnFused(m => m.Operators[0].Params[0] = 1, "operator 0 (FusedBlock): p0 (member count) = 1 is outside 2..4"),
        ["fused work bytes"] = OnFused(m => m.Operators[0].Params[2] += 1, "operator 0 (FusedBlock): p2 (work bytes) = ", "expected ((R − 1)·sh + kh)·(W + pl + pr)·Cexp + R·Wo·Cexp + R·Wo·Cout = "),
        ["fused internal tensor in the arena"] = OnFused(m => m.Tensors[2].ArenaOffset = 0, "internal tensor 2 (between member operators 2 and 3) must have arena offset -1, got 0"),
        ["fused internal tensor read outside"] = OnFused(m =>
        {
            m.Operators[5].Input0 = 3;
            foreach (int t in new[] { 5, 6 })
            {
                m.Tensors[t].Scale = m.Tensors[3].Scale;
                m.Tensors[t].ZeroPoint = m.Tensors[3].ZeroPoint;
            }
        }, "operator 0 (FusedBlock): internal tensor 3 is also read by operator 5 (only member operator 4 may read it)"),
        ["fused internal tensor is the model output"] = OnFused(m => m.OutputTensor = 3, "operator 0 (FusedBlock): internal tensor 3 is the model output"),
        ["fused work over its input"] = OnFused(m => m.Operators[0].Params[1] = Math.Min(m.Tensors[0].ArenaOffset, m.ArenaSize - m.Operators[0].Params[2]), "operator 0 (FusedBlock): work area [", "overlaps input 0 tensor 0"),
        ["fused work outside the arena"] = OnFused(m => m.Operators[0].Params[1] = m.ArenaSize, "operator 0 (FusedBlock): work area [", "is outside the arena"),
        ["fused param p4 on a v1.1 shape"] = OnFused(m => m.Operators[0].Params[4] = 1, "operator 0 (FusedBlock): p4 = 1 (producer → depthwise) needs 2 Conv2D members, got 4 members"),
        ["fused param p4 unknown"] = OnFused(m => m.Operators[0].Params[4] = 2, "operator 0 (FusedBlock): p4 (shape) = 2, must be 0"),
        ["fused param p5"] = OnFused(m => m.Operators[0].Params[5] = 1, "operator 0 (FusedBlock): p5 = 1, must be 0"),
        ["stem block param p5"] = OnStem(m => m.Operators[0].Params[5] = 1, "operator 0 (FusedBlock): p5 = 1, must be 0"),
        ["stem block as a v1.1 shape"] = OnStem(m => m.Operators[0].Params[4] = 0, "operator 0 (FusedBlock): member operator 1 must be a depthwise convolution with multiplier 1 and dilation 1 (groups = Cin = Cout), got groups 1, Cin 1, Cout 8"),
        ["stem block work bytes"] = OnStem(m => m.Operators[0].Params[2] += 1, "operator 0 (FusedBlock): p2 (work bytes) = ", "expected ((R − 1)·sh + kh)·(W + pl + pr)·Cexp = ", "p4 = 1: no depthwise rows"),
        ["stem block rows per step above Ho"] = OnStem(m => m.Operators[0].Params[3] = 7, "operator 0 (FusedBlock): p3 (output rows per step) = 7 is outside 0..Ho = 0..6"),
        ["stem block work outside the arena"] = OnStem(m => m.Operators[0].Params[1] = m.ArenaSize, "operator 0 (FusedBlock): work area [", "is outside the arena"),
        ["stem block with three members"] = OnStem(m => m.Operators[0].Params[0] = 3, "operator 0 (FusedBlock): p4 = 1 (producer → depthwise) needs 2 Conv2D members, got 3 members"),
        ["stem block internal tensor in the arena"] = OnStem(m => m.Tensors[1].ArenaOffset = 0, "operator 0 (FusedBlock): internal tensor 1 (between member operators 1 and 2) must have arena offset -1, got 0"),
        ["stem block depthwise not depthwise"] = OnStem(m => m.Operators[2].Groups = 1, "operator 0 (FusedBlock): member operator 2 must be a depthwise convolution with dilation 1"),
        ["stem block producer grouped"] = OnStem(m =>
        {
            // A grouped producer with several channels per group: only the reference kernel computes it.
            m.Tensors[0].Dims[3] = 4;
            m.Tensors[0].ByteSize *= 4;
            m.Operators[1].Groups = 2;
            m.Operators[1].Weights = new sbyte[m.Operators[1].Weights!.Length * 2];
        }, "operator 0 (FusedBlock): member operator 1 (producer) must be a 1×1 convolution or a stem that"),
        ["fused rows per step negative"] = OnFused(m => m.Operators[0].Params[3] = -1, "operator 0 (FusedBlock): p3 (output rows per step) = -1 is outside 0..Ho = 0.."),
        ["fused rows per step above Ho"] = OnFused(m => m.Operators[0].Params[3] = 1000, "operator 0 (FusedBlock): p3 (output rows per step) = 1000 is outside 0..Ho = 0.."),
        ["fused rows per step without its work bytes"] = OnFused(m => m.Operators[0].Params[3] = m.Operators[0].Params[3] == 2 ? 1 : 2, "operator 0 (FusedBlock): p2 (work bytes) = ", "(R = p3 rows per step)"),
        ["fused block not chained"] = OnFused(m => m.Operators[0].Input0 = 5, "operator 0 (FusedBlock): input 0 = tensor 5, but the first member (operator 1) reads tensor 0"),
        ["arena larger than the plan"] = On(m => m.ArenaSize += 1, "model: arena size", "the end of the last tensor or work area"),
        ["arena above the cap"] = On(m => m.ArenaSize = (1 << 26) + 1, "model: arena size 67108865 is outside 1..67108864"),
        ["tensors null"] = On(m => m.Tensors = null!, "model: tensor table is null"),
        ["operators empty"] = On(m => m.Operators = Array.Empty<OperatorInfo>(), "model: operator count 0"),
        ["tensor null"] = On(m => m.Tensors[4] = null!, "tensor 4: is null"),
        ["dims of 3 entries"] = On(m => m.Tensors[4].Dims = new[] { 1, 4, 4 }, "tensor 4: dims must have 4 entries, got 3"),
        ["operator null"] = On(m => m.Operators[2] = null!, "operator 2 is null"),
        ["params of 10 entries"] = On(m => m.Operators[2].Params = new int[10], "operator 2 (Conv2D): params must have 11 entries, got 10"),
        ["weights length"] = On(m => m.Operators[1].Weights = new sbyte[143], "operator 1 (Conv2D): weights have 143 values", "16·3·3·8/8 = 144"),
        ["bias length"] = On(m => m.Operators[0].Bias = new int[7], "operator 0 (Conv2D): bias has 7 values, expected Cout = 8"),
        ["multiplier null"] = On(m => m.Operators[9].Multiplier = null!, "operator 9 (FullyConnected): multiplier is missing"),
        ["shift length"] = On(m => m.Operators[9].Shift = new int[11], "operator 9 (FullyConnected): shift has 11 values, expected Cout = 10"),
        ["weights on reshape"] = On(m => m.Operators[8].Weights = new sbyte[1], "operator 8 (Reshape): weights, bias, multiplier and shift must be null"),
        ["add shapes differ"] = On(m => m.Operators[3].Input1 = 1, "operator 3 (Add): input 1 tensor 1 dims [1, 8, 8, 8] differ from input 0 tensor 2 dims [1, 4, 4, 16]"),
        ["add output shape"] = On(m => { m.Tensors[4].Dims = new[] { 1, 16, 16, 1 }; }, "operator 3 (Add): output tensor 4 dims [1, 16, 16, 1] differ"),
        ["pool channels"] = On(m => { m.Tensors[6].Dims = new[] { 1, 2, 4, 8 }; }, "operator 5 (MaxPool): output channels 8 differ from input channels 16"),
        ["pool quantization"] = On(m => m.Tensors[5].ZeroPoint = 2, "operator 4 (AveragePool): output tensor 5 scale/zero point 0.12/2 differ from input tensor 4 0.12/1"),
        ["gap output dims"] = On(m => { m.Tensors[8].Dims = new[] { 1, 1, 8, 1 }; }, "operator 7 (GlobalAveragePool): output dims [1, 1, 8, 1], expected [1, 1, 1, 8]"),
        ["gap input rank"] = On(m => m.Operators[7].Input0 = 9, "operator 7 (GlobalAveragePool): input tensor 9 has rank 2"),
        ["reshape count"] = On(m => { m.Tensors[9].Dims = new[] { 1, 4, 1, 1 }; m.Tensors[9].ByteSize = 4; m.Operators[9].Weights = new sbyte[40]; }, "operator 8 (Reshape): output element count 4 differs from input element count 8"),
        ["reshape quantization"] = On(m => m.Tensors[9].Scale = 0.5f, "operator 8 (Reshape): output tensor 9 scale/zero point 0.5/0"),
        ["fc output rank"] = On(m => { m.Tensors[10].Rank = 4; m.Tensors[10].Dims = new[] { 1, 1, 1, 10 }; }, "operator 9 (FullyConnected): output tensor 10 has rank 4"),
        ["conv input rank"] = On(m => { m.Operators[0].Input0 = 9; }, "operator 0 (Conv2D): input tensor 9 has rank 2"),
        ["conv width mismatch"] = On(m => m.Operators[0].PadRight = 0, "operator 0 (Conv2D): output w = 8, expected (8 + 1 + 0 - 3) / 1 + 1 = 7"),
        ["dilated extent"] = On(m => m.Operators[6].DilationH = 3, "operator 6 (Conv2D): output h = 2, expected (2 + 1 + 1 - 4) / 1 + 1 = 1"),
        ["op writes the model input"] = new(() =>
        {
            Model m = Chain(2, 2, 0, 16, 32);
            m.Operators[1].Input0 = 1;
            m.Operators[1].Output = 0;
            m.OutputTensor = 1;
            return m;
        }, "operator 1 (Conv2D): output tensor 0 is the model input"),
        ["model output not produced"] = On(m =>
        {
            // t11: a tensor no op writes, made the model output.
            var t = new TensorInfo { Rank = 2, Scale = 1f, ByteSize = 4, ArenaOffset = 0 };
            t.Dims[1] = 4;
            m.Tensors = [.. m.Tensors, t];
            m.OutputTensor = 11;
        }, "model: output tensor 11 is not produced by any operator"),
        ["tensor produced twice"] = new(ProducedTwice, "operator 1 (Conv2D): output tensor 1 is already produced by operator 0"),
        ["input overwritten before its last read"] = new(OverwrittenBeforeRead, "operator 1 (Conv2D): output tensor 2 [arena 16, 32) overwrites tensor 1 [arena 16, 32) before it is read by operator 2"),
        ["model output overwritten"] = new(OutputOverwritten, "operator 1 (Conv2D): output tensor 2", "overwrites tensor 1", "read as the model output"),
        ["arena size above 2^30"] = On(m => m.ArenaSize = int.MaxValue, "model: arena size 2147483647"),
        ["avg pool taps bound"] = new(HugeAvgPool, "operator 0 (AveragePool): pool bound: kh·kw = 4097·4097"),
        ["gap taps bound"] = new(HugeGap, "operator 0 (GlobalAveragePool): pool bound: H·W = 4097·4097"),
        ["gap multiplier negative"] = OnGap(m => m.Operators[1].Multiplier[0] = -5, "operator 1 (GlobalAveragePool): multiplier[0] = -5"),
        ["gap shift 31"] = OnGap(m => m.Operators[1].Shift[0] = 31, "operator 1 (GlobalAveragePool): shift[0] = 31 is outside -31..30"),
        ["gap shift -32"] = OnGap(m => m.Operators[1].Shift[0] = -32, "operator 1 (GlobalAveragePool): shift[0] = -32 is outside -31..30"),
        ["gap multiplier per channel"] = OnGap(m => m.Operators[1].Multiplier = new[] { 1 << 30, 1 << 30 }, "operator 1 (GlobalAveragePool): multiplier has 2 values, expected 1"),
        ["gap shift of 0 values"] = OnGap(m => m.Operators[1].Shift = Array.Empty<int>(), "operator 1 (GlobalAveragePool): shift has 0 values, expected 1"),
        ["gap multiplier without shift"] = OnGap(m => m.Operators[1].Shift = null!, "operator 1 (GlobalAveragePool): multiplier and shift must be both present"),
        ["gap weights"] = OnGap(m => m.Operators[1].Weights = new sbyte[1], "operator 1 (GlobalAveragePool): weights and bias must be null"),
        ["gap shifted sum bound"] = OnGap(m => m.Operators[1].Shift[0] = 19, "operator 1 (GlobalAveragePool): pool bound: H·W·255·2^max(shift, 0) = 5·5·255·2^19"),
        ["gap act min"] = OnGap(m => m.Operators[1].ActMin = -100, "operator 1 (GlobalAveragePool): act min/max = -100..127, must be -128..127"),
        ["gap without requantization keeps quantization"] = OnGap(m => { m.Operators[1].Multiplier = null!; m.Operators[1].Shift = null!; },
            "operator 1 (GlobalAveragePool): output tensor 2 scale/zero point 0.004/-128 differ from input tensor 1"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValidateRejectsWithAMessageNamingTheField(string name)
    {
        Case c = Cases[name];
        var error = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(c.Build()));
        foreach (string fragment in c.Expect)
        {
            Assert.Contains(fragment, error.Message);
        }
    }

    [Fact]
    public void EveryTestModelIsValid()
    {
        foreach (string name in TestModels.Names)
        {
            ModelValidator.Validate(TestModels.Get(name));
        }
    }

    [Theory]
    [InlineData(3, 3, 7367, true)]    // 9 · 7367 = 66303 taps: 66303 · 32385 = 2147222655 < 2^31
    [InlineData(3, 3, 7368, false)]   // 9 · 7368 = 66312 taps: 66312 · 32385 = 2147514120 ≥ 2^31
    [InlineData(1, 1, 66311, true)]   // 66311 · 32385 = 2147481735 < 2^31
    [InlineData(1, 1, 66312, false)]
    public void ConvAccumulatorBound(int kh, int kw, int cin, bool accepted)
    {
        var b = new TestModels.Builder(seed: 11);
        int t0 = b.Tensor(1f, 0, 1, kh, kw, cin);
        int t1 = b.Tensor(1f, 0, 1, 1, 1, 1);
        b.Conv(t0, t1, k: kh, stride: 1, pads: (0, 0, 0, 0), groups: 1, bias: false, act: (-128, 127));
        Model m = b.Build(t0, t1);
        m.Operators[0].KernelW = kw;
        if (accepted)
        {
            ModelValidator.Validate(m);
        }
        else
        {
            var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
            Assert.Contains("accumulator bound", e.Message);
        }
    }

    [Theory]
    [InlineData(66311, true)]
    [InlineData(66312, false)]
    public void FullyConnectedAccumulatorBound(int cin, bool accepted)
    {
        var b = new TestModels.Builder(seed: 12);
        int t0 = b.Tensor(1f, 0, 1, cin);
        int t1 = b.Tensor(1f, 0, 1, 1);
        b.Fc(t0, t1, bias: false);
        Model m = b.Build(t0, t1);
        if (accepted)
        {
            ModelValidator.Validate(m);
        }
        else
        {
            var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
            Assert.Contains($"accumulator bound: Cin = {cin}", e.Message);
        }
    }

    [Fact]
    public void DepthwiseWithGroupsEqualToCinIsAccepted()
    {
        ModelValidator.Validate(TestModels.DepthwiseMultiplier());
        Assert.Equal(4, TestModels.DepthwiseMultiplier().Operators[0].Groups);
    }

    // Three [1,2,2,4] tensors (16 bytes each) and 1x1 convolutions; arena offsets are set per case.
    private static Model Chain(int ops, int output, params int[] offsets)
    {
        var b = new TestModels.Builder(seed: 13);
        for (int i = 0; i < offsets.Length; i++)
        {
            b.TensorAt(offsets[i], 1f, 0, 1, 2, 2, 4);
        }

        int[][] edges = { new[] { 0, 1 }, new[] { 0, 2 }, new[] { 1, 3 } };
        for (int j = 0; j < ops; j++)
        {
            b.Conv(edges[j][0], edges[j][1], 1, 1, (0, 0, 0, 0), 1, false, (-128, 127));
        }

        return b.Build(0, output, arenaSize: 48);
    }

    private static Model ProducedTwice()
    {
        Model m = Chain(2, 1, 0, 16, 32);
        m.Operators[1].Output = 1;
        return m;
    }

    // op0: t0 → t1, op1: t0 → t2 written over t1, op2: t1 → t3 reads t1 after op1 destroyed it.
    private static Model OverwrittenBeforeRead() => Chain(3, 3, 32, 16, 16, 0);

    // op0: t0 → t1 (the model output), op1: t0 → t2 written over t1.
    private static Model OutputOverwritten() => Chain(2, 1, 32, 16, 16);

    private static Model HugeAvgPool()
    {
        // kh = kw = 4097 over a 1x1 input with pads 4096: extent 4097, output (1 + 8192 - 4097) / 8192 + 1 = 1.
        var b = new TestModels.Builder(seed: 14);
        int t0 = b.Tensor(1f, 0, 1, 1, 1, 1);
        int t1 = b.Tensor(1f, 0, 1, 1, 1, 1);
        b.Pool(OpCodes.AveragePool, t0, t1, k: 4097, stride: 8192, pads: (4096, 4096, 4096, 4096), countPad: 0);
        return b.Build(t0, t1);
    }

    private static Model HugeGap()
    {
        var b = new TestModels.Builder(seed: 15);
        int t0 = b.Tensor(1f, 0, 1, 4097, 4097, 1);
        int t1 = b.Tensor(1f, 0, 1, 1, 1, 1);
        b.Simple(OpCodes.GlobalAveragePool, t0, t1);
        return b.Build(t0, t1);
    }
}
