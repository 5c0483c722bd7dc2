namespace TinyDsc.Converter.Calibration;

/// <summary>How a value's calibrated range is taken from what the calibration data produced.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>
    /// The (100 − P)-th and P-th percentiles of the values seen, so rare outliers do not stretch the scale of
    /// every other value.
    /// </summary>
    Percentile,
}
