using System;

namespace TinyDsc.Converter.Import;

/// <summary>
/// A model the importer cannot turn into a <see cref="Graph.FloatGraph"/>: unreadable protobuf, an op or attribute
/// TinyDsc does not support, inconsistent shapes, missing tensors. The message is one line and names the node
/// (name and op type) or tensor concerned.
/// </summary>
public sealed class OnnxImportException : Exception
{
    public OnnxImportException(string message) : base(message) { }

    public OnnxImportException(string message, Exception inner) : base(message, inner) { }
}
