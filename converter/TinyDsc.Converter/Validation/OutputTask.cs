namespace TinyDsc.Converter.Validation;

/// <summary>What a model's output is, which decides the metrics that mean something for it.</summary>
public enum OutputTask
{
    /// <summary>Class scores, [N, C]: top-1 agreement and, with labels, accuracy (plus SQNR, max error, cosine).</summary>
    Classification,

    /// <summary>Anything else (feature maps, embeddings, regression): SQNR, max error and cosine similarity only.</summary>
    Regression,
}
