using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Onnx;

namespace TinyDsc.Converter.Import;

/// <summary>
/// Reads an ONNX model (opsets 6–17, as exported by PyTorch) and lowers it to a <see cref="FloatGraph"/> with batch-1
/// shapes: constant subgraphs evaluated, BatchNorm and per-channel constant arithmetic folded into the preceding
/// Conv/FullyConnected, zero pads merged into the next Conv/pool, ReLU/ReLU6 fused, Identity/Dropout removed.
/// Anything it cannot lower exactly raises <see cref="OnnxImportException"/> naming the node.
/// </summary>
public static class OnnxImporter
{
    public const int MinOpset = 6;
    public const int MaxOpset = 17;

    /// <summary>
    /// Most elements one activation tensor may hold per sample (2^24 = 16,777,216): 16 MiB as int8, already far
    /// beyond any microcontroller's RAM, and 64 MiB as float32 in the desktop reference. The importer rejects a graph
    /// input or node output above it, so shape arithmetic stays in int32 and no allocation is attempted for it.
    /// </summary>
    public const int MaxTensorElements = 1 << 24;

    internal const string MaxTensorElementsText = "2^24 per tensor; an ESP32 has at most a few MB of RAM";

    /// <summary>
    /// Ops the importer accepts on activations, read from its dispatch table (<see cref="ImportOps"/>), in table order;
    /// constant-only ops are in <see cref="ConstantEvaluator.SupportedOps"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> SupportedOps = ImportOps.All.Select(o => o.OpType).ToArray();

    /// <summary>Reads and imports the model at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxImportException">The file cannot be read or the model cannot be lowered.</exception>
    public static FloatGraph Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OnnxImportException($"cannot read ONNX model '{path}': {e.Message}", e);
        }
        if (bytes.Length == 0)
        {
            throw new OnnxImportException($"{Path.GetFileName(path)}: the file is empty (0 bytes), not an ONNX model");
        }
        try
        {
            return Import(bytes);
        }
        catch (OnnxImportException e)
        {
            throw new OnnxImportException($"{Path.GetFileName(path)}: {e.Message}", e);
        }
    }

    /// <summary>Imports a serialized ONNX ModelProto.</summary>
    /// <exception cref="OnnxImportException">The bytes are not an ONNX model or the model cannot be lowered.</exception>
    public static FloatGraph Import(byte[] model)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"not an ONNX model (protobuf parse failed: {e.Message})", e);
        }
        return Import(proto);
    }

    /// <summary>Imports a parsed ONNX ModelProto.</summary>
    public static FloatGraph Import(ModelProto model)
    {
        if (model.Graph == null)
        {
            throw new OnnxImportException("the model has no graph (not an ONNX model?)");
        }
        var opsets = model.OpsetImport.Where(o => o.Domain == "" || o.Domain == "ai.onnx").ToList();
        if (opsets.Count == 0)
        {
            throw new OnnxImportException("the model imports no default-domain opset (opset_import is empty)");
        }
        long opset = opsets.Max(o => o.Version);
        if (opset < MinOpset || opset > MaxOpset)
        {
            throw new OnnxImportException($"opset {opset} is not supported (TinyDsc reads opsets {MinOpset}–{MaxOpset})");
        }
        return new GraphLowering(model.Graph, (int)opset).Run();
    }
}
