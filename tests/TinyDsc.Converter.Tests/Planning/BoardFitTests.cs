using System.IO;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Tests.Cli;
using TinyDsc.Converter.Tests.Import;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Planning;

public sealed class BoardFitTests
{
    /// <summary>
    /// The bundled model's estimate equals the RAM table of firmware-samples/README.md, which the firmware tests'
    /// RamBudget check computes from the samples' embedded model with their own code (ImageClassifier row: 44,176 B
    /// loaded blobs, 18,816 arena, 3,008 prepared, 3,072 scratch, 824 case buffers; loading 63,016, running 69,896).
    /// </summary>
    [Fact]
    public void BundledModel_MatchesTheFirmwareRamTable_AndFitsAnEsp32WithoutPsram()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string folder = Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn");
        string tdsc = temp.File("m.tdsc");
        var convert = CliRunner.Run("convert", Path.Combine(folder, "model.onnx"), "--calibration",
            Path.Combine(folder, "calibration.npy"), "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        byte[] bytes = File.ReadAllBytes(tdsc);

        HeapEstimate e = BoardFit.Estimate(ModelReader.Load(bytes), bytes.Length);

        Assert.Equal(46_632, e.FileBytes);
        Assert.Equal(44_176, e.LoadedBlobs);
        Assert.Equal(16_384, e.LargestChunk);
        Assert.Equal(2_456, e.TablesCopy);
        Assert.Equal(18_816, e.Arena);
        Assert.Equal(3_008, e.Prepared);
        Assert.Equal(3_072, e.Scratch);
        Assert.Equal(824, e.CaseBuffers);
        Assert.Equal(63_016, e.Loading);
        Assert.Equal(69_896, e.Running);
        Assert.Equal(69_896, e.Peak);
        Assert.All(BoardFit.Evaluate(e), v => Assert.Equal(Fit.Fits, v.Fit));
        Assert.Contains("fits, 3,720 B to spare (estimate)", convert.Out); // 90,000 − (69,896 + 16,384)
    }

    /// <summary>Hand-made estimates on both sides of each threshold (90,000 / 110,000 B heap, 16,384 B reserve).</summary>
    [Theory]
    [InlineData(73_616, Fit.Fits, 0L)]          // 73,616 + 16,384 = 90,000: exactly the smallest heap
    [InlineData(73_617, Fit.Tight, -1L)]
    [InlineData(93_616, Fit.Tight, -20_000L)]   // = 110,000, the largest heap
    [InlineData(93_617, Fit.DoesNotFit, -20_001L)]
    public void Esp32WithoutPsram_Thresholds(long running, Fit expected, long headroom)
    {
        var e = new HeapEstimate(0, running, 0, 0, 0, 0, 0, 0);
        BoardVerdict v = BoardFit.Evaluate(e, BoardFit.Boards[0]);
        Assert.Equal(expected, v.Fit);
        Assert.Equal(headroom, v.Headroom);
    }

    /// <summary>The case: a model with a 256 KB arena gets told it needs PSRAM, by convert and by inspect.</summary>
    [Fact]
    public void LargeArena_NeedsPsram()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        // 1x1 conv, 32 -> 32 channels at 64x64: input and output are 128 KiB each as int8.
        var b = new OnnxModelBuilder().Input("x", new[] { 32, 64, 64 }).Output("y");
        b.Init("w", new long[] { 32, 32, 1, 1 }, OnnxModelBuilder.Random(32 * 32, seed: 11));
        b.Node("Conv", new[] { "x", "w" }, "y", "conv");
        string onnx = temp.File("big.onnx"), x = temp.File("x.npy"), tdsc = temp.File("big.tdsc");
        File.WriteAllBytes(onnx, b.Build());
        Npy.WriteFloat32(x, new[] { 1, 32, 64, 64 }, OnnxModelBuilder.Random(32 * 64 * 64, seed: 12));

        var convert = CliRunner.Run("convert", onnx, "--calibration", x, "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        byte[] bytes = File.ReadAllBytes(tdsc);
        HeapEstimate e = BoardFit.Estimate(ModelReader.Load(bytes), bytes.Length);
        Assert.True(e.Arena >= 2 * 32 * 64 * 64, $"arena {e.Arena}");
        var verdicts = BoardFit.Evaluate(e);
        Assert.Equal(Fit.DoesNotFit, verdicts[0].Fit);
        Assert.Equal(Fit.Fits, verdicts[1].Fit);

        var inspect = CliRunner.Run("inspect", tdsc);
        foreach (string output in new[] { convert.Out, inspect.Out })
        {
            Assert.Contains("ESP32 without PSRAM", output);
            Assert.Contains("does not fit", output);
            Assert.Contains("ESP32 with PSRAM", output);
            Assert.Contains("(estimate)", output);
        }
    }
}
