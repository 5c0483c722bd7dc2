using System;
using System.IO;
using System.Text;

namespace TinyDsc.Converter.Tests.Pipeline;

/// <summary>Paths of the committed test fixtures and small .npy writers for hand-made inputs.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TinyDsc.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no TinyDsc.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    /// <summary>tests/fixtures/onnx/NAME (model.onnx, input.npy, output.npy).</summary>
    public static string Onnx(string name) => Path.Combine(Root, "tests", "fixtures", "onnx", name);

    public static string Bad(string name) => Path.Combine(Root, "tests", "fixtures", "onnx-bad", name);

    /// <summary>Writes a version-1 .npy with the given dtype descriptor and raw little-endian payload.</summary>
    public static void WriteNpy(string path, string descr, int[] shape, byte[] payload)
    {
        string dims = string.Join(", ", shape) + (shape.Length == 1 ? "," : "");
        string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = 10 + header.Length + 1;
        header += new string(' ', (64 - unpadded % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0,
            (byte)(header.Length & 0xFF), (byte)(header.Length >> 8) });
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(payload);
    }

    public static void WriteInt64(string path, long[] values)
    {
        var bytes = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        WriteNpy(path, "<i8", new[] { values.Length }, bytes);
    }

    /// <summary>A fresh empty folder under the system temp folder, deleted by the returned handle.</summary>
    public static TempFolder Temp() => new();

    internal sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tinydsc-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder does not affect results.
            }
        }
    }
}
