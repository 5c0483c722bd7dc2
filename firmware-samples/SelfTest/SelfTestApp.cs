using TinyDsc.Runtime.Format;

namespace TinyDsc.Samples.SelfTest
{
    /// <summary>The sample's program logic: the golden cases of GoldenData.g.cs against its embedded model.</summary>
    public static class SelfTestApp
    {
        /// <summary>Returns true when every case passed.</summary>
        public static bool Run(ILog log)
        {
            IGoldenVectors golden = new EmbeddedGoldenVectors();
            SelfTestRunner.WriteHeader(golden, log);
            Model model = LoadModel(log);
            return model != null && SelfTestRunner.RunCases(model, golden, log);
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
