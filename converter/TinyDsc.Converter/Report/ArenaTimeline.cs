using System;
using System.Collections.Generic;
using TinyDsc.Converter.Planning;
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
            inputs.Add(op.OpCode == OpCodes.Add ? new[] { op.Input0, op.Input1 } : new[] { op.Input0 });
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
}
