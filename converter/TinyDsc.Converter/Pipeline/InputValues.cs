using System;

namespace TinyDsc.Converter.Pipeline;

/// <summary>Checks of batch values before they reach calibration, the float reference or the int8 runtime.</summary>
public static class InputValues
{
    /// <summary>
    /// Rejects NaN and ±Infinity. Calibration cannot take a range from them, the float reference would only carry
    /// them to the output, and the int8 runtime has no code for them (its quantization would clamp them silently).
    /// </summary>
    /// <param name="file">Named in the error.</param>
    /// <param name="sampleSize">Values per sample, to name the sample holding the value.</param>
    /// <exception cref="PipelineInputException">"X.npy: element 37 (sample 0) is NaN; values must be finite".</exception>
    public static void RequireFinite(string file, float[] data, int sampleSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            if (!float.IsFinite(v))
            {
                string what = float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
                throw new PipelineInputException($"{file}: element {i} (sample {i / Math.Max(sampleSize, 1)}) is {what}; values must be finite");
            }
        }
    }
}
