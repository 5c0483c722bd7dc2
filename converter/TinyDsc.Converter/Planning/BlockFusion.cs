using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Converter.Planning;

/// <summary>How the converter groups operators into fused blocks (`convert --fuse`).</summary>
public enum FusionMode
{
    /// <summary>Fuse the chains whose grouping lowers the planned arena (see <see cref="BlockFusion.Fuse"/>).</summary>
    Auto,

    /// <summary>No fused blocks: every tensor in the arena, a v1.0 file.</summary>
    None,

    /// <summary>Every chain the runtime can fuse, even where the work area is not smaller (for tests and measurements).</summary>
    All,
}

/// <summary>
/// Finds the chains of a quantized model that the runtime can execute row by row (FORMAT.md op 8, Kernels.FusedBlock)
/// and inserts a group record before each: 1×1 expand → depthwise (multiplier 1, dilation 1) → 1×1 project, or
/// depthwise → 1×1, each optionally followed by the residual Add of the chain's input; and (FORMAT.md p4 = 1) a producer
/// — a 1×1 expand or a stem any windowed kernel computes — → depthwise (multiplier ≥ 1) with no projection, the chain
/// whose depthwise rows are the block output (the stem into a DS-CNN's first block; a 1×1 into a stride-2
/// depthwise whose own output is small). Members must be consecutive
/// operators and every tensor between them read only by the next member (and not be the model output); those tensors
/// become internal (arena offset -1). The work area is placed by <see cref="ModelMemoryPlanner"/>.
/// </summary>
public static class BlockFusion
{
    /// <summary>A fused block found in a model: its group record's index and the member operator indices after it.</summary>
    public sealed record Group(int RecordIndex, int Members, int WorkBytes);

    /// <summary>A fusable chain: its first operator, member count, output rows per step (FORMAT.md p3) and shape (p4).</summary>
    private readonly record struct Chain(int Start, int Count, int Rows, int Shape)
    {
        public bool Overlaps(Chain other) => Start < other.Start + other.Count && other.Start < Start + Count;
    }

    /// <summary>
    /// Auto adds a block only when it lowers the arena by at least 1/MinimumGainDivisor of the arena before it: a
    /// fused block executes somewhat more IL per MAC on nanoCLR than the whole-tensor kernels (its 1×1 convolutions see
    /// one or two rows of pixels per call, on PointwiseConv's 12-pixel groups with fewer of them filled;
    /// measured with `ilcount-model`: mbv2-fashion 6.88 IL/MAC unfused, 7.26 with the three blocks auto picks), so
    /// small savings are not worth it. After the choice, each narrow block (output rows under 16 pixels) computes two
    /// output rows per step (p3 = 2) where that does not raise the planned arena.
    /// </summary>
    public const int MinimumGainDivisor = 10;

    /// <summary>
    /// The model with group records inserted (a new Model and name list; tensors are shared, arena unplanned).
    /// <see cref="FusionMode.All"/> groups every chain the runtime can fuse. <see cref="FusionMode.Auto"/> groups only
    /// where it lowers the arena: starting from the unfused plan, it repeatedly adds the chain whose grouping lowers the
    /// planned arena most, while that lowers it by at least a tenth (<see cref="MinimumGainDivisor"/>); chains away from
    /// the peak, or that save only a few bytes, stay unfused, so their ops keep
    /// the whole-tensor kernels (cheaper per MAC on an interpreter than the row-by-row block, whose 1×1 convolutions see
    /// one row of pixels per call).
    /// </summary>
    public static QuantizedModel Fuse(QuantizedModel quantized, FusionMode mode)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        if (mode == FusionMode.None)
        {
            return quantized;
        }

        Model model = quantized.Model;
        var chains = Chains(model);
        if (mode == FusionMode.All)
        {
            // In operator order, the first candidate at each operator (the v1.1 shapes before producer → depthwise).
            var all = new List<Chain>();
            foreach (Chain c in chains)
            {
                if (!all.Any(c.Overlaps))
                {
                    all.Add(c with { Rows = NarrowRows(model, c) });
                }
            }
            return WithGroups(quantized, all);
        }

