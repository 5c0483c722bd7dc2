using System;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime
{
    /// <summary>
    /// Runs an int8 model: one arena and one scratch buffer allocated at construction, operators executed in order by
    /// Invoke, which allocates nothing. Construction prepares each operator once (TFLM's Prepare): checks what the
    /// kernels rely on, picks the kernel (a specialised convolution where the shape allows, else the reference),
    /// and folds the input zero point into the bias for the specialised convolutions.
    /// </summary>
    public sealed class Interpreter
    {
        /// <summary>Largest kh·kw·(Cin/groups) (or FC input length) whose accumulator provably fits int32: n·127·255 &lt; 2^31.</summary>
        public const int MaxTapsPerOutput = 66311;

        private const int KindConvReference = 1;
        private const int KindDepthwise3x3 = 2;
        private const int KindPointwise = 3;
        private const int KindFullyConnected = 4;
        private const int KindAdd = 5;
        private const int KindAveragePool = 6;
        private const int KindMaxPool = 7;
        private const int KindGlobalAveragePool = 8;
        private const int KindReshape = 9;

        private readonly Step[] _steps;
        private readonly sbyte[] _arena;
        private readonly sbyte[] _scratch;
        private readonly int _inputOffset;
        private readonly int _outputOffset;
        private readonly float _inputScale;
        private readonly int _inputZeroPoint;
        private readonly float _outputScale;
        private readonly int _outputZeroPoint;

        /// <summary>Validates and prepares every operator, then allocates the arena and scratch once.</summary>
        /// <exception cref="ArgumentException">model is null.</exception>
        /// <exception cref="ModelFormatException">an operator or tensor the kernels cannot run, naming op and field.</exception>
        public Interpreter(Model model)
        {
            if (model == null)
            {
                throw new ArgumentException("model must not be null");
            }

            CheckModel(model);
            Model = model;
            _steps = new Step[model.Operators.Length];
            int scratch = 0;
            int prepared = 0;
            for (int i = 0; i < _steps.Length; i++)
            {
                Step s = Prepare(model, i);
                _steps[i] = s;
                if (s.ScratchBytes > scratch)
                {
                    scratch = s.ScratchBytes;
                }

                if (s.FoldedBias != null)
                {
                    prepared += 4 * s.FoldedBias.Length;
                }
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
            if (model == null)
            {
                throw new ArgumentException("model must not be null");
            }

            CheckModel(model);
            int scratch = 0;
            for (int i = 0; i < model.Operators.Length; i++)
            {
                OperatorInfo op = model.Operators[i];
                if (op.OpCode != OpCodes.Conv2D)
                {
                    continue;
                }

                ConvParams p = ConvParamsOf(model, op);
                if (ChooseConvKernel(ref p) == KindDepthwise3x3)
                {
                    int n = DepthwiseConv3x3.GetScratchSize(ref p);
                    if (n > scratch)
                    {
                        scratch = n;
                    }
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
                case KindFullyConnected: return "FullyConnected";
                case KindAdd: return "Add";
                case KindAveragePool: return "AveragePool";
                case KindMaxPool: return "MaxPool";
                case KindGlobalAveragePool: return "GlobalAveragePool";
                default: return "Reshape";
            }
        }

        /// <summary>Copies InputLength int8 values (NHWC) from data[offset..] into the input tensor.</summary>
        public void SetInput(sbyte[] data, int offset)
        {
            CheckRange("SetInput", data == null ? -1 : data.Length, offset, InputLength);
            Array.Copy(data, offset, _arena, _inputOffset, InputLength);
        }

        /// <summary>Quantizes InputLength floats (NHWC) from data[offset..] with the input tensor's scale and zero point.</summary>
        public void SetInput(float[] data, int offset)
        {
            CheckRange("SetInput", data == null ? -1 : data.Length, offset, InputLength);
            for (int i = 0; i < InputLength; i++)
            {
                _arena[_inputOffset + i] = QuantMath.Quantize(data[offset + i], _inputScale, _inputZeroPoint);
            }
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

        /// <summary>Runs every operator in order on the current input. Allocates nothing.</summary>
        public void Invoke()
        {
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
                    default:
                        Reshape.Run(arena, s.In0, arena, s.Out, s.Count);
                        break;
                }
            }
        }

        /// <summary>Kernel for a Conv2D: the specialised ones where IsSupported, else the reference.</summary>
        private static int ChooseConvKernel(ref ConvParams p)
        {
            if (DepthwiseConv3x3.IsSupported(ref p))
            {
                return KindDepthwise3x3;
            }

            if (PointwiseConv.IsSupported(ref p))
            {
                return KindPointwise;
            }

            return KindConvReference;
        }

        private static Step Prepare(Model model, int index)
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
                    s.Kind = ChooseConvKernel(ref s.Conv);
                    if (s.Kind == KindDepthwise3x3)
                    {
                        s.FoldedBias = new int[s.Conv.OutputC];
                        BiasFolding.Fold(op.Weights, op.Bias, s.Conv.OutputC, 9, s.Conv.InputZeroPoint, s.FoldedBias);
                        s.ScratchBytes = DepthwiseConv3x3.GetScratchSize(ref s.Conv);
                    }
                    else if (s.Kind == KindPointwise)
                    {
                        s.FoldedBias = new int[s.Conv.OutputC];
                        BiasFolding.Fold(op.Weights, op.Bias, s.Conv.OutputC, s.Conv.InputC, s.Conv.InputZeroPoint, s.FoldedBias);
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
                    s.Kind = KindGlobalAveragePool;
                    s.Conv = ConvParamsOf(model, op);
                    break;
                default:
                    s.Kind = KindReshape;
                    s.Count = input.ByteSize;
                    break;
            }

            return s;
        }

        /// <summary>Window-op parameters from the operator record and its NHWC input/output tensors.</summary>
        private static ConvParams ConvParamsOf(Model model, OperatorInfo op)
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

        /// <summary>
        /// What the kernels rely on: indices, arena bounds, shapes per op code, blob lengths, requantization ranges and
        /// the accumulator bound. The format's full validation (ModelValidator) is the reader's job; this keeps the
        /// interpreter safe for models built in memory.
        /// </summary>
        private static void CheckModel(Model model)
        {
            if (model.Tensors == null || model.Operators == null || model.Operators.Length == 0)
            {
                throw new ModelFormatException("model has no tensors or no operators");
            }

            int tensorCount = model.Tensors.Length;
            if (model.ArenaSize < 1)
            {
                throw new ModelFormatException("arena size must be >= 1, got " + model.ArenaSize);
            }

            CheckTensorIndex(model, model.InputTensor, "model input");
            CheckTensorIndex(model, model.OutputTensor, "model output");
            for (int t = 0; t < tensorCount; t++)
            {
                TensorInfo ti = model.Tensors[t];
                if (ti == null || ti.Dims == null || ti.Dims.Length != 4)
                {
                    throw new ModelFormatException("tensor " + t + ": missing or without 4 dims");
                }

                long elements = 1;
                for (int d = 0; d < 4; d++)
                {
                    if (ti.Dims[d] < 1)
                    {
                        throw new ModelFormatException("tensor " + t + ": dim " + d + " must be >= 1, got " + ti.Dims[d]);
                    }

                    elements *= ti.Dims[d];
                }

                if (ti.ByteSize != elements)
                {
                    throw new ModelFormatException("tensor " + t + ": byte size " + ti.ByteSize + " differs from the product of its dims " + elements);
                }

                if (ti.ArenaOffset < 0 || ti.ArenaOffset > model.ArenaSize - ti.ByteSize)
                {
                    throw new ModelFormatException("tensor " + t + ": bytes [" + ti.ArenaOffset + ", " + ((long)ti.ArenaOffset + ti.ByteSize)
                        + ") lie outside the arena of " + model.ArenaSize + " bytes");
                }

                if (ti.ZeroPoint < -128 || ti.ZeroPoint > 127)
                {
                    throw new ModelFormatException("tensor " + t + ": zero point must be in -128..127, got " + ti.ZeroPoint);
                }
            }

            for (int i = 0; i < model.Operators.Length; i++)
            {
                CheckOperator(model, i);
            }
        }

        private static void CheckTensorIndex(Model model, int index, string what)
        {
            if (index < 0 || index >= model.Tensors.Length)
            {
                throw new ModelFormatException(what + ": tensor index " + index + " is outside 0.." + (model.Tensors.Length - 1));
            }
        }

        private static void CheckOperator(Model model, int i)
        {
            OperatorInfo op = model.Operators[i];
            if (op == null)
            {
                throw new ModelFormatException("operator " + i + " is missing");
            }

            string where = "operator " + i + " (op code " + op.OpCode + "): ";
            CheckTensorIndex(model, op.Input0, where + "input 0");
            CheckTensorIndex(model, op.Output, where + "output");
            if (op.ActMin < -128 || op.ActMax > 127 || op.ActMin > op.ActMax)
            {
                throw new ModelFormatException(where + "activation range [" + op.ActMin + ", " + op.ActMax + "] is not inside -128..127");
            }

            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            switch (op.OpCode)
            {
                case OpCodes.Conv2D:
                    CheckConv(model, op, where);
                    break;
                case OpCodes.FullyConnected:
                    CheckTaps(input.ByteSize, where);
                    CheckLength(op.Weights == null ? -1 : op.Weights.Length, output.ByteSize * input.ByteSize, where + "weights");
                    CheckRequant(op, output.ByteSize, where);
                    break;
                case OpCodes.Add:
                    CheckTensorIndex(model, op.Input1, where + "input 1");
                    TensorInfo input1 = model.Tensors[op.Input1];
                    if (input.ByteSize != output.ByteSize || input1.ByteSize != output.ByteSize)
                    {
                        throw new ModelFormatException(where + "Add inputs of " + input.ByteSize + " and " + input1.ByteSize
                            + " elements must match the output's " + output.ByteSize);
                    }

                    if (op.Params == null || op.Params.Length < 7 || op.Params[0] < 0 || op.Params[0] > 30)
                    {
                        throw new ModelFormatException(where + "Add needs p0 (left shift) in 0..30 and p1..p6");
                    }

                    for (int k = 2; k <= 6; k += 2)
                    {
                        CheckShift(op.Params[k], where + "p" + k);
                    }

                    break;
                case OpCodes.AveragePool:
                case OpCodes.MaxPool:
                    CheckWindow(model, op, where, true);
                    if (input.Dims[3] != output.Dims[3])
                    {
                        throw new ModelFormatException(where + "pool output has " + output.Dims[3] + " channels, input " + input.Dims[3]);
                    }

                    break;
                case OpCodes.GlobalAveragePool:
                    if (input.Rank != 4 || output.ByteSize != input.Dims[3])
                    {
                        throw new ModelFormatException(where + "GlobalAveragePool needs a rank-4 input and " + input.Dims[3]
                            + " output elements, got " + output.ByteSize);
                    }

                    break;
                case OpCodes.Reshape:
                    if (input.ByteSize != output.ByteSize)
                    {
                        throw new ModelFormatException(where + "Reshape from " + input.ByteSize + " to " + output.ByteSize + " elements");
                    }

                    break;
                default:
                    throw new ModelFormatException(where + "unknown op code");
            }
        }

        private static void CheckConv(Model model, OperatorInfo op, string where)
        {
            CheckWindow(model, op, where, false);
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            int cin = input.Dims[3];
            int cout = output.Dims[3];
            if (op.Groups < 1 || cin % op.Groups != 0 || cout % op.Groups != 0)
            {
                throw new ModelFormatException(where + "groups=" + op.Groups + " must divide input channels " + cin + " and output channels " + cout);
            }

            long taps = (long)op.KernelH * op.KernelW * (cin / op.Groups);
            CheckTaps(taps, where);
            CheckLength(op.Weights == null ? -1 : op.Weights.Length, cout * taps, where + "weights");
            CheckRequant(op, cout, where);
        }

        /// <summary>Rank-4 tensors, kernel/stride/dilation ≥ 1, pads below the kernel extent, output dims per the format formula.</summary>
        private static void CheckWindow(Model model, OperatorInfo op, string where, bool pool)
        {
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            if (input.Rank != 4 || output.Rank != 4)
            {
                throw new ModelFormatException(where + "needs rank-4 NHWC input and output, got ranks " + input.Rank + " and " + output.Rank);
            }

            if (op.KernelH < 1 || op.KernelW < 1 || op.StrideH < 1 || op.StrideW < 1 || op.DilationH < 1 || op.DilationW < 1
                || (pool && (op.DilationH != 1 || op.DilationW != 1)))
            {
                throw new ModelFormatException(where + "kernel, stride and dilation must be >= 1 (dilation 1 for pools)");
            }

            int extentH = op.DilationH * (op.KernelH - 1) + 1;
            int extentW = op.DilationW * (op.KernelW - 1) + 1;
            if (op.PadTop < 0 || op.PadBottom < 0 || op.PadTop >= extentH || op.PadBottom >= extentH
                || op.PadLeft < 0 || op.PadRight < 0 || op.PadLeft >= extentW || op.PadRight >= extentW)
            {
                throw new ModelFormatException(where + "pads must be >= 0 and below the kernel extent " + extentH + "x" + extentW);
            }

            int oh = ConvParams.OutputExtent(input.Dims[1], op.PadTop, op.PadBottom, op.KernelH, op.StrideH, op.DilationH);
            int ow = ConvParams.OutputExtent(input.Dims[2], op.PadLeft, op.PadRight, op.KernelW, op.StrideW, op.DilationW);
            if (output.Dims[1] != oh || output.Dims[2] != ow)
            {
                throw new ModelFormatException(where + "expected output " + oh + "x" + ow + ", got " + output.Dims[1] + "x" + output.Dims[2]);
            }
        }

        private static void CheckTaps(long taps, string where)
        {
            if (taps > MaxTapsPerOutput)
            {
                throw new ModelFormatException(where + taps + " taps per output exceed " + MaxTapsPerOutput
                    + " (taps·127·255 must stay below 2^31)");
            }
        }

        private static void CheckRequant(OperatorInfo op, int channels, string where)
        {
            if (op.Bias != null)
            {
                CheckLength(op.Bias.Length, channels, where + "bias");
            }

            CheckLength(op.Multiplier == null ? -1 : op.Multiplier.Length, channels, where + "multiplier");
            CheckLength(op.Shift == null ? -1 : op.Shift.Length, channels, where + "shift");
            for (int c = 0; c < channels; c++)
            {
                int m = op.Multiplier[c];
                if (m != 0 && m < (1 << 30))
                {
                    throw new ModelFormatException(where + "multiplier[" + c + "] = " + m + " is outside [2^30, 2^31) and not 0");
                }

                CheckShift(op.Shift[c], where + "shift[" + c + "]");
            }
        }

        private static void CheckShift(int shift, string what)
        {
            if (shift < -31 || shift > 30)
            {
                throw new ModelFormatException(what + " = " + shift + " is outside -31..30");
            }
        }

        private static void CheckLength(int actual, long expected, string what)
        {
            if (actual != expected)
            {
                throw new ModelFormatException(what + ": expected " + expected + " elements, got " + (actual < 0 ? "none" : actual.ToString()));
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
        }
    }
}
