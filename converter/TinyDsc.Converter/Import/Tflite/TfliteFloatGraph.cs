using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import.Tflite.Schema;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// The float reference of a .tflite as a <see cref="FloatGraph"/> (NCHW, run by the converter's float reference):
/// an int8 file's weights and biases dequantized (w · s_w[c], bias · s_in · s_w[c]), so the reference is the model's
/// dequantized execution; a float32 file's weights as they are. Activations are real-valued throughout: QUANTIZE and
/// DEQUANTIZE are identities, fused RELU/RELU6 clamp to [0, ∞) / [0, 6], HARD_SWISH, LOGISTIC, MUL and CONCATENATION
/// (last axis) are the float functions. PAD folds into the following convolution;
/// SOFTMAX (beta 1) is a float softmax over the classes.
/// A FULLY_CONNECTED that reads a flattened map with H·W &gt; 1 is rejected (its NHWC flatten order differs from the
/// graph's NCHW order).
/// </summary>
public static class TfliteFloatGraph
{
    public static FloatGraph Build(byte[] bytes, string file, TfliteImportOptions? options = null) =>
        BuildWithOrigins(bytes, file, options).Graph;

    /// <summary>
    /// The float graph and, for each tensor the int8 importer gives a .tdsc tensor (<see cref="TfliteImport.TensorOrigins"/>),
    /// the graph value that holds its real values: the tensor's own value, the value a QUANTIZE or DEQUANTIZE passes
    /// through (the graph input for the int8 input of an input QUANTIZE), or the [1, C, 1, 1] mean before a MEAN's
    /// Reshape. Null for a tensor the graph does not compute (after the chosen output).
    /// </summary>
    public static (FloatGraph Graph, Func<TfliteTensorOrigin, string?> ValueOf) BuildWithOrigins(byte[] bytes, string file, TfliteImportOptions? options = null)
    {
        TfliteModelFile f = TfliteModelFile.Open(bytes, file);
        var builder = new Builder(f, options ?? new TfliteImportOptions());
        FloatGraph graph = TfliteModelFile.Guard(file, builder.Run);
        return (graph, origin =>
        {
            if (origin.Tensor < 0 || origin.Tensor >= f.TensorCount)
            {
                return null;
            }
            string name = builder.ValueName(origin.Tensor) + (origin.KeepDims ? KeepDims : "");
            return graph.Values.ContainsKey(name) ? name : null;
        });
    }

    /// <summary>Suffix of the [1, C, 1, 1] value a MEAN without keep_dims computes before its Reshape to [1, C].</summary>
    private const string KeepDims = "/keep_dims";

    private sealed class Builder
    {
        private readonly TfliteModelFile _f;
        private readonly TfliteImportOptions _options;
        private readonly FloatGraph _g = new();
        private readonly Dictionary<int, string> _alias = new();
        private readonly Dictionary<int, (int Source, int Top, int Bottom, int Left, int Right)> _pads = new();
        private readonly HashSet<string> _flattened = new();

        public Builder(TfliteModelFile f, TfliteImportOptions options)
        {
            _f = f;
            _options = options;
        }

