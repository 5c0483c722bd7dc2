using System;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Reference;

/// <summary>
/// The float reference's convolution (im2col, register-blocked over four output channels and two vectors of pixels;
/// for one input channel per output channel — depthwise, or a one-channel stem — phase planes and a constant offset per
/// tap), alone and in batches of two to four samples, against a plain twin that states its order: y = bias, then y = y + x·w for each tap (ic, ky, kx) in turn, product
/// and sum each rounded to float32, then the node's ReLU / ReLU6 (applied in the kernels' stores). Bit for bit, on
/// random shapes: groups, depth multipliers, strides, dilations, asymmetric pads, pixel counts around the vector width,
/// 1×1 products of up to 20 output channels. The order is the one the reference has always summed in
/// (TensorPrimitives.MultiplyAdd over whole planes), so its calibration ranges and every float result stay the same.
/// </summary>
public sealed class FloatConvOrderTests
{
    /// <summary>With and without the 512-bit paths (FloatKernels.Use512; without AVX-512 both runs take Vector&lt;T&gt;).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Conv_EqualsThePlainTapOrderSum_BitForBit(bool use512)
    {
        bool was = FloatKernels.Use512;
        FloatKernels.Use512 = use512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        try
        {
            Cases();
        }
        finally
        {
            FloatKernels.Use512 = was;
        }
    }

    /// <summary>
    /// 3×3 convs of one input channel per output channel (depthwise with multipliers, one-channel stems) on planes up
    /// to 31 wide, with ReLU / ReLU6: the 512-bit row kernel (FloatKernels.ThreeByThreeRowsConv) and its activation in
    /// the stores where AVX-512 is there, the phase-plane path otherwise.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThreeByThreeOneInputChannel_EqualsThePlainTapOrderSum_BitForBit(bool use512)
    {
        bool was = FloatKernels.Use512;
        FloatKernels.Use512 = use512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        try
        {
            Cases(threeByThree: true);
        }
        finally
        {
            FloatKernels.Use512 = was;
        }
    }

