using System;

namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// A file given as one or more byte arrays laid end to end (nanoFramework caps an array initialiser at 64 KB, so a
    /// large embedded model comes in several arrays). Reads little-endian fields that may straddle a chunk boundary,
    /// without concatenating the chunks. Reads are mostly sequential, so the chunk of the last read is remembered.
    /// </summary>
    internal sealed class ChunkedBytes
    {
        private readonly byte[][] chunks;
        private readonly int[] starts;
        private readonly byte[] scratch = new byte[4];
        private int current;

        /// <summary>Chunks must be non-null and at most int.MaxValue bytes in total (checked by the caller).</summary>
        internal ChunkedBytes(byte[][] chunks, int length)
        {
            this.chunks = chunks;
            Length = length;
            starts = new int[chunks.Length];
            int start = 0;
            for (int c = 0; c < chunks.Length; c++)
            {
                starts[c] = start;
                start += chunks[c].Length;
            }
        }

        internal int Length { get; }

        /// <summary>The byte at pos (0 &lt;= pos &lt; Length).</summary>
        internal byte ByteAt(int pos)
        {
            int c = Locate(pos);
            return chunks[c][pos - starts[c]];
        }

        /// <summary>Little-endian i32 at pos (pos + 4 &lt;= Length).</summary>
        internal int Int32At(int pos)
        {
            int c = Locate(pos);
            byte[] chunk = chunks[c];
            int i = pos - starts[c];
            if (i + 4 <= chunk.Length)
            {
                return chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) | (chunk[i + 3] << 24);
            }

            return ByteAt(pos) | (ByteAt(pos + 1) << 8) | (ByteAt(pos + 2) << 16) | (ByteAt(pos + 3) << 24);
        }

        /// <summary>Little-endian u16 at pos.</summary>
        internal int UInt16At(int pos)
        {
            return ByteAt(pos) | (ByteAt(pos + 1) << 8);
        }

        /// <summary>Little-endian IEEE-754 binary32 at pos.</summary>
        internal float SingleAt(int pos)
        {
            for (int k = 0; k < 4; k++)
            {
                scratch[k] = ByteAt(pos + k);
            }

            return BitConverter.ToSingle(scratch, 0);
        }

        /// <summary>CRC32 of bytes [from, Length), chunk by chunk.</summary>
        internal uint Crc(int from)
        {
            uint crc = 0;
            for (int c = 0; c < chunks.Length; c++)
            {
                int start = starts[c];
                int end = start + chunks[c].Length;
                if (end <= from)
                {
                    continue;
                }

                int first = from > start ? from - start : 0;
                crc = Crc32.Update(crc, chunks[c], first, chunks[c].Length - first);
            }

            return crc;
        }

        /// <summary>Copies count bytes from pos as int8 values into target (pos + count &lt;= Length).</summary>
        internal void CopySBytes(int pos, sbyte[] target)
        {
            int n = target.Length;
            int done = 0;
            while (done < n)
            {
                int c = Locate(pos + done);
                byte[] chunk = chunks[c];
                int i = pos + done - starts[c];
                int take = chunk.Length - i;
                if (take > n - done)
                {
                    take = n - done;
                }

                for (int k = 0; k < take; k++)
                {
                    target[done + k] = (sbyte)chunk[i + k];
                }

                done += take;
            }
        }

        /// <summary>Reads target.Length little-endian i32 values from pos.</summary>
        internal void CopyInt32s(int pos, int[] target)
        {
            for (int k = 0; k < target.Length; k++)
            {
                target[k] = Int32At(pos + 4 * k);
            }
        }

        private int Locate(int pos)
        {
            int c = current;
            while (pos < starts[c])
            {
                c--;
            }

            while (pos - starts[c] >= chunks[c].Length)
            {
                c++;
            }

            current = c;
            return c;
        }
    }
}
