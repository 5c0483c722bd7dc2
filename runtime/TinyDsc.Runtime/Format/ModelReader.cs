using System;

namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// Loads a .tdsc v1 file (runtime/FORMAT.md) into a <see cref="Model"/>. Every entry point (one array, several
    /// arrays, an <see cref="IModelSource"/>) takes the same streamed path, in two passes over the source's chunks:
    /// 1. Each chunk is requested once: the CRC32 is computed incrementally and only the file's first bytes (header,
    ///    tensor and operator tables: 64 + 40 · tensors + 128 · operators bytes) are copied. Then the header's sizes
    ///    and counts are checked against the file size (in long arithmetic) and the CRC against the header before
    ///    anything else is trusted; tensor and operator records are read from the copy (their count is bounded by the
    ///    file size) and checked with <see cref="ModelValidator"/>; every blob's extent is computed from the shapes
    ///    and checked against the data section. The copy is dropped.
    /// 2. The blob arrays are allocated (together at most the data size), and each chunk is requested again, checked
    ///    to have the length and CRC it had in pass 1, and its blob bytes copied into the arrays in data-section order.
    /// Memory: the reader holds one chunk at a time (each is consumed inside a method of its own and not referenced
    /// afterwards), so the peak while loading is the loaded model + the largest chunk + the table copy (pass 1) or
    /// + the largest chunk (pass 2), plus 8 bytes per chunk; a source that builds each chunk on request (the emitted
    /// embedding, a file read in blocks) never has the whole file in memory. Allocation is proportional to the file
    /// size. Every inconsistency throws <see cref="ModelFormatException"/> naming the field (or chunk) and its values.
    /// </summary>
    public static class ModelReader
    {
        private static readonly string[] BlobNames = new string[] { "weights", "bias", "multiplier", "shift" };

        /// <summary>Loads a model from one byte array holding the whole file.</summary>
        /// <exception cref="ArgumentNullException">file is null.</exception>
        /// <exception cref="ModelFormatException">the file breaks a rule of FORMAT.md.</exception>
        public static Model Load(byte[] file)
        {
            if (file == null)
            {
                throw new ArgumentNullException("file");
            }

            return Parse(new ChunkArraySource(new byte[][] { file }, file.Length));
        }

        /// <summary>
        /// Loads a model from several arrays that, laid end to end, hold the file (any split, empty chunks allowed).
        /// The chunks are never concatenated (only the header and tables are copied, and values may straddle chunk
        /// boundaries). The caller
        /// holds every chunk during the load; to hold only one, pass an <see cref="IModelSource"/> that builds them.
        /// </summary>
        /// <exception cref="ArgumentNullException">chunks is null.</exception>
        /// <exception cref="ModelFormatException">a chunk is null or the file breaks a rule of FORMAT.md.</exception>
        public static Model Load(byte[][] chunks)
        {
            if (chunks == null)
            {
                throw new ArgumentNullException("chunks");
            }

            long total = 0;
            for (int c = 0; c < chunks.Length; c++)
            {
                if (chunks[c] == null)
                {
                    Fail("file: chunk " + c + " is null");
                }

                total += chunks[c].Length;
            }

            if (total > int.MaxValue)
            {
                Fail("file: " + total + " bytes in total exceed the largest file size field value " + int.MaxValue);
            }

            return Parse(new ChunkArraySource(chunks, (int)total));
        }

        /// <summary>
        /// Loads a model from a source that hands out the file chunk by chunk. Each chunk is requested twice, in order
        /// (0 .. ChunkCount - 1, then again), and not referenced once consumed, so a source that builds chunks on
        /// request keeps only one in memory.
        /// </summary>
        /// <exception cref="ArgumentNullException">source is null.</exception>
        /// <exception cref="ModelFormatException">the source's length or chunk count is negative, a chunk is null,
        /// the chunks' total differs from the source's length, a chunk differs between the two requests (length or
        /// CRC), or the file breaks a rule of FORMAT.md.</exception>
        public static Model Load(IModelSource source)
        {
            if (source == null)
            {
                throw new ArgumentNullException("source");
            }

            return Parse(source);
        }

        private static Model Parse(IModelSource source)
        {
            StreamedFile file = new StreamedFile(source);
            int[] offsets;
            int dataOffset;
            int dataSize;
            Model model = ReadTables(file, out offsets, out dataOffset, out dataSize);
            AllocatePoolRequantization(model, offsets);
            ModelValidator.ValidateStructure(model);
            CheckBlobs(model, offsets, dataSize);
            file.SecondPass(AllocateBlobs(model, offsets, dataOffset));
            ModelValidator.ValidateArrays(model);
            return model;
        }

        /// <summary>
        /// Pass 1, the header checks and the tensor and operator records. The copy of the tables is referenced only
        /// in this frame, so it is garbage once this returns.
        /// </summary>
        private static Model ReadTables(StreamedFile file, out int[] offsets, out int dataOffset, out int dataSize)
        {
            HeaderBytes b = new HeaderBytes(file.FirstPass());
            int size = file.Length;
            if (size < FormatLayout.HeaderSize)
            {
                Fail("header: file of " + size + " bytes is shorter than the " + FormatLayout.HeaderSize + "-byte header");
            }

            int magic = b.Int32At(FormatLayout.OffsetMagic);
            if (magic != FormatLayout.Magic)
            {
                Fail("header: magic 0x" + Hex((uint)magic) + " (bytes 0..3 read little-endian), expected 0x" + Hex((uint)FormatLayout.Magic) + " (\"TDSC\")");
            }

            int major = b.UInt16At(FormatLayout.OffsetVersionMajor);
            if (major != FormatLayout.VersionMajor)
            {
                Fail("header: version major " + major + " is not supported (this reader reads " + FormatLayout.VersionMajor + ")");
            }

            int fileSize = b.Int32At(FormatLayout.OffsetFileSize);
            if (fileSize != size)
            {
                Fail("header: file size field " + fileSize + " differs from the " + size + " bytes given");
            }

            uint storedCrc = (uint)b.Int32At(FormatLayout.OffsetCrc);
            uint crc = file.Crc;
            if (crc != storedCrc)
            {
                Fail("header: CRC32 field 0x" + Hex(storedCrc) + " differs from the CRC32 0x" + Hex(crc) + " of bytes [16, " + size + ")");
            }

            int headerSize = b.Int32At(FormatLayout.OffsetHeaderSize);
            if (headerSize != FormatLayout.HeaderSize)
            {
                Fail("header: header size " + headerSize + ", expected " + FormatLayout.HeaderSize);
            }

            int tensorCount = b.Int32At(FormatLayout.OffsetTensorCount);
            if (tensorCount < 1 || tensorCount > FormatLayout.MaxTensors)
            {
                Fail("header: tensor count " + tensorCount + " is outside 1.." + FormatLayout.MaxTensors);
            }

            int operatorCount = b.Int32At(FormatLayout.OffsetOperatorCount);
            if (operatorCount < 1 || operatorCount > FormatLayout.MaxOperators)
            {
                Fail("header: operator count " + operatorCount + " is outside 1.." + FormatLayout.MaxOperators);
            }

            int tensorTable = b.Int32At(FormatLayout.OffsetTensorTable);
            if (tensorTable != headerSize)
            {
                Fail("header: tensor table offset " + tensorTable + ", expected the header size " + headerSize);
            }

            int operatorTable = b.Int32At(FormatLayout.OffsetOperatorTable);
            long expectedOperatorTable = (long)tensorTable + (long)FormatLayout.TensorRecordSize * tensorCount;
            if (operatorTable != expectedOperatorTable)
            {
                Fail("header: operator table offset " + operatorTable + ", expected tensor table offset + 40 · tensor count = "
                    + tensorTable + " + 40 · " + tensorCount + " = " + expectedOperatorTable);
            }

            dataOffset = b.Int32At(FormatLayout.OffsetData);
            long expectedData = (long)operatorTable + (long)FormatLayout.OperatorRecordSize * operatorCount;
            if (dataOffset != expectedData)
            {
                Fail("header: data offset " + dataOffset + ", expected operator table offset + 128 · operator count = "
                    + operatorTable + " + 128 · " + operatorCount + " = " + expectedData);
            }

            dataSize = b.Int32At(FormatLayout.OffsetDataSize);
            if (dataSize < 0 || (dataSize & 3) != 0)
            {
                Fail("header: data size " + dataSize + " is not a non-negative multiple of 4");
            }

            if ((long)dataOffset + dataSize != size)
            {
                Fail("header: data offset + data size = " + dataOffset + " + " + dataSize + " = " + ((long)dataOffset + dataSize)
                    + ", expected the file size " + size);
            }

            for (int k = 0; k < FormatLayout.ReservedSize; k++)
            {
                int v = b.ByteAt(FormatLayout.OffsetReserved + k);
                if (v != 0)
                {
                    Fail("header: reserved byte " + (FormatLayout.OffsetReserved + k) + " = " + v + ", must be 0");
                }
            }

            // Both tables lie inside [64, dataOffset), which is the copy FirstPass returned (its sizing rule holds
            // exactly when the checks above pass), and dataOffset <= size, so the counts are bounded by the file size.
            Model model = new Model();
            model.InputTensor = b.Int32At(FormatLayout.OffsetInputTensor);
            model.OutputTensor = b.Int32At(FormatLayout.OffsetOutputTensor);
            model.ArenaSize = b.Int32At(FormatLayout.OffsetArenaSize);
            model.Tensors = ReadTensors(b, tensorTable, tensorCount);
            offsets = new int[4 * operatorCount];
            model.Operators = ReadOperators(b, operatorTable, operatorCount, offsets);
            return model;
        }

        private static TensorInfo[] ReadTensors(HeaderBytes b, int table, int count)
        {
            TensorInfo[] tensors = new TensorInfo[count];
            for (int i = 0; i < count; i++)
            {
                int p = table + FormatLayout.TensorRecordSize * i;
                TensorInfo t = new TensorInfo();
                t.Rank = b.Int32At(p + 4 * FormatLayout.TensorRank);
                for (int k = 0; k < 4; k++)
                {
                    t.Dims[k] = b.Int32At(p + 4 * (FormatLayout.TensorDims + k));
                }

                t.Scale = b.SingleAt(p + 4 * FormatLayout.TensorScale);
                t.ZeroPoint = b.Int32At(p + 4 * FormatLayout.TensorZeroPoint);
                t.ArenaOffset = b.Int32At(p + 4 * FormatLayout.TensorArenaOffset);
                t.ByteSize = b.Int32At(p + 4 * FormatLayout.TensorByteSize);
                int reserved = b.Int32At(p + 4 * FormatLayout.TensorReserved);
                if (reserved != 0)
                {
                    Fail("tensor " + i + ": reserved field = " + reserved + ", must be 0");
                }

                tensors[i] = t;
            }

            return tensors;
        }

        private static OperatorInfo[] ReadOperators(HeaderBytes b, int table, int count, int[] offsets)
        {
            OperatorInfo[] ops = new OperatorInfo[count];
            for (int j = 0; j < count; j++)
            {
                int p = table + FormatLayout.OperatorRecordSize * j;
                OperatorInfo op = new OperatorInfo();
                op.OpCode = b.Int32At(p + 4 * FormatLayout.OpCode);
                op.Input0 = b.Int32At(p + 4 * FormatLayout.OpInput0);
                op.Input1 = b.Int32At(p + 4 * FormatLayout.OpInput1);
                op.Output = b.Int32At(p + 4 * FormatLayout.OpOutput);
                op.ActMin = b.Int32At(p + 4 * FormatLayout.OpActMin);
                op.ActMax = b.Int32At(p + 4 * FormatLayout.OpActMax);
                op.KernelH = b.Int32At(p + 4 * FormatLayout.OpKernelH);
                op.KernelW = b.Int32At(p + 4 * FormatLayout.OpKernelW);
                op.StrideH = b.Int32At(p + 4 * FormatLayout.OpStrideH);
                op.StrideW = b.Int32At(p + 4 * FormatLayout.OpStrideW);
                op.DilationH = b.Int32At(p + 4 * FormatLayout.OpDilationH);
                op.DilationW = b.Int32At(p + 4 * FormatLayout.OpDilationW);
                op.PadTop = b.Int32At(p + 4 * FormatLayout.OpPadTop);
                op.PadLeft = b.Int32At(p + 4 * FormatLayout.OpPadLeft);
                op.PadBottom = b.Int32At(p + 4 * FormatLayout.OpPadBottom);
                op.PadRight = b.Int32At(p + 4 * FormatLayout.OpPadRight);
                op.Groups = b.Int32At(p + 4 * FormatLayout.OpGroups);
                for (int f = 0; f < 4; f++)
                {
                    offsets[4 * j + f] = b.Int32At(p + 4 * (FormatLayout.OpWeightsOffset + f));
                }

                for (int k = 0; k < OperatorInfo.ParamCount; k++)
                {
                    op.Params[k] = b.Int32At(p + 4 * (FormatLayout.OpParams + k));
                }

                ops[j] = op;
            }

            return ops;
        }

        /// <summary>
        /// A GlobalAveragePool whose multiplier / shift offset is not -1 requantizes; its one-value arrays are allocated
        /// before the structure checks, which read the output quantization rule from their presence, and filled in pass 2.
        /// </summary>
        private static void AllocatePoolRequantization(Model model, int[] offsets)
        {
            for (int j = 0; j < model.Operators.Length; j++)
            {
                OperatorInfo op = model.Operators[j];
                if (op.OpCode != OpCodes.GlobalAveragePool)
                {
                    continue;
                }

                if (offsets[4 * j + 2] != -1)
                {
                    op.Multiplier = new int[1];
                }

                if (offsets[4 * j + 3] != -1)
                {
                    op.Shift = new int[1];
                }
            }
        }

        /// <summary>
        /// Each blob offset is -1 exactly when the op has no such blob, i32 blobs are 4-byte aligned, every blob lies
        /// inside the data section, and blobs follow each other in operator order without overlapping.
        /// </summary>
        private static void CheckBlobs(Model model, int[] offsets, int dataSize)
        {
            long previousEnd = 0;
            for (int j = 0; j < model.Operators.Length; j++)
            {
                OperatorInfo op = model.Operators[j];
                bool hasBlobs = ModelValidator.HasWeights(op.OpCode);
                bool pool = op.OpCode == OpCodes.GlobalAveragePool;
                bool table = op.OpCode == OpCodes.Lookup || op.OpCode == OpCodes.PRelu;
                for (int f = 0; f < 4; f++)
                {
                    int offset = offsets[4 * j + f];
                    string name = BlobNames[f];
                    if (offset == -1)
                    {
                        if ((hasBlobs && f != 1) || (table && f == 0))
                        {
                            Fail(ModelValidator.Where(j, op.OpCode) + name + " offset is -1 but " + OpCodes.Name(op.OpCode) + " requires " + name);
                        }

                        continue;
                    }

                    if (!hasBlobs && !(pool && f >= 2) && !(table && f == 0))
                    {
                        Fail(ModelValidator.Where(j, op.OpCode) + name + " offset = " + offset + ", must be -1 (unused)");
                    }

                    if (offset < 0)
                    {
                        Fail(ModelValidator.Where(j, op.OpCode) + name + " offset = " + offset + " is negative (and not -1)");
                    }

                    if (f != 0 && (offset & 3) != 0)
                    {
                        Fail(ModelValidator.Where(j, op.OpCode) + name + " offset " + offset + " is not a multiple of 4");
                    }

                    long bytes = f == 0 ? ModelValidator.WeightCount(model, op) : 4L * ModelValidator.RequantizationCount(model, op);
                    if (offset + bytes > dataSize)
                    {
                        Fail(ModelValidator.Where(j, op.OpCode) + name + " blob [offset " + offset + ", " + bytes + " bytes] extends past data section of " + dataSize + " bytes");
                    }

                    if (offset < previousEnd)
                    {
                        Fail(ModelValidator.Where(j, op.OpCode) + name + " blob [offset " + offset + ", " + bytes + " bytes] starts before the end " + previousEnd
                            + " of the previous blob (blobs are stored in operator order without overlap)");
                    }

                    previousEnd = offset + bytes;
                }
            }
        }

        /// <summary>
        /// Allocates every blob array (checked to lie inside the data section, so together at most the data size) and
        /// registers it, in file order, with the copier that pass 2 fills.
        /// </summary>
        private static BlobCopier AllocateBlobs(Model model, int[] offsets, int dataOffset)
        {
            BlobCopier copier = new BlobCopier(4 * model.Operators.Length);
            for (int j = 0; j < model.Operators.Length; j++)
            {
                OperatorInfo op = model.Operators[j];
                if (op.OpCode == OpCodes.GlobalAveragePool && op.Multiplier != null)
                {
                    copier.Add(dataOffset + offsets[4 * j + 2], op.Multiplier);
                    copier.Add(dataOffset + offsets[4 * j + 3], op.Shift);
                    continue;
                }

                if (op.OpCode == OpCodes.Lookup || op.OpCode == OpCodes.PRelu)
                {
                    op.Weights = new sbyte[(int)ModelValidator.WeightCount(model, op)];
                    copier.Add(dataOffset + offsets[4 * j], op.Weights);
                    continue;
                }

                if (!ModelValidator.HasWeights(op.OpCode))
                {
                    continue;
                }

                int channels = ModelValidator.ChannelCount(model, op);
                op.Weights = new sbyte[(int)ModelValidator.WeightCount(model, op)];
                copier.Add(dataOffset + offsets[4 * j], op.Weights);
                if (offsets[4 * j + 1] != -1)
                {
                    op.Bias = new int[channels];
                    copier.Add(dataOffset + offsets[4 * j + 1], op.Bias);
                }

                op.Multiplier = new int[channels];
                copier.Add(dataOffset + offsets[4 * j + 2], op.Multiplier);
                op.Shift = new int[channels];
                copier.Add(dataOffset + offsets[4 * j + 3], op.Shift);
            }

            return copier;
        }

        private static string Hex(uint value)
        {
            const string digits = "0123456789ABCDEF";
            char[] text = new char[8];
            for (int k = 7; k >= 0; k--)
            {
                text[k] = digits[(int)(value & 0xF)];
                value >>= 4;
            }

            return new string(text);
        }

        private static void Fail(string message)
        {
            throw new ModelFormatException(message);
        }
    }
}