    private static void Cases(bool threeByThree = false)
    {
        int seed = threeByThree ? 20261415 : 20261414;
        var r = new Random(seed);
        for (int i = 0; i < 300; i++)
        {
            int groups = r.Next(3) == 0 ? r.Next(1, 5) : 1;
            bool depthwise = r.Next(3) == 0;
            int cin = depthwise ? r.Next(1, 9) : groups * r.Next(1, 5);
            if (depthwise)
            {
                groups = cin;
            }
            int cout = groups * r.Next(1, depthwise ? 4 : 7);
            int kh = r.Next(1, 6), kw = r.Next(1, 6), sh = r.Next(1, 4), sw = r.Next(1, 4), dh = r.Next(1, 3), dw = r.Next(1, 3);
            int pt = r.Next(0, kh), pl = r.Next(0, kw), pb = r.Next(0, kh), pr = r.Next(0, kw);
            if (!depthwise && i % 4 == 0)
            {
                // The 1×1 stride-1 unpadded dense case, which reads the input planes without gathering; up to 20
                // outputs (blocks of eight, four and one channels).
                groups = 1;
                cout = r.Next(1, 21);
                kh = kw = sh = sw = 1;
                pt = pl = pb = pr = 0;
            }
            if (threeByThree)
            {
                depthwise = true;
                cin = r.Next(1, 6);
                groups = cin;
                cout = cin * r.Next(1, 4);
                kh = kw = 3;
                sh = r.Next(1, 3);
                sw = r.Next(1, 3);
                dh = r.Next(4) == 0 ? 2 : 1;
                dw = r.Next(4) == 0 ? 2 : 1;
                pt = r.Next(0, 3);
                pl = r.Next(0, 3);
                pb = r.Next(0, 3);
                pr = r.Next(0, 3);
            }
            int h = r.Next(1, threeByThree ? 32 : 20), w = r.Next(1, threeByThree ? 32 : 20);
            int oh = (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1, ow = (w + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
            if (h + pt + pb < (kh - 1) * dh + 1 || w + pl + pr < (kw - 1) * dw + 1)
            {
                continue;
            }
            int cinG = cin / groups, k = cinG * kh * kw;
            var node = new FloatNode
            {
                Kind = NodeKind.Conv, Name = "c", Output = "y", Groups = groups, KernelH = kh, KernelW = kw, StrideH = sh, StrideW = sw,
                DilationH = dh, DilationW = dw, PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr,
                Weight = Random(r, cout * k), WeightShape = new[] { cout, cinG, kh, kw }, Bias = r.Next(4) == 0 ? null : Random(r, cout),
                Activation = (Activation)r.Next(3),
            };
            node.Inputs.Add("x");
            var g = new FloatGraph { Input = "x", Output = "y" };
            g.Values["x"] = new ValueInfo("x", new[] { 1, cin, h, w });
            g.Values["y"] = new ValueInfo("y", new[] { 1, cout, oh, ow });
            g.Nodes.Add(node);
            // One sample alone, or a batch of two to four run side by side (FloatExecutor's batch layout).
            int batch = i % 3 == 0 ? r.Next(2, threeByThree ? 10 : 5) : 1;
            float[] xs = Random(r, batch * cin * h * w);
            float[] all = batch == 1 ? FloatReference.Run(g, xs) : FloatReference.RunBatch(g, xs, batch);
            for (int sample = 0; sample < batch; sample++)
            {
                float[] x = xs.AsSpan(sample * cin * h * w, cin * h * w).ToArray();
                float[] actual = all.AsSpan(sample * cout * oh * ow, cout * oh * ow).ToArray();
                Check(seed, i, sample, node, x, actual, cin, h, w, cout, oh, ow);
            }
        }
    }

    private static void Check(int seed, int i, int sample, FloatNode node, float[] x, float[] actual, int cin, int h, int w, int cout, int oh, int ow)
    {
        int groups = node.Groups, kh = node.KernelH, kw = node.KernelW, sh = node.StrideH, sw = node.StrideW;
        int dh = node.DilationH, dw = node.DilationW, pt = node.PadTop, pl = node.PadLeft;
        int cinG = cin / groups, k = cinG * kh * kw;
        {
            for (int oc = 0; oc < cout; oc++)
            {
                int group = oc / (cout / groups);
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        float y = node.Bias?[oc] ?? 0f;
                        for (int ic = 0; ic < cinG; ic++)
                        {
                            for (int ky = 0; ky < kh; ky++)
                            {
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                                    float v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((group * cinG + ic) * h + iy) * w + ix] : 0f;
                                    float product = v * node.Weight![oc * k + (ic * kh + ky) * kw + kx];
                                    y = y + product;
                                }
                            }
                        }
                        // The activation after the sum (IEEE maximum and minimum: −0 becomes +0).
                        y = node.Activation switch
                        {
                            Activation.Relu => MathF.Max(y, 0f),
                            Activation.Relu6 => MathF.Min(MathF.Max(y, 0f), 6f),
                            _ => y,
                        };
                        float got = actual[(oc * oh + oy) * ow + ox];
                        Assert.True(BitConverter.SingleToInt32Bits(y) == BitConverter.SingleToInt32Bits(got),
                            $"seed {seed} case {i} sample {sample}: [{cin},{h},{w}] -> [{cout},{oh},{ow}] k{kh}x{kw} s{sh},{sw} d{dh},{dw} p{pt},{pl},{node.PadBottom},{node.PadRight} g{groups} {node.Activation} at ({oc},{oy},{ox}): {got} vs {y}");
                    }
                }
            }
        }
    }

    private static float[] Random(Random r, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (float)(r.NextDouble() * 4 - 2);
        }
        return v;
    }
}
