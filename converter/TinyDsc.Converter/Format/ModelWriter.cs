using System;
using System.Buffers.Binary;
using System.IO;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Format;

/// <summary>
/// Writes a <see cref="Model"/> as a .tdsc v1 file (runtime/FORMAT.md); the runtime's ModelReader is its only reader.
/// Layout: 64-byte header, tensor table, operator table, then the data section with each operator's blobs
/// (weights, bias, multiplier, shift) in operator order, each starting at a multiple of 4 and the section padded
/// with zeros to a multiple of 4.
/// </summary>
public static class ModelWriter
{
    /// <summary>Validates the model with <see cref="ModelValidator"/> and returns the file's bytes.</summary>
    /// <exception cref="ModelFormatException">the model breaks a rule of FORMAT.md (nothing is written).</exception>
    public static byte[] Write(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelValidator.Validate(model);

        int tensorCount = model.Tensors.Length;
        int operatorCount = model.Operators.Length;
        int tensorTable = FormatLayout.HeaderSize;
        int operatorTable = tensorTable + FormatLayout.TensorRecordSize * tensorCount;
        int dataOffset = operatorTable + FormatLayout.OperatorRecordSize * operatorCount;

        // Blob offsets relative to the data section: [op, field] with field 0..3 = weights, bias, multiplier, shift.
        var offsets = new int[operatorCount * 4];
        long dataSize = 0;
        for (int j = 0; j < operatorCount; j++)
        {
            OperatorInfo op = model.Operators[j];
            offsets[4 * j] = Place(op.Weights?.Length ?? -1, 1, ref dataSize);
            offsets[4 * j + 1] = Place(op.Bias?.Length ?? -1, 4, ref dataSize);
            offsets[4 * j + 2] = Place(op.Multiplier?.Length ?? -1, 4, ref dataSize);
            offsets[4 * j + 3] = Place(op.Shift?.Length ?? -1, 4, ref dataSize);
        }

        long fileSize = dataOffset + dataSize;
        if (fileSize > int.MaxValue)
        {
            throw new ModelFormatException($"model: file would be {fileSize} bytes, more than the largest file size field value {int.MaxValue}");
        }

        var file = new byte[fileSize];
        Span<byte> s = file;
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetMagic..], FormatLayout.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(s[FormatLayout.OffsetVersionMajor..], FormatLayout.VersionMajor);
        // Minor 1 only when a fused block is present, so files without one still load in v1.0 readers; minor 2 when a
        // block has shape p4 = 1 (producer → depthwise), which a v1.1 reader refuses at its group record.
        bool fused = Array.Exists(model.Operators, op => op.OpCode == OpCodes.FusedBlock);
        bool shapes = Array.Exists(model.Operators, op => op.OpCode == OpCodes.FusedBlock && op.Params[4] != 0);
        int minor = shapes ? FormatLayout.VersionMinorFusedShapes : fused ? FormatLayout.VersionMinorFused : FormatLayout.VersionMinor;
        BinaryPrimitives.WriteUInt16LittleEndian(s[FormatLayout.OffsetVersionMinor..], (ushort)minor);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetFileSize..], (int)fileSize);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetHeaderSize..], FormatLayout.HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetTensorCount..], tensorCount);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetOperatorCount..], operatorCount);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetInputTensor..], model.InputTensor);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetOutputTensor..], model.OutputTensor);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetArenaSize..], model.ArenaSize);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetTensorTable..], tensorTable);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetOperatorTable..], operatorTable);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetData..], dataOffset);
        BinaryPrimitives.WriteInt32LittleEndian(s[FormatLayout.OffsetDataSize..], (int)dataSize);

        for (int i = 0; i < tensorCount; i++)
        {
            TensorInfo t = model.Tensors[i];
            Span<byte> r = s.Slice(tensorTable + FormatLayout.TensorRecordSize * i, FormatLayout.TensorRecordSize);
            WriteSlot(r, FormatLayout.TensorRank, t.Rank);
            for (int k = 0; k < 4; k++)
            {
                WriteSlot(r, FormatLayout.TensorDims + k, t.Dims[k]);
            }

            BinaryPrimitives.WriteSingleLittleEndian(r[(4 * FormatLayout.TensorScale)..], t.Scale);
            WriteSlot(r, FormatLayout.TensorZeroPoint, t.ZeroPoint);
            WriteSlot(r, FormatLayout.TensorArenaOffset, t.ArenaOffset);
            WriteSlot(r, FormatLayout.TensorByteSize, t.ByteSize);
        }

        for (int j = 0; j < operatorCount; j++)
        {
            OperatorInfo op = model.Operators[j];
            Span<byte> r = s.Slice(operatorTable + FormatLayout.OperatorRecordSize * j, FormatLayout.OperatorRecordSize);
            WriteSlot(r, FormatLayout.OpCode, op.OpCode);
            WriteSlot(r, FormatLayout.OpInput0, op.Input0);
            WriteSlot(r, FormatLayout.OpInput1, op.Input1);
            WriteSlot(r, FormatLayout.OpOutput, op.Output);
            WriteSlot(r, FormatLayout.OpActMin, op.ActMin);
            WriteSlot(r, FormatLayout.OpActMax, op.ActMax);
            WriteSlot(r, FormatLayout.OpKernelH, op.KernelH);
            WriteSlot(r, FormatLayout.OpKernelW, op.KernelW);
            WriteSlot(r, FormatLayout.OpStrideH, op.StrideH);
            WriteSlot(r, FormatLayout.OpStrideW, op.StrideW);
            WriteSlot(r, FormatLayout.OpDilationH, op.DilationH);
            WriteSlot(r, FormatLayout.OpDilationW, op.DilationW);
            WriteSlot(r, FormatLayout.OpPadTop, op.PadTop);
            WriteSlot(r, FormatLayout.OpPadLeft, op.PadLeft);
            WriteSlot(r, FormatLayout.OpPadBottom, op.PadBottom);
            WriteSlot(r, FormatLayout.OpPadRight, op.PadRight);
            WriteSlot(r, FormatLayout.OpGroups, op.Groups);
            for (int f = 0; f < 4; f++)
            {
                WriteSlot(r, FormatLayout.OpWeightsOffset + f, offsets[4 * j + f]);
            }

            for (int k = 0; k < OperatorInfo.ParamCount; k++)
            {
                WriteSlot(r, FormatLayout.OpParams + k, op.Params[k]);
            }

            Span<byte> data = s[dataOffset..];
            if (op.Weights != null)
            {
                for (int i = 0; i < op.Weights.Length; i++)
                {
                    data[offsets[4 * j] + i] = (byte)op.Weights[i];
                }
            }

            WriteInts(data, offsets[4 * j + 1], op.Bias);
            WriteInts(data, offsets[4 * j + 2], op.Multiplier);
            WriteInts(data, offsets[4 * j + 3], op.Shift);
        }

        uint crc = Crc32.Update(0, file, FormatLayout.CrcStart, file.Length - FormatLayout.CrcStart);
        BinaryPrimitives.WriteUInt32LittleEndian(s[FormatLayout.OffsetCrc..], crc);
        return file;
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> through a temporary file in the same folder that is renamed over
    /// the target at the end; if anything fails, an existing file at <paramref name="path"/> is left untouched and
    /// the temporary file is removed.
    /// </summary>
    public static void WriteFile(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = Write(model);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path '{path}' has no folder", nameof(path));
        string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }

    /// <summary>Reserves a blob of count elements of elementSize bytes at the next multiple of 4; -1 when count is -1 (absent).</summary>
    private static int Place(int count, int elementSize, ref long dataSize)
    {
        if (count < 0)
        {
            return -1;
        }

        long offset = dataSize;
        dataSize = (offset + (long)count * elementSize + 3) & ~3L;
        if (dataSize > int.MaxValue)
        {
            throw new ModelFormatException($"model: data section would exceed {int.MaxValue} bytes");
        }

        return (int)offset;
    }

    private static void WriteSlot(Span<byte> record, int slot, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record[(4 * slot)..], value);
    }

    private static void WriteInts(Span<byte> data, int offset, int[]? values)
    {
        if (values == null)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data[(offset + 4 * i)..], values[i]);
        }
    }
}
