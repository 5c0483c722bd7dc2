using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TinyDsc.Native.Tests;

/// <summary>Writes kernel vectors in the TDSV format runtime/native/tests/tdsc_replay.c reads (described there).</summary>
internal static class VectorFile
{
    public static void Write(string path, IReadOnlyList<(KernelCase Case, int Status, sbyte[] Expected)> vectors)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write(Encoding.ASCII.GetBytes("TDSV"));
        w.Write(1);
        w.Write(vectors.Count);
        foreach ((KernelCase c, int status, sbyte[] expected) in vectors)
        {
            Bytes(w, Encoding.UTF8.GetBytes(c.Name));
            w.Write(c.Kernel);
            Ints(w, c.Params);
            Bytes(w, (byte[])(System.Array)c.Arena);
            w.Write(c.In0);
            w.Write(c.In1);
            w.Write(c.Out);
            Bytes(w, (byte[])(System.Array)c.Weights);
            Ints(w, c.Bias);
            Ints(w, c.Multiplier);
            Ints(w, c.Shift);
            w.Write(c.ScratchBytes);
            w.Write(status);
            Bytes(w, (byte[])(System.Array)expected);
        }
    }

    private static void Bytes(BinaryWriter w, byte[] b)
    {
        w.Write(b.Length);
        w.Write(b);
    }

    private static void Ints(BinaryWriter w, int[] v)
    {
        w.Write(v.Length);
        foreach (int x in v)
        {
            w.Write(x);
        }
    }
}