        var chosen = new List<Chain>();
        int current = PlannedArena(model, chosen);
        while (true)
        {
            var free = chains.Where(c => !chosen.Any(c.Overlaps)).ToList();
            (List<Chain>? pick, int best) = BestStep(model, chosen, free.Select(c => new List<Chain> { c }), current);
            if (best == current)
            {
                // No single chain lowers the arena: two peaks of the same height (the bundled DS-CNN's). Try pairs.
                (pick, best) = BestStep(model, chosen, Pairs(free), current);
            }
            if (pick == null || best > current - current / MinimumGainDivisor)
            {
                break;
            }
            chosen.AddRange(pick);
            current = best;
        }

        // Narrow blocks compute two output rows per step where that does not raise the planned arena.
        for (int k = 0; k < chosen.Count; k++)
        {
            int rows = NarrowRows(model, chosen[k]);
            if (rows == 1)
            {
                continue;
            }
            var trial = new List<Chain>(chosen);
            trial[k] = chosen[k] with { Rows = rows };
            int arena = PlannedArena(model, trial);
            if (arena <= current)
            {
                chosen = trial;
                current = arena;
            }
        }

        return WithGroups(quantized, chosen);
    }

    /// <summary>The step (chains added together) that lowers the planned arena most below current, and that arena.</summary>
    private static (List<Chain>? Pick, int Arena) BestStep(Model model, List<Chain> chosen, IEnumerable<List<Chain>> steps, int current)
    {
        List<Chain>? pick = null;
        int best = current;
        foreach (List<Chain> step in steps)
        {
            int arena = PlannedArena(model, chosen.Concat(step).ToList());
            if (arena < best)
            {
                best = arena;
                pick = step;
            }
        }
        return (pick, best);
    }

    /// <summary>Every pair of chains that do not overlap.</summary>
    private static IEnumerable<List<Chain>> Pairs(List<Chain> chains)
    {
        for (int a = 0; a < chains.Count; a++)
        {
            for (int b = a + 1; b < chains.Count; b++)
            {
                if (!chains[a].Overlaps(chains[b]))
                {
                    yield return new List<Chain> { chains[a], chains[b] };
                }
            }
        }
    }

    /// <summary>Arena bytes of the model with the given chains grouped, planned on a copy of its tensors.</summary>
    private static int PlannedArena(Model model, List<Chain> chains)
    {
        var names = new string[model.Operators.Length];
        Model copy = CopyTensors(model);
        Model grouped = WithGroups(new QuantizedModel(copy, new string[model.Tensors.Length], names), chains).Model;
        return ModelMemoryPlanner.Apply(grouped).ArenaBytes;
    }

    /// <summary>
    /// Every fusable chain, in operator order; at one operator the v1.1 shape first, then producer → depthwise. Chains
    /// may overlap (the choice takes chains that do not).
    /// </summary>
    private static List<Chain> Chains(Model model)
    {
        int[] readers = Readers(model);
        var chains = new List<Chain>();
        for (int i = 0; i < model.Operators.Length; i++)
        {
            int n = ChainAt(model, readers, i);
            if (n > 0)
            {
                chains.Add(new Chain(i, n, 1, 0));
            }
            if (IsProducerChain(model, readers, i))
            {
                chains.Add(new Chain(i, 2, 1, FusedBlocks.ShapeProducerDepthwise));
            }
        }
        return chains;
    }

    /// <summary>Op i is a 1×1 or a stem a windowed kernel computes, linked to a depthwise op i + 1 (multiplier ≥ 1).</summary>
    private static bool IsProducerChain(Model model, int[] readers, int i)
    {
        OperatorInfo[] ops = model.Operators;
        if (i + 1 >= ops.Length || ops[i].OpCode != OpCodes.Conv2D || model.Tensors[ops[i].Input0].Rank != 4 || !IsDepthwise(model, ops, i + 1, multiplier: true)
            || !Links(model, readers, ops, i, i + 1))
        {
            return false;
        }
        ConvParams p = Interpreter.ConvParamsOf(model, ops[i]);
        return IsPointwise(model, ops, i) || FusedBlock.StemKernelOf(ref p) != FusedBlock.StemNone;
    }

    private static QuantizedModel WithGroups(QuantizedModel quantized, List<Chain> chains)
    {
        Model model = quantized.Model;
        OperatorInfo[] ops = model.Operators;
        var outOps = new List<OperatorInfo>();
        var outNames = new List<string>();
        var byStart = new Dictionary<int, Chain>();
        foreach (Chain c in chains)
        {
            byStart[c.Start] = c;
        }
        int i = 0;
        while (i < ops.Length)
        {
            if (byStart.TryGetValue(i, out Chain chain))
            {
                int n = chain.Count;
                int rows = chain.Rows;
                OperatorInfo last = ops[i + n - 1];
                var group = new OperatorInfo { OpCode = OpCodes.FusedBlock, Input0 = ops[i].Input0, Output = last.Output };
                group.Params[0] = n;
                group.Params[2] = WorkBytes(model, ops, i, n, rows, chain.Shape);
                group.Params[3] = rows;
                group.Params[4] = chain.Shape;
                outOps.Add(group);
                outNames.Add("fused(" + string.Join(", ", Enumerable.Range(i, n).Select(k => quantized.OperatorNames[k])) + ")");
                for (int k = i; k < i + n; k++)
                {
                    outOps.Add(ops[k]);
                    outNames.Add(quantized.OperatorNames[k]);
                }

                i += n;
                continue;
            }

            outOps.Add(ops[i]);
            outNames.Add(quantized.OperatorNames[i]);
            i++;
        }

        var fused = new Model
        {
            Tensors = model.Tensors,
            Operators = outOps.ToArray(),
            InputTensor = model.InputTensor,
            OutputTensor = model.OutputTensor,
            ArenaSize = model.ArenaSize,
        };
        return new QuantizedModel(fused, quantized.TensorNames, outNames);
    }

    private static Model CopyTensors(Model model) => new Model
    {
        Tensors = model.Tensors.Select(t => new TensorInfo
        {
            Rank = t.Rank, Dims = (int[])t.Dims.Clone(), Scale = t.Scale, ZeroPoint = t.ZeroPoint, ArenaOffset = t.ArenaOffset, ByteSize = t.ByteSize,
        }).ToArray(),
        Operators = model.Operators,
        InputTensor = model.InputTensor,
        OutputTensor = model.OutputTensor,
        ArenaSize = model.ArenaSize,
    };

    /// <summary>
    /// The same model without group records: every tensor back in the arena (offsets must be planned again with
    /// <see cref="ModelMemoryPlanner.Apply"/>). Tensors are copied, so the input model is left as it is.
    /// </summary>
    public static Model Defuse(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model copy = CopyTensors(model);
        copy.Operators = model.Operators.Where(op => op.OpCode != OpCodes.FusedBlock).ToArray();
        return copy;
    }

    /// <summary>The fused blocks of a model, in operator order.</summary>
    public static List<Group> Groups(Model model)
    {
        var groups = new List<Group>();
        for (int j = 0; j < model.Operators.Length; j++)
        {
            OperatorInfo op = model.Operators[j];
            if (op.OpCode == OpCodes.FusedBlock)
            {
                groups.Add(new Group(j, op.Params[0], op.Params[2]));
            }
        }
        return groups;
    }

    /// <summary>Number of operators from index i that form a fusable chain (2..4), or 0.</summary>
    private static int ChainAt(Model model, int[] readers, int i)
    {
        OperatorInfo[] ops = model.Operators;
        int convs = 0;
        if (IsPointwise(model, ops, i) && IsDepthwise(model, ops, i + 1) && Links(model, readers, ops, i, i + 1)
            && IsPointwise(model, ops, i + 2) && Links(model, readers, ops, i + 1, i + 2))
        {
            convs = 3;
        }
        else if (IsDepthwise(model, ops, i) && IsPointwise(model, ops, i + 1) && Links(model, readers, ops, i, i + 1))
        {
            convs = 2;
        }

        if (convs == 0)
        {
            return 0;
        }

        int n = convs;
        int last = i + convs - 1;
        int addAt = i + convs;
        if (addAt < ops.Length && ops[addAt].OpCode == OpCodes.Add && readers[ops[last].Output] == 1 && ops[last].Output != model.OutputTensor
            && ((ops[addAt].Input0 == ops[last].Output && ops[addAt].Input1 == ops[i].Input0)
                || (ops[addAt].Input1 == ops[last].Output && ops[addAt].Input0 == ops[i].Input0)))
        {
            n++;
        }

        return n;
    }

    /// <summary>
    /// Output rows per step (p3): 2 when the block's output rows are narrower than 16 pixels, so that its 1×1 stages
    /// see at least twice as many pixels per call (PointwiseConv's packed groups; executed IL per MAC within 1.1× of
    /// unfused, IlCostTests), else 1 (a row alone fills the 12-pixel groups).
    /// </summary>
    private static int NarrowRows(Model model, Chain chain)
    {
        OperatorInfo[] ops = model.Operators;
        int i = chain.Start;
        bool hasAdd = ops[i + chain.Count - 1].OpCode == OpCodes.Add;
        int convs = hasAdd ? chain.Count - 1 : chain.Count;
        TensorInfo dwOut = model.Tensors[ops[convs == 3 || chain.Shape != 0 ? i + 1 : i].Output];
        return dwOut.Dims[2] < 16 && dwOut.Dims[1] >= 2 ? 2 : 1;
    }

    private static int WorkBytes(Model model, OperatorInfo[] ops, int i, int n, int rows, int shape)
    {
        bool hasAdd = ops[i + n - 1].OpCode == OpCodes.Add;
        int convs = hasAdd ? n - 1 : n;
        OperatorInfo dw = ops[convs == 3 || shape != 0 ? i + 1 : i];
        OperatorInfo project = ops[i + convs - 1];
        TensorInfo dwIn = model.Tensors[dw.Input0];
        TensorInfo dwOut = model.Tensors[dw.Output];
        var p = new ConvParams
        {
            InputH = dwIn.Dims[1], InputW = dwIn.Dims[2], InputC = dwIn.Dims[3], OutputH = dwOut.Dims[1], OutputW = dwOut.Dims[2],
            OutputC = dwOut.Dims[3], KernelH = dw.KernelH, KernelW = dw.KernelW, PadLeft = dw.PadLeft, PadRight = dw.PadRight,
            StrideH = dw.StrideH,
        };
        return FusedBlock.WorkBytes(ref p, shape == 0, model.Tensors[project.Output].Dims[3], hasAdd, rows);
    }

    /// <summary>Op a's output is op b's input 0, read by nothing else and not the model output.</summary>
    private static bool Links(Model model, int[] readers, OperatorInfo[] ops, int a, int b) =>
        ops[b].Input0 == ops[a].Output && ops[b].Input1 < 0 && readers[ops[a].Output] == 1 && ops[a].Output != model.OutputTensor;

    private static bool IsPointwise(Model model, OperatorInfo[] ops, int i)
    {
        if (i >= ops.Length || ops[i].OpCode != OpCodes.Conv2D)
        {
            return false;
        }
        OperatorInfo op = ops[i];
        return op.KernelH == 1 && op.KernelW == 1 && op.StrideH == 1 && op.StrideW == 1 && op.Groups == 1 && op.DilationH == 1 && op.DilationW == 1
            && op.PadTop == 0 && op.PadLeft == 0 && op.PadBottom == 0 && op.PadRight == 0 && model.Tensors[op.Input0].Rank == 4;
    }

    /// <summary>Op i is a depthwise convolution with dilation 1: multiplier 1, or (multiplier: true) any multiplier.</summary>
    private static bool IsDepthwise(Model model, OperatorInfo[] ops, int i, bool multiplier = false)
    {
        if (i >= ops.Length || ops[i].OpCode != OpCodes.Conv2D)
        {
            return false;
        }
        OperatorInfo op = ops[i];
        int cin = model.Tensors[op.Input0].Dims[3];
        int cout = model.Tensors[op.Output].Dims[3];
        return op.Groups == cin && (multiplier ? cout % cin == 0 : cout == cin) && op.DilationH == 1 && op.DilationW == 1;
    }

    /// <summary>Per tensor, how many operator inputs read it (the model output counts as one more).</summary>
    private static int[] Readers(Model model)
    {
        var readers = new int[model.Tensors.Length];
        foreach (OperatorInfo op in model.Operators)
        {
            foreach (int t in op.InputTensors())
            {
                readers[t]++;
            }
        }
        readers[model.OutputTensor]++;
        return readers;
    }
}
