using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight at a time: finite exactly when the bits without the sign are below +Infinity's. The first block
            // holding a non-finite value is left to the loop below, which names the element. (A batch is checked
            // before its workers start, so this runs on one thread.)
            ref int bits = ref Unsafe.As<float, int>(ref MemoryMarshal.GetArrayDataReference(data));
            Vector256<int> magnitude = Vector256.Create(0x7FFFFFFF), infinity = Vector256.Create(0x7F800000);
            for (; i + 8 <= data.Length; i += 8)
            {
                if (Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref bits, (nuint)i) & magnitude, infinity))
                {
                    break;
                }
            }
        }

        for (; i < data.Length; i++)
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
