using System;
using System.Buffers.Binary;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// Byte-level access to a .tdsc file at the offsets FORMAT.md documents (written out here, independent of the
/// runtime's FormatLayout), for tests that patch or inspect single fields. The CRC is recomputed with
/// System.IO.Hashing, not with the runtime's Crc32.
/// </summary>
public sealed class TdscBytes
{
    public TdscBytes(byte[] file)
    {
        Bytes = file;
    }

    public byte[] Bytes { get; set; }

    public int TensorCount => I32(20);

    public int OperatorCount => I32(24);

    public int DataOffset => I32(48);

    public int DataSize => I32(52);

    public int I32(int offset) => BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan(offset));

    public void SetI32(int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(Bytes.AsSpan(offset), value);

    /// <summary>Byte offset of i32 slot <paramref name="slot"/> (0..9) of tensor record <paramref name="tensor"/>.</summary>
    public int TensorSlot(int tensor, int slot) => I32(40) + 40 * tensor + 4 * slot;

    /// <summary>Byte offset of i32 slot <paramref name="slot"/> (0..31) of operator record <paramref name="op"/>.</summary>
    public int OpSlot(int op, int slot) => I32(44) + 128 * op + 4 * slot;

    public int Tensor(int tensor, int slot) => I32(TensorSlot(tensor, slot));

    public void SetTensor(int tensor, int slot, int value) => SetI32(TensorSlot(tensor, slot), value);

    public int Op(int op, int slot) => I32(OpSlot(op, slot));

    public void SetOp(int op, int slot, int value) => SetI32(OpSlot(op, slot), value);

    /// <summary>File offset of the blob whose offset is in operator slot 17..20.</summary>
    public int Blob(int op, int slot) => DataOffset + Op(op, slot);

    /// <summary>Stores the IEEE CRC-32 of bytes [16, end) at offset 12.</summary>
    public void FixCrc()
    {
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(Bytes.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(12), crc);
    }
}
