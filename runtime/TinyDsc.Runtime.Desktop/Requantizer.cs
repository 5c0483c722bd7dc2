using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// Per-channel requantization constants of one layer, padded with zero multipliers to a whole number of 16 lanes, and
/// the requantization itself: QuantMath.MultiplyByQuantizedMultiplier, then + zp_out and the clamp, bit for bit.
///
/// Why the vector form is exact: for a multiplier m in [0, 2^31) the device's SaturatingRoundingDoublingHighMul(x, m)
/// never saturates (that needs x = m = −2^31) and equals floor((x·m + 2^30) / 2^31): for x·m ≥ 0 the device adds 2^30
/// and truncates (= floor); for x·m &lt; 0 it adds 1 − 2^30 and truncates toward zero, which is
/// floor((x·m + 1 − 2^30 + 2^31 − 1) / 2^31) = floor((x·m + 2^30) / 2^31). The quotient fits in int32, so its low 32
/// bits are those of the logical shift (x·m + 2^30) >>> 31. RoundingDivideByPOT is computed as the device does, lane by
/// lane with the channel's shift.
/// </summary>
internal sealed class Requantizer
{
    public readonly int Count;
    public readonly int[] Multiplier;
    public readonly int[] Left;
    public readonly int[] Right;
    public readonly int[] Mask;
    public readonly int[] HalfMask;

    /// <summary>False when a multiplier is negative or a shift lies outside −31..30: the device kernel must run (and throw).</summary>
    public readonly bool Valid = true;

    public Requantizer(int[] multiplier, int[] shift, int count)
    {
        Count = count;
        int padded = Pad(count, 16);
        Multiplier = new int[padded];
        Left = new int[padded];
        Right = new int[padded];
        Mask = new int[padded];
        HalfMask = new int[padded];
        for (int c = 0; c < count; c++)
        {
            int m = multiplier[c], s = shift[c];
            if (m < 0 || s < -31 || s > 30)
            {
                Valid = false;
            }

            Multiplier[c] = m;
            Left[c] = s > 0 ? s : 0;
            Right[c] = s > 0 ? 0 : -s;
            Mask[c] = (int)((1L << Right[c]) - 1);
            HalfMask[c] = Mask[c] >> 1;
        }
    }

    public static int Pad(int n, int multiple) => (n + multiple - 1) / multiple * multiple;

    /// <summary>One value: the device's requantization (see the class summary for the floor form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int One(int acc, int c, int zp, int min, int max)
    {
        int x = acc << Left[c];
        int high = (int)(((long)x * Multiplier[c] + (1L << 30)) >> 31);
        int mask = Mask[c];
        int threshold = (mask >> 1) + (high < 0 ? 1 : 0);
        int v = zp + (high >> Right[c]) + ((high & mask) > threshold ? 1 : 0);
        return v < min ? min : v > max ? max : v;
    }

