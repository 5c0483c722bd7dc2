using System;
using System.Collections.Generic;
using Google.FlatBuffers;
using TinyDsc.Converter.Import.Tflite.Schema;
using FbBuffer = TinyDsc.Converter.Import.Tflite.Schema.Buffer;
using FbTensor = TinyDsc.Converter.Import.Tflite.Schema.Tensor;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>Writes small .tflite files through the generated schema-subset builders, for importer edge cases.</summary>
internal sealed class TinyTflite
{
    private readonly List<(int[] Shape, TensorType Type, float Scale, int ZeroPoint, byte[]? Data)> _tensors = new();
    private readonly List<(BuiltinOperator Code, int Version, int[] Inputs, int[] Outputs, Func<FlatBufferBuilder, (BuiltinOptions, int)>? Options)> _ops = new();

    public int Tensor(int[] shape, TensorType type = TensorType.INT8, float scale = 0.1f, int zeroPoint = 0, byte[]? data = null)
    {
        _tensors.Add((shape, type, scale, zeroPoint, data));
        return _tensors.Count - 1;
    }

    public void Op(BuiltinOperator code, int version, int[] inputs, int[] outputs, Func<FlatBufferBuilder, (BuiltinOptions, int)>? options = null) =>
        _ops.Add((code, version, inputs, outputs, options));

    public byte[] Build(int input, int output)
    {
        var b = new FlatBufferBuilder(1024);
        // Buffer 0 is the empty sentinel; tensor t with data uses buffer t + 1.
        var buffers = new Offset<FbBuffer>[_tensors.Count + 1];
        FbBuffer.StartBuffer(b);
        buffers[0] = FbBuffer.EndBuffer(b);
        for (int t = 0; t < _tensors.Count; t++)
        {
            VectorOffset data = _tensors[t].Data is byte[] d ? FbBuffer.CreateDataVector(b, d) : default;
            FbBuffer.StartBuffer(b);
            if (_tensors[t].Data != null)
            {
                FbBuffer.AddData(b, data);
            }
            buffers[t + 1] = FbBuffer.EndBuffer(b);
        }
        var tensors = new Offset<FbTensor>[_tensors.Count];
        for (int t = 0; t < _tensors.Count; t++)
        {
            var (shape, type, scale, zp, data) = _tensors[t];
            var q = QuantizationParameters.CreateQuantizationParameters(b,
                scaleOffset: QuantizationParameters.CreateScaleVector(b, new[] { scale }),
                zero_pointOffset: QuantizationParameters.CreateZeroPointVector(b, new long[] { zp }));
            tensors[t] = FbTensor.CreateTensor(b, FbTensor.CreateShapeVector(b, shape), type,
                data != null ? (uint)(t + 1) : 0u, b.CreateString("t" + t), q);
        }
        var codes = new Offset<OperatorCode>[_ops.Count];
        var ops = new Offset<Operator>[_ops.Count];
        for (int j = 0; j < _ops.Count; j++)
        {
            var (code, version, inputs, outputs, options) = _ops[j];
            codes[j] = OperatorCode.CreateOperatorCode(b, (sbyte)Math.Min((int)code, 127), default, version, code);
            var (type, offset) = options?.Invoke(b) ?? (BuiltinOptions.NONE, 0);
            ops[j] = Operator.CreateOperator(b, (uint)j, Operator.CreateInputsVector(b, inputs), Operator.CreateOutputsVector(b, outputs), type, offset);
        }
        var graph = SubGraph.CreateSubGraph(b, SubGraph.CreateTensorsVector(b, tensors), SubGraph.CreateInputsVector(b, new[] { input }),
            SubGraph.CreateOutputsVector(b, new[] { output }), SubGraph.CreateOperatorsVector(b, ops));
        var model = Model.CreateModel(b, 3, Model.CreateOperatorCodesVector(b, codes), Model.CreateSubgraphsVector(b, new[] { graph }),
            default, Model.CreateBuffersVector(b, buffers));
        Model.FinishModelBuffer(b, model);
        return b.SizedByteArray();
    }
}
