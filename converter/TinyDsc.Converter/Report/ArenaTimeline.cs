using System;
using System.Collections.Generic;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Report;

/// <summary>Bytes of activations live during each operator for one way of running the model.</summary>
/// <param name="Name">How the model runs ("unfused: one operator at a time").</param>
/// <param name="LiveBytes">Per operator index, the bytes of every tensor live while it runs.</param>
/// <param name="ArenaBytes">The arena this way of running allocates.</param>
public sealed record ArenaSeries(string Name, long[] LiveBytes, long ArenaBytes);

/// <summary>
/// The arena timeline: one <see cref="ArenaSeries"/> per way of running the model. Today one series (unfused, the
/// lifetimes the converter's planner uses); a fused execution adds its own series over the same operator indices.
/// </summary>
public static class ArenaTimeline
{
    /// <summary>The unfused timeline: tensor lifetimes as the planner computes them (LifetimeAnalysis).</summary>
    public static ArenaSeries Unfused(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sizes = new int[model.Tensors.Length];
        for (int t = 0; t < sizes.Length; t++)
        {
            sizes[t] = model.Tensors[t].ByteSize;
        }
        var inputs = new List<IReadOnlyList<int>>();
        var outputs = new List<int>();
        foreach (OperatorInfo op in model.Operators)
        {
            inputs.Add(op.InputTensors());
            outputs.Add(op.Output);
        }
        TensorLifetime[] lifetimes = LifetimeAnalysis.Compute(sizes, inputs, outputs, model.InputTensor, model.OutputTensor);
        var live = new long[model.Operators.Length];
        foreach (TensorLifetime l in lifetimes)
        {
            for (int i = l.FirstOp; i <= l.LastOp; i++)
            {
                live[i] += l.Size;
            }
        }
        return new ArenaSeries("unfused (one operator at a time)", live, model.ArenaSize);
    }

    /// <summary>
    /// The fused timeline of a model with fused blocks (FORMAT.md op 8), over the operator indices of the same model
    /// without group records (BlockFusion.Defuse): a block and its members are one step, during which the block's input,
    /// output and work area are live and its internal tensors (arena offset −1) never are; every member operator shows
    /// the block's step.
    /// </summary>
    public static ArenaSeries Fused(Model fused)
    {
        ArgumentNullException.ThrowIfNull(fused);
        OperatorInfo[] ops = fused.Operators;
        var stepOfOp = new List<int>();      // per operator without group records: its step
        var stepReads = new List<List<int>>();
        var stepWrites = new List<int>();
        var stepWork = new List<long>();
        for (int j = 0; j < ops.Length; j++)
        {
            OperatorInfo op = ops[j];
            if (op.OpCode == OpCodes.FusedBlock)
            {
                int members = op.Params[0];
                int step = stepReads.Count;
                stepReads.Add(new List<int> { op.Input0 });
                stepWrites.Add(op.Output);
                stepWork.Add(op.Params[2]);
                for (int m = 1; m <= members; m++)
                {
                    OperatorInfo member = ops[j + m];
                    foreach (int t in new[] { member.Input0, member.Input1 })
                    {
                        if (t >= 0 && fused.Tensors[t].ArenaOffset >= 0 && !stepReads[step].Contains(t))
                        {
                            stepReads[step].Add(t);
                        }
                    }
                    stepOfOp.Add(step);
                }
                j += members;
                continue;
            }
            stepOfOp.Add(stepReads.Count);
            stepReads.Add(new List<int>(op.InputTensors()));
            stepWrites.Add(op.Output);
            stepWork.Add(0);
        }
        int steps = stepReads.Count;
        var first = new int[fused.Tensors.Length];
        var last = new int[fused.Tensors.Length];
        Array.Fill(first, -1);
        Array.Fill(last, -1);
        first[fused.InputTensor] = 0;
        for (int s = 0; s < steps; s++)
        {
            foreach (int t in stepReads[s])
            {
                last[t] = Math.Max(last[t], s);
            }
            first[stepWrites[s]] = s;
            last[stepWrites[s]] = Math.Max(last[stepWrites[s]], s);
        }
        last[fused.OutputTensor] = steps - 1;
        var perStep = new long[steps];
        for (int t = 0; t < fused.Tensors.Length; t++)
        {
            if (fused.Tensors[t].ArenaOffset < 0 || first[t] < 0)
            {
                continue;
            }
            for (int s = first[t]; s <= last[t]; s++)
            {
                perStep[s] += fused.Tensors[t].ByteSize;
            }
        }
        var live = new long[stepOfOp.Count];
        for (int i = 0; i < live.Length; i++)
        {
            live[i] = perStep[stepOfOp[i]] + stepWork[stepOfOp[i]];
        }
        return new ArenaSeries("fused blocks (as the .tdsc runs)", live, fused.ArenaSize);
    }
}
