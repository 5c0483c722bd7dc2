using System.Globalization;
using System.Collections.Generic;
using System.Linq;

namespace TinyDsc.Converter.Validation;

/// <summary>
/// When verify's numbers mean the int8 model is not to be trusted as is (CLI: "tinydsc: warning: ..." on stderr):
/// <list type="bullet">
/// <item>SQNR below <see cref="MinSqnrDb"/> (20 dB: the int8 output's error is over a tenth of the signal's
/// amplitude; the bundled trained models reach about 35 dB);</item>
/// <item>more than <see cref="MaxClippedShare"/> (1 %) of an activation's float values outside its calibrated int8
/// range (<see cref="ClipCounter"/>): min/max calibration on representative data clips nothing and the percentile
/// method at 99.99 clips 0.01 % per end, so 1 % means the data goes well beyond the calibration data.</item>
/// </list>
/// </summary>
public static class QualityWarnings
{
    public const double MinSqnrDb = 20;

    public const double MaxClippedShare = 0.01;

    /// <summary>At most this many clipping warnings, the largest shares first.</summary>
    public const int MaxClipWarnings = 3;

    public static IReadOnlyList<string> For(OutputComparison comparison, IReadOnlyList<ClipShare>? clipping)
    {
        var warnings = new List<string>();
        if (comparison.SqnrDb < MinSqnrDb)
        {
            string db = comparison.SqnrDb.ToString("F2", CultureInfo.InvariantCulture);
            warnings.Add($"SQNR {db} dB is below 20 dB: the int8 outputs are far from the float ones; " +
                "calibrate on inputs like the ones the model will see (a few hundred training samples), " +
                "or try --calibration-method percentile or mse");
        }
        if (clipping != null)
        {
            var over = clipping.Where(c => c.Share > MaxClippedShare).OrderByDescending(c => c.Share).ToList();
            foreach (ClipShare c in over.Take(MaxClipWarnings))
            {
                string share = (100 * c.Share).ToString("F1", CultureInfo.InvariantCulture);
                warnings.Add($"{share} % of the {c.Where} values ('{c.Name}') fall outside its calibrated range and are clipped " +
                    "(over 1 %): these inputs go beyond the calibration data; calibrate on more representative data");
            }
            if (over.Count > MaxClipWarnings)
            {
                warnings.Add($"{over.Count - MaxClipWarnings} more activations clip over 1 % of their values");
            }
        }
        return warnings;
    }
}
