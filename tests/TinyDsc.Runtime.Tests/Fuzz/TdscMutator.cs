using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace TinyDsc.Runtime.Tests.Fuzz;

/// <summary>
/// Mutations of a valid .tdsc file for the loader fuzz test. Byte-level mutations (truncation, bit flips, byte
/// insertion and deletion) mostly stop at the size or CRC check; field-aware ones change a header field, a tensor or
/// operator slot, a blob word, or whole records (duplicate, drop, swap) and then repair the file size and CRC so the
/// mutant reaches the structural and semantic checks. Offsets follow FORMAT.md.
/// </summary>
public sealed class TdscMutator
{
    public static readonly string[] Kinds =
    {
        "truncate", "bit flips", "bit flips + crc", "insert bytes", "delete bytes", "insert/delete + size + crc",
        "header field", "tensor field", "operator field", "blob word", "several fields", "record splice",
    };

    private readonly Random random;

    public TdscMutator(Random random)
    {
        this.random = random;
    }

    /// <summary>Applies mutation <paramref name="kind"/> (index into <see cref="Kinds"/>) to a copy of <paramref name="file"/>.</summary>
    public byte[] Mutate(byte[] file, int kind)
    {
        byte[] f = (byte[])file.Clone();
        switch (kind)
        {
            case 0:
                return f[..random.Next(0, f.Length)];
            case 1:
                FlipBits(f);
                return f;
            case 2:
                FlipBits(f);
                FixCrc(f);
                return f;
            case 3:
                return InsertBytes(f);
            case 4:
                return DeleteBytes(f);
            case 5:
                f = random.Next(2) == 0 ? InsertBytes(f) : DeleteBytes(f);
                if (f.Length >= 16)
                {
                    // Often keep the data size consistent too, so the mutant passes the header and reaches the tables.
                    if (f.Length >= 64 && random.Next(2) == 0)
                    {
                        Set(f, 52, f.Length - Get(f, 48));
                    }

                    Set(f, 8, f.Length);
                    FixCrc(f);
                }

                return f;
            case 6:
                MutateHeader(f);
                FixCrc(f);
                return f;
            case 7:
                MutateSlot(f, Get(f, 40), Get(f, 20), 40);
                FixCrc(f);
                return f;
            case 8:
                MutateSlot(f, Get(f, 44), Get(f, 24), 128);
                FixCrc(f);
                return f;
            case 9:
                MutateBlob(f);
                FixCrc(f);
                return f;
            case 10:
                for (int n = random.Next(2, 5); n > 0; n--)
                {
                    switch (random.Next(4))
                    {
                        case 0: MutateHeader(f); break;
                        case 1: MutateSlot(f, Get(f, 40), Get(f, 20), 40); break;
                        case 2: MutateSlot(f, Get(f, 44), Get(f, 24), 128); break;
                        default: MutateBlob(f); break;
                    }
                }

                FixCrc(f);
                return f;
            default:
                f = Splice(f);
                FixCrc(f);
                return f;
        }
    }

    /// <summary>Extreme values and values near the current one; counts, sizes and offsets near their limits.</summary>
    private int Interesting(int current)
    {
        switch (random.Next(16))
        {
            case 0: return 0;
            case 1: return -1;
            case 2: return 1;
            case 3: return int.MinValue;
            case 4: return int.MaxValue;
            case 5: return 1 << 30;
            case 6: return (1 << 30) + 1;
            case 7: return 4096;
            case 8: return 4097;
            case 9: return current + 1;
            case 10: return current - 1;
            case 11: return current * 2;
            case 12: return current + 4;
            case 13: return current ^ (1 << random.Next(32));
            case 14: return random.Next(-300, 300);
            default: return random.Next(int.MinValue, int.MaxValue);
        }
    }

    private void MutateHeader(byte[] f)
    {
        if (f.Length < 64)
        {
            return;
        }

        // Fields at 16..52 (the CRC at 12 is repaired afterwards; file size at 8 is covered by other kinds).
        int offset = 16 + 4 * random.Next(0, 10);
        Set(f, offset, Interesting(Get(f, offset)));
    }

