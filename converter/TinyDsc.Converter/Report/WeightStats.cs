namespace TinyDsc.Converter.Report;

/// <summary>
/// Per-output-channel weights of one Conv2D or FullyConnected: the float range (ONNX), the int8 range and the scale
/// the .tdsc holds. The scale is recovered from the stored requantization: M[c] = s_in · s_w[c] / s_out with
/// M = multiplier · 2^(shift − 31), so s_w[c] = M[c] · s_out / s_in.
/// </summary>
public sealed record WeightStats(int Operator, string Node, int Channels, double[] Scale, float[] FloatMin, float[] FloatMax,
    int[] IntMin, int[] IntMax);
