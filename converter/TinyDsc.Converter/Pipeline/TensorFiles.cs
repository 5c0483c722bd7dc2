using System;
using System.IO;
using TinyDsc.Converter.IO;

namespace TinyDsc.Converter.Pipeline;

/// <summary>The CLI's .npy files: float32 tensors in and out (outputs written atomically), integer labels in.</summary>
public static class TensorFiles
{
    /// <summary>Reads a float32 tensor; errors name the file.</summary>
    public static (float[] Data, int[] Shape) ReadFloat32(string path)
    {
        NpyArray a = Npy.Read(path);
        return (a.Data, a.Shape);
    }

    /// <summary>Reads class labels: a 1-D integer (or integral float) array of <paramref name="count"/> entries.</summary>
    public static long[] ReadLabels(string path, int count)
    {
        NpyArray a = Npy.Read(path);
        if (a.Shape.Length != 1 || a.Shape[0] != count)
        {
            throw new PipelineInputException($"{path} has shape {ModelShapes.Text(a.Shape)} but {count} labels are expected ([{count}])");
        }
        if (a.Int64 != null)
        {
            return a.Int64;
        }
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            float v = a.Data[i];
            if (v != Math.Floor(v))
            {
                throw new PipelineInputException($"{path}: label {i} is {v}, not an integer");
            }
            labels[i] = (long)v;
        }
        return labels;
    }

    /// <summary>Writes a float32 tensor to a temporary file in the target folder, then renames it over the target.</summary>
    public static void WriteFloat32(string path, float[] data, int[] shape)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path '{path}' has no folder");
        string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            Npy.Write(temp, new NpyArray(shape, data));
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

    /// <summary>Writes bytes atomically, as <see cref="WriteFloat32"/>.</summary>
    public static void WriteBytes(string path, byte[] bytes)
    {
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
}
