namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// Fills a model's blob arrays from the file's chunks as they stream past. Blobs are registered in file order
    /// (the reader has checked that they are stored in operator and field order without overlap), so one cursor
    /// suffices; a blob or an i32 value may straddle chunks. Bytes outside every blob (header, tables, gaps) are skipped.
    /// </summary>
    internal sealed class BlobCopier
    {
        private readonly int[] starts;
        private readonly int[] ends;
        private readonly sbyte[][] bytes;
        private readonly int[][] words;
        private int count;
        private int next;

        internal BlobCopier(int capacity)
        {
            starts = new int[capacity];
            ends = new int[capacity];
            bytes = new sbyte[capacity][];
            words = new int[capacity][];
        }

        /// <summary>Registers an int8 blob at file position start (after every blob registered before).</summary>
        internal void Add(int start, sbyte[] target)
        {
            starts[count] = start;
            ends[count] = start + target.Length;
            bytes[count] = target;
            count++;
        }

        /// <summary>Registers a little-endian i32 blob at file position start; target must be all zero.</summary>
        internal void Add(int start, int[] target)
        {
            starts[count] = start;
            ends[count] = start + 4 * target.Length;
            words[count] = target;
            count++;
        }

        /// <summary>Copies the parts of registered blobs that lie in chunk, which starts at file position chunkStart.</summary>
        internal void Copy(byte[] chunk, int chunkStart)
        {
            int chunkEnd = chunkStart + chunk.Length;
            while (next < count && starts[next] < chunkEnd)
            {
                int start = starts[next];
                int end = ends[next];
                int from = start > chunkStart ? start : chunkStart;
                int to = end < chunkEnd ? end : chunkEnd;
                sbyte[] b = bytes[next];
                if (b != null)
                {
                    for (int p = from; p < to; p++)
                    {
                        b[p - start] = (sbyte)chunk[p - chunkStart];
                    }
                }
                else
                {
                    int[] w = words[next];
                    for (int p = from; p < to; p++)
                    {
                        int k = p - start;
                        w[k >> 2] |= chunk[p - chunkStart] << ((k & 3) << 3);
                    }
                }

                if (end > chunkEnd)
                {
                    return;
                }

                next++;
            }
        }
    }
}
