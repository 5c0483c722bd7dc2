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

    /// <summary>
    /// Reads class labels: a 1-D integer array (any dtype of <see cref="Npy.IntegerTypes"/>) of
    /// <paramref name="count"/> entries, each a class index in [0, <paramref name="classes"/>).
    /// </summary>
    /// <exception cref="NpyException">Not an integer .npy file.</exception>
    /// <exception cref="PipelineInputException">Wrong shape, or a label outside the model's classes.</exception>
    public static long[] ReadLabels(string path, int count, int classes)
    {
        NpyArray<long> a = Npy.ReadInt64(path);
        if (a.Shape.Length != 1 || a.Shape[0] != count)
        {
            throw new PipelineInputException($"{path} has shape {ModelShapes.Text(a.Shape)} but {count} labels are expected ([{count}])");
        }
        for (int i = 0; i < a.Data.Length; i++)
        {
            if (a.Data[i] < 0 || a.Data[i] >= classes)
            {
                throw new PipelineInputException($"{path}: label {a.Data[i]} (sample {i}) is not a class of the model, " +
                    $"which has {classes} classes (labels 0 to {classes - 1})");
            }
        }
        return a.Data;
    }

    /// <summary>Writes a float32 tensor atomically (an existing file is replaced only by a complete one), see
    /// <see cref="OutputFiles"/>; <paramref name="force"/> replaces a read-only file.</summary>
    /// <exception cref="OutputFileException">The file cannot be written; the message names it.</exception>
    public static void WriteFloat32(string path, float[] data, int[] shape, bool force = false) =>
        OutputFiles.Write(path, Npy.EncodeFloat32(path, shape, data), force);

    /// <summary>Writes bytes atomically, see <see cref="OutputFiles"/>; <paramref name="force"/> replaces a read-only file.</summary>
    /// <exception cref="OutputFileException">The file cannot be written; the message names it.</exception>
    public static void WriteBytes(string path, byte[] bytes, bool force = false) => OutputFiles.Write(path, bytes, force);
}
