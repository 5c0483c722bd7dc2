using System;
using System.IO;
using TinyDsc.Converter.IO;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// The CLI's .npy files: float32 tensors in (float64 and integer files are converted, see <see cref="Npy"/>) and out,
/// integer labels in, and atomic writes (temporary file in the target folder, then rename).
/// </summary>
public static class TensorFiles
{
    /// <summary>Reads a tensor as float32; errors (<see cref="NpyException"/>) name the file.</summary>
    public static (float[] Data, int[] Shape) ReadFloat32(string path)
    {
        NpyArray<float> a = Npy.ReadFloat32(path);
        return (a.Data, a.Shape);
    }

    /// <summary>Reads class labels: a 1-D integer array of <paramref name="count"/> entries.</summary>
    public static long[] ReadLabels(string path, int count)
    {
        NpyArray<long> a = Npy.ReadInt64(path);
        if (a.Shape.Length != 1 || a.Shape[0] != count)
        {
            throw new PipelineInputException($"{path} has shape {ModelShapes.Text(a.Shape)} but {count} labels are expected ([{count}])");
        }
        return a.Data;
    }

    /// <summary>Writes a float32 tensor atomically (an existing file is replaced only by a complete one).</summary>
    public static void WriteFloat32(string path, float[] data, int[] shape)
    {
        RequireFolder(path);
        Npy.WriteFloat32(path, shape, data);
    }

    /// <summary>Writes bytes to a temporary file in the target folder, then renames it over the target.</summary>
    public static void WriteBytes(string path, byte[] bytes)
    {
        RequireFolder(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path '{path}' has no folder");
        string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // The original error is the one to report.
            }
            throw;
        }
    }

    /// <summary>Names the missing folder instead of the temporary file a write would fail on.</summary>
    private static void RequireFolder(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder == null || !Directory.Exists(folder))
        {
            throw new PipelineInputException($"{path}: the folder {folder} does not exist");
        }
        if (Directory.Exists(path))
        {
            throw new PipelineInputException($"{path} is a folder, not a file");
        }
    }
}
