using System.Collections.Generic;
using TinyDsc.Converter.Import.Tflite.Schema;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// The TFLite builtin ops the importer maps, with the highest op version it accepts. Versions above those are
/// TFLite features the importer does not know (int16 activations, int4 weights, sparse or hybrid kernels ...), so
/// they are rejected by name and version rather than guessed at. One table, read by the importer and by messages.
/// </summary>
public static class TfliteOps
{
    /// <summary>op → highest accepted version.</summary>
    public static readonly IReadOnlyDictionary<BuiltinOperator, int> MaxVersion = new Dictionary<BuiltinOperator, int>
    {
        [BuiltinOperator.CONV_2D] = 6,
        [BuiltinOperator.DEPTHWISE_CONV_2D] = 7,
        [BuiltinOperator.FULLY_CONNECTED] = 9,
        [BuiltinOperator.ADD] = 5,
        [BuiltinOperator.AVERAGE_POOL_2D] = 3,
        [BuiltinOperator.MAX_POOL_2D] = 3,
        [BuiltinOperator.MEAN] = 3,
        [BuiltinOperator.RESHAPE] = 2,
        [BuiltinOperator.SOFTMAX] = 3,
        [BuiltinOperator.PAD] = 4,
        [BuiltinOperator.QUANTIZE] = 3,
        [BuiltinOperator.DEQUANTIZE] = 5,
        [BuiltinOperator.HARD_SWISH] = 1,
        [BuiltinOperator.LOGISTIC] = 2,
        [BuiltinOperator.MUL] = 3,
        [BuiltinOperator.CONCATENATION] = 3,
    };

    /// <summary>TFLite's name of a builtin code ("CONV_2D"), or "builtin op N" for one outside the schema subset.</summary>
    public static string Name(BuiltinOperator op)
    {
        string text = op.ToString();
        return int.TryParse(text, out _) ? "builtin op " + text : text;
    }
}