    /// <summary>Requantizes acc[0..Count) into dest[destOffset..+Count), scalar or, with avx2, eight channels at a time.</summary>
    public void Row(int[] acc, sbyte[] dest, int destOffset, int zp, int min, int max, bool avx2)
    {
        int c = 0;
        if (avx2)
        {
            ref int a = ref MemoryMarshal.GetArrayDataReference(acc);
            ref byte d = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(dest));
            Vector256<int> vzp = Vector256.Create(zp), vmin = Vector256.Create(min), vmax = Vector256.Create(max);
            for (; c + 8 <= Count; c += 8)
            {
                Vector256<int> v = Eight(Vector256.LoadUnsafe(ref a, (nuint)c), c);
                v = Avx2.Min(Avx2.Max(Avx2.Add(v, vzp), vmin), vmax);
                Vector128<short> s = Sse2.PackSignedSaturate(v.GetLower(), v.GetUpper());
                Vector128<sbyte> b = Sse2.PackSignedSaturate(s, s);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, destOffset + c), b.AsInt64().ToScalar());
            }
        }

        for (; c < Count; c++)
        {
            dest[destOffset + c] = (sbyte)One(acc[c], c, zp, min, max);
        }
    }

    /// <summary>Channels c..c+7 of the accumulator vector, requantized without zp and clamp (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<int> Eight(Vector256<int> acc, int c)
    {
        ref int m = ref MemoryMarshal.GetArrayDataReference(Multiplier);
        Vector256<int> mult = Vector256.LoadUnsafe(ref m, (nuint)c);
        Vector256<uint> left = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Left), (nuint)c).AsUInt32();
        Vector256<uint> right = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Right), (nuint)c).AsUInt32();
        Vector256<int> mask = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Mask), (nuint)c);
        Vector256<int> half = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(HalfMask), (nuint)c);

        Vector256<int> x = Avx2.ShiftLeftLogicalVariable(acc, left);
        Vector256<long> round = Vector256.Create(1L << 30);
        // vpmuldq multiplies the low (even) int32 of each int64 lane, sign-extended.
        Vector256<long> even = Avx2.Add(Avx2.Multiply(x, mult), round);
        Vector256<long> odd = Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(),
            Avx2.ShiftRightLogical(mult.AsInt64(), 32).AsInt32()), round);
        Vector256<int> high = Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(),
            Avx2.ShiftLeftLogical(Avx2.ShiftRightLogical(odd, 31), 32).AsInt32(), 0b1010_1010);

        Vector256<int> threshold = Avx2.Subtract(half, Avx2.ShiftRightArithmetic(high, 31));
        Vector256<int> rounded = Avx2.ShiftRightArithmeticVariable(high, right);
        // CompareGreaterThan is −1 where the remainder exceeds the threshold: subtracting it adds 1.
        return Avx2.Subtract(rounded, Avx2.CompareGreaterThan(Avx2.And(high, mask), threshold));
    }

    /// <summary>The constants of channels c..c+7, loaded once for a block of pixels (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block8 Constants(int c) => new Block8
    {
        Multiplier = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Multiplier), (nuint)c),
        Left = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Left), (nuint)c).AsUInt32(),
        Right = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Right), (nuint)c).AsUInt32(),
        Mask = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Mask), (nuint)c),
        HalfMask = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(HalfMask), (nuint)c),
    };

    /// <summary>
    /// Requantizes eight accumulators with block <paramref name="q"/>'s constants, adds zp, clamps, and writes the first
    /// <paramref name="count"/> (1..8) bytes at <paramref name="dest"/> (the caller has checked the range). The same
    /// arithmetic as <see cref="Row"/> with avx2 (see the class summary).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector256<int> acc, in Block8 q, Vector256<int> zp, Vector256<int> min, Vector256<int> max,
        ref byte dest, int count)
    {
        Vector256<int> x = Avx2.ShiftLeftLogicalVariable(acc, q.Left);
        Vector256<long> round = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.Add(Avx2.Multiply(x, q.Multiplier), round);
        Vector256<long> odd = Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(),
            Avx2.ShiftRightLogical(q.Multiplier.AsInt64(), 32).AsInt32()), round);
        Vector256<int> high = Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(),
            Avx2.ShiftLeftLogical(Avx2.ShiftRightLogical(odd, 31), 32).AsInt32(), 0b1010_1010);
        Vector256<int> threshold = Avx2.Subtract(q.HalfMask, Avx2.ShiftRightArithmetic(high, 31));
        Vector256<int> rounded = Avx2.ShiftRightArithmeticVariable(high, q.Right);
        Vector256<int> v = Avx2.Subtract(rounded, Avx2.CompareGreaterThan(Avx2.And(high, q.Mask), threshold));
        v = Avx2.Min(Avx2.Max(Avx2.Add(v, zp), min), max);
        Vector128<short> s = Sse2.PackSignedSaturate(v.GetLower(), v.GetUpper());
        long bytes = Sse2.PackSignedSaturate(s, s).AsInt64().ToScalar();
        if (count >= 8)
        {
            Unsafe.WriteUnaligned(ref dest, bytes);
            return;
        }

        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref dest, i) = (byte)(bytes >> (8 * i));
        }
    }

    /// <summary>Requantization constants of eight channels (see <see cref="Constants"/>).</summary>
    public struct Block8
    {
        public Vector256<int> Multiplier;
        public Vector256<uint> Left;
        public Vector256<uint> Right;
        public Vector256<int> Mask;
        public Vector256<int> HalfMask;
    }

    /// <summary>The constants of channels c..c+15 (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block16 Constants16(int c) => Block16.Of(
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Multiplier), (nuint)c),
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Left), (nuint)c).AsUInt32(),
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Right), (nuint)c).AsUInt32(),
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Mask), (nuint)c),
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(HalfMask), (nuint)c));

    /// <summary>The constants of channels c..c+7 twice (two pixels of an eight-channel layer in one vector).</summary>
    public Block16 Constants8Twice(int c)
    {
        Block8 q = Constants(c);
        return Block16.Of(Vector512.Create(q.Multiplier, q.Multiplier), Vector512.Create(q.Left, q.Left), Vector512.Create(q.Right, q.Right),
            Vector512.Create(q.Mask, q.Mask), Vector512.Create(q.HalfMask, q.HalfMask));
    }


    /// <summary>
    /// <see cref="Store8"/> on sixteen channels (AVX-512F): the same arithmetic lane by lane, narrowed with vpmovsdb
    /// after the clamp (values already inside −128..127), the first <paramref name="count"/> (1..16) bytes written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector512<int> acc, in Block16 q, Vector512<int> zp, Vector512<int> min, Vector512<int> max,
        ref byte dest, int count)
    {
        Vector512<int> x = q.AnyLeft ? Avx512F.ShiftLeftLogicalVariable(acc, q.Left) : acc;
        Vector512<long> round = Vector512.Create(1L << 30);
        Vector512<long> even = Avx512F.Add(Avx512F.Multiply(x, q.Multiplier), round);
        Vector512<long> odd = Avx512F.Add(Avx512F.Multiply(Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), q.OddMultiplier), round);
        Vector512<int> high = Vector512.ConditionalSelect(Vector512.Create(0xFFFF_FFFFL).AsInt32(),
            Avx512F.ShiftRightLogical(even, 31).AsInt32(), Avx512F.ShiftLeftLogical(Avx512F.ShiftRightLogical(odd, 31), 32).AsInt32());
        Vector512<int> threshold = Avx512F.Subtract(q.HalfMask, Avx512F.ShiftRightArithmetic(high, 31));
        Vector512<int> rounded = Avx512F.ShiftRightArithmeticVariable(high, q.Right);
        Vector512<int> v = Avx512F.Subtract(rounded, Vector512.GreaterThan(Avx512F.And(high, q.Mask), threshold));
        v = Avx512F.Min(Avx512F.Max(Avx512F.Add(v, zp), min), max);
        Vector128<sbyte> bytes = Avx512F.ConvertToVector128SByteWithSaturation(v);
        if (count >= 16)
        {
            bytes.AsByte().StoreUnsafe(ref dest);
            return;
        }

        long lo = bytes.AsInt64().GetElement(0), hi = bytes.AsInt64().GetElement(1);
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref dest, i) = (byte)((i < 8 ? lo : hi) >> (8 * (i & 7)));
        }
    }

    /// <summary>Requantization constants of sixteen channels (see <see cref="Constants16"/>).</summary>
    public struct Block16
    {
        public Vector512<int> Multiplier;
        public Vector512<int> OddMultiplier;
        public Vector512<uint> Left;
        public Vector512<uint> Right;
        public Vector512<int> Mask;
        public Vector512<int> HalfMask;
        public bool AnyLeft;

        /// <summary>The block of these constants; OddMultiplier holds the odd lanes' multipliers in the even lanes (vpmuldq's
        /// operands), AnyLeft whether any left shift is not 0.</summary>
        public static Block16 Of(Vector512<int> multiplier, Vector512<uint> left, Vector512<uint> right, Vector512<int> mask, Vector512<int> halfMask) => new()
        {
            Multiplier = multiplier,
            OddMultiplier = Avx512F.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32(),
            Left = left,
            Right = right,
            Mask = mask,
            HalfMask = halfMask,
            AnyLeft = left != Vector512<uint>.Zero,
        };
    }
}