        public FloatGraph Run()
        {
            int input = _f.Graph.Inputs(0);
            int target = _f.Graph.Outputs(0);
            if (_options.OutputTensor != null)
            {
                target = Enumerable.Range(0, _f.TensorCount).FirstOrDefault(t => _f.Tensor(t).Name == _options.OutputTensor, -1);
                if (target < 0 && !(int.TryParse(_options.OutputTensor, out target) && target >= 0 && target < _f.TensorCount))
                {
                    throw new TfliteImportException($"{_f.File}: no tensor named '{_options.OutputTensor}'");
                }
            }
            _g.Input = Name(input);
            _g.Values[_g.Input] = new ValueInfo(_g.Input, Nchw(_f.Shape(input)));
            bool reached = false;
            for (int j = 0; j < _f.Graph.OperatorsLength && !reached; j++)
            {
                Operator op = _f.Graph.Operators(j)!.Value;
                (BuiltinOperator code, int version, _) = _f.OperatorCodeOf(op);
                string where = $"{_f.File}: operator {j} ({TfliteOps.Name(code)} v{version})";
                int output = op.Outputs(0);
                switch (code)
                {
                    case BuiltinOperator.CONV_2D:
                    case BuiltinOperator.DEPTHWISE_CONV_2D:
                        Conv(op, code == BuiltinOperator.DEPTHWISE_CONV_2D, where);
                        break;
                    case BuiltinOperator.FULLY_CONNECTED:
                        FullyConnected(op, where);
                        break;
                    case BuiltinOperator.ADD:
                        Node(NodeKind.Add, op, where, n =>
                        {
                            n.Inputs.Add(Name(op.Inputs(1)));
                            n.Activation = Act(op.BuiltinOptionsType == BuiltinOptions.AddOptions ? op.BuiltinOptionsAsAddOptions().FusedActivationFunction : ActivationFunctionType.NONE, where);
                        });
                        break;
                    case BuiltinOperator.AVERAGE_POOL_2D:
                    case BuiltinOperator.MAX_POOL_2D:
                        Pool(op, code == BuiltinOperator.AVERAGE_POOL_2D ? NodeKind.AveragePool : NodeKind.MaxPool, where);
                        break;
                    case BuiltinOperator.MEAN:
                        Mean(op, where);
                        break;
                    case BuiltinOperator.RESHAPE:
                        Reshape(op.Inputs(0), output, where);
                        break;
                    case BuiltinOperator.PAD:
                        int[] p = IntData(op.Inputs(1), where);
                        _pads[output] = (op.Inputs(0), p[2], p[3], p[4], p[5]);
                        break;
                    case BuiltinOperator.QUANTIZE:
                    case BuiltinOperator.DEQUANTIZE:
                        _alias[output] = Name(op.Inputs(0));
                        break;
                    case BuiltinOperator.HARD_SWISH:
                        Node(NodeKind.HardSwish, op, where, _ => { });
                        break;
                    case BuiltinOperator.LOGISTIC:
                        Node(NodeKind.Sigmoid, op, where, _ => { });
                        break;
                    case BuiltinOperator.MUL:
                        Node(NodeKind.Mul, op, where, n =>
                        {
                            // The float reference's Mul takes the per-channel operand ([1, C, 1, 1]) second.
                            int a = op.Inputs(0), b = op.Inputs(1);
                            if (_f.Shape(a).Aggregate(1, (x, y) => x * y) < _f.Shape(b).Aggregate(1, (x, y) => x * y))
                            {
                                n.Inputs[0] = Name(b);
                                b = a;
                            }
                            n.Inputs.Add(Name(b));
                            n.Activation = Act(op.BuiltinOptionsType == BuiltinOptions.MulOptions ? op.BuiltinOptionsAsMulOptions().FusedActivationFunction : ActivationFunctionType.NONE, where);
                        });
                        break;
                    case BuiltinOperator.CONCATENATION:
                        // Along the last (NHWC channel) axis, the importer's only one: NCHW's axis 1.
                        Node(NodeKind.Concat, op, where, n =>
                        {
                            for (int k = 1; k < op.InputsLength; k++)
                            {
                                n.Inputs.Add(Name(op.Inputs(k)));
                            }
                        });
                        break;
                    case BuiltinOperator.SOFTMAX:
                        Softmax(op, where);
                        break;
                    default:
                        throw new TfliteImportException($"{where}: not in TinyDsc's float reference");
                }
                reached = output == target;
            }
            if (!reached)
            {
                throw new TfliteImportException($"{_f.File}: tensor '{_f.TensorName(target)}' is not an operator output");
            }
            _g.Output = Name(target);
            return _g;
        }

        private string Name(int t) => _alias.TryGetValue(t, out string? a) ? a : "t" + t + ":" + _f.TensorName(t);

        /// <summary>The graph value name of file tensor <paramref name="t"/> (after <see cref="Run"/>).</summary>
        public string ValueName(int t) => Name(t);

