namespace TinyDsc.Samples.SelfTest
{
    /// <summary>The golden cases compiled into this assembly (GoldenData.g.cs, written by the converter's CSharpEmitter).</summary>
    public sealed class EmbeddedGoldenVectors : IGoldenVectors
    {
        public int Count
        {
            get { return GoldenData.GoldenCount; }
        }

        public string Name(int index)
        {
            return GoldenData.GoldenName(index);
        }

        public sbyte[] Input(int index)
        {
            return GoldenData.GoldenInput(index);
        }

        public sbyte[] ExpectedOutput(int index)
        {
            return GoldenData.GoldenOutput(index);
        }
    }
}
