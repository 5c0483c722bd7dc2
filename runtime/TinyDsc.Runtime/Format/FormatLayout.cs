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
        /// <summary>Format major version this runtime reads and the writer writes; a different major version is rejected.</summary>
        public const int VersionMajor = 1;
        /// <summary>Format minor version the writer writes.</summary>
        public const int VersionMinor = 0;

        /// <summary>Minor version of a file that contains a fused block (op 8); without one the writer keeps minor 0.</summary>
        public const int VersionMinorFused = 1;

        /// <summary>Minor version of a file with a fused block of shape p4 = 1 (producer → depthwise), which v1.1 readers refuse.</summary>
        public const int VersionMinorFusedShapes = 2;
        /// <summary>Bytes of the file header.</summary>
        public const int HeaderSize = 64;
        /// <summary>Bytes of one tensor record (10 i32 slots).</summary>
        public const int TensorRecordSize = 40;
        /// <summary>Bytes of one operator record (32 i32 slots).</summary>
        public const int OperatorRecordSize = 128;

        /// <summary>CRC32 covers bytes [CrcStart, file size).</summary>
        public const int CrcStart = 16;

        /// <summary>Byte offset of the header field "magic".</summary>
        public const int OffsetMagic = 0;
        /// <summary>Byte offset of the header field "version major".</summary>
        public const int OffsetVersionMajor = 4;
        /// <summary>Byte offset of the header field "version minor".</summary>
        public const int OffsetVersionMinor = 6;
        /// <summary>Byte offset of the header field "file size".</summary>
        public const int OffsetFileSize = 8;
        /// <summary>Byte offset of the header field "crc".</summary>
        public const int OffsetCrc = 12;
        /// <summary>Byte offset of the header field "header size".</summary>
        public const int OffsetHeaderSize = 16;
        /// <summary>Byte offset of the header field "tensor count".</summary>
        public const int OffsetTensorCount = 20;
        /// <summary>Byte offset of the header field "operator count".</summary>
        public const int OffsetOperatorCount = 24;
        /// <summary>Byte offset of the header field "input tensor".</summary>
        public const int OffsetInputTensor = 28;
        /// <summary>Byte offset of the header field "output tensor".</summary>
        public const int OffsetOutputTensor = 32;
        /// <summary>Byte offset of the header field "arena size".</summary>
        public const int OffsetArenaSize = 36;
        /// <summary>Byte offset of the header field "tensor table".</summary>
        public const int OffsetTensorTable = 40;
        /// <summary>Byte offset of the header field "operator table".</summary>
        public const int OffsetOperatorTable = 44;
        /// <summary>Byte offset of the header field "data".</summary>
        public const int OffsetData = 48;
        /// <summary>Byte offset of the header field "data size".</summary>
        public const int OffsetDataSize = 52;
        /// <summary>Byte offset of the header field "reserved".</summary>
        public const int OffsetReserved = 56;
        /// <summary>Bytes of the reserved header field (zero).</summary>
        public const int ReservedSize = 8;

        /// <summary>i32 slots of a tensor record.</summary>
        public const int TensorRank = 0;
        /// <summary>First of the four i32 dimension slots of a tensor record.</summary>
        public const int TensorDims = 1;
        /// <summary>i32 slot of a tensor record: scale.</summary>
        public const int TensorScale = 5;
        /// <summary>i32 slot of a tensor record: zero point.</summary>
        public const int TensorZeroPoint = 6;
        /// <summary>i32 slot of a tensor record: arena offset.</summary>
        public const int TensorArenaOffset = 7;
        /// <summary>i32 slot of a tensor record: byte size.</summary>
        public const int TensorByteSize = 8;
        /// <summary>i32 slot of a tensor record: reserved.</summary>
        public const int TensorReserved = 9;

        /// <summary>i32 slots of an operator record.</summary>
        public const int OpCode = 0;
        /// <summary>i32 slot of an operator record: input0.</summary>
        public const int OpInput0 = 1;
        /// <summary>i32 slot of an operator record: input1.</summary>
        public const int OpInput1 = 2;
        /// <summary>i32 slot of an operator record: output.</summary>
        public const int OpOutput = 3;
        /// <summary>i32 slot of an operator record: act min.</summary>
        public const int OpActMin = 4;
        /// <summary>i32 slot of an operator record: act max.</summary>
        public const int OpActMax = 5;
        /// <summary>i32 slot of an operator record: kernel h.</summary>
        public const int OpKernelH = 6;
        /// <summary>i32 slot of an operator record: kernel w.</summary>
        public const int OpKernelW = 7;
        /// <summary>i32 slot of an operator record: stride h.</summary>
        public const int OpStrideH = 8;
        /// <summary>i32 slot of an operator record: stride w.</summary>
        public const int OpStrideW = 9;
        /// <summary>i32 slot of an operator record: dilation h.</summary>
        public const int OpDilationH = 10;
        /// <summary>i32 slot of an operator record: dilation w.</summary>
        public const int OpDilationW = 11;
        /// <summary>i32 slot of an operator record: pad top.</summary>
        public const int OpPadTop = 12;
        /// <summary>i32 slot of an operator record: pad left.</summary>
        public const int OpPadLeft = 13;
        /// <summary>i32 slot of an operator record: pad bottom.</summary>
        public const int OpPadBottom = 14;
        /// <summary>i32 slot of an operator record: pad right.</summary>
        public const int OpPadRight = 15;
        /// <summary>i32 slot of an operator record: groups.</summary>
        public const int OpGroups = 16;
        /// <summary>i32 slot of an operator record: weights offset.</summary>
        public const int OpWeightsOffset = 17;
        /// <summary>i32 slot of an operator record: bias offset.</summary>
        public const int OpBiasOffset = 18;
        /// <summary>i32 slot of an operator record: multiplier offset.</summary>
        public const int OpMultiplierOffset = 19;
        /// <summary>i32 slot of an operator record: shift offset.</summary>
        public const int OpShiftOffset = 20;
        /// <summary>First of the OperatorInfo.ParamCount op-specific i32 slots of an operator record.</summary>
        public const int OpParams = 21;

        /// <summary>Most tensors a model may have.</summary>
        public const int MaxTensors = 4096;
        /// <summary>Most operators a model may have.</summary>
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
        /// <summary>Smallest requantization shift.</summary>
        public const int MinShift = -31;
        /// <summary>Largest requantization shift.</summary>
        public const int MaxShift = 30;
        /// <summary>Largest Add left shift (p0).</summary>
        public const int MaxAddLeftShift = 30;
    }
}
