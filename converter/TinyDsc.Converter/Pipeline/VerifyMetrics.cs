using System;

namespace TinyDsc.Converter.Pipeline;

/// <summary>How closely the int8 model follows the float reference on a batch (the numbers `tinydsc verify` prints).</summary>
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
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(int8);
        if (samples <= 0 || reference.Length != int8.Length || reference.Length % samples != 0)
        {
            throw new ArgumentException($"{reference.Length} float and {int8.Length} int8 values for {samples} samples");
        }
        if (labels != null && labels.Length != samples)
        {
            throw new ArgumentException($"{labels.Length} labels for {samples} samples");
        }
        int per = reference.Length / samples;
        double signal = 0, noise = 0, maxErr = 0;
        int agree = 0, floatRight = 0, int8Right = 0;
        for (int s = 0; s < samples; s++)
        {
            int fArg = 0, qArg = 0;
            for (int i = 0; i < per; i++)
            {
                double f = reference[s * per + i], q = int8[s * per + i];
                signal += f * f;
                noise += (f - q) * (f - q);
                maxErr = Math.Max(maxErr, Math.Abs(f - q));
                if (reference[s * per + i] > reference[s * per + fArg])
                {
                    fArg = i;
                }
                if (int8[s * per + i] > int8[s * per + qArg])
                {
                    qArg = i;
                }
            }
            agree += fArg == qArg ? 1 : 0;
            if (labels != null)
            {
                floatRight += fArg == labels[s] ? 1 : 0;
                int8Right += qArg == labels[s] ? 1 : 0;
            }
        }
        return new VerifyMetrics
        {
            Samples = samples,
            SqnrDb = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise),
            MaxAbsError = maxErr,
            Top1Agreement = (double)agree / samples,
            FloatAccuracy = labels == null ? null : (double)floatRight / samples,
            Int8Accuracy = labels == null ? null : (double)int8Right / samples,
        };
    }
}
