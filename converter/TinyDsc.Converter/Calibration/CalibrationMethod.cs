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

    /// <summary>
    /// The range [lo, hi] that minimises the expected squared int8 error over the calibration values: values outside
    /// cost their squared distance to the range (clipping), values inside the rounding noise Δ²/12 with
    /// Δ = (hi − lo) / 255. Searched over the edges of the value's histogram.
    /// </summary>
    Mse,

    /// <summary>
    /// Per value: min/max for the graph input and output (inputs are bounded by preprocessing; clipping the largest
    /// logit changes the argmax), <see cref="Mse"/> for every other value whose distribution has a long tail (its
    /// largest magnitude over twice its 99.99th-percentile magnitude), min/max otherwise.
    /// </summary>
    Auto,
}
