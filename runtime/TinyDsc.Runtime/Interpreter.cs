using System;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime
{
    /// <summary>
    /// Runs an int8 model: one arena and one scratch buffer allocated at construction, operators executed in order by
    /// Invoke, which allocates nothing. Construction validates the model (ModelValidator: every rule of FORMAT.md,
    /// including the accumulator bound) and prepares each operator once (TFLM's Prepare): picks the kernel (a
    /// specialised convolution where the shape allows, else the reference) and folds the input zero point into the
    /// bias of the specialised convolutions.
    /// </summary>
    public sealed class Interpreter
    {
        private const int KindConvReference = 1;
        private const int KindDepthwise3x3 = 2;
        private const int KindPointwise = 3;
        private const int KindFullyConnected = 4;
        private const int KindAdd = 5;
        private const int KindAveragePool = 6;
        private const int KindMaxPool = 7;
        private const int KindGlobalAveragePool = 8;
        private const int KindReshape = 9;
        private const int KindDense = 10;
        private const int KindDepthwise = 11;
        private const int KindDepthwise3x3Multiplier = 12;
        private const int KindGlobalAveragePoolRequantized = 13;
        private const int KindFusedBlock = 14;
        private const int KindFusedMember = 15;

        private readonly Step[] _steps;
        private readonly sbyte[] _arena;
        private readonly sbyte[] _scratch;
        private readonly int _inputOffset;

        /// <summary>True from SetInput until the next Invoke, which may overwrite the input tensor's bytes.</summary>
        private bool _inputSet;
        private readonly int _outputOffset;
        private readonly float _inputScale;
        private readonly int _inputZeroPoint;
        private readonly float _outputScale;
        private readonly int _outputZeroPoint;

        /// <summary>Validates (ModelValidator.Validate) and prepares every operator, then allocates the arena and scratch once.</summary>
        /// <exception cref="ArgumentNullException">model is null.</exception>
        /// <exception cref="ModelFormatException">the model breaks a rule of FORMAT.md; the message names op and field.</exception>
        public Interpreter(Model model) : this(model, false)
        {
        }

        /// <summary>
        /// As <see cref="Interpreter(Model)"/>; with referenceConvolutions every Conv2D runs on Conv2DReference, the
        /// plain definition the specialised kernels are tested against. Outputs are identical either way (the kernels are
        /// bit-exact); use it to measure what the specialised kernels save, or to rule them out when chasing a fault on a
        /// device. Only the choice made at construction differs: Invoke is the same code.
        /// </summary>
        /// <exception cref="ArgumentNullException">model is null.</exception>
        /// <exception cref="ModelFormatException">the model breaks a rule of FORMAT.md; the message names op and field.</exception>
        public Interpreter(Model model, bool referenceConvolutions)
        {
            ModelValidator.Validate(model);
            Model = model;
            _steps = new Step[model.Operators.Length];
            int scratch = 0;
            int prepared = 0;
            int groupEnd = -1;
            for (int i = 0; i < _steps.Length; i++)
            {
                Step s = i <= groupEnd ? FusedMemberStep(model, i) : Prepare(model, i, referenceConvolutions);
                if (s.Kind == KindFusedBlock)
                {
                    groupEnd = i + FusedBlocks.MemberCount(model.Operators[i]);
                }

                _steps[i] = s;
                if (s.ScratchBytes > scratch)
                {
                    scratch = s.ScratchBytes;
                }

                if (s.FoldedBias != null)
                {
                    prepared += 4 * s.FoldedBias.Length;
                }

                prepared += s.FusedPrepared;
            }

            TensorInfo input = model.Tensors[model.InputTensor];
            TensorInfo output = model.Tensors[model.OutputTensor];
            InputLength = input.ByteSize;
            OutputLength = output.ByteSize;
            _inputOffset = input.ArenaOffset;
            _outputOffset = output.ArenaOffset;
            _inputScale = input.Scale;
            _inputZeroPoint = input.ZeroPoint;
            _outputScale = output.Scale;
            _outputZeroPoint = output.ZeroPoint;
            PreparedBytes = prepared;
            ScratchBytes = scratch;
            ArenaBytes = model.ArenaSize;
            _arena = new sbyte[model.ArenaSize];
            _scratch = new sbyte[scratch];
        }

        public Model Model { get; }

        /// <summary>Element count of the input tensor (NHWC order).</summary>
        public int InputLength { get; }

        /// <summary>Element count of the output tensor.</summary>
        public int OutputLength { get; }

        /// <summary>Bytes of the activation arena (the model's ArenaSize).</summary>
        public int ArenaBytes { get; }

        /// <summary>Bytes of fixed kernel scratch beside the arena (the largest any operator needs).</summary>
        public int ScratchBytes { get; }

        /// <summary>Bytes of data prepared at construction (folded biases of the specialised convolutions).</summary>
        public int PreparedBytes { get; }

        /// <summary>Scratch bytes an Interpreter for this model would allocate; validates the model, allocates nothing large.</summary>
        /// <exception cref="ModelFormatException">as the constructor.</exception>
        public static int RequiredScratchBytes(Model model)
        {
            ModelValidator.Validate(model);
            int scratch = 0;
            for (int i = 0; i < model.Operators.Length; i++)
            {
                OperatorInfo op = model.Operators[i];
                if (op.OpCode == OpCodes.FusedBlock)
                {
                    // Members of a fused block run inside it, on its work area in the arena: no scratch.
                    i += FusedBlocks.MemberCount(op);
                    continue;
                }

                if (op.OpCode != OpCodes.Conv2D)
                {
                    continue;
                }

                ConvParams p = ConvParamsOf(model, op);
                int n = ConvScratchBytes(ChooseConvKernel(ref p), ref p);
                if (n > scratch)
                {
                    scratch = n;
                }
            }

            return scratch;
        }

        /// <summary>Name of the kernel chosen for operator i (e.g. "DepthwiseConv3x3", "Conv2DReference").</summary>
        public string KernelName(int operatorIndex)
        {
            if (operatorIndex < 0 || operatorIndex >= _steps.Length)
            {
                throw new ArgumentException("operator index must be in 0.." + (_steps.Length - 1) + ", got " + operatorIndex);
            }

            switch (_steps[operatorIndex].Kind)
            {
                case KindConvReference: return "Conv2DReference";
                case KindDepthwise3x3: return "DepthwiseConv3x3";
                case KindPointwise: return "PointwiseConv";
                case KindDense: return "Conv2DDense";
                case KindDepthwise: return "DepthwiseConv";
                case KindDepthwise3x3Multiplier: return "DepthwiseConv3x3Multiplier";
                case KindFullyConnected: return "FullyConnected";
                case KindAdd: return "Add";
                case KindAveragePool: return "AveragePool";
                case KindMaxPool: return "MaxPool";
                case KindGlobalAveragePool: return "GlobalAveragePool";
                case KindGlobalAveragePoolRequantized: return "GlobalAveragePoolRequantized";
                case KindFusedBlock: return "FusedBlock";
                case KindFusedMember: return "FusedMember";
                default: return "Reshape";
            }
        }

        /// <summary>Copies InputLength int8 values (NHWC) from data[offset..] into the input tensor.</summary>
        public void SetInput(sbyte[] data, int offset)
        {
            CheckRange("SetInput", data == null ? -1 : data.Length, offset, InputLength);
            Array.Copy(data, offset, _arena, _inputOffset, InputLength);
            _inputSet = true;
        }

        /// <summary>Quantizes InputLength floats (NHWC) from data[offset..] with the input tensor's scale and zero point.</summary>
        public void SetInput(float[] data, int offset)
        {
            CheckRange("SetInput", data == null ? -1 : data.Length, offset, InputLength);
            for (int i = 0; i < InputLength; i++)
            {
                _arena[_inputOffset + i] = QuantMath.Quantize(data[offset + i], _inputScale, _inputZeroPoint);
            }

            _inputSet = true;
        }

        /// <summary>Copies OutputLength int8 values of the output tensor to dest[offset..].</summary>
        public void GetOutput(sbyte[] dest, int offset)
        {
            CheckRange("GetOutput", dest == null ? -1 : dest.Length, offset, OutputLength);
            Array.Copy(_arena, _outputOffset, dest, offset, OutputLength);
        }

        /// <summary>Writes OutputLength dequantized values of the output tensor to dest[offset..].</summary>
        public void GetOutput(float[] dest, int offset)
        {
            CheckRange("GetOutput", dest == null ? -1 : dest.Length, offset, OutputLength);
            for (int i = 0; i < OutputLength; i++)
            {
                dest[offset + i] = QuantMath.Dequantize(_arena[_outputOffset + i], _outputScale, _outputZeroPoint);
            }
        }

        /// <summary>
        /// Runs every operator in order on the input given by the last SetInput. Allocates nothing. Each Invoke needs
        /// its own SetInput: the converter's memory plan may place later activations over the input tensor.
        /// </summary>
        /// <exception cref="InvalidOperationException">SetInput was not called since the last Invoke.</exception>
        public void Invoke()
        {
            if (!_inputSet)
            {
                throw new InvalidOperationException(
                    "Invoke: no input since the last Invoke; call SetInput first (the memory plan may reuse the input tensor's bytes for later activations)");
            }

            // The input's bytes may be overwritten by the run below.
            _inputSet = false;
            sbyte[] arena = _arena;
            for (int i = 0; i < _steps.Length; i++)
            {
                Step s = _steps[i];
                OperatorInfo op = s.Op;
                switch (s.Kind)
                {
                    case KindDepthwise3x3:
                        DepthwiseConv3x3.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, _scratch);
                        break;
                    case KindPointwise:
                        PointwiseConv.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out);
                        break;
                    case KindDense:
                        Conv2DDense.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, _scratch);
                        break;
                    case KindDepthwise:
                        DepthwiseConv.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, _scratch);
                        break;
                    case KindDepthwise3x3Multiplier:
                        DepthwiseConv3x3Multiplier.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, _scratch);
                        break;
                    case KindConvReference:
                        Conv2DReference.Run(ref s.Conv, arena, s.In0, op.Weights, op.Bias, op.Multiplier, op.Shift, arena, s.Out);
                        break;
                    case KindFullyConnected:
                        FullyConnected.Run(s.Conv.InputC, s.Conv.OutputC, s.Conv.InputZeroPoint, s.Conv.OutputZeroPoint,
                            s.Conv.ActMin, s.Conv.ActMax, arena, s.In0, op.Weights, op.Bias, op.Multiplier, op.Shift, arena, s.Out);
                        break;
                    case KindAdd:
                        Add.Run(ref s.AddP, arena, s.In0, arena, s.In1, arena, s.Out, s.Count);
                        break;
                    case KindAveragePool:
                        AveragePool.Run(ref s.Conv, s.CountIncludePad, arena, s.In0, arena, s.Out);
                        break;
                    case KindMaxPool:
                        MaxPool.Run(ref s.Conv, arena, s.In0, arena, s.Out);
                        break;
                    case KindGlobalAveragePool:
                        GlobalAveragePool.Run(s.Conv.InputH, s.Conv.InputW, s.Conv.InputC, s.Conv.ActMin, s.Conv.ActMax, arena, s.In0, arena, s.Out);
                        break;
                    case KindGlobalAveragePoolRequantized:
                        GlobalAveragePoolRequantized.Run(s.Conv.InputH, s.Conv.InputW, s.Conv.InputC, s.Conv.InputZeroPoint, s.Conv.OutputZeroPoint,
                            op.Multiplier[0], op.Shift[0], s.Conv.ActMin, s.Conv.ActMax, arena, s.In0, arena, s.Out);
                        break;
                    case KindFusedBlock:
                        FusedBlock.Run(s.Fused, arena, s.In0, s.Out, s.Work);
                        break;
                    case KindFusedMember:
                        break;
                    default:
                        Reshape.Run(arena, s.In0, arena, s.Out, s.Count);
                        break;
                }
            }
        }

        /// <summary>
        /// Kernel for a Conv2D, first match wins: DepthwiseConv3x3, DepthwiseConv3x3Multiplier (3×3 depthwise with
        /// multiplier K ≥ 2, and the 3×3 stem over a one-channel input), PointwiseConv, Conv2DDense (groups 1),
        /// DepthwiseConv (any depthwise), else the reference (grouped with several channels per group; groups 1
        /// with W dilation).
        /// </summary>
        private static int ChooseConvKernel(ref ConvParams p)
        {
            if (DepthwiseConv3x3.IsSupported(ref p))
            {
                return KindDepthwise3x3;
            }

            if (DepthwiseConv3x3Multiplier.IsSupported(ref p))
            {
                return KindDepthwise3x3Multiplier;
            }

            if (PointwiseConv.IsSupported(ref p))
            {
                return KindPointwise;
            }

            if (Conv2DDense.IsSupported(ref p))
            {
                return KindDense;
            }

            if (DepthwiseConv.IsSupported(ref p))
            {
                return KindDepthwise;
            }

            return KindConvReference;
        }

        private static int ConvScratchBytes(int kind, ref ConvParams p)
        {
            if (kind == KindDepthwise3x3)
            {
                return DepthwiseConv3x3.GetScratchSize(ref p);
            }

            if (kind == KindDepthwise3x3Multiplier)
            {
                return DepthwiseConv3x3Multiplier.GetScratchSize(ref p);
            }

            if (kind == KindDepthwise)
            {
                return DepthwiseConv.GetScratchSize(ref p);
            }

            return kind == KindDense ? Conv2DDense.GetScratchSize(ref p) : 0;
        }

        private static Step Prepare(Model model, int index, bool referenceConvolutions)
        {
            OperatorInfo op = model.Operators[index];
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            var s = new Step();
            s.Op = op;
            s.In0 = input.ArenaOffset;
            s.Out = output.ArenaOffset;
            switch (op.OpCode)
            {
                case OpCodes.Conv2D:
                    s.Conv = ConvParamsOf(model, op);
                    s.Kind = referenceConvolutions ? KindConvReference : ChooseConvKernel(ref s.Conv);
                    s.ScratchBytes = ConvScratchBytes(s.Kind, ref s.Conv);
                    if (s.Kind != KindConvReference)
                    {
                        // Every specialised convolution reads padding as zp_in from its band and takes the folded bias.
                        s.FoldedBias = new int[s.Conv.OutputC];
                        int perChannel = s.Conv.KernelH * s.Conv.KernelW * (s.Conv.InputC / s.Conv.Groups);
                        BiasFolding.Fold(op.Weights, op.Bias, s.Conv.OutputC, perChannel, s.Conv.InputZeroPoint, s.FoldedBias);
                    }

                    break;
                case OpCodes.FullyConnected:
                    s.Kind = KindFullyConnected;
                    s.Conv = ConvParamsOf(model, op);
                    s.Conv.InputC = input.ByteSize;
                    s.Conv.OutputC = output.ByteSize;
                    break;
                case OpCodes.Add:
                    s.Kind = KindAdd;
                    TensorInfo input1 = model.Tensors[op.Input1];
                    s.In1 = input1.ArenaOffset;
                    s.Count = output.ByteSize;
                    s.AddP.LeftShift = op.Params[0];
                    s.AddP.Input0Multiplier = op.Params[1];
                    s.AddP.Input0Shift = op.Params[2];
                    s.AddP.Input1Multiplier = op.Params[3];
                    s.AddP.Input1Shift = op.Params[4];
                    s.AddP.OutputMultiplier = op.Params[5];
                    s.AddP.OutputShift = op.Params[6];
                    s.AddP.Input0ZeroPoint = input.ZeroPoint;
                    s.AddP.Input1ZeroPoint = input1.ZeroPoint;
                    s.AddP.OutputZeroPoint = output.ZeroPoint;
                    s.AddP.ActMin = op.ActMin;
                    s.AddP.ActMax = op.ActMax;
                    break;
                case OpCodes.AveragePool:
                    s.Kind = KindAveragePool;
                    s.Conv = ConvParamsOf(model, op);
                    s.CountIncludePad = op.Params[0] == 1;
                    break;
                case OpCodes.MaxPool:
                    s.Kind = KindMaxPool;
                    s.Conv = ConvParamsOf(model, op);
                    break;
                case OpCodes.GlobalAveragePool:
                    s.Kind = op.Multiplier != null ? KindGlobalAveragePoolRequantized : KindGlobalAveragePool;
                    s.Conv = ConvParamsOf(model, op);
                    break;
                case OpCodes.FusedBlock:
                    s.Kind = KindFusedBlock;
                    s.Fused = FusedBlocks.Prepare(model, index);
                    s.Work = FusedBlocks.WorkOffset(op);
                    s.FusedPrepared = FusedBlocks.PreparedBytes(s.Fused);
                    break;
                default:
                    s.Kind = KindReshape;
                    s.Count = input.ByteSize;
                    break;
            }

            return s;
        }

        /// <summary>A member of a fused block: runs inside the block's step, nothing of its own.</summary>
        private static Step FusedMemberStep(Model model, int index)
        {
            var s = new Step();
            s.Op = model.Operators[index];
            s.Kind = KindFusedMember;
            return s;
        }

        /// <summary>Window-op parameters from the operator record and its NHWC input/output tensors.</summary>
        internal static ConvParams ConvParamsOf(Model model, OperatorInfo op)
        {
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            var p = new ConvParams();
            p.InputH = input.Dims[1];
            p.InputW = input.Dims[2];
            p.InputC = input.Dims[3];
            p.OutputH = output.Dims[1];
            p.OutputW = output.Dims[2];
            p.OutputC = output.Dims[3];
            p.KernelH = op.KernelH;
            p.KernelW = op.KernelW;
            p.StrideH = op.StrideH;
            p.StrideW = op.StrideW;
            p.DilationH = op.DilationH;
            p.DilationW = op.DilationW;
            p.PadTop = op.PadTop;
            p.PadLeft = op.PadLeft;
            p.PadBottom = op.PadBottom;
            p.PadRight = op.PadRight;
            p.Groups = op.Groups;
            p.InputZeroPoint = input.ZeroPoint;
            p.OutputZeroPoint = output.ZeroPoint;
            p.ActMin = op.ActMin;
            p.ActMax = op.ActMax;
            return p;
        }

        private static void CheckRange(string method, int arrayLength, int offset, int count)
        {
            if (arrayLength < 0)
            {
                throw new ArgumentException(method + ": array must not be null (expected " + count + " values)");
            }

            if (offset < 0 || offset > arrayLength || arrayLength - offset < count)
            {
                throw new ArgumentException(method + ": expected " + count + " values from offset " + offset
                    + ", but the array has length " + arrayLength);
            }
        }

        /// <summary>One prepared operator: kernel choice, parameters, arena offsets, prepared data.</summary>
        private sealed class Step
        {
            public int Kind;
            public OperatorInfo Op;
            public ConvParams Conv;
            public AddParams AddP;
            public int In0;
            public int In1;
            public int Out;
            public int Count;
            public bool CountIncludePad;
            public int[] FoldedBias;
            public int ScratchBytes;

            /// <summary>Fused block: its prepared members, the work area's arena offset, bytes of folded biases.</summary>
            public FusedBlock Fused;
            public int Work;
            public int FusedPrepared;
        }
    }
}
