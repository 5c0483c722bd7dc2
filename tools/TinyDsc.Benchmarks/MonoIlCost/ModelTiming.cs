using System;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.MonoIlCost
{
    /// <summary>
    /// `TinyDsc.MonoIlCost.exe model`: milliseconds per inference of the bundled model (BundledModel, generated at build
    /// time) under `mono --interpreter`, three ways, each the fastest of at least 5 inferences over 2 s:
    ///  - Interpreter.Invoke, as users run it;
    ///  - this driver's own loop over the operators with the kernels the Interpreter picks (checks the loop below
    ///    costs what Invoke does);
    ///  - the same loop with every convolution on Conv2DReference (the literal-port baseline). The switch lives here,
    ///    not in the runtime.
    /// All three must give the desktop Interpreter's int8 output bit for bit.
    /// </summary>
    internal static class ModelTiming
    {
        private const int ConvReference = 1;
        private const int Depthwise3x3 = 2;
        private const int Pointwise = 3;
        private const int Dense = 4;
        private const int Depthwise = 5;
        private const int Depthwise3x3Multiplier = 12;
        private const int Fc = 6;
        private const int AddOp = 7;
        private const int AvgPool = 8;
        private const int MaxPoolOp = 9;
        private const int Gap = 10;
        private const int ReshapeOp = 11;
        private const int GapRequantized = 13;

        public static void Run(long budget)
        {
            Model model = ModelReader.Load(Convert.FromBase64String(BundledModel.Model));
            sbyte[] input = Signed(Convert.FromBase64String(BundledModel.Input));
            sbyte[] expected = Signed(Convert.FromBase64String(BundledModel.DesktopOutput));
            var interpreter = new Interpreter(model);
            long macs = 0;
            for (int i = 0; i < model.Operators.Length; i++)
            {
                macs += Macs(model, i);
            }

            Console.WriteLine("bundled model: " + model.Operators.Length + " operators, " + macs + " MACs");
            Console.WriteLine("variant | ms/inference | ns/MAC");

            var output = new sbyte[interpreter.OutputLength];
            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                // The arena plan may reuse the input tensor's bytes for later activations: set the input every time.
                interpreter.SetInput(input, 0);
                long t0 = DateTime.UtcNow.Ticks;
                interpreter.Invoke();
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            interpreter.GetOutput(output, 0);
            Check(expected, output, "Interpreter.Invoke");
            Report("Interpreter.Invoke (specialised kernels)", best, macs);

            Layer[] picked = Build(model, interpreter, false);
            Layer[] reference = Build(model, interpreter, true);
            Report("driver loop, kernels the Interpreter picks", Time(model, picked, input, expected, budget, "picked"), macs);
            Report("driver loop, every conv on Conv2DReference", Time(model, reference, input, expected, budget, "reference"), macs);
        }

        private static long Time(Model model, Layer[] layers, sbyte[] input, sbyte[] expected, long budget, string name)
        {
            var arena = new sbyte[model.ArenaSize];
            int scratchBytes = 0;
            for (int i = 0; i < layers.Length; i++)
            {
                scratchBytes = layers[i].ScratchBytes > scratchBytes ? layers[i].ScratchBytes : scratchBytes;
            }

            var scratch = new sbyte[scratchBytes];
            TensorInfo inT = model.Tensors[model.InputTensor];
            TensorInfo outT = model.Tensors[model.OutputTensor];
            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                Array.Copy(input, 0, arena, inT.ArenaOffset, input.Length);
                long t0 = DateTime.UtcNow.Ticks;
                Invoke(layers, arena, scratch);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            var output = new sbyte[outT.ByteSize];
            Array.Copy(arena, outT.ArenaOffset, output, 0, output.Length);
            Check(expected, output, name);
            return best;
        }

        /// <summary>The operator loop of Interpreter.Invoke, over layers built here.</summary>
        private static void Invoke(Layer[] layers, sbyte[] arena, sbyte[] scratch)
        {
            for (int i = 0; i < layers.Length; i++)
            {
                Layer s = layers[i];
                OperatorInfo op = s.Op;
                switch (s.Kind)
                {
                    case Depthwise3x3:
                        DepthwiseConv3x3.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, scratch);
                        break;
                    case Pointwise:
                        PointwiseConv.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out);
                        break;
                    case Dense:
                        Conv2DDense.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, scratch);
                        break;
                    case Depthwise:
                        DepthwiseConv.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, scratch);
                        break;
                    case Depthwise3x3Multiplier:
                        DepthwiseConv3x3Multiplier.Run(ref s.Conv, arena, s.In0, op.Weights, s.FoldedBias, op.Multiplier, op.Shift, arena, s.Out, scratch);
                        break;
                    case ConvReference:
                        Conv2DReference.Run(ref s.Conv, arena, s.In0, op.Weights, op.Bias, op.Multiplier, op.Shift, arena, s.Out);
                        break;
                    case Fc:
                        FullyConnected.Run(s.Conv.InputC, s.Conv.OutputC, s.Conv.InputZeroPoint, s.Conv.OutputZeroPoint,
                            s.Conv.ActMin, s.Conv.ActMax, arena, s.In0, op.Weights, op.Bias, op.Multiplier, op.Shift, arena, s.Out);
                        break;
                    case AddOp:
                        Add.Run(ref s.AddP, arena, s.In0, arena, s.In1, arena, s.Out, s.Count);
                        break;
                    case AvgPool:
                        AveragePool.Run(ref s.Conv, s.CountIncludePad, arena, s.In0, arena, s.Out);
                        break;
                    case MaxPoolOp:
                        MaxPool.Run(ref s.Conv, arena, s.In0, arena, s.Out);
                        break;
                    case Gap:
                        GlobalAveragePool.Run(s.Conv.InputH, s.Conv.InputW, s.Conv.InputC, s.Conv.ActMin, s.Conv.ActMax, arena, s.In0, arena, s.Out);
                        break;
                    case GapRequantized:
                        GlobalAveragePoolRequantized.Run(s.Conv.InputH, s.Conv.InputW, s.Conv.InputC, s.Conv.InputZeroPoint, s.Conv.OutputZeroPoint,
                            s.Op.Multiplier[0], s.Op.Shift[0], s.Conv.ActMin, s.Conv.ActMax, arena, s.In0, arena, s.Out);
                        break;
                    default:
                        Reshape.Run(arena, s.In0, arena, s.Out, s.Count);
                        break;
                }
            }
        }

        private static Layer[] Build(Model model, Interpreter interpreter, bool referenceConvs)
        {
            var layers = new Layer[model.Operators.Length];
            for (int i = 0; i < layers.Length; i++)
            {
                OperatorInfo op = model.Operators[i];
                TensorInfo input = model.Tensors[op.Input0];
                TensorInfo output = model.Tensors[op.Output];
                var s = new Layer();
                s.Op = op;
                s.In0 = input.ArenaOffset;
                s.Out = output.ArenaOffset;
                s.Conv = ParamsOf(model, op);
                s.Kind = KindOf(interpreter.KernelName(i));
                if (referenceConvs && op.OpCode == OpCodes.Conv2D)
                {
                    s.Kind = ConvReference;
                }

                if (s.Kind == Depthwise3x3 || s.Kind == Pointwise || s.Kind == Dense || s.Kind == Depthwise || s.Kind == Depthwise3x3Multiplier)
                {
                    s.FoldedBias = new int[s.Conv.OutputC];
                    int perChannel = s.Conv.KernelH * s.Conv.KernelW * (s.Conv.InputC / s.Conv.Groups);
                    BiasFolding.Fold(op.Weights, op.Bias, s.Conv.OutputC, perChannel, s.Conv.InputZeroPoint, s.FoldedBias);
                }

                s.ScratchBytes = s.Kind == Depthwise3x3 ? DepthwiseConv3x3.GetScratchSize(ref s.Conv)
                    : s.Kind == Dense ? Conv2DDense.GetScratchSize(ref s.Conv)
                    : s.Kind == Depthwise ? DepthwiseConv.GetScratchSize(ref s.Conv)
                    : s.Kind == Depthwise3x3Multiplier ? DepthwiseConv3x3Multiplier.GetScratchSize(ref s.Conv) : 0;
                if (s.Kind == Fc)
                {
                    s.Conv.InputC = input.ByteSize;
                    s.Conv.OutputC = output.ByteSize;
                }
                else if (s.Kind == AddOp)
                {
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
                }
                else if (s.Kind == AvgPool)
                {
                    s.CountIncludePad = op.Params[0] == 1;
                }
                else if (s.Kind == ReshapeOp)
                {
                    s.Count = input.ByteSize;
                }

                layers[i] = s;
            }

            return layers;
        }

        private static int KindOf(string kernel)
        {
            switch (kernel)
            {
                case "Conv2DReference": return ConvReference;
                case "DepthwiseConv3x3": return Depthwise3x3;
                case "PointwiseConv": return Pointwise;
                case "Conv2DDense": return Dense;
                case "DepthwiseConv": return Depthwise;
                case "DepthwiseConv3x3Multiplier": return Depthwise3x3Multiplier;
                case "FullyConnected": return Fc;
                case "Add": return AddOp;
                case "AveragePool": return AvgPool;
                case "MaxPool": return MaxPoolOp;
                case "GlobalAveragePool": return Gap;
                case "GlobalAveragePoolRequantized": return GapRequantized;
                case "Reshape": return ReshapeOp;
                default: throw new Exception("unknown kernel " + kernel);
            }
        }

        private static long Macs(Model model, int index)
        {
            OperatorInfo op = model.Operators[index];
            if (op.OpCode == OpCodes.FullyConnected)
            {
                return (long)model.Tensors[op.Input0].ByteSize * model.Tensors[op.Output].ByteSize;
            }

            if (op.OpCode != OpCodes.Conv2D)
            {
                return 0;
            }

            ConvParams p = ParamsOf(model, op);
            return (long)p.OutputH * p.OutputW * p.OutputC * p.KernelH * p.KernelW * (p.InputC / p.Groups);
        }

        private static ConvParams ParamsOf(Model model, OperatorInfo op)
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

        private static void Report(string variant, long ticks, long macs)
        {
            // One tick is 100 ns: ms = ticks / 10^4.
            long nsPerMacTimes10 = ticks * 1000L / macs;
            Console.WriteLine(variant + " | " + (ticks / 10000) + "." + Three(ticks % 10000 / 10) + " | "
                + (nsPerMacTimes10 / 10) + "." + (nsPerMacTimes10 % 10));
        }

        private static string Three(long v) => v < 10 ? "00" + v : v < 100 ? "0" + v : v.ToString();

        private static sbyte[] Signed(byte[] b)
        {
            var s = new sbyte[b.Length];
            for (int i = 0; i < b.Length; i++)
            {
                s[i] = (sbyte)b[i];
            }

            return s;
        }

        private static void Check(sbyte[] expected, sbyte[] actual, string name)
        {
            if (expected.Length != actual.Length)
            {
                throw new Exception(name + ": output length " + actual.Length + ", desktop " + expected.Length);
            }

            for (int i = 0; i < expected.Length; i++)
            {
                if (expected[i] != actual[i])
                {
                    throw new Exception(name + ": output differs from the desktop Interpreter's at " + i);
                }
            }
        }

        /// <summary>One operator prepared as Interpreter.Prepare does.</summary>
        private sealed class Layer
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
