using System;
using System.Globalization;
using TinyDsc.Converter.Pipeline;

namespace TinyDsc.Cli.Commands;

/// <summary>Number formatting shared by the commands' tables (invariant culture, so output is the same everywhere).</summary>
internal static class Format
{
    public static string Db(double db) => double.IsPositiveInfinity(db) ? "inf dB" : db.ToString("F2", CultureInfo.InvariantCulture) + " dB";

    public static string Percent(double fraction, int samples) =>
        (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + " % (" + Math.Round(fraction * samples) + "/" + samples + ")";

    public static string Number(double v) => v.ToString("G5", CultureInfo.InvariantCulture);

    /// <summary>verify's max abs error: the value, and for probabilities also in steps of the int8 softmax output.</summary>
    public static string MaxAbsError(TinyDsc.Converter.Validation.OutputComparison m) =>
        Number(m.MaxAbsError) + (m.MaxErrorSteps is double steps ? $" ({steps.ToString("F1", CultureInfo.InvariantCulture)} steps of 1/256)" : "");

    public static string Ms(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture) + " ms";

    public static string Bytes(long b) => b.ToString("N0", CultureInfo.InvariantCulture) + " B";

    /// <summary>Checks the float and int8 outputs describe the same tensor (else the .tdsc is not from this .onnx).</summary>
    public static void RequireSameShape(BatchResult reference, BatchResult int8, string onnx, string tdsc)
    {
        if (!((ReadOnlySpan<int>)reference.Shape).SequenceEqual(int8.Shape))
        {
            throw new PipelineInputException($"{onnx} outputs {ModelShapes.Text(reference.Shape)} but {tdsc} outputs " +
                $"{ModelShapes.Text(int8.Shape)}: the models do not match");
        }
    }
}
