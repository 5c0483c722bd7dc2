using System;

namespace TinyDsc.Converter.Validation;

/// <summary>
/// How closely the int8 model's outputs follow the float reference on a batch: the numbers `tinydsc verify` prints
/// (and the HTML report shows), by output kind (<see cref="OutputTask"/>).
/// </summary>
public sealed record OutputComparison
{
    public int Samples { get; init; }

    public OutputTask Task { get; init; }

    /// <summary>10 · log10(Σ f² / Σ (f − q)²) over every output element; +∞ when the outputs are identical.</summary>
    public double SqnrDb { get; init; }

    /// <summary>max |f − q| over every output element.</summary>
    public double MaxAbsError { get; init; }

    /// <summary>Mean over samples of the cosine similarity f·q / (|f| |q|) of each sample's output (1 when both are 0,
    /// 0 when exactly one is).</summary>
    public double Cosine { get; init; }

    /// <summary>Probabilities only: <see cref="MaxAbsError"/> in steps of the int8 softmax output (1/256); null otherwise.</summary>
    public double? MaxErrorSteps { get; init; }

    /// <summary>Classification only: fraction of samples whose argmax is the same in both; null otherwise.</summary>
    public double? Top1Agreement { get; init; }

    /// <summary>Classification with labels: fraction of samples whose float argmax is the label.</summary>
    public double? FloatAccuracy { get; init; }

    /// <summary>Classification with labels: fraction of samples whose int8 argmax is the label.</summary>
    public double? Int8Accuracy { get; init; }

    /// <summary>The task a per-sample output shape (batch first) implies: [1, C] is classification, anything else not.</summary>
    public static OutputTask Detect(int[] perSampleShape)
    {
        ArgumentNullException.ThrowIfNull(perSampleShape);
        return perSampleShape.Length == 2 ? OutputTask.Classification : OutputTask.Regression;
    }

    /// <summary>
    /// The task `verify` and `report` take without --task: <see cref="Detect"/> of the per-sample output shape,
    /// and <see cref="OutputTask.Probabilities"/> for a classification whose int8 model ends in a Softmax.
    /// </summary>
    public static OutputTask AutoTask(int[] perSampleShape, TinyDsc.Runtime.Format.Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        OutputTask task = Detect(perSampleShape);
        return task == OutputTask.Classification && EndsInSoftmax(model) ? OutputTask.Probabilities : task;
    }

    /// <summary>True when the model's last operator is a Softmax (its output is probabilities in steps of 1/256).</summary>
    public static bool EndsInSoftmax(TinyDsc.Runtime.Format.Model model) =>
        model.Operators.Length > 0 && model.Operators[^1].OpCode == TinyDsc.Runtime.Format.OpCodes.Softmax;

    /// <summary>
    /// Compares float and int8 outputs of <paramref name="samples"/> samples (each sample's elements contiguous).
    /// For <see cref="OutputTask.Classification"/> and <see cref="OutputTask.Probabilities"/> the class scores are each sample's elements (argmax over them);
    /// labels need classification.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, labels count or range is wrong, or labels for regression.</exception>
    public static OutputComparison Compute(float[] reference, float[] int8, int samples, OutputTask task, long[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(int8);
        if (samples <= 0 || reference.Length != int8.Length || reference.Length % samples != 0)
        {
            throw new ArgumentException($"{reference.Length} float and {int8.Length} int8 values for {samples} samples");
        }
        bool classify = task is OutputTask.Classification or OutputTask.Probabilities;
        if (labels != null && (!classify || labels.Length != samples))
        {
            throw new ArgumentException(classify ? $"{labels.Length} labels for {samples} samples" : "labels need the classification task");
        }
        int per = reference.Length / samples;
        double signal = 0, noise = 0, maxErr = 0, cosines = 0;
        int agree = 0, floatRight = 0, int8Right = 0;
        for (int s = 0; s < samples; s++)
        {
            int fArg = 0, qArg = 0;
            double ff = 0, qq = 0, fq = 0;
            for (int i = 0; i < per; i++)
            {
                double f = reference[s * per + i], q = int8[s * per + i];
                signal += f * f;
                noise += (f - q) * (f - q);
                maxErr = Math.Max(maxErr, Math.Abs(f - q));
                ff += f * f;
                qq += q * q;
                fq += f * q;
                if (reference[s * per + i] > reference[s * per + fArg])
                {
                    fArg = i;
                }
                if (int8[s * per + i] > int8[s * per + qArg])
                {
                    qArg = i;
                }
            }
            cosines += ff == 0 && qq == 0 ? 1 : ff == 0 || qq == 0 ? 0 : fq / Math.Sqrt(ff * qq);
            agree += fArg == qArg ? 1 : 0;
            if (labels != null)
            {
                if (labels[s] < 0 || labels[s] >= per)
                {
                    throw new ArgumentException($"label {labels[s]} (sample {s}) is not one of the {per} classes");
                }
                floatRight += fArg == labels[s] ? 1 : 0;
                int8Right += qArg == labels[s] ? 1 : 0;
            }
        }
        return new OutputComparison
        {
            Samples = samples,
            Task = task,
            SqnrDb = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise),
            MaxAbsError = maxErr,
            MaxErrorSteps = task == OutputTask.Probabilities ? maxErr * 256 : null,
            Cosine = cosines / samples,
            Top1Agreement = classify ? (double)agree / samples : null,
            FloatAccuracy = labels == null ? null : (double)floatRight / samples,
            Int8Accuracy = labels == null ? null : (double)int8Right / samples,
        };
    }
}
