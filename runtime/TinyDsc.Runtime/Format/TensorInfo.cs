namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// One int8 activation tensor of a model: shape, quantization and where it lives in the arena.
    /// Rank-4 tensors are NHWC; rank-2 are [N, C]. N is always 1 (one sample per Invoke).
    /// real value = Scale * (q - ZeroPoint).
    /// </summary>
    public sealed class TensorInfo
    {
        /// <summary>Number of meaningful dimensions, 1..4.</summary>
        public int Rank;

        /// <summary>Always 4 entries; entries at index &gt;= Rank are 1.</summary>
        public int[] Dims = new int[] { 1, 1, 1, 1 };

        /// <summary>Quantization scale, finite and &gt; 0.</summary>
        public float Scale;

        /// <summary>Quantization zero point, -128..127.</summary>
        public int ZeroPoint;

        /// <summary>Byte offset of the tensor's first element in the arena.</summary>
        public int ArenaOffset;

        /// <summary>Element count = byte count (int8) = product of Dims.</summary>
        public int ByteSize;
    }
}