        private void Node(NodeKind kind, Operator op, string where, Action<FloatNode> fill)
        {
            var node = new FloatNode { Name = where, Kind = kind, Output = Name(op.Outputs(0)) };
            node.Inputs.Add(Name(op.Inputs(0)));
            fill(node);
            _g.Nodes.Add(node);
            _g.Values[node.Output] = new ValueInfo(node.Output, Nchw(_f.Shape(op.Outputs(0))));
        }

        /// <summary>SOFTMAX with beta 1 over the last axis: [N, C], or NHWC with H = W = 1 (C is then the graph's axis 1).</summary>
        private void Softmax(Operator op, string where)
        {
            float beta = op.BuiltinOptionsType == BuiltinOptions.SoftmaxOptions ? op.BuiltinOptionsAsSoftmaxOptions().Beta : 0f;   // absent options: the schema default 0
            if (beta != 1f)
            {
                throw new TfliteImportException($"{where}: beta = {beta:G9}; only beta = 1 is supported");
            }
            int[] shape = _f.Shape(op.Inputs(0));
            if (shape.Length != 2 && !(shape.Length == 4 && shape[1] == 1 && shape[2] == 1))
            {
                throw new TfliteImportException($"{where}: softmax over [{string.Join(", ", shape)}]; the float reference takes [N, C] or [N, 1, 1, C]");
            }
            Node(NodeKind.Softmax, op, where, _ => { });
        }

        private void Conv(Operator op, bool depthwise, string where)
        {
            int input = op.Inputs(0), filter = op.Inputs(1), bias = op.InputsLength > 2 ? op.Inputs(2) : -1;
            (int top, int bottom, int left, int right) = (0, 0, 0, 0);
            if (_pads.TryGetValue(input, out var pad))
            {
                (input, top, bottom, left, right) = (pad.Source, pad.Top, pad.Bottom, pad.Left, pad.Right);
            }
            int[] inShape = _f.Shape(input), outShape = _f.Shape(op.Outputs(0)), w = _f.Shape(filter);
            int cin = inShape[3], cout = outShape[3], kh = w[1], kw = w[2];
            Padding padding;
            int sh, sw, dh, dw;
            ActivationFunctionType act;
            if (depthwise)
            {
                DepthwiseConv2DOptions o = op.BuiltinOptionsAsDepthwiseConv2DOptions();
                (padding, sh, sw, dh, dw, act) = (o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor, o.FusedActivationFunction);
            }
            else
            {
                Conv2DOptions o = op.BuiltinOptionsAsConv2DOptions();
                (padding, sh, sw, dh, dw, act) = (o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor, o.FusedActivationFunction);
            }
            int perGroup = depthwise ? 1 : w[3];
            float[] real = Dequantized(filter, cout, where, out float[] scales);
            // .tflite [Cout, kh, kw, Cin/g] or depthwise [1, kh, kw, Cout] → graph [Cout, Cin/g, kh, kw].
            var weight = new float[cout * perGroup * kh * kw];
            for (int oc = 0; oc < cout; oc++)
            {
                for (int y = 0; y < kh; y++)
                {
                    for (int x = 0; x < kw; x++)
                    {
                        for (int ic = 0; ic < perGroup; ic++)
                        {
                            float v = depthwise ? real[(y * kw + x) * cout + oc] : real[((oc * kh + y) * kw + x) * perGroup + ic];
                            weight[((oc * perGroup + ic) * kh + y) * kw + x] = v;
                        }
                    }
                }
            }
            (int pt, int pb) = Same(padding, inShape[1] + top + bottom, kh, sh, dh);
            (int pl, int pr) = Same(padding, inShape[2] + left + right, kw, sw, dw);
            var node = new FloatNode
            {
                Name = where,
                Kind = NodeKind.Conv,
                Output = Name(op.Outputs(0)),
                Activation = Act(act, where),
                Weight = weight,
                WeightShape = new[] { cout, perGroup, kh, kw },
                Bias = bias >= 0 ? Bias(bias, input, scales, cout, where) : null,
                Groups = cin / perGroup,
                KernelH = kh,
                KernelW = kw,
                StrideH = sh,
                StrideW = sw,
                DilationH = dh,
                DilationW = dw,
                PadTop = pt + top,
                PadBottom = pb + bottom,
                PadLeft = pl + left,
                PadRight = pr + right,
            };
            node.Inputs.Add(Name(input));
            _g.Nodes.Add(node);
            _g.Values[node.Output] = new ValueInfo(node.Output, Nchw(outShape));
        }

