namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// Arrays already in memory as an <see cref="IModelSource"/>, so that <see cref="ModelReader.Load(byte[])"/> and
    /// <see cref="ModelReader.Load(byte[][])"/> take the same path as a streamed source.
    /// </summary>
    internal sealed class ChunkArraySource : IModelSource
    {
        private readonly byte[][] chunks;
        private readonly int length;

        /// <summary>length is the sum of the chunk lengths (null chunks count 0; the reader reports them).</summary>
        internal ChunkArraySource(byte[][] chunks, int length)
        {
            this.chunks = chunks;
            this.length = length;
        }

        public int Length
        {
            get { return length; }
        }

        public int ChunkCount
        {
            get { return chunks.Length; }
        }

        public byte[] ReadChunk(int index)
        {
            return chunks[index];
        }
    }
}
