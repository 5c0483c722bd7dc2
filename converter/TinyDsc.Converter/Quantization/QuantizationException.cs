using System;

namespace TinyDsc.Converter.Quantization;

/// <summary>
/// A float graph cannot be quantized as given (a layer that could overflow the int32 accumulator, a missing
/// calibration range, a layout the runtime cannot express). The message names the node and the values involved.
/// </summary>
public sealed class QuantizationException : Exception
{
    public QuantizationException(string message) : base(message)
    {
    }
}
