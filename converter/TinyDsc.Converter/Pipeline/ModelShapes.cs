using System;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Shapes as the user sees them (PyTorch layout with a batch dimension: [N, C, H, W] or [N, C]) for model
/// tensors stored NHWC, and the check of a batch file against them.
/// </summary>
public static class ModelShapes
{
    /// <summary>
    /// The PyTorch-layout shape of one sample of a runtime tensor, batch dimension included as 1: rank 4 NHWC
    /// [1, H, W, C] → [1, C, H, W]; other ranks ([1, C] and the like) have no channel-last axis to move and keep
    /// their stored dims.
    /// </summary>
    public static int[] Nchw(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank == 4)
        {
            return new[] { 1, tensor.Dims[3], tensor.Dims[1], tensor.Dims[2] };
        }
        var shape = new int[Math.Max(1, tensor.Rank)];
        Array.Copy(tensor.Dims, shape, shape.Length);
        shape[0] = 1;
        return shape;
    }

    /// <summary>"[N,1,28,28]" for a per-sample shape whose dimension 0 is the batch.</summary>
    public static string Describe(int[] perSample) => "[N," + string.Join(",", perSample[1..]) + "]";

    public static string Text(int[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>
    /// The batch size N of <paramref name="actual"/> if it is [N, ...] with the model's per-sample dims and N ≥ 1.
    /// A 1-D model's tensors are held as [N, C, 1, L] (NCHW with H = 1, the same values in the same order), so
    /// [N, C, L], the shape its ONNX model takes, is accepted for [1, C, 1, L].
    /// </summary>
    /// <exception cref="PipelineInputException">"X.npy has shape [2,3,28,28] but the model expects [N,1,28,28]".</exception>
    public static int BatchOf(string file, int[] actual, int[] perSample)
    {
        if (actual.Length == 3 && perSample.Length == 4 && perSample[2] == 1)
        {
            if (actual[1] == perSample[1] && actual[2] == perSample[3])
            {
                return BatchOf(file, new[] { actual[0], actual[1], 1, actual[2] }, perSample);
            }
            throw new PipelineInputException(
                $"{file} has shape {Text(actual)} but the model expects {Describe(perSample)} or {Describe(new[] { 1, perSample[1], perSample[3] })}");
        }
        if (actual.Length == perSample.Length && actual.Length >= 1 && actual[0] == 0)
        {
            throw new PipelineInputException($"{file} has shape {Text(actual)}: it holds no samples");
        }
        bool ok = actual.Length == perSample.Length && actual.Length >= 1 && actual[0] >= 1;
        for (int i = 1; ok && i < actual.Length; i++)
        {
            ok = actual[i] == perSample[i];
        }
        if (!ok)
        {
            throw new PipelineInputException($"{file} has shape {Text(actual)} but the model expects {Describe(perSample)}");
        }
        return actual[0];
    }

    /// <summary>Product of the dims after the batch dimension.</summary>
    public static int SampleSize(int[] perSample)
    {
        long n = 1;
        for (int i = 1; i < perSample.Length; i++)
        {
            n *= perSample[i];
        }
        return checked((int)n);
    }

    /// <summary><paramref name="perSample"/> with the batch dimension set to <paramref name="batch"/>.</summary>
    public static int[] WithBatch(int[] perSample, int batch)
    {
        int[] s = (int[])perSample.Clone();
        s[0] = batch;
        return s;
    }
}
