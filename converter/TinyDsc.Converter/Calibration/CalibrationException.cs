using System;

namespace TinyDsc.Converter.Calibration;

/// <summary>The calibration data cannot calibrate the model (no samples, a NaN or infinite value, wrong shape).</summary>
public sealed class CalibrationException : Exception
{
    public CalibrationException(string message) : base(message)
    {
    }
}
