using System;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Native.Tests;

/// <summary>
/// INativeKernels over the managed kernels: tdsc_run's ids and packed parameters unpacked and handed to the C# kernel
/// of the same name, exactly as the Interpreter calls it. The reference twin every native result is compared with.
/// </summary>
internal sealed class ManagedKernels : INativeKernels
{
    public bool IsAvailable() => true;

    public int Run(int kernel, int[] v, sbyte[] arena, int in0, int in1, int output, sbyte[] weights, int[] bias,
        int[] multiplier, int[] shift, sbyte[] scratch)
    {
        int[]? biasOrNull = bias.Length == 0 ? null : bias;
        switch (kernel)
        {
            case NativeKernelIds.FullyConnected:
                FullyConnected.Run(v[0], v[1], v[2], v[3], v[4], v[5], arena, in0, weights, biasOrNull, multiplier, shift, arena, output);
                return 0;
            case NativeKernelIds.Add:
                var a = new AddParams
                {
                    LeftShift = v[0], Input0Multiplier = v[1], Input0Shift = v[2], Input1Multiplier = v[3], Input1Shift = v[4],
                    OutputMultiplier = v[5], OutputShift = v[6], Input0ZeroPoint = v[7], Input1ZeroPoint = v[8],
                    OutputZeroPoint = v[9], ActMin = v[10], ActMax = v[11],
                };
                Add.Run(ref a, arena, in0, arena, in1, arena, output, v[12]);
                return 0;
            case NativeKernelIds.GlobalAveragePool:
                GlobalAveragePool.Run(v[0], v[1], v[2], v[3], v[4], arena, in0, arena, output);
                return 0;
            case NativeKernelIds.Lookup:
                Lookup.Run(weights, arena, in0, arena, output, v[0]);
                return 0;
            case NativeKernelIds.Mul:
                Mul.Run(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], arena, in0, arena, in1, arena, output);
                return 0;
            case NativeKernelIds.GlobalAveragePoolRequantized:
                GlobalAveragePoolRequantized.Run(v[0], v[1], v[2], v[3], v[4], multiplier[0], shift[0], v[5], v[6], v[7], arena, in0, arena, output);
                return 0;
        }

        ConvParams p = Unpack(v);
        switch (kernel)
        {
            case NativeKernelIds.DepthwiseConv3x3:
                DepthwiseConv3x3.Run(ref p, arena, in0, weights, bias, multiplier, shift, arena, output, scratch);
                return 0;
            case NativeKernelIds.DepthwiseConv3x3Multiplier:
                DepthwiseConv3x3Multiplier.Run(ref p, arena, in0, weights, bias, multiplier, shift, arena, output, scratch);
                return 0;
            case NativeKernelIds.DepthwiseConv:
                DepthwiseConv.Run(ref p, arena, in0, weights, bias, multiplier, shift, arena, output, scratch);
                return 0;
            case NativeKernelIds.PointwiseConv:
                PointwiseConv.Run(ref p, arena, in0, weights, bias, multiplier, shift, arena, output);
                return 0;
            case NativeKernelIds.Conv2DDense:
                Conv2DDense.Run(ref p, arena, in0, weights, bias, multiplier, shift, arena, output, scratch);
                return 0;
            case NativeKernelIds.Conv2DReference:
                Conv2DReference.Run(ref p, arena, in0, weights, biasOrNull, multiplier, shift, arena, output);
                return 0;
            case NativeKernelIds.AveragePool:
                AveragePool.Run(ref p, v[21] != 0, arena, in0, arena, output);
                return 0;
            case NativeKernelIds.MaxPool:
                MaxPool.Run(ref p, arena, in0, arena, output);
                return 0;
            case NativeKernelIds.DepthwiseConvBandRow:
            {
                // The row's twin: DepthwiseConv over the band itself as an unpadded kh-row tensor (its rows are the
                // band's rows in order, whatever dilation_h chose them), one output row.
                ConvParams band = p;
                band.InputH = p.KernelH;
                band.InputW = p.InputW + p.PadLeft + p.PadRight;
                band.PadTop = band.PadLeft = band.PadBottom = band.PadRight = 0;
                band.DilationH = 1;
                band.StrideH = 1;
                band.OutputH = 1;
                var bandScratch = new sbyte[DepthwiseConv.GetScratchSize(ref band)];
                DepthwiseConv.Run(ref band, arena, in0, weights, bias, multiplier, shift, arena, output, bandScratch);
                return 0;
            }
            default:
                throw new ArgumentException("unknown kernel id " + kernel);
        }
    }

    public static ConvParams Unpack(int[] v) => new()
    {
        InputH = v[0], InputW = v[1], InputC = v[2], OutputH = v[3], OutputW = v[4], OutputC = v[5],
        KernelH = v[6], KernelW = v[7], StrideH = v[8], StrideW = v[9], DilationH = v[10], DilationW = v[11],
        PadTop = v[12], PadLeft = v[13], PadBottom = v[14], PadRight = v[15], Groups = v[16],
        InputZeroPoint = v[17], OutputZeroPoint = v[18], ActMin = v[19], ActMax = v[20],
    };
}