        private void FullyConnected(Operator op, string where)
        {
            int input = op.Inputs(0), filter = op.Inputs(1), bias = op.InputsLength > 2 ? op.Inputs(2) : -1;
            if (_flattened.Contains(Name(input)))
            {
                throw new TfliteImportException($"{where}: reads a flattened map with H·W > 1, whose NHWC order the NCHW float reference does not keep");
            }
            int[] w = _f.Shape(filter);
            int cout = w[0];
            float[] real = Dequantized(filter, cout, where, out float[] scales);
            ActivationFunctionType act = op.BuiltinOptionsType == BuiltinOptions.FullyConnectedOptions
                ? op.BuiltinOptionsAsFullyConnectedOptions().FusedActivationFunction : ActivationFunctionType.NONE;
            Node(NodeKind.FullyConnected, op, where, n =>
            {
                n.Weight = real;
                n.WeightShape = new[] { cout, w[1] };
                n.Bias = bias >= 0 ? Bias(bias, input, scales, cout, where) : null;
                n.Activation = Act(act, where);
            });
        }

        private void Pool(Operator op, NodeKind kind, string where)
        {
            Pool2DOptions o = op.BuiltinOptionsAsPool2DOptions();
            int[] inShape = _f.Shape(op.Inputs(0));
            (int pt, int pb) = Same(o.Padding, inShape[1], o.FilterHeight, o.StrideH, 1);
            (int pl, int pr) = Same(o.Padding, inShape[2], o.FilterWidth, o.StrideW, 1);
            Act(o.FusedActivationFunction, where);
            Node(kind, op, where, n =>
            {
                (n.KernelH, n.KernelW, n.StrideH, n.StrideW) = (o.FilterHeight, o.FilterWidth, o.StrideH, o.StrideW);
                (n.PadTop, n.PadBottom, n.PadLeft, n.PadRight) = (pt, pb, pl, pr);
                n.CountIncludePad = false;
            });
        }

        private void Mean(Operator op, string where)
        {
            int output = op.Outputs(0);
            int[] outShape = _f.Shape(output);
            if (outShape.Length == 4)
            {
                Node(NodeKind.GlobalAveragePool, op, where, _ => { });
                return;
            }
            string mid = Name(output) + KeepDims;
            var gap = new FloatNode { Name = where, Kind = NodeKind.GlobalAveragePool, Output = mid };
            gap.Inputs.Add(Name(op.Inputs(0)));
            _g.Nodes.Add(gap);
            _g.Values[mid] = new ValueInfo(mid, new[] { 1, outShape[^1], 1, 1 });
            var reshape = new FloatNode { Name = where + "/reshape", Kind = NodeKind.Reshape, Output = Name(output) };
            reshape.Inputs.Add(mid);
            _g.Nodes.Add(reshape);
            _g.Values[reshape.Output] = new ValueInfo(reshape.Output, Nchw(outShape));
        }

        private void Reshape(int input, int output, string where)
        {
            int[] inShape = _f.Shape(input), outShape = _f.Shape(output);
            bool spatial = inShape.Length == 4 && inShape[1] * inShape[2] > 1 && inShape[3] > 1;
            if (spatial && outShape.Length == 4)
            {
                throw new TfliteImportException($"{where}: a 4-D to 4-D reshape of a map with H·W > 1 is not in the float reference");
            }
            var node = new FloatNode { Name = where, Kind = NodeKind.Reshape, Output = Name(output) };
            node.Inputs.Add(Name(input));
            _g.Nodes.Add(node);
            _g.Values[node.Output] = new ValueInfo(node.Output, Nchw(outShape));
            if (spatial || _flattened.Contains(Name(input)))
            {
                _flattened.Add(node.Output);
            }
        }

