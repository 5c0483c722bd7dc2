using System;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Samples.SelfTest
{
    /// <summary>
    /// Runs every golden case through the runtime and compares the int8 output with the expected bytes exactly.
    /// Prints "case N (name): PASS" or "case N (name): FAIL, ..." per case and one summary line.
    /// </summary>
    public static class SelfTestRunner
    {
        /// <summary>Start of the summary line; it continues "ALL PASS" or "FAIL".</summary>
        public const string SummaryPrefix = "SelfTest summary: ";

        /// <summary>Prints the first line: how many cases there are.</summary>
        public static void WriteHeader(IGoldenVectors golden, ILog log)
        {
            log.WriteLine("TinyDsc SelfTest: " + golden.Count.ToString() + " golden cases");
        }

        /// <summary>Start of the line that says which kernels run; it continues "native" or "managed".</summary>
        public const string KernelsPrefix = "kernels: ";

        /// <summary>Header, model load and every case; returns true when the model loaded and every case matched.</summary>
        public static bool Run(IModelSource source, IGoldenVectors golden, ILog log)
        {
            return Run(source, golden, log, null);
        }

        /// <summary>As Run, on native kernels where nativeKernels is available (see RunCases).</summary>
        public static bool Run(IModelSource source, IGoldenVectors golden, ILog log, INativeKernels nativeKernels)
        {
            WriteHeader(golden, log);
            Model model = LoadModel(source, log);
            return model != null && RunCases(model, golden, log, nativeKernels);
        }

        /// <summary>Loads the model; on failure prints the FAIL and summary lines and returns null.</summary>
        public static Model LoadModel(IModelSource source, ILog log)
        {
            try
            {
                return ModelReader.Load(source);
            }
            catch (Exception e)
            {
                log.WriteLine("model: FAIL, " + e.GetType().Name + ": " + e.Message);
                log.WriteLine(SummaryPrefix + "FAIL, model did not load");
                return null;
            }
        }

        /// <summary>Runs every case on a loaded model; returns true when every case matched.</summary>
        public static bool RunCases(Model model, IGoldenVectors golden, ILog log)
        {
            return RunCases(model, golden, log, null);
        }

        /// <summary>
        /// As RunCases, with an interpreter given nativeKernels (null: managed only; on a device TinyDsc.Runtime.Native's
        /// FirmwareKernels, which the interpreter probes once); prints "kernels: native" or "kernels: managed".
        /// </summary>
        public static bool RunCases(Model model, IGoldenVectors golden, ILog log, INativeKernels nativeKernels)
        {
            Interpreter interpreter;
            try
            {
                interpreter = new Interpreter(model, nativeKernels);
            }
            catch (Exception e)
            {
                log.WriteLine("interpreter: FAIL, " + e.GetType().Name + ": " + e.Message);
                log.WriteLine(SummaryPrefix + "FAIL, interpreter could not be created");
                return false;
            }

            log.WriteLine(KernelsPrefix + (interpreter.UsesNativeKernels ? "native" : "managed"));
            sbyte[] actual = new sbyte[interpreter.OutputLength];
            int passed = 0;
            for (int i = 0; i < golden.Count; i++)
            {
                string verdict = RunCase(interpreter, golden.Input(i), golden.ExpectedOutput(i), actual);
                if (verdict == null)
                {
                    passed++;
                    log.WriteLine("case " + i.ToString() + " (" + golden.Name(i) + "): PASS");
                }
                else
                {
                    log.WriteLine("case " + i.ToString() + " (" + golden.Name(i) + "): FAIL, " + verdict);
                }
            }

            bool allPassed = passed == golden.Count && golden.Count > 0;
            log.WriteLine(SummaryPrefix + (allPassed ? "ALL PASS" : "FAIL") + ", " + passed.ToString() + " of "
                + golden.Count.ToString() + " cases passed");
            return allPassed;
        }

        /// <summary>Runs one case; returns null when the output matches, else what differs.</summary>
        private static string RunCase(Interpreter interpreter, sbyte[] input, sbyte[] expected, sbyte[] actual)
        {
            if (input.Length != interpreter.InputLength)
            {
                return "input has " + input.Length.ToString() + " values, the model expects " + interpreter.InputLength.ToString();
            }

            if (expected.Length != interpreter.OutputLength)
            {
                return "expected output has " + expected.Length.ToString() + " values, the model produces " + interpreter.OutputLength.ToString();
            }

            try
            {
                interpreter.SetInput(input, 0);
                interpreter.Invoke();
                interpreter.GetOutput(actual, 0);
            }
            catch (Exception e)
            {
                return e.GetType().Name + ": " + e.Message;
            }

            int differing = 0;
            int first = -1;
            for (int j = 0; j < expected.Length; j++)
            {
                if (actual[j] != expected[j])
                {
                    if (first < 0)
                    {
                        first = j;
                    }

                    differing++;
                }
            }

            if (differing == 0)
            {
                return null;
            }

            return differing.ToString() + " of " + expected.Length.ToString() + " outputs differ, first at ["
                + first.ToString() + "]: expected " + expected[first].ToString() + ", got " + actual[first].ToString();
        }
    }
}
