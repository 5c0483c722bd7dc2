using System;
using System.Buffers.Binary;
using System.IO;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>Loading the files commands take, with errors that name the file.</summary>
internal static class CommandFiles
{
    public static void RequireFile(string path, string role)
    {
        if (Directory.Exists(path))
        {
            throw new PipelineInputException($"{path} is a folder, not a file (the {role})");
        }
        if (!File.Exists(path))
        {
            throw new PipelineInputException($"{path}: no such file (the {role})");
        }
    }

    public static FloatGraph LoadGraph(string path)
    {
        RequireFile(path, "ONNX model");
        return OnnxImporter.Load(path);
    }

    public static (Model Model, byte[] Bytes) LoadModel(string path)
    {
        RequireFile(path, ".tdsc model");
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return (ModelReader.Load(bytes), bytes);
        }
        catch (ModelFormatException e)
        {
            // A file shorter than its own size field was most likely cut off in a copy or download.
            bool truncated = bytes.Length >= 12 && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) > bytes.Length
                && e.Message.Contains("file size field", StringComparison.Ordinal);
            throw new PipelineInputException($"{path} is not a valid .tdsc model: {e.Message}{(truncated ? " (truncated?)" : "")}");
        }
    }

    public static (float[] Data, int[] Shape) ReadTensor(string path, string role)
    {
        RequireFile(path, role);
        return TensorFiles.ReadFloat32(path);
    }
}
