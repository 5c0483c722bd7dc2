using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Reference;

/// <summary>
/// Executes a <see cref="FloatGraph"/> in float32 on the desktop, one NCHW sample at a time (batch 1, as the graph's
/// shapes are). Inner products use <see cref="TensorPrimitives"/>, so results match an ONNX runtime up to float32
/// summation order. Used as the reference the int8 runtime is verified against and to observe activations for calibration.
/// </summary>
public static class FloatReference
{
    /// <summary>Runs one sample and returns the graph output (flat, NCHW or [1, C]).</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> has the wrong number of elements.</exception>
    public static float[] Run(FloatGraph graph, float[] input) => Run(graph, input, null);

    /// <summary>
    /// Runs one sample; <paramref name="observe"/>, when given, is called with the name and value of the graph input and of
    /// every node output, in execution order (arrays are the executor's own and must not be modified).
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
        var values = new Dictionary<string, float[]> { [graph.Input] = (float[])input.Clone() };
        observe?.Invoke(graph.Input, values[graph.Input]);
        foreach (var node in graph.Nodes)
        {
            var inShape = graph.Values[node.Inputs[0]].Shape;
            var outShape = graph.Values[node.Output].Shape;
            var x = values[node.Inputs[0]];
            float[] y = node.Kind switch
            {
                NodeKind.Conv => Conv(node, x, inShape, outShape),
                NodeKind.FullyConnected => FullyConnected(node, x),
                NodeKind.Add => Add(x, values[node.Inputs[1]]),
                NodeKind.AveragePool => Pool(node, x, inShape, outShape, max: false),
                NodeKind.MaxPool => Pool(node, x, inShape, outShape, max: true),
                NodeKind.GlobalAveragePool => GlobalAveragePool(x, inShape),
                NodeKind.Reshape => (float[])x.Clone(),
                NodeKind.Softmax => Softmax(x, inShape.Length == 4 ? inShape[1] : inShape[^1]),   // [N, C] or NCHW [N, C, 1, 1]
                NodeKind.Mul => Mul(x, values[node.Inputs[1]], inShape, graph.Values[node.Inputs[1]].Shape),
                NodeKind.Concat => Concat(node.Inputs.Select(i => values[i]).ToArray()),
                NodeKind.PRelu => PRelu(node, x, inShape),
                NodeKind.HardSwish or NodeKind.HardSigmoid or NodeKind.Sigmoid or NodeKind.Tanh or NodeKind.LeakyRelu or NodeKind.Hardtanh
                    => Array.ConvertAll(x, v => Elementwise(node, v)),
                _ => throw new NotSupportedException($"node '{node.Name}': kind {node.Kind} is not executable"),
            };
            if (y.Length != Count(outShape))
            {
                throw new InvalidOperationException(
                    $"node '{node.Name}' ({node.Kind}) produced {y.Length} values, but its output shape {Format(outShape)} needs {Count(outShape)}");
            }
            ApplyActivation(node.Activation, y);
            values[node.Output] = y;
            observe?.Invoke(node.Output, y);
        }
        return values[graph.Output];
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
    /// returns the outputs the same way.
    /// </summary>
    public static float[] RunBatch(FloatGraph graph, float[] batch, int count)
    {
        int inSize = Count(graph.Values[graph.Input].Shape);
        int outSize = Count(graph.Values[graph.Output].Shape);
        if (count < 0 || batch.Length != (long)inSize * count)
        {
            throw new ArgumentException($"batch has {batch.Length} values; {count} samples of {inSize} need {(long)inSize * count}", nameof(batch));
        }
        var result = new float[outSize * count];
        for (int i = 0; i < count; i++)
        {
            Run(graph, batch.AsSpan(i * inSize, inSize).ToArray()).CopyTo(result, i * outSize);
        }
        return result;
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static void ApplyActivation(Activation a, float[] y)
    {
        switch (a)
        {
            case Activation.Relu:
                TensorPrimitives.Max(y, 0f, y);
                break;
            case Activation.Relu6:
                TensorPrimitives.Max(y, 0f, y);
                TensorPrimitives.Min(y, 6f, y);
                break;
        }
    }

    /// <summary>
    /// y[oc, oy, ox] = bias[oc] + Σ_{ic, ky, kx} W[oc, ic, ky, kx] · x[g·Cin_g + ic, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw],
    /// g = oc / (Cout / groups), out-of-range taps read 0. For each group the input is gathered once into one row per
    /// tap (ic, ky, kx) holding that tap's value for every output pixel (im2col); each output value is then
    /// bias + tap₀·w₀ + tap₁·w₁ + … summed in tap order, each product and sum rounded to float32 on its own (no fused
    /// multiply-add), the order TensorPrimitives.MultiplyAdd over whole planes gives, computed in registers for four
    /// output channels and two vectors of pixels at a time (Planes).
    /// </summary>
    private static float[] Conv(FloatNode n, float[] x, int[] inShape, int[] outShape)
    {
        int cin = inShape[1], h = inShape[2], w = inShape[3];
        int cout = outShape[1], oh = outShape[2], ow = outShape[3];
        int groups = n.Groups, cinG = cin / groups, coutG = cout / groups;
        int kh = n.KernelH, kw = n.KernelW;
        int k = cinG * kh * kw, pixels = oh * ow;
        var weight = n.Weight!;
        var y = new float[cout * pixels];
        if (groups == 1 && kh == 1 && kw == 1 && n.StrideH == 1 && n.StrideW == 1
            && n.PadTop == 0 && n.PadLeft == 0 && n.PadBottom == 0 && n.PadRight == 0)
        {
            // 1×1, stride 1, no pads: tap row ic is input plane ic itself; nothing to gather.
            Planes(x, k, pixels, weight, n.Bias, 0, cout, y);
            return y;
        }
        var taps = new float[k * pixels];
        for (int g = 0; g < groups; g++)
        {
            for (int ic = 0; ic < cinG; ic++)
            {
                int plane = (g * cinG + ic) * h * w;
                for (int ky = 0; ky < kh; ky++)
                {
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int row = ((ic * kh + ky) * kw + kx) * pixels;
                        // Output columns whose input column ix = ox·sw − pl + kx·dw lies inside [0, w).
                        int shift = kx * n.DilationW - n.PadLeft;
                        int first = shift >= 0 ? 0 : (-shift + n.StrideW - 1) / n.StrideW;
                        int end = w - 1 - shift < 0 ? 0 : Math.Min(ow, (w - 1 - shift) / n.StrideW + 1);
                        first = Math.Min(first, end);
                        for (int oy = 0; oy < oh; oy++)
                        {
                            int iy = oy * n.StrideH - n.PadTop + ky * n.DilationH;
                            int dst = row + oy * ow;
                            if ((uint)iy >= (uint)h)
                            {
                                Array.Clear(taps, dst, ow);
                                continue;
                            }
                            int src = plane + iy * w + shift;
                            Array.Clear(taps, dst, first);
                            if (n.StrideW == 1 && end > first)
                            {
                                Array.Copy(x, src + first, taps, dst + first, end - first);
                            }
                            else if (n.StrideW != 1)
                            {
                                for (int ox = first; ox < end; ox++)
                                {
                                    taps[dst + ox] = x[src + ox * n.StrideW];
                                }
                            }
                            Array.Clear(taps, dst + end, ow - end);
                        }
                    }
                }
            }
            Planes(taps, k, pixels, weight, n.Bias, g * coutG, coutG, y);
        }
        return y;
    }

