using System;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// A .tflite file TinyDsc cannot import: not a TFLite flatbuffer, a float model, an op or op version the importer
/// does not map, or parameters the .tdsc runtime cannot represent. The message is one line and names the operator
/// (index, op name and version) or tensor concerned.
/// </summary>
public sealed class TfliteImportException : Exception
{
    public TfliteImportException(string message) : base(message) { }

    public TfliteImportException(string message, Exception inner) : base(message, inner) { }
}
