using System;
using System.Collections.Generic;
using Google.FlatBuffers;
using TinyDsc.Converter.Import.Tflite.Schema;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// A .tflite file opened through the generated schema-subset accessors (Schema/Generated), with the checks every
/// reader needs first: file identifier "TFL3", schema version 3, one subgraph with one input and one output, and
/// buffer access (inline or, for files above 2 GB, by offset into the file). Accessors of a damaged file throw
/// index exceptions; <see cref="Guard{T}"/> turns those into one-line <see cref="TfliteImportException"/>s.
/// </summary>
public sealed class TfliteModelFile
{
    private readonly byte[] _bytes;

    private TfliteModelFile(byte[] bytes, string file, Model model, SubGraph graph)
    {
        _bytes = bytes;
        File = file;
        Model = model;
        Graph = graph;
    }

    /// <summary>File name for messages.</summary>
    public string File { get; }

    public Model Model { get; }

    /// <summary>The one subgraph.</summary>
    public SubGraph Graph { get; }

    /// <summary>Opens <paramref name="bytes"/> (named <paramref name="file"/> in messages).</summary>
    /// <exception cref="TfliteImportException">not a TFLite flatbuffer, or a layout the importer does not take.</exception>
    public static TfliteModelFile Open(byte[] bytes, string file)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8)
        {
            throw new TfliteImportException($"{file}: {bytes.Length} bytes is too short for a .tflite file");
        }
        var bb = new ByteBuffer(bytes);
        if (!Model.ModelBufferHasIdentifier(bb))
        {
            throw new TfliteImportException($"{file}: not a .tflite file (file identifier is not 'TFL3')");
        }
        return Guard(file, () =>
        {
            Model model = Model.GetRootAsModel(bb);
            if (model.Version != 3)
            {
                throw new TfliteImportException($"{file}: TFLite schema version {model.Version}, expected 3");
            }
            if (model.SubgraphsLength != 1)
            {
                throw new TfliteImportException($"{file}: {model.SubgraphsLength} subgraphs; TinyDsc imports models with exactly one (no control flow)");
            }
            SubGraph graph = model.Subgraphs(0)!.Value;
            if (graph.InputsLength != 1 || graph.OutputsLength != 1)
            {
                throw new TfliteImportException($"{file}: the model has {graph.InputsLength} inputs and {graph.OutputsLength} outputs; " +
                    "the .tdsc runtime takes exactly one of each");
            }
            return new TfliteModelFile(bytes, file, model, graph);
        });
    }

    /// <summary>Runs <paramref name="read"/>, turning the accessors' index errors on a damaged file into a one-line message.</summary>
    public static T Guard<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            throw new TfliteImportException($"{file}: damaged .tflite flatbuffer ({e.Message})", e);
        }
    }

    public int TensorCount => Graph.TensorsLength;

    public Tensor Tensor(int index)
    {
        if (index < 0 || index >= Graph.TensorsLength)
        {
            throw new TfliteImportException($"{File}: tensor index {index} outside 0..{Graph.TensorsLength - 1}");
        }
        return Graph.Tensors(index)!.Value;
    }

    public string TensorName(int index) => Tensor(index).Name ?? ("tensor " + index);

    public int[] Shape(int index) => Tensor(index).GetShapeArray() ?? Array.Empty<int>();

    /// <summary>Resolved builtin code of an operator code: max(builtin_code, deprecated_builtin_code), as TFLite reads it.</summary>
    public (BuiltinOperator Op, int Version, string? Custom) OperatorCodeOf(Operator op)
    {
        int index = (int)op.OpcodeIndex;
        if (index < 0 || index >= Model.OperatorCodesLength)
        {
            throw new TfliteImportException($"{File}: operator code index {op.OpcodeIndex} outside 0..{Model.OperatorCodesLength - 1}");
        }
        OperatorCode code = Model.OperatorCodes(index)!.Value;
        int builtin = Math.Max((int)code.BuiltinCode, code.DeprecatedBuiltinCode);
        return ((BuiltinOperator)builtin, code.Version, code.CustomCode);
    }

    /// <summary>The constant data of a tensor, or null when it has none (an activation).</summary>
    public byte[]? ConstantData(int tensorIndex)
    {
        uint b = Tensor(tensorIndex).Buffer;
        if (b == 0)
        {
            return null;
        }
        if (b >= Model.BuffersLength)
        {
            throw new TfliteImportException($"{File}: tensor '{TensorName(tensorIndex)}' refers to buffer {b} of {Model.BuffersLength}");
        }
        Schema.Buffer buffer = Model.Buffers((int)b)!.Value;
        if (buffer.Offset > 1)
        {
            ulong end = buffer.Offset + buffer.Size;
            if (end > (ulong)_bytes.Length || end < buffer.Offset)
            {
                throw new TfliteImportException($"{File}: buffer {b} [offset {buffer.Offset}, {buffer.Size} bytes] lies outside the file");
            }
            return _bytes.AsSpan((int)buffer.Offset, (int)buffer.Size).ToArray();
        }
        byte[]? data = buffer.GetDataArray();
        return data == null || data.Length == 0 ? null : data;
    }

    /// <summary>Indices of the operators that read each tensor.</summary>
    public List<int>[] Consumers()
    {
        var consumers = new List<int>[Graph.TensorsLength];
        for (int t = 0; t < consumers.Length; t++)
        {
            consumers[t] = new List<int>();
        }
        for (int j = 0; j < Graph.OperatorsLength; j++)
        {
            Operator op = Graph.Operators(j)!.Value;
            for (int i = 0; i < op.InputsLength; i++)
            {
                int t = op.Inputs(i);
                if (t >= 0 && t < consumers.Length)
                {
                    consumers[t].Add(j);
                }
            }
        }
        return consumers;
    }
}
