namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// Byte layout of a .tdsc v1 file (runtime/FORMAT.md): header field offsets, record sizes and limits.
    /// Shared by the reader and the converter's writer.
    /// </summary>
    public static class FormatLayout
    {
        /// <summary>"TDSC" read as a little-endian i32.</summary>
        public const int Magic = 0x43534454;
        public const int VersionMajor = 1;
        public const int VersionMinor = 0;

        /// <summary>Minor version of a file that contains a fused block (op 8); without one the writer keeps minor 0.</summary>
        public const int VersionMinorFused = 1;

        public const int HeaderSize = 64;
        public const int TensorRecordSize = 40;
        public const int OperatorRecordSize = 128;

        /// <summary>CRC32 covers bytes [CrcStart, file size).</summary>
        public const int CrcStart = 16;

        public const int OffsetMagic = 0;
        public const int OffsetVersionMajor = 4;
        public const int OffsetVersionMinor = 6;
        public const int OffsetFileSize = 8;
        public const int OffsetCrc = 12;
        public const int OffsetHeaderSize = 16;
        public const int OffsetTensorCount = 20;
        public const int OffsetOperatorCount = 24;
        public const int OffsetInputTensor = 28;
        public const int OffsetOutputTensor = 32;
        public const int OffsetArenaSize = 36;
        public const int OffsetTensorTable = 40;
        public const int OffsetOperatorTable = 44;
        public const int OffsetData = 48;
        public const int OffsetDataSize = 52;
        public const int OffsetReserved = 56;
        public const int ReservedSize = 8;

        /// <summary>i32 slots of a tensor record.</summary>
        public const int TensorRank = 0;
        public const int TensorDims = 1;
        public const int TensorScale = 5;
        public const int TensorZeroPoint = 6;
        public const int TensorArenaOffset = 7;
        public const int TensorByteSize = 8;
        public const int TensorReserved = 9;

        /// <summary>i32 slots of an operator record.</summary>
        public const int OpCode = 0;
        public const int OpInput0 = 1;
        public const int OpInput1 = 2;
        public const int OpOutput = 3;
        public const int OpActMin = 4;
        public const int OpActMax = 5;
        public const int OpKernelH = 6;
        public const int OpKernelW = 7;
        public const int OpStrideH = 8;
        public const int OpStrideW = 9;
        public const int OpDilationH = 10;
        public const int OpDilationW = 11;
        public const int OpPadTop = 12;
        public const int OpPadLeft = 13;
        public const int OpPadBottom = 14;
        public const int OpPadRight = 15;
        public const int OpGroups = 16;
        public const int OpWeightsOffset = 17;
        public const int OpBiasOffset = 18;
        public const int OpMultiplierOffset = 19;
        public const int OpShiftOffset = 20;
        public const int OpParams = 21;

        public const int MaxTensors = 4096;
        public const int MaxOperators = 4096;

        /// <summary>
        /// 2^26 (64 MiB): largest arena a file may declare, far above any microcontroller's RAM, so that a hostile file
        /// cannot make a device try to allocate a gigabyte; the arena must also equal what its tensors span.
        /// </summary>
        public const int MaxArenaSize = 1 << 26;

        /// <summary>2^30: largest tensor element count (a tensor must also fit in the arena).</summary>
        public const int MaxTensorBytes = 1 << 30;

        /// <summary>
        /// Largest number of multiply-accumulate terms per output of Conv2D (kh·kw·Cin/groups) and FullyConnected (Cin):
        /// each term is at most 255·127 in magnitude (|q − zp| ≤ 255, |w| ≤ 127), and taps·255·127 must stay below 2^31
        /// so the int32 accumulator cannot overflow: floor((2^31 − 1) / 32385) = 66311.
        /// </summary>
        public const int MaxAccumulatorTaps = 66311;

        /// <summary>
        /// Largest number of taps summed by AveragePool (kh·kw) and GlobalAveragePool (H·W): taps·128 &lt; 2^31.
        /// </summary>
        public const int MaxPoolTaps = (1 << 24) - 1;

        /// <summary>
        /// Largest value of taps·255·2^max(shift, 0) for a GlobalAveragePool that requantizes (multiplier and shift
        /// blobs present): its accumulator Σ (q − zp_in) is at most taps·255 in magnitude and is shifted left by
        /// max(shift, 0) before the multiply, all in int32.
        /// </summary>
        public const int MaxRequantizedPoolSum = int.MaxValue;

        /// <summary>Requantization multipliers are 0 or in [2^30, 2^31 − 1].</summary>
        public const int MinMultiplier = 1 << 30;
        public const int MinShift = -31;
        public const int MaxShift = 30;
        public const int MaxAddLeftShift = 30;
    }
}
