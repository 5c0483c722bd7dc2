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
        /// The file's chunks are referenced only inside this method, so once it returns the collector can reclaim
        /// them before the interpreter allocates its arena: the peak is the larger of (chunks + loaded model) and
        /// (loaded model + arena + scratch), not their sum.
        /// </summary>
        private static Model LoadModel(ILog log)
        {
            return SelfTestRunner.LoadModel(GoldenData.ModelChunks(), log);
        }
    }
}
