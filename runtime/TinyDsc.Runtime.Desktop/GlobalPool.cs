using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// GlobalAveragePoolRequantized with the channel sums vectorized (AVX2: eight channels per add, pixel after pixel),
/// then the device's per-channel arithmetic (QuantMath.MultiplyByQuantizedMultiplier, the divisor's rounding, zp and
/// clamp) on each sum. The sums are the same integers in another order (exact int32 additions), so the bytes are the
/// device kernel's. Used only when the output does not overlap the input: the device kernel writes each channel's
/// output before it reads the next channel, so an overlap could change what it reads.
/// </summary>
internal static class GlobalPool
{
    /// <summary>Runs the layer (tdsc_run's parameters) and returns true, or returns false for the device kernel to run.</summary>
    public static bool TryRun(int[] v, int[] multiplier, int[] shift, sbyte[] arena, int in0, int output, Workspace ws)
    {
        if (v.Length < 8 || multiplier.Length < 1 || shift.Length < 1)
        {
            return false;
        }

        int height = v[0], width = v[1], channels = v[2], zpIn = v[3], zpOut = v[4], divisor = v[5], actMin = v[6], actMax = v[7];
        long pixels = (long)height * width;
        if (height < 1 || width < 1 || channels < 1 || in0 < 0 || output < 0 || pixels * channels > arena.Length - (long)in0
            || channels > arena.Length - output || (output < in0 + pixels * channels && in0 < output + channels))
        {
            return false;
        }

        int[] sums = ws.Ints(0, channels + 8);
        Array.Clear(sums, 0, channels);
        ref int s = ref MemoryMarshal.GetArrayDataReference(sums);
        ref byte a = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(arena));
        int vectorEnd = channels - channels % 8;
        for (long px = 0; px < pixels; px++)
        {
            ref byte row = ref Unsafe.Add(ref a, (nint)(in0 + px * channels));
            int c = 0;
            for (; c < vectorEnd; c += 8)
            {
                Vector256<int> x = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref row, c))).AsSByte());
                Avx2.Add(Vector256.LoadUnsafe(ref s, (nuint)c), x).StoreUnsafe(ref s, (nuint)c);
            }

            for (; c < channels; c++)
            {
                Unsafe.Add(ref s, c) += (sbyte)Unsafe.Add(ref row, c);
            }
        }

        int half = divisor / 2;
        int offset = (int)pixels * zpIn;
        for (int c = 0; c < channels; c++)
        {
            int r = QuantMath.MultiplyByQuantizedMultiplier(sums[c] - offset, multiplier[0], shift[0]);
            if (divisor > 1)
            {
                r = r > 0 ? (r + half) / divisor : (r - half) / divisor;
            }

            int value = zpOut + r;
            arena[output + c] = (sbyte)(value < actMin ? actMin : value > actMax ? actMax : value);
        }

        return true;
    }
}
