using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Native
{
    /// <summary>
    /// Kernel ids, statuses and parameter packing of tdsc_run (runtime/native/include/tinydsc/tdsc_kernels.h); the
    /// numbers are the C header's TDSC_* constants and must stay equal to them.
    /// </summary>
    public static class NativeKernelIds
    {
        /// <summary>TDSC_VERSION the managed side packs parameters for.</summary>
        public const int Version = 1;

        /// <summary>Kernel id of DepthwiseConv3x3 (the C header's TDSC_* value).</summary>
        public const int DepthwiseConv3x3 = 1;
        /// <summary>Kernel id of DepthwiseConv3x3Multiplier (the C header's TDSC_* value).</summary>
        public const int DepthwiseConv3x3Multiplier = 2;
        /// <summary>Kernel id of DepthwiseConv (the C header's TDSC_* value).</summary>
        public const int DepthwiseConv = 3;
        /// <summary>Kernel id of PointwiseConv (the C header's TDSC_* value).</summary>
        public const int PointwiseConv = 4;
        /// <summary>Kernel id of Conv2DDense (the C header's TDSC_* value).</summary>
        public const int Conv2DDense = 5;
        /// <summary>Kernel id of Conv2DReference (the C header's TDSC_* value).</summary>
        public const int Conv2DReference = 6;
        /// <summary>Kernel id of FullyConnected (the C header's TDSC_* value).</summary>
        public const int FullyConnected = 7;
        /// <summary>Kernel id of Add (the C header's TDSC_* value).</summary>
        public const int Add = 8;
        /// <summary>Kernel id of AveragePool (the C header's TDSC_* value).</summary>
        public const int AveragePool = 9;
        /// <summary>Kernel id of MaxPool (the C header's TDSC_* value).</summary>
        public const int MaxPool = 10;
        /// <summary>Kernel id of GlobalAveragePool (the C header's TDSC_* value).</summary>
        public const int GlobalAveragePool = 11;
        /// <summary>Kernel id of GlobalAveragePoolRequantized (the C header's TDSC_* value).</summary>
        public const int GlobalAveragePoolRequantized = 12;

        /// <summary>tdsc_run status Ok (the C header's TDSC_* value).</summary>
        public const int StatusOk = 0;
        /// <summary>tdsc_run status ArgError (the C header's TDSC_* value).</summary>
        public const int StatusArgError = -1;
        /// <summary>tdsc_run status BoundsError (the C header's TDSC_* value).</summary>
        public const int StatusBoundsError = -2;
        /// <summary>tdsc_run status UnknownKernel (the C header's TDSC_* value).</summary>
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
            for (int id = 1; id <= GlobalAveragePoolRequantized; id++)
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
                default: return "kernel " + kernel;
            }
        }
    }
}
