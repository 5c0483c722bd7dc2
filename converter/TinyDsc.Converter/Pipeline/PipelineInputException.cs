using System;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Data handed to the pipeline does not fit the model (a tensor of the wrong shape, labels of the wrong count).
/// The message names the file and the expected and actual values.
/// </summary>
public sealed class PipelineInputException : Exception
{
    public PipelineInputException(string message) : base(message)
    {
    }
}
