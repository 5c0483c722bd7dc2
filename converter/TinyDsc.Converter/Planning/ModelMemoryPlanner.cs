using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Planning;

/// <summary>Plans a runtime model's arena: lifetimes from its op order, offsets from <see cref="GreedyMemoryPlanner"/>.</summary>
public static class ModelMemoryPlanner
{
    /// <summary>Lifetimes of the model's tensors, by tensor index.</summary>
    public static TensorLifetime[] Lifetimes(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sizes = new int[model.Tensors.Length];
        for (int t = 0; t < sizes.Length; t++)
        {
            sizes[t] = model.Tensors[t].ByteSize;
        }
        var inputs = new List<IReadOnlyList<int>>(model.Operators.Length);
        var outputs = new List<int>(model.Operators.Length);
        foreach (OperatorInfo op in model.Operators)
        {
            inputs.Add(op.Input1 >= 0 ? new[] { op.Input0, op.Input1 } : new[] { op.Input0 });
            outputs.Add(op.Output);
        }
        return LifetimeAnalysis.Compute(sizes, inputs, outputs, model.InputTensor, model.OutputTensor);
    }

    /// <summary>Assigns every tensor's ArenaOffset and the model's ArenaSize; returns the plan.</summary>
    public static MemoryPlan Apply(Model model)
    {
        MemoryPlan plan = GreedyMemoryPlanner.Plan(Lifetimes(model));
        for (int t = 0; t < model.Tensors.Length; t++)
        {
            model.Tensors[t].ArenaOffset = plan.Offsets[t];
        }
        model.ArenaSize = plan.ArenaBytes;
        return plan;
    }
}
