using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Reference;

/// <summary>
/// Executes a <see cref="FloatGraph"/> in float32 on the desktop (NCHW samples; the graph's shapes have batch 1).
/// Convolutions sum in a fixed tap order, other inner products use <see cref="System.Numerics.Tensors.TensorPrimitives"/>,
/// so results match an ONNX runtime up to float32 summation order. Used as the reference the int8 runtime is verified
/// against and to observe activations for calibration. The work is done by <see cref="FloatExecutor"/> (batched,
/// preallocated); a sample's result is the same bit for bit whether it runs alone or in a batch.
/// </summary>
public static class FloatReference
{
    /// <summary>Samples per batch of <see cref="RunBatch"/> and of the batch commands' workers.</summary>
    public const int BatchSize = 8;

    /// <summary>Runs one sample and returns the graph output (flat, NCHW or [1, C]).</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> has the wrong number of elements.</exception>
    public static float[] Run(FloatGraph graph, float[] input) => Run(graph, input, null);

    /// <summary>
    /// Runs one sample; <paramref name="observe"/>, when given, is called with the name and value of the graph input and of
    /// every node output, in execution order (each array is a fresh copy).
    /// </summary>
    public static float[] Run(FloatGraph graph, float[] input, Action<string, float[]>? observe)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(input);
        int need = Count(graph.Values[graph.Input].Shape);
        if (input.Length != need)
        {
            throw new ArgumentException(
                $"input has {input.Length} values but graph input '{graph.Input}' of shape {Format(graph.Values[graph.Input].Shape)} needs {need}",
                nameof(input));
        }
        var executor = new FloatExecutor(graph, 1);
        var output = new float[executor.OutputSize];
        executor.Run(input, 1, output, observe == null ? null : (_, name, values) => observe(name, values));
        return output;
    }

    /// <summary>Runs every value of the graph and returns them by name (graph input, each node output).</summary>
    public static Dictionary<string, float[]> RunAll(FloatGraph graph, float[] input)
    {
        var all = new Dictionary<string, float[]>();
        Run(graph, input, (name, v) => all[name] = v);
        return all;
    }

    /// <summary>
    /// Runs <paramref name="count"/> samples stored one after another in <paramref name="batch"/> (N×sample, NCHW) and
    /// returns the outputs the same way; samples run <see cref="BatchSize"/> at a time.
    /// </summary>
    public static float[] RunBatch(FloatGraph graph, float[] batch, int count)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(batch);
        int inSize = Count(graph.Values[graph.Input].Shape);
        int outSize = Count(graph.Values[graph.Output].Shape);
        if (count < 0 || batch.Length != (long)inSize * count)
        {
            throw new ArgumentException($"batch has {batch.Length} values; {count} samples of {inSize} need {(long)inSize * count}", nameof(batch));
        }
        var result = new float[outSize * count];
        if (count == 0)
        {
            return result;
        }
        var executor = new FloatExecutor(graph, Math.Min(count, BatchSize));
        for (int first = 0; first < count; first += executor.Capacity)
        {
            int n = Math.Min(executor.Capacity, count - first);
            executor.Run(batch.AsSpan(first * inSize, n * inSize), n, result.AsSpan(first * outSize, n * outSize));
        }
        return result;
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The unary activations in float32, as ONNX defines them (HardSwish: x · max(0, min(1, x/6 + 1/2))).</summary>
    public static float Elementwise(FloatNode n, float x) => n.Kind switch
    {
        NodeKind.HardSwish => x * MathF.Max(0f, MathF.Min(1f, x / 6f + 0.5f)),
        NodeKind.HardSigmoid => MathF.Max(0f, MathF.Min(1f, n.Alpha * x + n.Beta)),
        NodeKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        NodeKind.Tanh => MathF.Tanh(x),
        NodeKind.LeakyRelu => x >= 0f ? x : n.Alpha * x,
        NodeKind.Hardtanh => MathF.Min(MathF.Max(x, n.Alpha), n.Beta),
        _ => throw new NotSupportedException($"node '{n.Name}': {n.Kind} is not an element-wise activation"),
    };
}
