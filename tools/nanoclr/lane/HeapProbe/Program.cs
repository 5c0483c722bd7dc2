using System;
using System.Threading;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using NativeGC = nanoFramework.Runtime.Native.GC;

namespace TinyDsc.Lane.Probe
{
    /// <summary>
    /// Prints "STAGE name" and forces a full collection (nanoFramework.Runtime.Native.GC.Run) at each stage of running
    /// the embedded model; nanoCLR built by tools/nanoclr/build-nanoclr.sh then prints the live heap in total and by
    /// data type. Stages: boot (nothing of TinyDsc allocated), loaded (Model in memory), created (Interpreter built,
    /// the Model no longer referenced), and during Invoke: a second thread collects every few milliseconds while the
    /// main thread runs inferences, so those collections see the kernels' stack frames. Ends with "PROBE DONE".
    /// </summary>
    public static class Program
    {
        private static bool _running;

        /// <summary>Holds the Model through the "loaded" stage only.</summary>
        private static Model _model;

        public static void Main()
        {
            Stage("boot");
            _model = ModelReader.Load(EmbeddedModel.ModelSource());
            Stage("loaded");
            _model = null;
            Interpreter interpreter = Create();
            Stage("created");

            sbyte[] input = EmbeddedModel.GoldenInput(0);
            _running = true;
            var sampler = new Thread(Sample);
            sampler.Start();
            Console.WriteLine("STAGE invoke");
            for (int i = 0; i < 6; i++)
            {
                interpreter.SetInput(input, 0);
                interpreter.Invoke();
            }

            _running = false;
            sampler.Join();
            Console.WriteLine("STAGE after");
            NativeGC.Run(false);

            Console.WriteLine("PROBE DONE");
            Thread.Sleep(Timeout.Infinite);
        }

        /// <summary>Loads the model and builds the interpreter in a frame of its own, so nothing else keeps the Model alive.</summary>
        private static Interpreter Create()
        {
            return new Interpreter(ModelReader.Load(EmbeddedModel.ModelSource()));
        }

        private static void Stage(string name)
        {
            Console.WriteLine("STAGE " + name);
            NativeGC.Run(false);
        }

        private static void Sample()
        {
            while (_running)
            {
                NativeGC.Run(false);
                Thread.Sleep(3);
            }
        }
    }
}
