using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Native
{
    /// <summary>
    /// Kernel ids, statuses and parameter packing of tdsc_run (runtime/native/include/tinydsc/tdsc_kernels.h); the
    /// numbers are the C header's TDSC_* constants and must stay equal to them.
    /// </summary>
    public static class NativeKernelIds
    {
        /// <summary>TDSC_VERSION the managed side packs parameters for (3: Lookup, Mul and the depthwise band row added).</summary>
        public const int Version = 3;

        /// <summary>tdsc_depthwise_conv_3x3 (managed DepthwiseConv3x3).</summary>
        public const int DepthwiseConv3x3 = 1;
        /// <summary>tdsc_depthwise_conv_3x3_multiplier (managed DepthwiseConv3x3Multiplier).</summary>
        public const int DepthwiseConv3x3Multiplier = 2;
        /// <summary>tdsc_depthwise_conv (managed DepthwiseConv).</summary>
        public const int DepthwiseConv = 3;
        /// <summary>tdsc_pointwise_conv (managed PointwiseConv).</summary>
        public const int PointwiseConv = 4;
        /// <summary>tdsc_conv2d_dense (managed Conv2DDense).</summary>
        public const int Conv2DDense = 5;
        /// <summary>tdsc_conv2d_reference (managed Conv2DReference).</summary>
        public const int Conv2DReference = 6;
        /// <summary>tdsc_fully_connected (managed FullyConnected).</summary>
        public const int FullyConnected = 7;
        /// <summary>tdsc_add (managed Add).</summary>
        public const int Add = 8;
        /// <summary>tdsc_average_pool (managed AveragePool).</summary>
        public const int AveragePool = 9;
        /// <summary>tdsc_max_pool (managed MaxPool).</summary>
        public const int MaxPool = 10;
        /// <summary>tdsc_global_average_pool (managed GlobalAveragePool).</summary>
        public const int GlobalAveragePool = 11;
        /// <summary>tdsc_global_average_pool_requantized (managed GlobalAveragePoolRequantized).</summary>
        public const int GlobalAveragePoolRequantized = 12;
        /// <summary>tdsc_lookup (managed Lookup).</summary>
        public const int Lookup = 13;
        /// <summary>tdsc_mul (managed Mul).</summary>
        public const int Mul = 14;
        /// <summary>tdsc_depthwise_conv_band_row (managed DepthwiseConv.Row / DepthwiseConv3x3.Rows: depthwise rows of a FusedBlock).</summary>
        public const int DepthwiseConvBandRow = 15;

        /// <summary>TDSC_OK: the kernel ran.</summary>
        public const int StatusOk = 0;
        /// <summary>TDSC_ARG_ERROR: a kernel precondition failed (shape, shift, zero point, clamp); nothing written.</summary>
        public const int StatusArgError = -1;
        /// <summary>TDSC_BOUNDS_ERROR: an extent lies outside the arrays handed over; nothing written.</summary>
        public const int StatusBoundsError = -2;
        /// <summary>TDSC_UNKNOWN_KERNEL: unknown id or wrong parameter count.</summary>
        public const int StatusUnknownKernel = -3;

        /// <summary>The 21 ConvParams fields in declaration order (tdsc_conv_params), plus `extra` zeros after them.</summary>
        public static int[] PackConv(ref ConvParams p, int extra)
        {
            int[] v = new int[21 + extra];
            v[0] = p.InputH;
            v[1] = p.InputW;
            v[2] = p.InputC;
            v[3] = p.OutputH;
            v[4] = p.OutputW;
            v[5] = p.OutputC;
            v[6] = p.KernelH;
            v[7] = p.KernelW;
            v[8] = p.StrideH;
            v[9] = p.StrideW;
            v[10] = p.DilationH;
            v[11] = p.DilationW;
            v[12] = p.PadTop;
            v[13] = p.PadLeft;
            v[14] = p.PadBottom;
            v[15] = p.PadRight;
            v[16] = p.Groups;
            v[17] = p.InputZeroPoint;
            v[18] = p.OutputZeroPoint;
            v[19] = p.ActMin;
            v[20] = p.ActMax;
            return v;
        }

        /// <summary>The 12 AddParams fields (tdsc_add_params order), then the element count.</summary>
        public static int[] PackAdd(ref AddParams p, int count)
        {
            return new int[]
            {
                p.LeftShift, p.Input0Multiplier, p.Input0Shift, p.Input1Multiplier, p.Input1Shift, p.OutputMultiplier,
                p.OutputShift, p.Input0ZeroPoint, p.Input1ZeroPoint, p.OutputZeroPoint, p.ActMin, p.ActMax, count,
            };
        }

        /// <summary>Id of the native kernel that computes what the managed kernel of that name computes, 0 for none.</summary>
        public static int Of(string managedKernelName)
        {
            for (int id = 1; id <= Mul; id++)
            {
                if (Name(id) == managedKernelName)
                {
                    return id;
                }
            }

            return 0;
        }

        /// <summary>Name of a kernel id, as Interpreter.KernelName reports the managed kernel.</summary>
        public static string Name(int kernel)
        {
            switch (kernel)
            {
                case DepthwiseConv3x3: return "DepthwiseConv3x3";
                case DepthwiseConv3x3Multiplier: return "DepthwiseConv3x3Multiplier";
                case DepthwiseConv: return "DepthwiseConv";
                case PointwiseConv: return "PointwiseConv";
                case Conv2DDense: return "Conv2DDense";
                case Conv2DReference: return "Conv2DReference";
                case FullyConnected: return "FullyConnected";
                case Add: return "Add";
                case AveragePool: return "AveragePool";
                case MaxPool: return "MaxPool";
                case GlobalAveragePool: return "GlobalAveragePool";
                case GlobalAveragePoolRequantized: return "GlobalAveragePoolRequantized";
                case Lookup: return "Lookup";
                case Mul: return "Mul";
                case DepthwiseConvBandRow: return "DepthwiseConvBandRow";
                default: return "kernel " + kernel;
            }
        }
    }
}
