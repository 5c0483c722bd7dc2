using System;

namespace TinyDsc.Converter.Quantization;

/// <summary>Symmetric per-output-channel int8 weights and int32 biases, and the NCHW → NHWC weight layouts.</summary>
public static class WeightQuantization
{
    /// <summary>
    /// Scale used for an output channel whose weights are all zero: the weights stay 0 whatever the scale, and this
    /// one (what a channel with max |w| = 1 would get) keeps the bias representable and the multiplier non-zero, so
    /// the channel still outputs its bias. A float32 value, as every weight scale (see <see cref="PerChannel"/>).
    /// </summary>
    public const double ZeroChannelScale = 1f / 127f;

    /// <summary>
    /// Quantizes <paramref name="weights"/> (row-major, <paramref name="channels"/> rows of equal length):
    /// s_w[c] = max |w_c| / 127, q = round(w / s_w[c]) in [-127, 127], zero point 0. Row order is unchanged.
    /// TFLite parity: s_w[c] is computed and kept in float32 (max |w_c| / 127f), the value a <c>.tflite</c> stores, so
    /// the bias and the multipliers formed from it are TFLite's; returned as double holding that float32 value exactly.
    /// </summary>
    public static (sbyte[] Quantized, double[] Scales) PerChannel(float[] weights, int channels)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (channels <= 0 || weights.Length % channels != 0)
        {
            throw new ArgumentException($"{weights.Length} weights do not split into {channels} channels");
        }
        int per = weights.Length / channels;
        var q = new sbyte[weights.Length];
        var scales = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            float maxAbs = 0;
            for (int i = 0; i < per; i++)
            {
                float w = weights[c * per + i];
                if (!float.IsFinite(w))
                {
                    throw new QuantizationException($"weight {i} of output channel {c} is {w}");
                }
                maxAbs = Math.Max(maxAbs, Math.Abs(w));
            }
            double scale = maxAbs > 0 ? maxAbs / 127f : ZeroChannelScale;
            scales[c] = scale;
            for (int i = 0; i < per; i++)
            {
                double v = Math.Round(weights[c * per + i] / scale, MidpointRounding.AwayFromZero);
                q[c * per + i] = (sbyte)Math.Clamp(v, -127, 127);
            }
        }
        return (q, scales);
    }

    /// <summary>
    /// bias_q[c] = round(b[c] / s_b[c]) with s_b[c] = s_in · s_w[c] formed in float32 (the bias scale a <c>.tflite</c>
    /// stores), saturated to int32. A null bias gives null.
    /// </summary>
    public static int[]? Bias(float[]? bias, float inputScale, double[] weightScales)
    {
        if (bias == null)
        {
            return null;
        }
        if (bias.Length != weightScales.Length)
        {
            throw new QuantizationException($"bias has {bias.Length} entries for {weightScales.Length} output channels");
        }
        var q = new int[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            if (!float.IsFinite(bias[c]))
            {
                throw new QuantizationException($"bias of output channel {c} is {bias[c]}");
            }
            float biasScale = inputScale * (float)weightScales[c];
            double v = Math.Round(bias[c] / (double)biasScale, MidpointRounding.AwayFromZero);
            q[c] = (int)Math.Clamp(v, int.MinValue, int.MaxValue);
        }
        return q;
    }

    /// <summary>Conv weights [Cout, Cin/g, kh, kw] (PyTorch / ONNX) → [Cout, kh, kw, Cin/g] (runtime).</summary>
    public static T[] OihwToOhwi<T>(T[] weights, int cout, int cinPerGroup, int kh, int kw)
    {
        if (weights.Length != (long)cout * cinPerGroup * kh * kw)
        {
            throw new ArgumentException($"{weights.Length} weights for shape [{cout}, {cinPerGroup}, {kh}, {kw}]");
        }
        var result = new T[weights.Length];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < cinPerGroup; i++)
            {
                for (int y = 0; y < kh; y++)
                {
                    for (int x = 0; x < kw; x++)
                    {
                        result[((o * kh + y) * kw + x) * cinPerGroup + i] = weights[((o * cinPerGroup + i) * kh + y) * kw + x];
                    }
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Fully connected weights [Cout, C·H·W] whose columns follow a flattened NCHW tensor (c, h, w) → columns in the
    /// order of the same tensor flattened NHWC (h, w, c), which is what the runtime's reshape produces.
    /// </summary>
    public static T[] ChwColumnsToHwc<T>(T[] weights, int cout, int c, int h, int w)
    {
        int cin = c * h * w;
        if (weights.Length != (long)cout * cin)
        {
            throw new ArgumentException($"{weights.Length} weights for [{cout}, {c}·{h}·{w}]");
        }
        var result = new T[weights.Length];
        for (int o = 0; o < cout; o++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        result[o * cin + (y * w + x) * c + ch] = weights[o * cin + (ch * h + y) * w + x];
                    }
                }
            }
        }
        return result;
    }
}
