using System;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.MonoIlCost
{
    /// <summary>
    /// `TinyDsc.MonoIlCost.exe model`: milliseconds per inference of the bundled model (BundledModel, generated at build
    /// time) under `mono --interpreter`, two ways, each the fastest of at least 5 inferences over the budget:
    ///  - new Interpreter(model): the kernels the Interpreter picks, as users run it;
    ///  - new Interpreter(model, true): every convolution on Conv2DReference (the literal-port baseline).
    /// Both must give the desktop Interpreter's int8 output bit for bit.
    /// </summary>
    internal static class ModelTiming
    {
        public static void Run(long budget)
        {
            Model model = ModelReader.Load(Convert.FromBase64String(BundledModel.Model));
            sbyte[] input = Signed(Convert.FromBase64String(BundledModel.Input));
            sbyte[] expected = Signed(Convert.FromBase64String(BundledModel.DesktopOutput));
            long macs = 0;
            for (int i = 0; i < model.Operators.Length; i++)
            {
                macs += Macs(model, i);
            }

            Console.WriteLine("bundled model: " + model.Operators.Length + " operators, " + macs + " MACs");
            Console.WriteLine("variant | ms/inference | ns/MAC");
            Report("Interpreter.Invoke (kernels the Interpreter picks)", Time(new Interpreter(model), input, expected, budget, "picked"), macs);
            Report("every conv on Conv2DReference", Time(new Interpreter(model, true), input, expected, budget, "reference"), macs);
        }

        private static long Time(Interpreter interpreter, sbyte[] input, sbyte[] expected, long budget, string name)
        {
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

            var output = new sbyte[interpreter.OutputLength];
            interpreter.GetOutput(output, 0);
            Check(expected, output, name);
            return best;
        }

        private static long Macs(Model model, int index)
        {
            OperatorInfo op = model.Operators[index];
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            if (op.OpCode == OpCodes.FullyConnected)
            {
                return (long)input.ByteSize * output.ByteSize;
            }

            if (op.OpCode != OpCodes.Conv2D)
            {
                return 0;
            }

            // Each output element takes kh · kw · Cin/groups products (input dims are NHWC).
            return (long)output.ByteSize * op.KernelH * op.KernelW * (input.Dims[3] / op.Groups);
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
    }
}
