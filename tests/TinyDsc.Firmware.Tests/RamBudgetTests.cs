using System.Linq;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;
using Classifier = TinyDsc.Samples.ImageClassifier.EmbeddedModel;
using SelfTest = TinyDsc.Samples.SelfTest.GoldenData;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// RAM each sample needs on the device, from the embedded model. The samples load through the generated
/// IModelSource, and ModelReader holds one chunk at a time (both checked here), so:
/// loading = loaded blobs + the largest chunk + the reader's copy of header and tables (an upper bound: the copy is
/// dropped before the second pass allocates the blobs); running = loaded blobs + arena + prepared + scratch + case
/// buffers (one input, the output buffers). Object headers and metadata are not counted.
/// Prints a table (README numbers: dotnet test tests/TinyDsc.Firmware.Tests --filter RamBudget --logger "console;verbosity=detailed").
/// </summary>
public class RamBudgetTests
{
    /// <summary>
    /// What streamed loading guarantees for the bundled model, with room below the ~90 KB managed heap of an ESP32
    /// without PSRAM (docs/DESIGN.md). Loading the file next to the model (90.8 KB before streaming) fails this.
    /// </summary>
    private const int PeakLimit = 75 * 1024;

    private readonly ITestOutputHelper output;

    public RamBudgetTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void RamBudget_PeakStaysUnder75KiB()
    {
        output.WriteLine("| sample | model file | largest chunk | header + tables copy | loaded blobs | arena | prepared | scratch | case buffers | loading: blobs + chunk + copy | running: blobs + arena + prepared + scratch + buffers | peak |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        int classifier = Report("ImageClassifier", Classifier.ModelSource(), Classifier.Input(0).Length + 4 * Classifier.ClassNames().Length);
        int selfTest = Report("SelfTest", SelfTest.ModelSource(), SelfTest.GoldenInput(0).Length + 2 * SelfTest.GoldenOutput(0).Length);

        Assert.True(classifier < PeakLimit, "ImageClassifier peaks at " + classifier + " bytes");
        Assert.True(selfTest < PeakLimit, "SelfTest peaks at " + selfTest + " bytes");
    }

    /// <summary>The table above assumes the samples load through the streamed source; their compiled code does.</summary>
    [Theory]
    [MemberData(nameof(SampleProjectTests.Samples), MemberType = typeof(SampleProjectTests))]
    public void Samples_LoadOnlyThroughAModelSource(string sample)
    {
        Assert.Equal(new[] { "IModelSource" }, ModelSources.LoadOverloadsCalled(TestPaths.NanoSampleAssembly(sample)));
    }

    /// <summary>
    /// The table above assumes one chunk at a time: no chunk the generated source handed out is reachable when the
    /// reader requests the next, nor after Load returns.
    /// </summary>
    [Fact]
    public void EmbeddedSources_AreHeldOneChunkAtATime()
    {
        foreach (IModelSource embedded in new[] { Classifier.ModelSource(), SelfTest.ModelSource() })
        {
            var probe = new LivenessProbe(embedded);
            Model model = ModelReader.Load(probe);

            Assert.NotNull(model);
            Assert.Equal(0, probe.MaxAliveAtRequest);
            Assert.Equal(0, probe.AliveCount());
            int[] once = Enumerable.Range(0, embedded.ChunkCount).ToArray();
            Assert.Equal(once.Concat(once), probe.Requests);
        }
    }

    private int Report(string sample, IModelSource source, int caseBuffers)
    {
        int file = source.Length;
        int largestChunk = ModelSources.LargestChunk(source);
        Model model = ModelReader.Load(source);
        int tablesCopy = 64 + 40 * model.Tensors.Length + 128 * model.Operators.Length; // FORMAT.md: the data offset
        int blobs = model.Operators.Sum(op =>
            (op.Weights?.Length ?? 0) + 4 * ((op.Bias?.Length ?? 0) + (op.Multiplier?.Length ?? 0) + (op.Shift?.Length ?? 0)));
        var interpreter = new Interpreter(model);
        Assert.True(interpreter.ArenaBytes >= model.ArenaSize, "arena smaller than the model's plan");

        // The samples load the model in a method of its own, so nothing of the load but the model is alive when the
        // interpreter allocates: the peak is the larger of the two phases.
        int loading = blobs + largestChunk + tablesCopy;
        int running = blobs + interpreter.PreparedBytes + interpreter.ArenaBytes + interpreter.ScratchBytes + caseBuffers;
        int peak = System.Math.Max(loading, running);
        string row = string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            "| {0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5:N0} | {6:N0} | {7:N0} | {8:N0} | {9:N0} | {10:N0} | {11:N0} |",
            sample, file, largestChunk, tablesCopy, blobs, interpreter.ArenaBytes, interpreter.PreparedBytes, interpreter.ScratchBytes,
            caseBuffers, loading, running, peak);
        output.WriteLine(row);

        // firmware-samples/README.md publishes this table; it must show the current numbers.
        string readme = System.IO.File.ReadAllText(System.IO.Path.Combine(TestPaths.Samples, "README.md"));
        Assert.True(readme.Contains(row, System.StringComparison.Ordinal), "firmware-samples/README.md lacks the current row:\n" + row);
        return peak;
    }
}
