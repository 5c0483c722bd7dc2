using System;
using TinyDsc.Converter.Validation;
using Xunit;

namespace TinyDsc.Converter.Tests.Validation;

public sealed class OutputComparisonTests
{
    private static readonly float[] F = { 1, 2, 0, 3, 1, 0 };
    private static readonly float[] Q = { 1, 1, 0, 3, 3, 0 };

    /// <summary>
    /// Two samples of 3 values. Cosine per sample: (1 + 2) / √(5 · 2) = 0.9486833 and (9 + 3) / √(10 · 18) = 0.8944272,
    /// mean 0.9215552. SQNR 10·log10(15 / 5), max error 2 (as in MetricsAndLayoutTests).
    /// </summary>
    [Fact]
    public void Regression_HasSqnrMaxErrorCosine_AndNoTop1()
    {
        OutputComparison m = OutputComparison.Compute(F, Q, 2, OutputTask.Regression);
        Assert.Equal(10 * Math.Log10(3), m.SqnrDb, 12);
        Assert.Equal(2.0, m.MaxAbsError);
        Assert.Equal((3 / Math.Sqrt(10) + 12 / Math.Sqrt(180)) / 2, m.Cosine, 12);
        Assert.Equal(0.9215552, m.Cosine, 6);
        Assert.Null(m.Top1Agreement);
        Assert.Null(m.Int8Accuracy);
        Assert.Throws<ArgumentException>(() => OutputComparison.Compute(F, Q, 2, OutputTask.Regression, new long[] { 0, 1 }));
    }

    [Fact]
    public void Classification_HasTop1AndAccuracy_AndChecksLabels()
    {
        OutputComparison m = OutputComparison.Compute(F, Q, 2, OutputTask.Classification, new long[] { 1, 1 });
        Assert.Equal(0.5, m.Top1Agreement);
        Assert.Equal(0.5, m.FloatAccuracy);
        Assert.Equal(0.0, m.Int8Accuracy);
        Assert.Throws<ArgumentException>(() => OutputComparison.Compute(F, Q, 2, OutputTask.Classification, new long[] { 3, 0 }));
        Assert.Throws<ArgumentException>(() => OutputComparison.Compute(F, Q, 2, OutputTask.Classification, new long[] { -1, 0 }));
    }

    [Fact]
    public void Cosine_ZeroOutputs()
    {
        // Both zero: identical (1). One zero: nothing in common (0).
        Assert.Equal(1.0, OutputComparison.Compute(new float[2], new float[2], 1, OutputTask.Regression).Cosine);
        Assert.Equal(0.0, OutputComparison.Compute(new float[] { 1, 0 }, new float[2], 1, OutputTask.Regression).Cosine);
    }

    [Theory]
    [InlineData(new[] { 1, 10 }, OutputTask.Classification)]
    [InlineData(new[] { 1, 16, 8, 8 }, OutputTask.Regression)]
    [InlineData(new[] { 1, 10, 1, 1 }, OutputTask.Regression)]
    public void Detect_ByOutputRank(int[] shape, OutputTask expected) => Assert.Equal(expected, OutputComparison.Detect(shape));
}
