using System;
using System.IO;

namespace TinyDsc.Converter.IO;

/// <summary>An output file cannot be written (missing folder, read-only file, no permission); the message names the
/// user's path, never a temporary file.</summary>
public sealed class OutputFileException : IOException
{
    public OutputFileException(string message) : base(message)
    {
    }

    public OutputFileException(string message, Exception inner) : base(message, inner)
    {
    }
}
