using System.Linq;

namespace TinyDsc.Converter.IO;

/// <summary>An n-dimensional array read from a .npy file: C-order values and their shape.</summary>
public sealed class NpyArray<T>
{
    public NpyArray(string source, int[] shape, T[] data)
    {
        Source = source;
        Shape = shape;
        Data = data;
    }

    /// <summary>Where the array came from (file path), for messages.</summary>
    public string Source { get; }

    public int[] Shape { get; }

    /// <summary>Values in C (row-major) order.</summary>
    public T[] Data { get; }

    /// <summary>
    /// Checks the shape: same rank, and each dim equal to <paramref name="expected"/>'s or anything where it is -1.
    /// </summary>
    /// <exception cref="NpyException">The shape differs; the message shows both shapes ("N" for a free dim).</exception>
    public void ExpectShape(params int[] expected)
    {
        bool ok = expected.Length == Shape.Length && expected.Select((d, i) => d < 0 || d == Shape[i]).All(b => b);
        if (!ok)
        {
            string want = "(" + string.Join(", ", expected.Select(d => d < 0 ? "N" : d.ToString())) + ")";
            throw new NpyException($"{Source}: array has shape {Npy.FormatShape(Shape)}, expected {want}");
        }
    }
}
