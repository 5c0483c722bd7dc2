using System;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// The device kernels (TinyDsc.Runtime.Kernels) called with tdsc_run's ids and packed parameters, exactly as the
/// Interpreter calls them: what DesktopKernels runs for the operators it has no kernel of its own for, and for
/// arguments its kernels do not take (so the device kernel's exception is the one thrown).
/// </summary>
internal static class DeviceKernels
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<int[], sbyte[]> Narrowed = new();

    /// <summary>The one-byte shifts the device kernels take, for the Interpreter's int32 array (tdsc_run's form):
    /// made once per array and kept while the array lives, so running a model allocates nothing per call.</summary>
    public static sbyte[] Narrow(int[] shift) =>
        shift.Length == 0 ? Array.Empty<sbyte>() : Narrowed.GetValue(shift, Requantize.NarrowShifts);

    public static int Run(int kernel, int[] v, sbyte[] arena, int in0, int in1, int output, sbyte[] weights, int[] bias,
        int[] multiplier, int[] shift, sbyte[] scratch)
    {
        int[]? biasOrNull = bias.Length == 0 ? null : bias;
        // The device kernels hold one byte per channel shift (the Interpreter's narrowing); tdsc_run passes int32.
        sbyte[] shift8 = Narrow(shift);
        switch (kernel)
        {
            case NativeKernelIds.FullyConnected:
                FullyConnected.Run(v[0], v[1], v[2], v[3], v[4], v[5], arena, in0, weights, biasOrNull!, multiplier, shift8, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.Add:
                var a = new AddParams
                {
                    LeftShift = v[0], Input0Multiplier = v[1], Input0Shift = v[2], Input1Multiplier = v[3], Input1Shift = v[4],
                    OutputMultiplier = v[5], OutputShift = v[6], Input0ZeroPoint = v[7], Input1ZeroPoint = v[8],
                    OutputZeroPoint = v[9], ActMin = v[10], ActMax = v[11],
                };
                Add.Run(ref a, arena, in0, arena, in1, arena, output, v[12]);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.GlobalAveragePool:
                GlobalAveragePool.Run(v[0], v[1], v[2], v[3], v[4], arena, in0, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.Lookup:
                Lookup.Run(weights, arena, in0, arena, output, v[0]);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.Mul:
                Mul.Run(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], arena, in0, arena, in1, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.GlobalAveragePoolRequantized:
                GlobalAveragePoolRequantized.Run(v[0], v[1], v[2], v[3], v[4], multiplier[0], shift[0], v[5], v[6], v[7], arena, in0, arena, output);
                return NativeKernelIds.StatusOk;
        }

        if (v.Length < 21)
        {
            return NativeKernelIds.StatusUnknownKernel;
        }

        var p = new ConvParams
        {
            InputH = v[0], InputW = v[1], InputC = v[2], OutputH = v[3], OutputW = v[4], OutputC = v[5],
            KernelH = v[6], KernelW = v[7], StrideH = v[8], StrideW = v[9], DilationH = v[10], DilationW = v[11],
            PadTop = v[12], PadLeft = v[13], PadBottom = v[14], PadRight = v[15], Groups = v[16],
            InputZeroPoint = v[17], OutputZeroPoint = v[18], ActMin = v[19], ActMax = v[20],
        };
        switch (kernel)
        {
            case NativeKernelIds.DepthwiseConv3x3:
                DepthwiseConv3x3.Run(ref p, arena, in0, weights, bias, multiplier, shift8, arena, output, scratch);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.DepthwiseConv3x3Multiplier:
                DepthwiseConv3x3Multiplier.Run(ref p, arena, in0, weights, bias, multiplier, shift8, arena, output, scratch);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.DepthwiseConv:
                DepthwiseConv.Run(ref p, arena, in0, weights, bias, multiplier, shift8, arena, output, scratch);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.PointwiseConv:
                PointwiseConv.Run(ref p, arena, in0, weights, bias, multiplier, shift8, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.Conv2DDense:
                Conv2DDense.Run(ref p, arena, in0, weights, bias, multiplier, shift8, arena, output, scratch);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.Conv2DReference:
                Conv2DReference.Run(ref p, arena, in0, weights, biasOrNull!, multiplier, shift8, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.AveragePool:
                AveragePool.Run(ref p, v.Length > 21 && v[21] != 0, arena, in0, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.MaxPool:
                MaxPool.Run(ref p, arena, in0, arena, output);
                return NativeKernelIds.StatusOk;
            case NativeKernelIds.DepthwiseConvBandRow:
            {
                // One depthwise output row of a fused block from its padded band at in0: the band is an unpadded
                // kh-row tensor whose rows are the ones the row reads (fused blocks have dilation 1), so DepthwiseConv
                // over it with one output row gives the row's bytes.
                ConvParams band = p;
                band.InputH = p.KernelH;
                band.InputW = p.InputW + p.PadLeft + p.PadRight;
                band.PadTop = band.PadLeft = band.PadBottom = band.PadRight = 0;
                band.DilationH = 1;
                band.StrideH = 1;
                band.OutputH = 1;
                var bandScratch = new sbyte[DepthwiseConv.GetScratchSize(ref band)];
                DepthwiseConv.Run(ref band, arena, in0, weights, bias, multiplier, shift8, arena, output, bandScratch);
                return NativeKernelIds.StatusOk;
            }
            default:
                return NativeKernelIds.StatusUnknownKernel;
        }
    }
}
