using System;
using System.Collections.Generic;
using CsCheck;
using TinyDsc.Converter.Planning;
using Xunit;
using Xunit.Abstractions;
using TinyDsc.Tests;

namespace TinyDsc.Converter.Tests.Planning;

public sealed class GreedyMemoryPlannerTests
{
    private readonly ITestOutputHelper _output;

    public GreedyMemoryPlannerTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Independent of the planner: fails if two buffers live at a common op share a byte, or a buffer leaves the arena.
    /// </summary>
    private static void AssertNoOverlap(IReadOnlyList<TensorLifetime> buffers, MemoryPlan plan)
    {
        Assert.Equal(buffers.Count, plan.Offsets.Count);
        long end = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            Assert.True(plan.Offsets[i] >= 0, $"buffer {i} at negative offset {plan.Offsets[i]}");
            Assert.True(plan.Offsets[i] + (long)buffers[i].Size <= plan.ArenaBytes, $"buffer {i} leaves the arena");
            end = Math.Max(end, plan.Offsets[i] + (long)buffers[i].Size);
            for (int j = i + 1; j < buffers.Count; j++)
            {
                bool timeOverlap = buffers[i].FirstOp <= buffers[j].LastOp && buffers[j].FirstOp <= buffers[i].LastOp;
                bool byteOverlap = plan.Offsets[i] < plan.Offsets[j] + buffers[j].Size
                    && plan.Offsets[j] < plan.Offsets[i] + buffers[i].Size;
                Assert.False(timeOverlap && byteOverlap,
                    $"buffers {i} {buffers[i]} at {plan.Offsets[i]} and {j} {buffers[j]} at {plan.Offsets[j]} overlap");
            }
        }
        Assert.Equal(end, plan.ArenaBytes);
    }

    [Fact]
    public void RandomLifetimes_NeverOverlap_AndPlanIsAtLeastTheLowerBound()
    {
        Gen<TensorLifetime> lifetime = Gen.Select(Gen.Int[1, 4096], Gen.Int[0, 30], Gen.Int[0, 8],
            (size, first, length) => new TensorLifetime(size, first, first + length));
        lifetime.Array[1, 60].SampleSeeded(seed: 3000, iter: 3000, buffers =>
        {
            MemoryPlan plan = GreedyMemoryPlanner.Plan(buffers);
            AssertNoOverlap(buffers, plan);
            Assert.True(plan.ArenaBytes >= plan.LowerBoundBytes, $"arena {plan.ArenaBytes} < bound {plan.LowerBoundBytes}");
        });
    }

    [Fact]
    public void LowerBound_IsTheMostBytesLiveAtOneOp()
    {
        // Live bytes per op: op0 = 10 + 20, op1 = 20 + 5 + 7, op2 = 7 → 32.
        var buffers = new[]
        {
            new TensorLifetime(10, 0, 0),
            new TensorLifetime(20, 0, 1),
            new TensorLifetime(5, 1, 1),
            new TensorLifetime(7, 1, 2),
        };
        Assert.Equal(32, GreedyMemoryPlanner.LowerBound(buffers));
    }

    [Fact]
    public void HandCheckedSmallCase()
    {
        // conv0: in(100) → a(400); conv1: a → b(200); add: a(again, residual) + b → c(400); fc: c → d(10).
        // Lifetimes: in [0,0], a [0,2], b [1,2], c [2,3], d [3,3].
        // Largest first: a (400) → 0; c (400) lives with a at op 2 → 400; b (200) lives with a, c → 800;
        // in (100) lives with a → 400 (c and b are not live at op 0); d (10) lives with c → 0 (a is dead by op 3).
        var buffers = new[]
        {
            new TensorLifetime(100, 0, 0),
            new TensorLifetime(400, 0, 2),
            new TensorLifetime(200, 1, 2),
            new TensorLifetime(400, 2, 3),
            new TensorLifetime(10, 3, 3),
        };
        MemoryPlan plan = GreedyMemoryPlanner.Plan(buffers);
        Assert.Equal(new[] { 400, 0, 800, 400, 0 }, plan.Offsets);
        Assert.Equal(1000, plan.ArenaBytes);
        Assert.Equal(1000, plan.LowerBoundBytes); // op 2: a + b + c
        AssertNoOverlap(buffers, plan);
    }

    [Theory]
    [InlineData(new[] { 784, 6272, 6272, 1568, 3136, 64, 10 })]
    [InlineData(new[] { 10, 20, 30, 40, 50 })]
    [InlineData(new[] { 50, 40, 30, 20, 10 })]
    [InlineData(new[] { 5, 500, 5, 500, 5 })]
    public void Chain_PlanEqualsLowerBound(int[] sizes)
    {
        // Tensor t is written by op t-1 (the input by no op) and read by op t.
        var tensorSizes = new List<int>(sizes);
        var inputs = new List<IReadOnlyList<int>>();
        var outputs = new List<int>();
        for (int op = 0; op < sizes.Length - 1; op++)
        {
            inputs.Add(new[] { op });
            outputs.Add(op + 1);
        }
        TensorLifetime[] lifetimes = LifetimeAnalysis.Compute(tensorSizes, inputs, outputs, 0, sizes.Length - 1);
        MemoryPlan plan = GreedyMemoryPlanner.Plan(lifetimes);
        AssertNoOverlap(lifetimes, plan);
        int pairMax = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            pairMax = Math.Max(pairMax, sizes[i] + sizes[i + 1]);
        }
        Assert.Equal(pairMax, plan.LowerBoundBytes);
        Assert.Equal(plan.LowerBoundBytes, plan.ArenaBytes);
    }

    [Fact]
    public void OutputNeverSharesBytesWithItsInput()
    {
        // A 1-op model: input and output live only at op 0 and must be apart even though nothing else is live.
        TensorLifetime[] lifetimes = LifetimeAnalysis.Compute(new[] { 64, 64 }, new[] { new[] { 0 } }, new[] { 1 }, 0, 1);
        MemoryPlan plan = GreedyMemoryPlanner.Plan(lifetimes);
        Assert.Equal(128, plan.ArenaBytes);
        Assert.NotEqual(plan.Offsets[0], plan.Offsets[1]);
    }

    /// <summary>
    /// Lifetimes of a MobileNetV2-style net at 28×28×1 (stem 3×3 s2 to 16 ch, then inverted residual blocks with
    /// expansion 6: 1×1 expand + ReLU6, 3×3 depthwise + ReLU6, 1×1 project, residual Add when shapes match), then
    /// 1×1 to 128, global average pool, flatten, FC 10. Sizes are NHWC int8 bytes.
    /// </summary>
    [Fact]
    public void MobileNetV2Lifetimes_PlanEqualsLowerBound()
    {
        var sizes = new List<int>();
        var inputs = new List<IReadOnlyList<int>>();
        var outputs = new List<int>();
        var names = new List<string>();
        int Add(int bytes)
        {
            sizes.Add(bytes);
            return sizes.Count - 1;
        }
        void Op(string name, int output, params int[] reads)
        {
            names.Add(name);
            inputs.Add(reads);
            outputs.Add(output);
        }

        int x = Add(28 * 28 * 1);
        int h = 14, c = 16;
        int t = Add(h * h * c);
        Op("stem", t, x);
        x = t;
        // (output channels, stride) per block.
        (int Cout, int Stride)[] blocks = { (16, 1), (24, 2), (24, 1), (32, 2), (32, 1), (32, 1), (64, 1), (64, 1) };
        int block = 0;
        foreach ((int cout, int stride) in blocks)
        {
            int e = Add(h * h * c * 6);
            Op($"b{block}.expand", e, x);
            int ho = (h + stride - 1) / stride;
            int d = Add(ho * ho * c * 6);
            Op($"b{block}.dw", d, e);
            int p = Add(ho * ho * cout);
            Op($"b{block}.project", p, d);
            if (stride == 1 && cout == c)
            {
                int r = Add(ho * ho * cout);
                Op($"b{block}.add", r, x, p);
                p = r;
            }
            x = p;
            h = ho;
            c = cout;
            block++;
        }
        int head = Add(h * h * 128);
        Op("head", head, x);
        int gap = Add(128);
        Op("gap", gap, head);
        int flat = Add(128);
        Op("flatten", flat, gap);
        int logits = Add(10);
        Op("fc", logits, flat);

        TensorLifetime[] lifetimes = LifetimeAnalysis.Compute(sizes, inputs, outputs, 0, logits);
        MemoryPlan plan = GreedyMemoryPlanner.Plan(lifetimes);
        AssertNoOverlap(lifetimes, plan);

        // Which op holds the most live bytes.
        int peakOp = -1;
        long peak = -1;
        for (int op = 0; op < outputs.Count; op++)
        {
            long live = 0;
            foreach (TensorLifetime l in lifetimes)
            {
                if (l.FirstOp <= op && op <= l.LastOp)
                {
                    live += l.Size;
                }
            }
            if (live > peak)
            {
                peak = live;
                peakOp = op;
            }
        }
        _output.WriteLine($"{sizes.Count} tensors, {outputs.Count} ops: arena {plan.ArenaBytes} B, lower bound " +
            $"{plan.LowerBoundBytes} B, peak at {names[peakOp]}, sum of all tensors {Sum(sizes)} B");
        Assert.Equal(peak, plan.LowerBoundBytes);
        Assert.Equal(plan.LowerBoundBytes, plan.ArenaBytes);
        // Peak by hand: block 0's depthwise (stride 1, 14×14) holds the residual input (14·14·16 = 3136), the expanded
        // tensor and the depthwise output (14·14·96 = 18816 each): 40768 B.
        Assert.Equal("b0.dw", names[peakOp]);
        Assert.Equal(3136 + 2 * 18816, plan.LowerBoundBytes);
    }

    private static long Sum(List<int> values)
    {
        long s = 0;
        foreach (int v in values)
        {
            s += v;
        }
        return s;
    }

    [Fact]
    public void RejectsEmptyLifetime()
    {
        Assert.Throws<ArgumentException>(() => GreedyMemoryPlanner.Plan(new[] { new TensorLifetime(4, 3, 2) }));
    }
}
