using TinyDsc.Runtime.Native;

namespace TinyDsc.Native.Tests;

/// <summary>INativeKernels over the desktop build of runtime/native (tdsc_run through P/Invoke).</summary>
internal sealed class PInvokeKernels : INativeKernels
{
    public bool IsAvailable()
    {
        NativeLib.EnsureResolver();
        return NativeLib.Present && NativeLib.Version() == NativeKernelIds.Version;
    }

    public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights,
        int[] bias, int[] multiplier, int[] shift, sbyte[] scratch)
    {
        NativeLib.EnsureResolver();
        return NativeLib.Run(kernel, parameters, parameters.Length, arena, arena.Length, in0, in1, output,
            weights, weights.Length, bias, bias.Length, multiplier, multiplier.Length, shift, shift.Length,
            scratch, scratch.Length);
    }
}
