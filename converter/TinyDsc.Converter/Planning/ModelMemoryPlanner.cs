using System;
using System.Collections.Generic;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Planning;

/// <summary>
/// Plans a runtime model's arena: lifetimes from its op order, offsets from <see cref="GreedyMemoryPlanner"/>.
/// A fused block (FORMAT.md op 8) counts as one operator that reads the block input and writes the block output and
/// its work area (a buffer live only during the block); its internal tensors get no arena bytes (offset -1).
/// </summary>
public static class ModelMemoryPlanner
{
    /// <summary>Lifetimes of the model's tensors, by tensor index (a model without fused blocks).</summary>
    public static TensorLifetime[] Lifetimes(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Buffers(model).Lifetimes.ToArray();
    }

    /// <summary>Assigns every tensor's ArenaOffset, every fused block's work area and the model's ArenaSize; returns the plan.</summary>
    public static MemoryPlan Apply(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        (List<TensorLifetime> buffers, int[] bufferOf, List<int> groupRecords) = Buffers(model);
        MemoryPlan plan = GreedyMemoryPlanner.Plan(buffers);
        for (int t = 0; t < model.Tensors.Length; t++)
        {
            model.Tensors[t].ArenaOffset = bufferOf[t] >= 0 ? plan.Offsets[bufferOf[t]] : -1;
        }
        int tensorsPlanned = buffers.Count - groupRecords.Count;
        for (int g = 0; g < groupRecords.Count; g++)
        {
            OperatorInfo group = model.Operators[groupRecords[g]];
            group.Params[1] = plan.Offsets[tensorsPlanned + g];
            group.Params[2] = buffers[tensorsPlanned + g].Size;
        }
        model.ArenaSize = plan.ArenaBytes;
        return plan;
    }

    /// <summary>
    /// Buffers to place: the tensors in the arena (bufferOf[t] = their index, -1 for internal tensors of fused
    /// blocks), then one work area per fused block (group record indices in groupRecords). Op indices of the lifetimes
    /// count executed steps: a fused block and its members are one step.
    /// </summary>
    private static (List<TensorLifetime> Lifetimes, int[] BufferOf, List<int> GroupRecords) Buffers(Model model)
    {
        OperatorInfo[] ops = model.Operators;
        bool[] isInternal = new bool[model.Tensors.Length];
        var inputs = new List<IReadOnlyList<int>>();
        var outputs = new List<int>();
        var groupRecords = new List<int>();
        var groupSteps = new List<int>();
        for (int j = 0; j < ops.Length; j++)
        {
            OperatorInfo op = ops[j];
            inputs.Add(op.InputTensors());
            outputs.Add(op.Output);
            if (op.OpCode == OpCodes.FusedBlock)
            {
                int n = op.Params[0];
                for (int m = j + 1; m < j + n; m++)
                {
                    isInternal[ops[m].Output] = true;
                }
                groupRecords.Add(j);
                groupSteps.Add(outputs.Count - 1);
                j += n;
            }
        }

        // Tensor indices renumbered without the internal ones, for LifetimeAnalysis.
        var bufferOf = new int[model.Tensors.Length];
        var sizes = new List<int>();
        for (int t = 0; t < bufferOf.Length; t++)
        {
            bufferOf[t] = isInternal[t] ? -1 : sizes.Count;
            if (!isInternal[t])
            {
                sizes.Add(model.Tensors[t].ByteSize);
            }
        }
        var mappedInputs = new List<IReadOnlyList<int>>(inputs.Count);
        foreach (IReadOnlyList<int> list in inputs)
        {
            var m = new int[list.Count];
            for (int k = 0; k < m.Length; k++)
            {
                m[k] = bufferOf[list[k]];
            }
            mappedInputs.Add(m);
        }
        var mappedOutputs = new List<int>(outputs.Count);
        foreach (int o in outputs)
        {
            mappedOutputs.Add(bufferOf[o]);
        }
        var lifetimes = new List<TensorLifetime>(LifetimeAnalysis.Compute(sizes, mappedInputs, mappedOutputs,
            bufferOf[model.InputTensor], bufferOf[model.OutputTensor]));
        for (int g = 0; g < groupRecords.Count; g++)
        {
            OperatorInfo group = ops[groupRecords[g]];
            lifetimes.Add(new TensorLifetime(group.Params[2], groupSteps[g], groupSteps[g]));
        }
        return (lifetimes, bufferOf, groupRecords);
    }
}
