using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime
{
    /// <summary>
    /// Prepare for a fused block record (FORMAT.md op 8, validated by FusedGroupRules): reads its member records and
    /// builds the Kernels.FusedBlock the Interpreter runs in their place, with the members' biases folded exactly as
    /// the unfused specialised kernels fold them.
    /// </summary>
    public static class FusedBlocks
    {
        /// <summary>Number of member records after group record op.</summary>
        internal static int MemberCount(OperatorInfo op)
        {
            return op.Params[0];
        }

        /// <summary>Arena offset of the group's work area.</summary>
        internal static int WorkOffset(OperatorInfo op)
        {
            return op.Params[1];
        }

        /// <summary>Output rows the group computes per step: p3, or 1 when p3 is 0.</summary>
        internal static int RowsPerStep(OperatorInfo op)
        {
            return op.Params[3] > 1 ? op.Params[3] : 1;
        }

        /// <summary>Group shape p4: 0 for the v1.1 shapes, ShapeProducerDepthwise for producer → depthwise.</summary>
        internal static int Shape(OperatorInfo op)
        {
            return op.Params[4];
        }

        /// <summary>p4 = 1 (minor 2): a 1×1 expand or a stem, then a depthwise convolution (multiplier ≥ 1), no projection.</summary>
        public const int ShapeProducerDepthwise = 1;

        /// <summary>Bytes of the folded biases of block b.</summary>
        internal static int PreparedBytes(FusedBlock b)
        {
            int n = 4 * b.DepthwiseFoldedBias.Length;
            if (b.ProjectWeights != null)
            {
                n += 4 * b.ProjectFoldedBias.Length;
            }

            return b.ExpandFoldedBias != null ? n + 4 * b.ExpandFoldedBias.Length : n;
        }

        /// <summary>The kernel parameters of the block whose group record is operator index of a validated model.</summary>
        public static FusedBlock Prepare(Model model, int index)
        {
            OperatorInfo[] ops = model.Operators;
            int n = MemberCount(ops[index]);
            bool hasAdd = ops[index + n].OpCode == OpCodes.Add;
            int convs = hasAdd ? n - 1 : n;
            var b = new FusedBlock();
            bool producer = Shape(ops[index]) == ShapeProducerDepthwise;
            b.HasExpand = convs == 3;
            b.Rows = RowsPerStep(ops[index]);
            int at = index + 1;
            if (producer)
            {
                // A 1×1 expand (PointwiseRows over whole rows) or a stem on its windowed kernel.
                OperatorInfo first = ops[at];
                b.HasExpand = FusedGroupRules.IsPointwise(first);
                if (!b.HasExpand)
                {
                    ConvParams stem = Interpreter.ConvParamsOf(model, first);
                    b.StemKernel = FusedBlock.StemKernelOf(ref stem);
                }
            }

            if (b.HasExpand || b.StemKernel != FusedBlock.StemNone)
            {
                OperatorInfo expand = ops[at++];
                ConvParams p = Interpreter.ConvParamsOf(model, expand);
                // A stem keeps its full shape there (FusedBlock.StemKernel); the expand one row of pixels.
                b.ExpandRow = b.HasExpand ? OneRow(p) : p;
                b.ExpandWeights = expand.Weights;
                b.ExpandFoldedBias = Fold(expand, ref p);
                b.ExpandMultiplier = expand.Multiplier;
                b.ExpandShift = Requantize.NarrowShifts(expand.Shift);
            }

            OperatorInfo depthwise = ops[at++];
            b.Depthwise = Interpreter.ConvParamsOf(model, depthwise);
            b.Depthwise3x3 = DepthwiseConv3x3.IsSupported(ref b.Depthwise);
            b.DepthwiseMultiplierRun = !b.Depthwise3x3 && b.Depthwise.OutputC != b.Depthwise.InputC && DepthwiseConv3x3Multiplier.IsSupported(ref b.Depthwise);
            b.DepthwiseWeights = depthwise.Weights;
            b.DepthwiseFoldedBias = Fold(depthwise, ref b.Depthwise);
            b.DepthwiseMultiplier = depthwise.Multiplier;
            b.DepthwiseShift = Requantize.NarrowShifts(depthwise.Shift);

            if (producer)
            {
                return b;
            }

            OperatorInfo project = ops[at++];
            b.ProjectRow = OneRow(Interpreter.ConvParamsOf(model, project));
            b.ProjectWeights = project.Weights;
            b.ProjectFoldedBias = Fold(project, ref b.ProjectRow);
            b.ProjectMultiplier = project.Multiplier;
            b.ProjectShift = Requantize.NarrowShifts(project.Shift);

            if (hasAdd)
            {
                OperatorInfo add = ops[at];
                TensorInfo input0 = model.Tensors[add.Input0];
                TensorInfo input1 = model.Tensors[add.Input1];
                b.HasAdd = true;
                b.ResidualFirst = add.Input0 == ops[index].Input0;
                b.AddP.LeftShift = add.Params[0];
                b.AddP.Input0Multiplier = add.Params[1];
                b.AddP.Input0Shift = add.Params[2];
                b.AddP.Input1Multiplier = add.Params[3];
                b.AddP.Input1Shift = add.Params[4];
                b.AddP.OutputMultiplier = add.Params[5];
                b.AddP.OutputShift = add.Params[6];
                b.AddP.Input0ZeroPoint = input0.ZeroPoint;
                b.AddP.Input1ZeroPoint = input1.ZeroPoint;
                b.AddP.OutputZeroPoint = model.Tensors[add.Output].ZeroPoint;
                b.AddP.ActMin = add.ActMin;
                b.AddP.ActMax = add.ActMax;
            }

            return b;
        }

        /// <summary>A 1×1 convolution's parameters for one row: H = 1 (PointwiseConv computes H·W pixels).</summary>
        private static ConvParams OneRow(ConvParams p)
        {
            p.InputH = 1;
            p.OutputH = 1;
            return p;
        }

        private static int[] Fold(OperatorInfo op, ref ConvParams p)
        {
            var folded = new int[p.OutputC];
            BiasFolding.Fold(op.Weights, op.Bias, p.OutputC, p.KernelH * p.KernelW * (p.InputC / p.Groups), p.InputZeroPoint, folded);
            return folded;
        }
    }
}