    /// <summary>
    /// y[oc, p] = ((bias[oc] + taps[0, p]·w[oc, 0]) + taps[1, p]·w[oc, 1]) + … for oc in [oc0, oc0 + count), every
    /// product and sum rounded separately, in tap order.
    /// </summary>
    private static void Planes(float[] taps, int k, int pixels, float[] weight, float[]? bias, int oc0, int count, float[] y)
    {
        int lanes = Vector<float>.Count;
        int o = 0;
        for (; o + 4 <= count; o += 4)
        {
            int oc = oc0 + o;
            int w0 = oc * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            float b0 = bias?[oc] ?? 0f, b1 = bias?[oc + 1] ?? 0f, b2 = bias?[oc + 2] ?? 0f, b3 = bias?[oc + 3] ?? 0f;
            int p = 0;
            for (; p + 2 * lanes <= pixels; p += 2 * lanes)
            {
                Vector<float> a0 = new(b0), a1 = new(b1), a2 = new(b2), a3 = new(b3);
                Vector<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3;
                for (int t = 0; t < k; t++)
                {
                    var u = new Vector<float>(taps, t * pixels + p);
                    var v = new Vector<float>(taps, t * pixels + p + lanes);
                    Vector<float> s0 = new(weight[w0 + t]), s1 = new(weight[w1 + t]), s2 = new(weight[w2 + t]), s3 = new(weight[w3 + t]);
                    a0 += u * s0;
                    c0 += v * s0;
                    a1 += u * s1;
                    c1 += v * s1;
                    a2 += u * s2;
                    c2 += v * s2;
                    a3 += u * s3;
                    c3 += v * s3;
                }
                a0.CopyTo(y, oc * pixels + p);
                c0.CopyTo(y, oc * pixels + p + lanes);
                a1.CopyTo(y, (oc + 1) * pixels + p);
                c1.CopyTo(y, (oc + 1) * pixels + p + lanes);
                a2.CopyTo(y, (oc + 2) * pixels + p);
                c2.CopyTo(y, (oc + 2) * pixels + p + lanes);
                a3.CopyTo(y, (oc + 3) * pixels + p);
                c3.CopyTo(y, (oc + 3) * pixels + p + lanes);
            }
            for (int i = 0; i < 4; i++)
            {
                Tail(taps, k, pixels, weight, bias, oc + i, p, y);
            }
        }
        for (; o < count; o++)
        {
            int oc = oc0 + o, w0 = oc * k;
            float b0 = bias?[oc] ?? 0f;
            int p = 0;
            for (; p + 2 * lanes <= pixels; p += 2 * lanes)
            {
                Vector<float> a0 = new(b0), c0 = a0;
                for (int t = 0; t < k; t++)
                {
                    Vector<float> s0 = new(weight[w0 + t]);
                    a0 += new Vector<float>(taps, t * pixels + p) * s0;
                    c0 += new Vector<float>(taps, t * pixels + p + lanes) * s0;
                }
                a0.CopyTo(y, oc * pixels + p);
                c0.CopyTo(y, oc * pixels + p + lanes);
            }
            Tail(taps, k, pixels, weight, bias, oc, p, y);
        }
    }

