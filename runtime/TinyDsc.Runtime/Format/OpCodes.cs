namespace TinyDsc.Runtime.Format
{
    /// <summary>Operator codes of format v1 (runtime/FORMAT.md). Values are part of the file format: never renumber.</summary>
    public static class OpCodes
    {
        /// <summary>2-D convolution: groups = 1, grouped, or depthwise (groups = Cin, depth multiplier Cout / Cin).</summary>
        public const int Conv2D = 1;

        /// <summary>Fully connected: out[o] = sum_i in[i] * w[o, i] + bias[o].</summary>
        public const int FullyConnected = 2;

        /// <summary>Element-wise add of two tensors of the same shape, each rescaled to the output scale.</summary>
        public const int Add = 3;

        /// <summary>Average pool (output keeps the input's scale and zero point).</summary>
        public const int AveragePool = 4;

        /// <summary>Max pool (output keeps the input's scale and zero point).</summary>
        public const int MaxPool = 5;

        /// <summary>Mean over H and W per channel; requantized to the output's scale and zero point when the operator carries a
        /// multiplier and shift, else the output keeps the input's (FORMAT.md, op code 6).</summary>
        public const int GlobalAveragePool = 6;

        /// <summary>Byte copy into a tensor of the same element count (flatten / reshape).</summary>
        public const int Reshape = 7;

        /// <summary>
        /// Fused block (format v1.1): a group record over the 2..4 operator records that follow it (depthwise → 1×1,
        /// 1×1 → depthwise → 1×1, each optionally → residual Add), executed row by row (Kernels.FusedBlock).
        /// </summary>
        public const int FusedBlock = 8;

        /// <summary>Element-wise int8 function through a 256-entry table in the weights blob (the unary activations).</summary>
        public const int Lookup = 16;

        /// <summary>Element-wise multiply, same shape or by one value per channel ([1,H,W,C] × [1,1,1,C]).</summary>
        public const int Mul = 17;

        /// <summary>Int8 softmax over the last axis (TFLite's int8 softmax, beta 1; output scale 1/256, zero point -128).</summary>
        public const int Softmax = 18;

        /// <summary>Concatenation along the last (channel) axis of 2..4 inputs, each requantized to the output's scale and zero point.</summary>
        public const int Concat = 19;

        /// <summary>Parametric ReLU (TFLite's int8 PRELU): x for x ≥ 0, alpha[c] · x otherwise, one alpha per channel.</summary>
        public const int PRelu = 20;

        /// <summary>Highest op code this runtime knows (codes between are unassigned and rejected, see IsKnown).</summary>
        public const int Max = 20;

        /// <summary>True for an op code this runtime knows (1..8, 16..20).</summary>
        public static bool IsKnown(int code)
        {
            return (code >= Conv2D && code <= FusedBlock) || (code >= Lookup && code <= PRelu);
        }

        /// <summary>Name of an op code for messages ("Conv2D"), or "op code N" for an unknown code.</summary>
        public static string Name(int code)
        {
            switch (code)
            {
                case Conv2D: return "Conv2D";
                case FullyConnected: return "FullyConnected";
                case Add: return "Add";
                case AveragePool: return "AveragePool";
                case MaxPool: return "MaxPool";
                case GlobalAveragePool: return "GlobalAveragePool";
                case Reshape: return "Reshape";
                case FusedBlock: return "FusedBlock";
                case Lookup: return "Lookup";
                case Mul: return "Mul";
                case Softmax: return "Softmax";
                case Concat: return "Concat";
                case PRelu: return "PRelu";
                default: return "op code " + code;
            }
        }
    }
}
