using System;

namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// IEEE 802.3 CRC-32 (reflected, polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF): the checksum that
    /// guards a .tdsc file's payload (runtime/FORMAT.md). Four bits at a time from a static 16-entry table: 84 bytes
    /// on a device's heap from boot instead of the 1 KB of a byte-wise table, at two lookups per byte.
    /// </summary>
    public static class Crc32
    {
        private static readonly uint[] Table = BuildTable();

        /// <summary>
        /// Continues a CRC over <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.
        /// Pass 0 as <paramref name="crc"/> to start; pass the returned value back to continue with the next chunk
        /// (the value returned after the last chunk is the CRC of all bytes, as zlib's crc32 does).
        /// </summary>
        /// <exception cref="ArgumentNullException">buffer is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">offset or count is negative or the range passes the end of buffer.</exception>
        public static uint Update(uint crc, byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || (long)offset + count > buffer.Length)
            {
                throw new ArgumentOutOfRangeException("count", "range [" + offset + ", +" + count + ") is outside a buffer of " + buffer.Length + " bytes");
            }

            uint[] table = Table;
            uint c = ~crc;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                c ^= buffer[i];
                c = table[c & 0xF] ^ (c >> 4);
                c = table[c & 0xF] ^ (c >> 4);
            }

            return ~c;
        }

        /// <summary>CRC-32 of a whole buffer.</summary>
        public static uint Compute(byte[] buffer)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            return Update(0, buffer, 0, buffer.Length);
        }

        /// <summary>table[n] = the CRC register after shifting the four bits n out (reflected, 0xEDB88320).</summary>
        private static uint[] BuildTable()
        {
            uint[] table = new uint[16];
            for (uint n = 0; n < 16; n++)
            {
                uint c = n;
                for (int k = 0; k < 4; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
