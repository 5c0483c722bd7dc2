using System;

namespace TinyDsc.Converter.IO;

/// <summary>A .npy file that cannot be read or written as asked; the one-line message names the file and the problem.</summary>
public sealed class NpyException : Exception
{
    public NpyException(string message) : base(message) { }

    public NpyException(string message, Exception inner) : base(message, inner) { }
}
