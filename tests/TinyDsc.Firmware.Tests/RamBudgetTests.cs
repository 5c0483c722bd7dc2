using System.Linq;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;
using Classifier = TinyDsc.Samples.ImageClassifier.EmbeddedModel;
using SelfTest = TinyDsc.Samples.SelfTest.GoldenData;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// RAM each sample needs on the device, from the embedded model: the model file's chunks (allocated by
/// ModelChunks), the loaded Model's blobs, the interpreter's arena and scratch, and the per-case buffers
/// (one input, the output buffers). Object headers and metadata are not counted.
/// Prints a table (README numbers: dotnet test tests/TinyDsc.Firmware.Tests --filter RamBudget --logger "console;verbosity=detailed").
/// </summary>
public class RamBudgetTests
{
    /// <summary>Managed heap of an ESP32 without PSRAM, lower end (DESIGN.md).</summary>
    private const int Esp32WithoutPsramHeap = 90 * 1024;

    private readonly ITestOutputHelper output;

    public RamBudgetTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void RamBudget_PeakStaysUnder90KiB()
    {
        output.WriteLine("| sample | model file (chunks) | loaded blobs | arena | prepared | scratch | case buffers | loading: file + blobs | running: blobs + arena + prepared + scratch + buffers | peak |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        int classifier = Report("ImageClassifier", Classifier.ModelChunks(), Classifier.Input(0).Length + 4 * Classifier.ClassNames().Length);
        int selfTest = Report("SelfTest", SelfTest.ModelChunks(), SelfTest.GoldenInput(0).Length + 2 * SelfTest.GoldenOutput(0).Length);

        Assert.True(classifier < Esp32WithoutPsramHeap, "ImageClassifier peaks at " + classifier + " bytes");
        Assert.True(selfTest < Esp32WithoutPsramHeap, "SelfTest peaks at " + selfTest + " bytes");
    }

    private int Report(string sample, byte[][] chunks, int caseBuffers)
    {
        int file = chunks.Sum(c => c.Length);
        Model model = ModelReader.Load(chunks);
        int blobs = model.Operators.Sum(op =>
            (op.Weights?.Length ?? 0) + 4 * ((op.Bias?.Length ?? 0) + (op.Multiplier?.Length ?? 0) + (op.Shift?.Length ?? 0)));
        var interpreter = new Interpreter(model);
        Assert.True(interpreter.ArenaBytes >= model.ArenaSize, "arena smaller than the model's plan");

        // The samples load the model in a method of its own, so the file's chunks are garbage before the
        // interpreter allocates: the peak is the larger of the two phases.
        int loading = file + blobs;
        int running = blobs + interpreter.PreparedBytes + interpreter.ArenaBytes + interpreter.ScratchBytes + caseBuffers;
        int peak = System.Math.Max(loading, running);
        string row = string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            "| {0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5:N0} | {6:N0} | {7:N0} | {8:N0} | {9:N0} |",
            sample, file, blobs, interpreter.ArenaBytes, interpreter.PreparedBytes, interpreter.ScratchBytes, caseBuffers, loading, running, peak);
        output.WriteLine(row);

        // firmware-samples/README.md publishes this table; it must show the current numbers.
        string readme = System.IO.File.ReadAllText(System.IO.Path.Combine(TestPaths.Samples, "README.md"));
        Assert.True(readme.Contains(row, System.StringComparison.Ordinal), "firmware-samples/README.md lacks the current row:\n" + row);
        return peak;
    }
}
