using System;
using Xunit;
using Xunit.Sdk;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>Comparison of float outputs with a tolerance relative to the expected output's largest magnitude.</summary>
internal static class Compare
{
    /// <summary>
    /// Float32 results of the same math differ only by summation order and by weight folding (BatchNorm into Conv,
    /// alpha into Gemm weights), each a few ulp per term; over dot products of at most a few hundred terms that stays
    /// well under 1e-5 of the output's largest magnitude, while any indexing, padding or layout mistake moves values by
    /// a sizeable fraction of it.
    /// </summary>
    public const double RelativeTolerance = 1e-5;

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double relative = RelativeTolerance)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double scale = 0;
        foreach (float v in expected)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }
        double tol = relative * Math.Max(scale, 1e-30);
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (!(d <= tol))
            {
                throw new XunitException(
                    $"{what}: value {i}: expected {expected[i]:R}, got {actual[i]:R} (|diff| {d:E3} > {relative:E1} × max |expected| {scale:E3})");
            }
        }
    }
}
