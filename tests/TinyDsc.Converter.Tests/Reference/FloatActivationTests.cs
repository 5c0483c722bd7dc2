using System;
using System.Runtime.Intrinsics;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Reference;

/// <summary>
/// The conv kernels apply ReLU / ReLU6 in their stores (FloatKernels.Act, Vector512.Max and Min); every other node
/// applies them as a pass with TensorPrimitives (FloatKernels.Activate), and so did the convs before. Both must give
/// the same bits, also on −0, ±∞, NaN, subnormals and values at 0 and 6; and both must be the IEEE maximum / minimum
/// that MathF.Max / MathF.Min compute.
/// </summary>
public sealed class FloatActivationTests
{
    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Relu6)]
    public void StoreActivation_EqualsThePass_BitForBit(Activation activation)
    {
        var values = new System.Collections.Generic.List<float>
        {
            0f, -0f, 6f, -6f, 5.9999995f, 6.0000005f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN, float.MaxValue, float.MinValue, 1f, -1f,
        };
        var r = new Random(1414);
        while (values.Count % 16 != 0 || values.Count < 4096)
        {
            // Random bit patterns too; NaNs made quiet: the stored values are sums, and float arithmetic never yields a
            // signalling NaN (on a signalling one the two ways may quiet the payload differently).
            float bits = BitConverter.Int32BitsToSingle(r.Next(int.MinValue, int.MaxValue));
            bits = float.IsNaN(bits) ? BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(bits) | 0x00400000) : bits;
            values.Add(r.Next(8) == 0 ? bits : (float)(r.NextDouble() * 16 - 8));
        }
        float[] pass = values.ToArray();
        FloatKernels.Activate(activation, pass, pass.Length);
        for (int i = 0; i < values.Count; i += 16)
        {
            var v = Vector512.Create(values.ToArray(), i);
            Vector512<float> stored = FloatKernels.Act(v, activation);
            for (int lane = 0; lane < 16; lane++)
            {
                float x = values[i + lane];
                float plain = activation == Activation.Relu ? MathF.Max(x, 0f) : MathF.Min(MathF.Max(x, 0f), 6f);
                int expected = BitConverter.SingleToInt32Bits(plain);
                Assert.True(BitConverter.SingleToInt32Bits(stored[lane]) == BitConverter.SingleToInt32Bits(pass[i + lane]),
                    $"{activation}({x:R}, bits {BitConverter.SingleToInt32Bits(x):X8}): store {BitConverter.SingleToInt32Bits(stored[lane]):X8} vs pass {BitConverter.SingleToInt32Bits(pass[i + lane]):X8}");
                Assert.True(float.IsNaN(plain) ? float.IsNaN(stored[lane]) : BitConverter.SingleToInt32Bits(stored[lane]) == expected,
                    $"{activation}({x:R}): store {stored[lane]:R} vs MathF {plain:R}");
            }
        }
    }
}
