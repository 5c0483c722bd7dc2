namespace TinyDsc.Converter.Pipeline;

/// <summary>Outputs of a batch in PyTorch layout (Shape[0] = N) and the mean wall time per sample.</summary>
public sealed record BatchResult(float[] Data, int[] Shape, double MillisecondsPerSample);
