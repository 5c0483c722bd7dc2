namespace TinyDsc.Converter.Validation;

/// <summary>What a model's output is, which decides the metrics that mean something for it.</summary>
public enum OutputTask
{
    /// <summary>Class scores, [N, C]: top-1 agreement and, with labels, accuracy (plus SQNR, max error, cosine).</summary>
    Classification,

    /// <summary>
    /// Class probabilities, [N, C], from a final Softmax (int8 output scale 1/256): the classification metrics on the
    /// probabilities themselves (SQNR and max error in probability units; the max error also in int8 output steps).
    /// </summary>
    Probabilities,

    /// <summary>Anything else (feature maps, embeddings, regression): SQNR, max error and cosine similarity only.</summary>
    Regression,
}
