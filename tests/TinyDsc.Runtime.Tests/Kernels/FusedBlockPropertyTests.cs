using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Quantization;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Property: a random block (optional 1×1 expand → depthwise k×k, any stride and asymmetric pads → 1×1 project,
/// optional residual Add; random activations, quantization, weights, biases, odd sizes and channel counts that are
/// not multiples of 4 or 8) gives the same output bytes fused (FORMAT.md op 8, Kernels.FusedBlock) as unfused (every
/// tensor in the arena, each op on its own kernel), both through ModelWriter's bytes and ModelReader. The unfused
/// kernels are themselves bit-exact against Conv2DReference (SpecialisedConvTests). Every block comes from a fixed
/// seed that a failure prints.
/// </summary>
public class FusedBlockPropertyTests
{
    /// <summary>Everything a block needs, so the same block can be built twice (the planner writes into the model).</summary>
    public sealed record Spec(int H, int W, int Cin, int Cexp, int Cout, bool Expand, bool Residual, int Kh, int Kw, int Sh, int Sw,
        int Pt, int Pl, int Pb, int Pr, int Seed);

    /// <summary>A random block from one seed: heights 1..11, widths 1..19 (odd ones included), channels 1..21, k 1/3/5 (kh ≠ kw too).</summary>
    private static Spec RandomSpec(int seed)
    {
        var r = new Random(seed);
        bool expand = r.Next(2) == 0;
        bool residual = r.Next(2) == 0;
        int k = new[] { 1, 3, 5 }[r.Next(3)];
        int kw = r.Next(3) == 0 ? (k == 5 ? 3 : k + 2) : k;
        int cin = r.Next(1, 14);
        return Make(r.Next(1, 12), r.Next(1, 20), cin, expand ? r.Next(1, 22) : cin, residual ? cin : r.Next(1, 14), expand, residual, k, kw,
            r.Next(1, 3), r.Next(1, 3), new[] { r.Next(5), r.Next(5), r.Next(5), r.Next(5) }, r.Next());
    }

    private static Spec Make(int h, int w, int cin, int cexp, int cout, bool expand, bool residual, int kh, int kw, int sh, int sw, int[] pads, int seed)
    {
        if (residual)
        {
            // The Add needs the block output's shape = the input's: stride 1 and "same" pads (split asymmetrically).
            sh = sw = 1;
            int pt = pads[0] % kh;
            int pl = pads[1] % kw;
            return new Spec(h, w, cin, cexp, cin, expand, true, kh, kw, 1, 1, pt, pl, kh - 1 - pt, kw - 1 - pl, seed);
        }

        int t = pads[0] % kh, l = pads[1] % kw, b = pads[2] % kh, r = pads[3] % kw;
        // Keep at least one output row and column.
        while (h + t + b < kh) { t++; }
        while (w + l + r < kw) { l++; }
        t = Math.Min(t, kh - 1);
        l = Math.Min(l, kw - 1);
        if (h + t + b < kh) { b = kh - 1; }
        if (w + l + r < kw) { r = kw - 1; }
        return new Spec(h, w, cin, cexp, cout, expand, false, kh, kw, sh, sw, t, l, b, r, seed);
    }

    [Fact]
    public void RandomBlocks_FusedEqualsUnfused()
    {
        // 400 blocks, block i from seed 20261206 + i; a failure names the seed and the block.
        for (int i = 0; i < 400; i++)
        {
            int seed = 20261206 + i;
            Spec spec = RandomSpec(seed);
            Model unfused = Plan(Build(spec), FusionMode.None);
            Model fused = Plan(Build(spec), FusionMode.All);
            Assert.True(fused.Operators.Count(op => op.OpCode == OpCodes.FusedBlock) == 1, $"seed {seed}: {spec} was not fused");
            // Output rows per step (p3): the converter's choice for three seeds in four, else 1, 2, 3 or all rows.
            int rows = WithRows(fused, new Random(seed + 1).Next(8));
            Model a = ModelReader.Load(ModelWriter.Write(fused));
            Model b = ModelReader.Load(ModelWriter.Write(unfused));
            var rng = new Random(spec.Seed);
            for (int run = 0; run < 3; run++)
            {
                sbyte[] input = RandomInput(a, rng);

                sbyte[] expected = Run(b, input);
                sbyte[] actual = Run(a, input);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"seed {seed}, input {run}, {rows} row(s) per step: fused output differs from unfused for {spec}");
            }
        }
    }

    [Theory]
    [InlineData(true, true, 3, 1)]   // the MobileNetV2 block with residual
    [InlineData(true, false, 3, 2)]  // MobileNetV2 stride-2 block
    [InlineData(false, false, 5, 2)] // depthwise-separable, 5×5 stride 2
    [InlineData(false, true, 5, 1)]  // depthwise-separable with residual, 5×5
    public void NamedBlocks_FusedEqualsUnfused(bool expand, bool residual, int k, int stride)
    {
        var spec = Make(9, 7, 5, expand ? 15 : 5, residual ? 5 : 6, expand, residual, k, k, stride, stride, new[] { 1, 2, 0, 1 }, 7);
        Model fused = Plan(Build(spec), FusionMode.All);
        Model unfused = Plan(Build(spec), FusionMode.None);
        Assert.True(fused.ArenaSize > 0);
        var rng = new Random(99);
        sbyte[] input = RandomInput(fused, rng);

        Assert.Equal(Run(ModelReader.Load(ModelWriter.Write(unfused)), input), Run(ModelReader.Load(ModelWriter.Write(fused)), input));
    }

    /// <summary>
    /// Property: FusedBlock.Run writes only its work area and the block output (it keeps carried pixels in output rows
    /// not written yet and in the work area's depthwise and projected rows' bytes): the block run on an arena of its own,
    /// work area, input and output each between 64 guard bytes and everything random beforehand, leaves every byte
    /// outside the work area and the output as it was, and its output equals the unfused model's. 300 random blocks
    /// (seed 20261207 + i, rows per step as in RandomBlocks_FusedEqualsUnfused), 300 with wide expansions and
    /// mbv2-fashion's three block shapes.
    /// </summary>
    [Fact]
    public void Blocks_write_only_their_work_area_and_output()
    {
        var specs = new List<(Spec Spec, int Choice)>();
        for (int i = 0; i < 300; i++)
        {
            specs.Add((RandomSpec(20261207 + i), new Random(20261207 + i + 1).Next(8)));
        }

        // Wide expansions into few output channels (16..64 expanded, 1..4 in and out), where the carried pixels' bytes
        // come close to the output rows and the work area that hold them.
        for (int i = 0; i < 300; i++)
        {
            var r = new Random(20261208 + i);
            int cin = r.Next(1, 5);
            bool residual = r.Next(2) == 0;
            int k = r.Next(3) == 0 ? 5 : 3;
            specs.Add((Make(r.Next(2, 15), r.Next(2, 20), cin, r.Next(16, 65), residual ? cin : r.Next(1, 5), true, residual, k, r.Next(2) == 0 ? 3 : k,
                r.Next(1, 3), r.Next(1, 3), new[] { r.Next(5), r.Next(5), r.Next(5), r.Next(5) }, r.Next()), r.Next(8)));
        }

        // mbv2-fashion: 14×14 16 → 64 → 16 with the Add (one row per step), its stride-2 block and its 7×7 32 → 128 → 32 block.
        specs.Add((Make(14, 14, 16, 64, 16, true, true, 3, 3, 1, 1, new[] { 1, 1, 1, 1 }, 5), 4));
        specs.Add((Make(14, 14, 16, 64, 24, true, false, 3, 3, 2, 2, new[] { 1, 1, 1, 1 }, 6), 5));
        specs.Add((Make(7, 7, 32, 128, 32, true, true, 3, 3, 1, 1, new[] { 1, 1, 1, 1 }, 7), 5));
        foreach ((Spec spec, int choice) in specs)
        {
            Model fused = Plan(Build(spec), FusionMode.All);
            Model unfused = Plan(Build(spec), FusionMode.None);
            int rows = WithRows(fused, choice);
            fused = ModelReader.Load(ModelWriter.Write(fused));
            var rng = new Random(spec.Seed);
            sbyte[] input = RandomInput(fused, rng);
            sbyte[] expected = Run(ModelReader.Load(ModelWriter.Write(unfused)), input);

            global::TinyDsc.Runtime.Kernels.FusedBlock block = FusedBlocks.Prepare(fused, 0);
            int work = fused.Operators[0].Params[2];
            const int guard = 64;
            int workAt = guard, inputAt = workAt + work + guard, outputAt = inputAt + input.Length + guard;
            var arena = new sbyte[outputAt + expected.Length + guard];
            rng.NextBytes((byte[])(Array)arena);
            Array.Copy(input, 0, arena, inputAt, input.Length);
            var before = (sbyte[])arena.Clone();

            global::TinyDsc.Runtime.Kernels.FusedBlock.Run(block, arena, inputAt, outputAt, workAt, null);

            string what = $"seed {spec.Seed}, {rows} row(s) per step, {spec}";
            Assert.True(expected.AsSpan().SequenceEqual(arena.AsSpan(outputAt, expected.Length)), $"{what}: output differs from unfused");
            for (int i = 0; i < arena.Length; i++)
            {
                bool written = (i >= workAt && i < workAt + work) || (i >= outputAt && i < outputAt + expected.Length);
                Assert.True(written || arena[i] == before[i], $"{what}: byte {i} outside the work area [{workAt}, {workAt + work}) and the output [{outputAt}, {outputAt + expected.Length}) changed");
            }
        }
    }

    /// <summary>
    /// Blocks whose 1×1 stages take FusedBlock's tail paths: a call of more than 12 pixels ending in 7 to 11 (computed
    /// as one more 12-pixel group that overlaps the one before), a last step of fewer rows whose 7 to 11 pixels
    /// are projected as one 12-pixel group over the previous step's depthwise rows (with and without the Add), and
    /// expand calls that run on into the next row (FusedBlock's carry).
    /// </summary>
    [Theory]
    [InlineData(true, true, 7, 7, 1, 2)]    // mbv2-fashion's 7×7 block: last step 7 pixels with the Add; first expand 21 pixels
    [InlineData(true, false, 9, 9, 1, 2)]   // last step 9 pixels, projected straight into the output
    [InlineData(true, false, 5, 19, 1, 1)]  // 19-pixel rows: 12 + 7 in both 1×1 stages
    [InlineData(true, false, 14, 14, 2, 2)] // stride 2: four expanded rows per step, 56 pixels = 48 + 8
    [InlineData(false, true, 7, 10, 1, 3)]  // depthwise-separable with the Add, three rows per step, last step 10 pixels
    [InlineData(true, true, 14, 14, 1, 1)]  // mbv2-fashion's 14×14 block: each expand runs on into the next row (carries of 2 to 10 pixels)
    [InlineData(true, false, 11, 5, 1, 2)]  // 5-pixel rows, two per step: carries of 2 and 4 pixels
    public void TailGroupBlocks_FusedEqualsUnfused(bool expand, bool residual, int h, int w, int stride, int rows)
    {
        // Seed 2: with it both Add cases fail when the Add reads the projected rows from the wrong offset (checked by
        // mutation; under some seeds the Add's random clamp hides that).
        var spec = Make(h, w, 5, expand ? 15 : 5, residual ? 5 : 6, expand, residual, 3, 3, stride, stride, new[] { 1, 1, 1, 1 }, 2);
        Model fused = Plan(Build(spec), FusionMode.All);
        Model unfused = Plan(Build(spec), FusionMode.None);
        Assert.Equal(rows, WithRows(fused, 3 + rows));
        var rng = new Random(h * 100 + w);
        for (int run = 0; run < 3; run++)
        {
            sbyte[] input = RandomInput(fused, rng);

            Assert.Equal(Run(ModelReader.Load(ModelWriter.Write(unfused)), input), Run(ModelReader.Load(ModelWriter.Write(fused)), input));
        }
    }

    /// <summary>
    /// A producer → depthwise block (FORMAT.md p4 = 1): the producer a 1×1 expand, a dense stem (groups 1, k 1/3/5, any
    /// stride, Conv2DDense) or a depthwise-type stem (groups = Cin, multiplier 1..4, k 3/5: DepthwiseConv3x3,
    /// DepthwiseConv3x3Multiplier, DepthwiseConv); then a depthwise k×k (k 3/5, kh ≠ kw too), stride 1/2 per axis,
    /// asymmetric pads, multiplier 1..3, whose output is the block's. Heights and widths 1..13, channels 1..11.
    /// </summary>
    public sealed record ProducerSpec(int H, int W, int Cin, int Cexp, int Producer, int Pk, int Ps, int[] Ppads, int Kh, int Kw, int Sh, int Sw,
        int[] Pads, int Multiplier, int Seed)
    {
        public override string ToString() =>
            $"{H}x{W}x{Cin} producer {(Producer == 0 ? "1x1" : Producer == 1 ? "dense" : "depthwise-type")} k{Pk} s{Ps} pads [{string.Join(",", Ppads)}] -> {Cexp}, "
            + $"depthwise {Kh}x{Kw} s{Sh}x{Sw} pads [{string.Join(",", Pads)}] x{Multiplier}";
    }

    public static ProducerSpec RandomProducerSpec(int seed)
    {
        var r = new Random(seed);
        int producer = r.Next(3);
        int cin = producer == 1 ? r.Next(1, 5) : r.Next(1, 12);
        int cexp = producer == 2 ? cin * r.Next(1, 5) : r.Next(1, 12);
        int pk = producer == 0 ? 1 : new[] { 1, 3, 5 }[r.Next(producer == 2 ? 2 : 3) + (producer == 2 ? 1 : 0)];
        int ps = producer == 0 ? 1 : r.Next(1, 3);
        int[] ppads = producer == 0 ? new int[4] : Enumerable.Range(0, 4).Select(_ => r.Next(pk)).ToArray();
        if (producer == 1 && pk == 1 && ps == 1)
        {
            ps = 2; // a 1×1 stride 1 is the expand, not a stem
        }

        int h = r.Next(1, 14), w = r.Next(1, 14);
        int kh = new[] { 3, 5 }[r.Next(2)];
        int kw = r.Next(3) == 0 ? 8 - kh : kh;
        int[] pads = { r.Next(kh), r.Next(kw), r.Next(kh), r.Next(kw) };
        var spec = new ProducerSpec(h, w, cin, cexp, producer, pk, ps, ppads, kh, kw, r.Next(1, 3), r.Next(1, 3), pads, r.Next(1, 4), r.Next());
        // Keep at least one output row and column in both convolutions.
        int h1 = (h + ppads[0] + ppads[2] - pk) / ps + 1, w1 = (w + ppads[1] + ppads[3] - pk) / ps + 1;
        while (h + ppads[0] + ppads[2] < pk) { ppads[2]++; h1 = (h + ppads[0] + ppads[2] - pk) / ps + 1; }
        while (w + ppads[1] + ppads[3] < pk) { ppads[3]++; w1 = (w + ppads[1] + ppads[3] - pk) / ps + 1; }
        while (h1 + pads[0] + pads[2] < kh) { pads[2]++; }
        while (w1 + pads[1] + pads[3] < kw) { pads[3]++; }
        return spec;
    }

    [Fact]
    public void RandomProducerBlocks_FusedEqualsUnfused()
    {
        // 300 blocks, block i from seed 20261207 + i; a failure names the seed and the block.
        var kernels = new HashSet<string>();
        for (int i = 0; i < 300; i++)
        {
            int seed = 20261207 + i;
            ProducerSpec spec = RandomProducerSpec(seed);
            kernels.Add(CheckProducerBlock(spec, seed, new Random(seed + 1).Next(8)));
        }

        // Every stem kernel and every depthwise path ran: a 1×1 expand, the four stem kernels; DepthwiseConv3x3.Row,
        // DepthwiseConv3x3Multiplier.Run over the band, DepthwiseConv.Row.
        foreach (string k in new[] { "expand", "stem 1", "stem 2", "stem 3", "stem 4", "dw 3x3", "dw multiplier run", "dw general" })
        {
            Assert.Contains(kernels, x => x.Contains(k));
        }
    }

    [Theory]
    [InlineData(2, 16, 3, 2, 2)] // the bundled DS-CNN's stem (1 → 16) into its stride-2 depthwise with multiplier 2
    [InlineData(0, 1, 3, 2, 1)]  // 1×1 expand into a stride-2 depthwise, no projection (its 32 → 64 → 7×7)
    [InlineData(1, 1, 3, 2, 1)]  // an RGB-style dense stem, stride 2, into a stride-2 depthwise
    [InlineData(2, 3, 5, 1, 3)]  // depthwise-type 5×5 stem ×3 into a 5×5 depthwise ×3, stride 1
    public void NamedProducerBlocks_FusedEqualsUnfused(int producer, int stemMultiplier, int k, int stride, int multiplier)
    {
        int cin = producer == 1 ? 3 : producer == 2 ? 1 : 5;
        var spec = new ProducerSpec(15, 13, cin, producer == 2 ? cin * stemMultiplier : 7, producer, producer == 0 ? 1 : 3, producer == 1 ? 2 : 1,
            producer == 0 ? new int[4] : new[] { 1, 1, 1, 0 }, k, k, stride, stride, new[] { k / 2, k / 2 - 1, k / 2, k / 2 }, multiplier, 11);
        for (int choice = 0; choice < 8; choice++)
        {
            CheckProducerBlock(spec, 11, choice);
        }
    }

    /// <summary>A random int8 input for the model's input tensor, every byte from -128..127.</summary>
    private static sbyte[] RandomInput(Model m, Random rng)
    {
        var input = new sbyte[m.Tensors[m.InputTensor].ByteSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (sbyte)rng.Next(-128, 128);
        }

        return input;
    }

    /// <summary>Checks one block; returns which stem kernel and depthwise path the runtime took for it.</summary>
    private static string CheckProducerBlock(ProducerSpec spec, int seed, int rowsChoice)
    {
        Model unfused = Plan(BuildProducer(spec), FusionMode.None);
        Model fused = Plan(BuildProducer(spec), FusionMode.All);
        Assert.True(fused.Operators.Length == 3 && fused.Operators[0].OpCode == OpCodes.FusedBlock && fused.Operators[0].Params[4] == 1,
            $"seed {seed}: {spec} was not fused as producer → depthwise");
        int rows = WithProducerRows(fused, rowsChoice);
        byte[] file = ModelWriter.Write(fused);
        Assert.Equal(2, BitConverter.ToUInt16(file, 6)); // minor 2: a block of shape p4 = 1
        Model a = ModelReader.Load(file);
        Model b = ModelReader.Load(ModelWriter.Write(unfused));
        var rng = new Random(spec.Seed);
        for (int run = 0; run < 2; run++)
        {
            sbyte[] input = RandomInput(a, rng);

            sbyte[] expected = Run(b, input);
            sbyte[] actual = Run(a, input);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"seed {seed}, input {run}, {rows} row(s) per step: fused output differs from unfused for {spec}");
        }

        var block = global::TinyDsc.Runtime.FusedBlocks.Prepare(a, 0);
        return (block.HasExpand ? "expand" : "stem " + block.StemKernel) + ", "
            + (block.Depthwise3x3 ? "dw 3x3" : block.DepthwiseMultiplierRun ? "dw multiplier run" : "dw general");
    }

    /// <summary>As WithRows for a producer → depthwise block, whose work area is the band alone.</summary>
    public static int WithProducerRows(Model fused, int choice)
    {
        OperatorInfo group = fused.Operators[0];
        OperatorInfo dw = fused.Operators[2];
        TensorInfo dwIn = fused.Tensors[dw.Input0];
        int ho = fused.Tensors[dw.Output].Dims[1];
        if (choice < 4)
        {
            return Math.Max(1, group.Params[3]);
        }

        int rows = Math.Min(ho, choice == 7 ? ho : choice - 3);
        var p = new global::TinyDsc.Runtime.Kernels.ConvParams
        {
            InputW = dwIn.Dims[2], InputC = dwIn.Dims[3], KernelH = dw.KernelH, StrideH = dw.StrideH, PadLeft = dw.PadLeft, PadRight = dw.PadRight,
        };
        group.Params[3] = rows;
        group.Params[2] = global::TinyDsc.Runtime.Kernels.FusedBlock.WorkBytes(ref p, false, 0, false, rows);
        ModelMemoryPlanner.Apply(fused);
        return rows;
    }

    public static Model BuildProducer(ProducerSpec s)
    {
        var r = new Random(s.Seed);
        var tensors = new List<TensorInfo>();
        int Tensor(int h, int w, int c)
        {
            var t = new TensorInfo { Rank = 4, Scale = (float)(0.01 + r.NextDouble() * 0.1), ZeroPoint = r.Next(-128, 128) };
            t.Dims[1] = h;
            t.Dims[2] = w;
            t.Dims[3] = c;
            t.ByteSize = h * w * c;
            tensors.Add(t);
            return tensors.Count - 1;
        }

        int[] pp = s.Ppads;
        int h1 = (s.H + pp[0] + pp[2] - s.Pk) / s.Ps + 1, w1 = (s.W + pp[1] + pp[3] - s.Pk) / s.Ps + 1;
        int ho = (h1 + s.Pads[0] + s.Pads[2] - s.Kh) / s.Sh + 1, wo = (w1 + s.Pads[1] + s.Pads[3] - s.Kw) / s.Sw + 1;
        int input = Tensor(s.H, s.W, s.Cin);
        var producer = new OperatorInfo
        {
            OpCode = OpCodes.Conv2D, Input0 = input, Output = Tensor(h1, w1, s.Cexp), KernelH = s.Pk, KernelW = s.Pk, StrideH = s.Ps, StrideW = s.Ps,
            PadTop = pp[0], PadLeft = pp[1], PadBottom = pp[2], PadRight = pp[3], Groups = s.Producer == 2 ? s.Cin : 1,
        };
        Arrays(r, producer, s.Cexp * s.Pk * s.Pk * (s.Producer == 2 ? 1 : s.Cin), s.Cexp);
        int cdw = s.Cexp * s.Multiplier;
        var dw = new OperatorInfo
        {
            OpCode = OpCodes.Conv2D, Input0 = producer.Output, Output = Tensor(ho, wo, cdw), KernelH = s.Kh, KernelW = s.Kw, StrideH = s.Sh, StrideW = s.Sw,
            PadTop = s.Pads[0], PadLeft = s.Pads[1], PadBottom = s.Pads[2], PadRight = s.Pads[3], Groups = s.Cexp,
        };
        Arrays(r, dw, cdw * s.Kh * s.Kw, cdw);
        return new Model { Tensors = tensors.ToArray(), Operators = new[] { producer, dw }, InputTensor = input, OutputTensor = dw.Output, ArenaSize = 1 };
    }

    /// <summary>
    /// Choice 0..3 keeps the converter's rows per step; 4..7 sets 1, 2, 3 or Ho rows (at most Ho), with the work bytes
    /// that FORMAT.md states for it, and plans the arena again. Returns the block's rows per step.
    /// </summary>
    private static int WithRows(Model fused, int choice)
    {
        OperatorInfo group = fused.Operators[0];
        int n = group.Params[0];
        bool hasAdd = fused.Operators[n].OpCode == OpCodes.Add;
        int convs = hasAdd ? n - 1 : n;
        OperatorInfo dw = fused.Operators[convs == 3 ? 2 : 1];
        TensorInfo dwIn = fused.Tensors[dw.Input0];
        TensorInfo dwOut = fused.Tensors[dw.Output];
        int ho = dwOut.Dims[1];
        if (choice < 4)
        {
            return Math.Max(1, group.Params[3]);
        }

        int rows = Math.Min(ho, choice == 7 ? ho : choice - 3);
        var p = new global::TinyDsc.Runtime.Kernels.ConvParams
        {
            InputW = dwIn.Dims[2], InputC = dwIn.Dims[3], OutputW = dwOut.Dims[2], KernelH = dw.KernelH, StrideH = dw.StrideH,
            PadLeft = dw.PadLeft, PadRight = dw.PadRight,
        };
        group.Params[3] = rows;
        group.Params[2] = global::TinyDsc.Runtime.Kernels.FusedBlock.WorkBytes(ref p, fused.Tensors[fused.Operators[convs].Output].Dims[3], hasAdd, rows);
        ModelMemoryPlanner.Apply(fused);
        return rows;
    }

    private static sbyte[] Run(Model model, sbyte[] input)
    {
        var interpreter = new global::TinyDsc.Runtime.Interpreter(model);
        interpreter.SetInput(input, 0);
        interpreter.Invoke();
        var output = new sbyte[interpreter.OutputLength];
        interpreter.GetOutput(output, 0);
        return output;
    }

    public static Model Plan(Model model, FusionMode mode)
    {
        var names = Enumerable.Range(0, model.Operators.Length).Select(i => "op" + i).ToArray();
        var tensorNames = Enumerable.Range(0, model.Tensors.Length).Select(i => "t" + i).ToArray();
        Model m = BlockFusion.Fuse(new QuantizedModel(model, tensorNames, names), mode).Model;
        ModelMemoryPlanner.Apply(m);
        return m;
    }

    /// <summary>The unfused block as a model: quantization, weights and activations drawn from spec.Seed.</summary>
    private static Model Build(Spec s)
    {
        var r = new Random(s.Seed);
        var tensors = new List<TensorInfo>();
        var ops = new List<OperatorInfo>();
        int Tensor(int h, int w, int c)
        {
            var t = new TensorInfo { Rank = 4, Scale = (float)(0.01 + r.NextDouble() * 0.1), ZeroPoint = r.Next(-128, 128) };
            t.Dims[1] = h;
            t.Dims[2] = w;
            t.Dims[3] = c;
            t.ByteSize = h * w * c;
            tensors.Add(t);
            return tensors.Count - 1;
        }

        int ho = (s.H + s.Pt + s.Pb - s.Kh) / s.Sh + 1;
        int wo = (s.W + s.Pl + s.Pr - s.Kw) / s.Sw + 1;
        int input = Tensor(s.H, s.W, s.Cin);
        int current = input;
        if (s.Expand)
        {
            var e = new OperatorInfo { OpCode = OpCodes.Conv2D, Input0 = current, Output = Tensor(s.H, s.W, s.Cexp) };
            Arrays(r, e, s.Cexp * s.Cin, s.Cexp);
            ops.Add(e);
            current = e.Output;
        }

        var dw = new OperatorInfo
        {
            OpCode = OpCodes.Conv2D, Input0 = current, Output = Tensor(ho, wo, s.Cexp), KernelH = s.Kh, KernelW = s.Kw, StrideH = s.Sh, StrideW = s.Sw,
            PadTop = s.Pt, PadLeft = s.Pl, PadBottom = s.Pb, PadRight = s.Pr, Groups = s.Cexp,
        };
        Arrays(r, dw, s.Cexp * s.Kh * s.Kw, s.Cexp);
        ops.Add(dw);
        var pw = new OperatorInfo { OpCode = OpCodes.Conv2D, Input0 = dw.Output, Output = Tensor(ho, wo, s.Cout) };
        Arrays(r, pw, s.Cout * s.Cexp, s.Cout);
        ops.Add(pw);
        int output = pw.Output;
        if (s.Residual)
        {
            bool residualFirst = r.Next(2) == 0;
            var add = new OperatorInfo
            {
                OpCode = OpCodes.Add, Input0 = residualFirst ? input : pw.Output, Input1 = residualFirst ? pw.Output : input, Output = Tensor(ho, wo, s.Cout),
            };
            add.Params[0] = 20;
            for (int k = 1; k <= 5; k += 2)
            {
                add.Params[k] = r.Next(1 << 30, int.MaxValue);
                add.Params[k + 1] = k == 5 ? r.Next(-25, -15) : r.Next(-3, 1);
            }

            Act(r, add);
            ops.Add(add);
            output = add.Output;
        }

        return new Model { Tensors = tensors.ToArray(), Operators = ops.ToArray(), InputTensor = input, OutputTensor = output, ArenaSize = 1 };
    }

    private static void Arrays(Random r, OperatorInfo op, int weights, int channels)
    {
        op.Weights = new sbyte[weights];
        for (int i = 0; i < weights; i++)
        {
            op.Weights[i] = (sbyte)r.Next(-127, 128);
        }

        op.Bias = r.Next(4) == 0 ? null : Enumerable.Range(0, channels).Select(_ => r.Next(-20000, 20000)).ToArray();
        op.Multiplier = Enumerable.Range(0, channels).Select(_ => r.Next(1 << 30, int.MaxValue)).ToArray();
        // Shifts that keep most outputs inside int8 for these accumulator sizes, with some saturating ones.
        op.Shift = Enumerable.Range(0, channels).Select(_ => r.Next(-14, -5)).ToArray();
        Act(r, op);
    }

    /// <summary>No activation (-128..127), a ReLU-like clamp [lo, 127] or a ReLU6-like clamp [lo, lo + n].</summary>
    private static void Act(Random r, OperatorInfo op)
    {
        switch (r.Next(3))
        {
            case 0:
                op.ActMin = -128;
                op.ActMax = 127;
                break;
            case 1:
                op.ActMin = r.Next(-128, 100);
                op.ActMax = 127;
                break;
            default:
                op.ActMin = r.Next(-128, 60);
                op.ActMax = Math.Min(127, op.ActMin + r.Next(1, 100));
                break;
        }
    }
}
