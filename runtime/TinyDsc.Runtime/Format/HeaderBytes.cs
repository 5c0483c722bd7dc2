using System;

namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// Little-endian fields of the copy <see cref="StreamedFile"/> keeps of a file's first bytes (header, tensor table,
    /// operator table). Callers read only inside the copy: the header checks establish that the tables end at the
    /// data offset, which is the copy's length.
    /// </summary>
    internal sealed class HeaderBytes
    {
        private readonly byte[] bytes;

        internal HeaderBytes(byte[] bytes)
        {
            this.bytes = bytes;
        }

        /// <summary>The byte at pos.</summary>
        internal int ByteAt(int pos)
        {
            return bytes[pos];
        }

        /// <summary>Little-endian i32 at pos.</summary>
        internal int Int32At(int pos)
        {
            byte[] b = bytes;
            return b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24);
        }

        /// <summary>Little-endian u16 at pos.</summary>
        internal int UInt16At(int pos)
        {
            return bytes[pos] | (bytes[pos + 1] << 8);
        }

        /// <summary>Little-endian IEEE-754 binary32 at pos.</summary>
        internal float SingleAt(int pos)
        {
            return BitConverter.ToSingle(bytes, pos);
        }
    }
}
