using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Quantization;

namespace TinyDsc.Converter.Pipeline;

/// <summary>What <see cref="ModelConverter"/> produced: the model, its memory plan, the .tdsc bytes and the ranges used.</summary>
public sealed record ConversionResult(
    QuantizedModel Quantized,
    MemoryPlan Plan,
    byte[] FileBytes,
    IReadOnlyDictionary<string, ValueRange> Ranges);