    /// <summary>Planes' sum for pixels [from, pixels) of one output channel, one value at a time.</summary>
    private static void Tail(float[] taps, int k, int pixels, float[] weight, float[]? bias, int oc, int from, float[] y)
    {
        float b = bias?[oc] ?? 0f;
        for (int p = from; p < pixels; p++)
        {
            float acc = b;
            for (int t = 0; t < k; t++)
            {
                acc += taps[t * pixels + p] * weight[oc * k + t];
            }
            y[oc * pixels + p] = acc;
        }
    }

    /// <summary>y[o] = bias[o] + Σ_i W[o, i] · x[i].</summary>
    private static float[] FullyConnected(FloatNode n, float[] x)
    {
        int cout = n.WeightShape![0], k = n.WeightShape[1];
        var y = new float[cout];
        for (int o = 0; o < cout; o++)
        {
            y[o] = TensorPrimitives.Dot(new ReadOnlySpan<float>(n.Weight!, o * k, k), x) + (n.Bias?[o] ?? 0f);
        }
        return y;
    }

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

    /// <summary>a · b, b of a's shape or [1, C, 1, 1] (one value per channel of a [1, C, H, W] a).</summary>
    /// <summary>Softmax over rows of <paramref name="classes"/> values (the last axis), in float32 after subtracting each row's maximum.</summary>
    private static float[] Softmax(float[] x, int classes)
    {
        var y = new float[x.Length];
        for (int r = 0; r < x.Length; r += classes)
        {
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = MathF.Max(max, x[r + c]);
            }
            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                y[r + c] = MathF.Exp(x[r + c] - max);
                sum += y[r + c];
            }
            for (int c = 0; c < classes; c++)
            {
                y[r + c] /= sum;
            }
        }
        return y;
    }

    private static float[] Mul(float[] a, float[] b, int[] aShape, int[] bShape)
    {
        var y = new float[a.Length];
        if (b.Length == a.Length)
        {
            TensorPrimitives.Multiply(a, b, y);
            return y;
        }
        int c = aShape[1], hw = a.Length / c;
        for (int ch = 0; ch < c; ch++)
        {
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(a, ch * hw, hw), b[ch], new Span<float>(y, ch * hw, hw));
        }
        return y;
    }

    /// <summary>
    /// Inputs joined along axis 1 in order: [1, C_i, H, W] (or [1, C_i]) into [1, ΣC_i, H, W]; in NCHW each input is
    /// one contiguous block of C_i · H · W values (batch 1).
    /// </summary>
    private static float[] Concat(float[][] inputs)
    {
        var y = new float[inputs.Sum(a => a.Length)];
        int at = 0;
        foreach (float[] a in inputs)
        {
            Array.Copy(a, 0, y, at, a.Length);
            at += a.Length;
        }
        return y;
    }

    /// <summary>y = x for x ≥ 0, alpha[c] · x otherwise, c the channel (axis 1) of x.</summary>
    private static float[] PRelu(FloatNode n, float[] x, int[] shape)
    {
        float[] alpha = n.Weight ?? throw new InvalidOperationException($"PRelu '{n.Name}' has no slopes");
        int c = shape[1], inner = x.Length / c;
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v >= 0 ? v : alpha[i / inner] * v;
        }
        return y;
    }

    private static float[] Add(float[] a, float[] b)
    {
        var y = new float[a.Length];
        TensorPrimitives.Add(a, b, y);
        return y;
    }

    /// <summary>
    /// Max: maximum over the window's in-range taps (pads act as −inf). Average: sum of in-range taps divided by the
    /// number of in-range taps, or by the number of taps inside the padded input when CountIncludePad.
    /// </summary>
    private static float[] Pool(FloatNode n, float[] x, int[] inShape, int[] outShape, bool max)
    {
        int c = inShape[1], h = inShape[2], w = inShape[3], oh = outShape[2], ow = outShape[3];
        var y = new float[c * oh * ow];
        for (int ch = 0; ch < c; ch++)
        {
            int plane = ch * h * w;
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int y0 = oy * n.StrideH - n.PadTop, x0 = ox * n.StrideW - n.PadLeft;
                    float acc = max ? float.NegativeInfinity : 0f;
                    int taps = 0, paddedTaps = 0;
                    for (int ky = 0; ky < n.KernelH; ky++)
                    {
                        int iy = y0 + ky;
                        for (int kx = 0; kx < n.KernelW; kx++)
                        {
                            int ix = x0 + kx;
                            if (iy >= -n.PadTop && iy < h + n.PadBottom && ix >= -n.PadLeft && ix < w + n.PadRight)
                            {
                                paddedTaps++;
                            }
                            if ((uint)iy < (uint)h && (uint)ix < (uint)w)
                            {
                                float v = x[plane + iy * w + ix];
                                acc = max ? MathF.Max(acc, v) : acc + v;
                                taps++;
                            }
                        }
                    }
                    y[(ch * oh + oy) * ow + ox] = max ? acc : acc / (n.CountIncludePad ? paddedTaps : taps);
                }
            }
        }
        return y;
    }

    private static float[] GlobalAveragePool(float[] x, int[] inShape)
    {
        int c = inShape[1], hw = inShape[2] * inShape[3];
        var y = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            y[ch] = TensorPrimitives.Sum(new ReadOnlySpan<float>(x, ch * hw, hw)) / hw;
        }
        return y;
    }
}
