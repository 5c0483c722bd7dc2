using System;
using System.Collections.Generic;

namespace TinyDsc.Converter.Planning;

/// <summary>Derives buffer lifetimes from a model's op order.</summary>
public static class LifetimeAnalysis
{
    /// <summary>
    /// Lifetimes of <paramref name="tensorSizes"/>.Length tensors used by ops in execution order.
    /// A tensor lives from the op that writes it (op 0 for the graph input, which is written before the first op)
    /// through the last op that reads it; the graph output lives through the last op so it can be read after Invoke.
    /// </summary>
    /// <param name="tensorSizes">Bytes of each tensor.</param>
    /// <param name="opInputs">Per op, the tensor indices it reads.</param>
    /// <param name="opOutputs">Per op, the tensor index it writes.</param>
    /// <param name="graphInput">The tensor the caller fills before the first op.</param>
    /// <param name="graphOutput">The tensor the caller reads after the last op.</param>
    /// <exception cref="ArgumentException">A tensor is read before it is written, written twice, or never used.</exception>
    public static TensorLifetime[] Compute(
        IReadOnlyList<int> tensorSizes,
        IReadOnlyList<IReadOnlyList<int>> opInputs,
        IReadOnlyList<int> opOutputs,
        int graphInput,
        int graphOutput)
    {
        int tensors = tensorSizes.Count;
        int ops = opOutputs.Count;
        if (opInputs.Count != ops || ops == 0)
        {
            throw new ArgumentException($"{opInputs.Count} input lists for {ops} ops");
        }
        int[] first = new int[tensors];
        int[] last = new int[tensors];
        Array.Fill(first, -1);
        Array.Fill(last, -1);
        first[graphInput] = 0;
        for (int op = 0; op < ops; op++)
        {
            foreach (int t in opInputs[op])
            {
                if (first[t] < 0)
                {
                    throw new ArgumentException($"op {op} reads tensor {t} before any op writes it");
                }
                last[t] = Math.Max(last[t], op);
            }
            int o = opOutputs[op];
            if (first[o] >= 0)
            {
                throw new ArgumentException($"op {op} writes tensor {o}, which is already written");
            }
            first[o] = op;
            last[o] = Math.Max(last[o], op);
        }
        last[graphOutput] = ops - 1;

        var result = new TensorLifetime[tensors];
        for (int t = 0; t < tensors; t++)
        {
            if (first[t] < 0 || last[t] < 0)
            {
                throw new ArgumentException($"tensor {t} is neither written nor read by any op");
            }
            result[t] = new TensorLifetime(tensorSizes[t], first[t], last[t]);
        }
        return result;
    }
}