    private void MutateSlot(byte[] f, int table, int count, int recordSize)
    {
        if (count <= 0 || count > 4096 || table < 0)
        {
            return;
        }

        long offset = (long)table + recordSize * random.Next(count) + 4 * random.Next(recordSize / 4);
        if (offset + 4 <= f.Length)
        {
            Set(f, (int)offset, Interesting(Get(f, (int)offset)));
        }
    }

    private void MutateBlob(byte[] f)
    {
        int data = f.Length >= 64 ? Get(f, 48) : -1;
        if (data < 0 || (long)data + 4 > f.Length)
        {
            return;
        }

        int offset = data + 4 * random.Next((f.Length - data) / 4);
        if (random.Next(2) == 0)
        {
            Set(f, offset, Interesting(Get(f, offset)));
        }
        else
        {
            f[offset + random.Next(4)] = (byte)random.Next(256);
        }
    }

    /// <summary>Duplicates, drops or swaps whole tensor or operator records, keeping the header's tables consistent.</summary>
    private byte[] Splice(byte[] f)
    {
        bool tensors = random.Next(2) == 0;
        int countAt = tensors ? 20 : 24;
        int table = Get(f, tensors ? 40 : 44);
        int size = tensors ? 40 : 128;
        int count = Get(f, countAt);
        int i = random.Next(count);
        int j = random.Next(count);
        switch (random.Next(3))
        {
            case 0:
                {
                    var record = f.AsSpan(table + size * i, size).ToArray();
                    f = Insert(f, table + size * count, record);
                    Set(f, countAt, count + 1);
                    ShiftTables(f, tensors, size);
                    break;
                }

            case 1:
                if (count > 1)
                {
                    f = Remove(f, table + size * i, size);
                    Set(f, countAt, count - 1);
                    ShiftTables(f, tensors, -size);
                }

                break;
            default:
                {
                    var a = f.AsSpan(table + size * i, size).ToArray();
                    f.AsSpan(table + size * j, size).CopyTo(f.AsSpan(table + size * i));
                    a.CopyTo(f.AsSpan(table + size * j));
                    break;
                }
        }

        Set(f, 8, f.Length);
        return f;
    }

    private static void ShiftTables(byte[] f, bool tensors, int delta)
    {
        if (tensors)
        {
            Set(f, 44, Get(f, 44) + delta);
        }

        Set(f, 48, Get(f, 48) + delta);
    }

    private void FlipBits(byte[] f)
    {
        if (f.Length == 0)
        {
            return;
        }

        for (int n = random.Next(1, 9); n > 0; n--)
        {
            f[random.Next(f.Length)] ^= (byte)(1 << random.Next(8));
        }
    }

    private byte[] InsertBytes(byte[] f)
    {
        var extra = new byte[random.Next(1, 9)];
        random.NextBytes(extra);
        return Insert(f, random.Next(f.Length + 1), extra);
    }

    private byte[] DeleteBytes(byte[] f)
    {
        if (f.Length == 0)
        {
            return f;
        }

        int at = random.Next(f.Length);
        return Remove(f, at, Math.Min(random.Next(1, 9), f.Length - at));
    }

    private static byte[] Insert(byte[] f, int at, byte[] extra)
    {
        var result = new byte[f.Length + extra.Length];
        f.AsSpan(0, at).CopyTo(result);
        extra.CopyTo(result, at);
        f.AsSpan(at).CopyTo(result.AsSpan(at + extra.Length));
        return result;
    }

    private static byte[] Remove(byte[] f, int at, int count)
    {
        var result = new byte[f.Length - count];
        f.AsSpan(0, at).CopyTo(result);
        f.AsSpan(at + count).CopyTo(result.AsSpan(at));
        return result;
    }

    private static int Get(byte[] f, int offset) =>
        offset >= 0 && offset + 4 <= f.Length ? BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(offset)) : 0;

    private static void Set(byte[] f, int offset, int value)
    {
        if (offset >= 0 && offset + 4 <= f.Length)
        {
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(offset), value);
        }
    }

    public static void FixCrc(byte[] f)
    {
        if (f.Length >= 16)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(12), System.IO.Hashing.Crc32.HashToUInt32(f.AsSpan(16)));
        }
    }

    public static IReadOnlyList<int> AllKinds()
    {
        var all = new int[Kinds.Length];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        return all;
    }
}
