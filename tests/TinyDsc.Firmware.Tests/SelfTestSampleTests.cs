using System.Linq;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Samples.SelfTest;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Firmware.Tests;

/// <summary>The SelfTest sample's logic, run on the desktop against its embedded bytes (GoldenData.g.cs).</summary>
public class SelfTestSampleTests
{
    private readonly ITestOutputHelper output;

    public SelfTestSampleTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void EmbeddedGoldenVectors_AllPass()
    {
        var log = new ListLog();

        bool ok = SelfTestApp.Run(log);
        output.WriteLine(log.ToString());

        Assert.True(ok, log.ToString());
        Assert.Equal("TinyDsc SelfTest: " + GoldenData.GoldenCount + " golden cases", log.Lines[0]);
        Assert.True(GoldenData.GoldenCount >= 5, "expected images, constant and random cases");
        for (int i = 0; i < GoldenData.GoldenCount; i++)
        {
            Assert.Contains("case " + i + " (" + GoldenData.GoldenName(i) + "): PASS", log.Lines);
        }

        Assert.Equal(SelfTestRunner.SummaryPrefix + "ALL PASS, " + GoldenData.GoldenCount + " of " + GoldenData.GoldenCount + " cases passed", log.Lines.Last());
        Assert.DoesNotContain(log.Lines, l => l.Contains("FAIL"));
        string readme = System.IO.File.ReadAllText(System.IO.Path.Combine(TestPaths.Samples, "README.md"));
        Assert.True(readme.Contains(string.Join("\n", log.Lines) + "\n", System.StringComparison.Ordinal), "firmware-samples/README.md does not show the current SelfTest output");
    }

    /// <summary>The golden outputs equal what the desktop interpreter computes now, case by case.</summary>
    [Fact]
    public void GoldenOutputs_AreTheDesktopRuntimesOutputs()
    {
        var interpreter = new Interpreter(ModelReader.Load(GoldenData.ModelSource()));
        var actual = new sbyte[interpreter.OutputLength];
        for (int i = 0; i < GoldenData.GoldenCount; i++)
        {
            interpreter.SetInput(GoldenData.GoldenInput(i), 0);
            interpreter.Invoke();
            interpreter.GetOutput(actual, 0);
            Assert.Equal(GoldenData.GoldenOutput(i), actual);
        }
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(2, 3, -1)]
    [InlineData(4, 9, 100)]
    public void CorruptedExpectedOutput_PrintsFail(int corruptCase, int index, int delta)
    {
        var golden = new CorruptedGolden(new EmbeddedGoldenVectors(), corruptCase, index, delta);
        sbyte expected = golden.ExpectedOutput(corruptCase)[index];
        sbyte actual = GoldenData.GoldenOutput(corruptCase)[index];
        var log = new ListLog();

        bool ok = SelfTestRunner.Run(GoldenData.ModelSource(), golden, log);

        Assert.False(ok);
        string prefix = "case " + corruptCase + " (" + GoldenData.GoldenName(corruptCase) + "): FAIL, 1 of ";
        string line = Assert.Single(log.Lines, l => l.StartsWith(prefix));
        Assert.EndsWith("first at [" + index + "]: expected " + expected + ", got " + actual, line);
        Assert.Equal(GoldenData.GoldenCount - 1, log.Lines.Count(l => l.EndsWith(": PASS")));
        Assert.StartsWith(SelfTestRunner.SummaryPrefix + "FAIL, " + (GoldenData.GoldenCount - 1) + " of ", log.Lines.Last());
    }

    [Fact]
    public void WrongLengthGoldenOutput_PrintsFail()
    {
        var golden = new TruncatedGolden(new EmbeddedGoldenVectors(), 1);
        var log = new ListLog();

        Assert.False(SelfTestRunner.Run(GoldenData.ModelSource(), golden, log));

        Assert.Contains(log.Lines, l => l.StartsWith("case 1 (") && l.Contains("FAIL, expected output has"));
    }

    [Fact]
    public void CorruptedModel_PrintsFail()
    {
        // Last byte of the last chunk, a payload byte: the CRC no longer matches.
        var corrupted = new TamperedSource(GoldenData.ModelSource(), GoldenData.ChunkCount - 1, -1, 0x10);
        var log = new ListLog();

        Assert.False(SelfTestRunner.Run(corrupted, new EmbeddedGoldenVectors(), log));

        Assert.StartsWith("model: FAIL, ModelFormatException: ", log.Lines[1]);
        Assert.Equal(SelfTestRunner.SummaryPrefix + "FAIL, model did not load", log.Lines.Last());
    }

    [Fact]
    public void NoGoldenCases_IsAFailNotAPass()
    {
        var log = new ListLog();

        Assert.False(SelfTestRunner.Run(GoldenData.ModelSource(), new TruncatedGolden(new EmbeddedGoldenVectors(), -1, count: 0), log));

        Assert.Equal(SelfTestRunner.SummaryPrefix + "FAIL, 0 of 0 cases passed", log.Lines.Last());
    }

    /// <summary>Golden vectors with one expected output value changed.</summary>
    private sealed class CorruptedGolden : IGoldenVectors
    {
        private readonly IGoldenVectors inner;
        private readonly int corruptCase;
        private readonly int index;
        private readonly int delta;

        public CorruptedGolden(IGoldenVectors inner, int corruptCase, int index, int delta)
        {
            this.inner = inner;
            this.corruptCase = corruptCase;
            this.index = index;
            this.delta = delta;
        }

        public int Count => inner.Count;

        public string Name(int i) => inner.Name(i);

        public sbyte[] Input(int i) => inner.Input(i);

        public sbyte[] ExpectedOutput(int i)
        {
            sbyte[] expected = inner.ExpectedOutput(i);
            if (i == corruptCase)
            {
                // Wraps within int8, so the value always changes.
                expected[index] = unchecked((sbyte)(expected[index] + delta));
            }

            return expected;
        }
    }

    private sealed class TruncatedGolden : IGoldenVectors
    {
        private readonly IGoldenVectors inner;
        private readonly int truncated;
        private readonly int count;

        public TruncatedGolden(IGoldenVectors inner, int truncated, int count = -1)
        {
            this.inner = inner;
            this.truncated = truncated;
            this.count = count;
        }

        public int Count => count >= 0 ? count : inner.Count;

        public string Name(int i) => inner.Name(i);

        public sbyte[] Input(int i) => inner.Input(i);

        public sbyte[] ExpectedOutput(int i) => i == truncated ? inner.ExpectedOutput(i)[1..] : inner.ExpectedOutput(i);
    }
}
