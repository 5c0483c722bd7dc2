using System;

namespace TinyDsc.Converter.Pipeline;

/// <summary>The classification numbers of <see cref="Validation.OutputComparison"/> (kept for the demo and existing callers).</summary>
public sealed record VerifyMetrics
{
    public int Samples { get; init; }

    /// <summary>10 · log10(Σ f² / Σ (f − q)²) over every output element; +∞ when the outputs are identical.</summary>
    public double SqnrDb { get; init; }

    /// <summary>max |f − q| over every output element.</summary>
    public double MaxAbsError { get; init; }

    /// <summary>Fraction of samples whose argmax (over the sample's whole output) is the same in both.</summary>
    public double Top1Agreement { get; init; }

    /// <summary>Fraction of samples whose float argmax equals the label; null without labels.</summary>
    public double? FloatAccuracy { get; init; }

    /// <summary>Fraction of samples whose int8 argmax equals the label; null without labels.</summary>
    public double? Int8Accuracy { get; init; }

    /// <summary>
    /// Compares float and int8 outputs of <paramref name="samples"/> samples (each output's elements contiguous).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, or the label count is not the sample count.</exception>
    public static VerifyMetrics Compute(float[] reference, float[] int8, int samples, long[]? labels = null)
    {
        // One computation for every caller: the classification numbers of OutputComparison.
        Validation.OutputComparison c = Validation.OutputComparison.Compute(reference, int8, samples,
            Validation.OutputTask.Classification, labels);
        return new VerifyMetrics
        {
            Samples = samples,
            SqnrDb = c.SqnrDb,
            MaxAbsError = c.MaxAbsError,
            Top1Agreement = c.Top1Agreement!.Value,
            FloatAccuracy = c.FloatAccuracy,
            Int8Accuracy = c.Int8Accuracy,
        };
    }
}
