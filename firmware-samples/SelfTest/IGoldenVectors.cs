namespace TinyDsc.Samples.SelfTest
{
    /// <summary>
    /// Golden cases: int8 inputs and the exact int8 outputs the desktop runtime produced for them.
    /// Each call builds a fresh array, so a device holds one case at a time.
    /// </summary>
    public interface IGoldenVectors
    {
        int Count { get; }

        string Name(int index);

        sbyte[] Input(int index);

        sbyte[] ExpectedOutput(int index);
    }
}
