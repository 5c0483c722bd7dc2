using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Samples.SelfTest
{
    /// <summary>The sample's program logic: the golden cases of GoldenData.g.cs against its embedded model.</summary>
    public static class SelfTestApp
    {
        /// <summary>Returns true when every case passed (managed kernels).</summary>
        public static bool Run(ILog log)
        {
            return Run(log, null);
        }

        /// <summary>
        /// Returns true when every case passed; runs on nativeKernels where they are available (the device's Program
        /// passes FirmwareKernels: native on firmware with TinyDsc.Runtime.Native, managed on stock firmware).
        /// </summary>
        public static bool Run(ILog log, INativeKernels nativeKernels)
        {
            IGoldenVectors golden = new EmbeddedGoldenVectors();
            SelfTestRunner.WriteHeader(golden, log);
            Model model = LoadModel(log);
            return model != null && SelfTestRunner.RunCases(model, golden, log, nativeKernels);
        }

        /// <summary>
        /// Loads through the embedded model's streamed source: each chunk is built from its array initialiser when the
        /// reader requests it, so the heap holds the loaded model plus one chunk, never the whole file next to it.
        /// </summary>
        private static Model LoadModel(ILog log)
        {
            return SelfTestRunner.LoadModel(GoldenData.ModelSource(), log);
        }
    }
}
