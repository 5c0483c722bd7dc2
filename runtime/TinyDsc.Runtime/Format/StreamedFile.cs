namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// Reads an <see cref="IModelSource"/> in the reader's two passes, holding at most one chunk at a time (each chunk
    /// is requested and consumed inside a method of its own, so no frame references it once that method returns).
    /// First pass: the CRC32 of bytes [16, Length), a copy of the file's first bytes (header and, when the header's
    /// counts are consistent, the tensor and operator tables), and for each chunk its end position and the running
    /// CRC at its end. Second pass: every chunk again, checked against those two values, handed to a
    /// <see cref="BlobCopier"/>. Memory besides the current chunk: the copy (at most 64 + 168 · 4096 bytes, and at most
    /// the file size) and 8 bytes per chunk.
    /// </summary>
    internal sealed class StreamedFile
    {
        private readonly IModelSource source;
        private readonly int length;
        private readonly int[] chunkEnds;
        private readonly uint[] crcAfter;
        private byte[] prefix;
        private int prefixFill;
        private int position;
        private uint runningCrc;
        private uint fileCrc;

        /// <exception cref="ModelFormatException">The source's length or chunk count is negative.</exception>
        internal StreamedFile(IModelSource source)
        {
            this.source = source;
            length = source.Length;
            int count = source.ChunkCount;
            if (length < 0)
            {
                throw new ModelFormatException("file: source length " + length + " is negative");
            }

            if (count < 0)
            {
                throw new ModelFormatException("file: source chunk count " + count + " is negative");
            }

            chunkEnds = new int[count];
            crcAfter = new uint[count];
        }

        /// <summary>Bytes in the file (the source's length; after <see cref="FirstPass"/> also the chunks' total).</summary>
        internal int Length
        {
            get { return length; }
        }

        /// <summary>CRC32 of bytes [16, Length), set by <see cref="FirstPass"/>.</summary>
        internal uint Crc
        {
            get { return fileCrc; }
        }

        /// <summary>
        /// Reads every chunk once; returns the copy of the file's first bytes: 64 bytes (fewer filled if the file is
        /// shorter), or the header plus both tables when the header's tensor count, operator count and data offset
        /// are in range and agree (the only case in which the reader's header checks pass and it reads the tables).
        /// </summary>
        /// <exception cref="ModelFormatException">A chunk is null, or the chunks' total differs from the source's length.</exception>
        internal byte[] FirstPass()
        {
            prefix = new byte[FormatLayout.HeaderSize];
            prefixFill = 0;
            position = 0;
            runningCrc = 0;
            for (int c = 0; c < chunkEnds.Length; c++)
            {
                FirstPassChunk(c);
            }

            fileCrc = runningCrc;

            if (position != length)
            {
                throw new ModelFormatException("file: the " + chunkEnds.Length + " chunks hold " + position
                    + " bytes, the source's length is " + length);
            }

            byte[] copy = prefix;
            prefix = null;
            return copy;
        }

        /// <summary>Reads every chunk a second time and copies the blobs out of it.</summary>
        /// <exception cref="ModelFormatException">A chunk is null, or differs in length or content from the first pass.</exception>
        internal void SecondPass(BlobCopier copier)
        {
            position = 0;
            runningCrc = 0;
            for (int c = 0; c < chunkEnds.Length; c++)
            {
                SecondPassChunk(c, copier);
            }
        }

        private void FirstPassChunk(int c)
        {
            byte[] chunk = source.ReadChunk(c);
            if (chunk == null)
            {
                throw new ModelFormatException("file: chunk " + c + " is null");
            }

            long end = (long)position + chunk.Length;
            if (end > length)
            {
                throw new ModelFormatException("file: chunk " + c + " ends at byte " + end + ", past the source's length " + length);
            }

            CollectPrefix(chunk);
            runningCrc = UpdateCrc(runningCrc, chunk, position);
            position = (int)end;
            chunkEnds[c] = position;
            crcAfter[c] = runningCrc;
        }

        private void SecondPassChunk(int c, BlobCopier copier)
        {
            byte[] chunk = source.ReadChunk(c);
            if (chunk == null)
            {
                throw new ModelFormatException("file: chunk " + c + " is null on the second read");
            }

            int expected = chunkEnds[c] - position;
            if (chunk.Length != expected)
            {
                throw new ModelFormatException("file: chunk " + c + " has " + chunk.Length + " bytes on the second read, "
                    + expected + " on the first");
            }

            runningCrc = UpdateCrc(runningCrc, chunk, position);
            if (runningCrc != crcAfter[c])
            {
                throw new ModelFormatException("file: chunk " + c + " (bytes [" + position + ", " + chunkEnds[c]
                    + ")) differs between the first read, whose CRC32 was checked, and the second read");
            }

            copier.Copy(chunk, position);
            position = chunkEnds[c];
        }

        /// <summary>Copies the chunk's bytes that fall inside the prefix; sizes the prefix once the header is complete.</summary>
        private void CollectPrefix(byte[] chunk)
        {
            int i = 0;
            while (i < chunk.Length && prefixFill < prefix.Length)
            {
                int take = chunk.Length - i;
                if (take > prefix.Length - prefixFill)
                {
                    take = prefix.Length - prefixFill;
                }

                System.Array.Copy(chunk, i, prefix, prefixFill, take);
                prefixFill += take;
                i += take;
                if (prefixFill == FormatLayout.HeaderSize && prefix.Length == FormatLayout.HeaderSize)
                {
                    int size = TablesEnd(prefix, length);
                    if (size > FormatLayout.HeaderSize)
                    {
                        byte[] grown = new byte[size];
                        System.Array.Copy(prefix, grown, FormatLayout.HeaderSize);
                        prefix = grown;
                    }
                }
            }
        }

        /// <summary>
        /// The data offset if the header's counts are in range and the data offset equals 64 + 40 · tensors + 128 ·
        /// operators and lies inside the file; else 64. Only sizes the copy: the reader checks every field itself.
        /// </summary>
        private static int TablesEnd(byte[] header, int fileLength)
        {
            HeaderBytes b = new HeaderBytes(header);
            int tensors = b.Int32At(FormatLayout.OffsetTensorCount);
            int operators = b.Int32At(FormatLayout.OffsetOperatorCount);
            int dataOffset = b.Int32At(FormatLayout.OffsetData);
            if (tensors < 1 || tensors > FormatLayout.MaxTensors || operators < 1 || operators > FormatLayout.MaxOperators)
            {
                return FormatLayout.HeaderSize;
            }

            int tablesEnd = FormatLayout.HeaderSize + FormatLayout.TensorRecordSize * tensors + FormatLayout.OperatorRecordSize * operators;
            return dataOffset == tablesEnd && tablesEnd <= fileLength ? tablesEnd : FormatLayout.HeaderSize;
        }

        /// <summary>Continues the CRC over the chunk's bytes at or after file position 16 (the chunk starts at start).</summary>
        private static uint UpdateCrc(uint crc, byte[] chunk, int start)
        {
            int skip = FormatLayout.CrcStart - start;
            if (skip <= 0)
            {
                return Crc32.Update(crc, chunk, 0, chunk.Length);
            }

            return skip >= chunk.Length ? crc : Crc32.Update(crc, chunk, skip, chunk.Length - skip);
        }
    }
}
