namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Outputs of a batch in PyTorch layout (Shape[0] = N) and the batch's wall time divided by N (on several threads, the
/// inverse of the throughput, not one sample's latency).
/// </summary>
public sealed record BatchResult(float[] Data, int[] Shape, double MillisecondsPerSample);