        /// <summary>Real-valued weights: float32 as stored, or int8 · per-channel (or per-tensor) scale.</summary>
        private float[] Dequantized(int t, int channels, string where, out float[] scales)
        {
            Tensor tensor = _f.Tensor(t);
            byte[] data = _f.ConstantData(t) ?? throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' are not a constant");
            if (tensor.Type == TensorType.FLOAT32)
            {
                scales = Array.Empty<float>();
                var values = new float[data.Length / 4];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(4 * i));
                }
                return values;
            }
            if (tensor.Type != TensorType.INT8 || tensor.Quantization == null)
            {
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' are {tensor.Type}; the float reference takes FLOAT32 or quantized INT8");
            }
            QuantizationParameters q = tensor.Quantization.Value;
            scales = q.GetScaleArray();
            int axis = q.QuantizedDimension;
            int[] shape = _f.Shape(t);
            // Element i's channel along the quantized axis: (i / inner) % channels, inner = product of later dims.
            int inner = 1;
            for (int d = axis + 1; d < shape.Length; d++)
            {
                inner *= shape[d];
            }
            var real = new float[data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                float s = scales.Length == 1 ? scales[0] : scales[(i / inner) % shape[axis]];
                real[i] = (sbyte)data[i] * s;
            }
            return real;
        }

        /// <summary>float32 bias as stored, or int32 · s_in · s_w[c].</summary>
        private float[] Bias(int t, int input, float[] weightScales, int channels, string where)
        {
            Tensor tensor = _f.Tensor(t);
            byte[] data = _f.ConstantData(t) ?? new byte[4 * channels];
            var bias = new float[channels];
            if (tensor.Type == TensorType.FLOAT32)
            {
                for (int c = 0; c < channels; c++)
                {
                    bias[c] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(4 * c));
                }
                return bias;
            }
            if (tensor.Type != TensorType.INT32)
            {
                throw new TfliteImportException($"{where}: bias '{_f.TensorName(t)}' is {tensor.Type}");
            }
            QuantizationParameters? q = _f.Tensor(input).Quantization;
            float sIn = q != null && q.Value.ScaleLength > 0 ? q.Value.Scale(0) : throw new TfliteImportException($"{where}: int32 bias but input '{_f.TensorName(input)}' has no scale");
            for (int c = 0; c < channels; c++)
            {
                float sw = weightScales.Length == 1 ? weightScales[0] : weightScales[c];
                bias[c] = (float)(BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4 * c)) * ((double)sIn * sw));
            }
            return bias;
        }

        private int[] IntData(int t, string where)
        {
            byte[] data = _f.ConstantData(t) ?? throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' must be a constant");
            bool wide = _f.Tensor(t).Type == TensorType.INT64;
            var v = new int[data.Length / (wide ? 8 : 4)];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = wide ? (int)BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8 * i)) : BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4 * i));
            }
            return v;
        }

        private static Activation Act(ActivationFunctionType a, string where) => a switch
        {
            ActivationFunctionType.NONE => Activation.None,
            ActivationFunctionType.RELU => Activation.Relu,
            ActivationFunctionType.RELU6 => Activation.Relu6,
            _ => throw new TfliteImportException($"{where}: fused {a} is not in the float reference"),
        };

        private static (int Before, int After) Same(Padding padding, int size, int kernel, int stride, int dilation)
        {
            int extent = dilation * (kernel - 1) + 1;
            int output = padding == Padding.SAME ? (size + stride - 1) / stride : (size + stride - extent) / stride;
            int total = Math.Max((output - 1) * stride + extent - size, 0);
            return (total / 2, total - total / 2);
        }

        private static int[] Nchw(int[] shape) => shape.Length == 4 ? new[] { shape[0], shape[3], shape[1], shape[2] } : shape;
    }
}
