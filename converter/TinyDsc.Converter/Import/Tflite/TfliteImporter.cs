using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Import.Tflite.Schema;
using TinyDsc.Converter.Quantization;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// Maps a full-integer int8 .tflite model onto the .tdsc model (runtime/FORMAT.md) without recalibration: the file's
/// scales and zero points are taken as given and every multiplier is formed as TFLite forms it
/// (<see cref="TfliteQuantization"/>), so the runtime computes TFLite Micro's bytes.
///
/// Ops: CONV_2D (grouped too), DEPTHWISE_CONV_2D (any depth multiplier), FULLY_CONNECTED, ADD (same shapes),
/// AVERAGE_POOL_2D, MAX_POOL_2D, MEAN over H and W, RESHAPE, PAD folded into the following convolution, HARD_SWISH and
/// LOGISTIC (Lookup tables of TFLM's int8 results), MUL (same shapes or per-channel broadcast), CONCATENATION (last
/// axis, inputs at the output's quantization), QUANTIZE at the input and DEQUANTIZE at the output (the .tdsc runtime
/// quantizes and dequantizes at its edges itself). SOFTMAX (int8, beta 1, over the last axis). SAME and VALID padding;
/// per-channel and per-tensor weights.
/// </summary>
public static class TfliteImporter
{
    /// <summary>Imports <paramref name="bytes"/> (named <paramref name="file"/> in messages).</summary>
    /// <exception cref="TfliteImportException">anything the importer cannot map, with a one-line message.</exception>
    public static TfliteImport Import(byte[] bytes, string file, TfliteImportOptions? options = null)
    {
        TfliteModelFile model = TfliteModelFile.Open(bytes, file);
        return TfliteModelFile.Guard(file, () => new Mapper(model, options ?? new TfliteImportOptions()).Run());
    }

    /// <summary>Reads and imports a .tflite file.</summary>
    public static TfliteImport Load(string path, TfliteImportOptions? options = null)
    {
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            throw new TfliteImportException($"{path}: cannot read ({e.Message})", e);
        }
        return Import(bytes, System.IO.Path.GetFileName(path), options);
    }

    private sealed class Mapper
    {
        private readonly TfliteModelFile _f;
        private readonly TfliteImportOptions _options;
        private readonly List<int>[] _consumers;
        private readonly int[] _producer;
        private readonly Dictionary<int, int> _tdscIndex = new();
        private readonly List<TensorInfo> _tensors = new();
        private readonly List<string> _tensorNames = new();
        private readonly List<TfliteTensorOrigin> _origins = new();
        private readonly List<OperatorInfo> _ops = new();
        private readonly List<string> _opNames = new();
        private readonly List<string> _notes = new();

        // PAD outputs folded into their one consumer: pad output → (pad input, top, bottom, left, right).
        private readonly Dictionary<int, (int Source, int Top, int Bottom, int Left, int Right, int Op)> _folded = new();

        public Mapper(TfliteModelFile f, TfliteImportOptions options)
        {
            _f = f;
            _options = options;
            _consumers = f.Consumers();
            _producer = Enumerable.Repeat(-1, f.TensorCount).ToArray();
            for (int j = 0; j < f.Graph.OperatorsLength; j++)
            {
                Operator op = f.Graph.Operators(j)!.Value;
                for (int o = 0; o < op.OutputsLength; o++)
                {
                    int t = op.Outputs(o);
                    if (t >= 0 && t < _producer.Length)
                    {
                        _producer[t] = j;
                    }
                }
            }
        }

        public TfliteImport Run()
        {
            int modelInput = _f.Graph.Inputs(0);
            int target = _options.OutputTensor == null ? _f.Graph.Outputs(0) : FindTensor(_options.OutputTensor);

            // Ops that reach the target, in file order (TFLite stores operators in execution order).
            var needed = new SortedSet<int>();
            var pending = new Stack<int>();
            pending.Push(target);
            var seen = new HashSet<int>();
            while (pending.Count > 0)
            {
                int t = pending.Pop();
                if (!seen.Add(t) || t == modelInput || _producer[t] < 0)
                {
                    continue;
                }
                int j = _producer[t];
                if (needed.Add(j))
                {
                    Operator op = Op(j);
                    for (int i = 0; i < op.InputsLength; i++)
                    {
                        if (op.Inputs(i) >= 0)
                        {
                            pending.Push(op.Inputs(i));
                        }
                    }
                }
            }
            if (needed.Count == 0)
            {
                throw new TfliteImportException($"{_f.File}: tensor '{_f.TensorName(target)}' is not computed by any operator from the input");
            }
            int skipped = _f.Graph.OperatorsLength - needed.Count;
            if (_options.OutputTensor != null && skipped > 0)
            {
                _notes.Add($"output tensor '{_f.TensorName(target)}' chosen: {skipped} operator(s) after it left out");
            }

            // Check every needed op's code and version before mapping any, so the first message names the real gap.
            foreach (int j in needed)
            {
                CheckSupported(j);
            }

            // Input edge: a float input quantized by a QUANTIZE op becomes that op's int8 output.
            int tdscInput = modelInput;
            bool floatInput = false;
            int first = needed.Min;
            if (Code(first).Op == BuiltinOperator.QUANTIZE && Op(first).Inputs(0) == modelInput && _f.Tensor(modelInput).Type != TensorType.INT8)
            {
                tdscInput = Op(first).Outputs(0);
                floatInput = true;
                needed.Remove(first);
                _notes.Add($"QUANTIZE at the input ({_f.Tensor(modelInput).Type} '{_f.TensorName(modelInput)}'): the .tdsc input is its int8 output; SetInput(float[]) quantizes");
            }

            // Output edge: a DEQUANTIZE producing the target becomes its int8 input.
            int tdscOutput = target;
            bool floatOutput = false;
            if (needed.Count > 0 && Code(_producer[target]).Op == BuiltinOperator.DEQUANTIZE)
            {
                tdscOutput = Op(_producer[target]).Inputs(0);
                floatOutput = true;
                needed.Remove(_producer[target]);
                _notes.Add($"DEQUANTIZE at the output ('{_f.TensorName(target)}'): the .tdsc output is its int8 input; GetOutput(float[]) dequantizes");
            }
            if (tdscInput == tdscOutput || needed.Count == 0)
            {
                throw new TfliteImportException($"{_f.File}: no operator left between input and output after the QUANTIZE/DEQUANTIZE edges");
            }

            RequireInt8Activation(tdscInput, "model input");
            int inIndex = Map(tdscInput);
            foreach (int j in needed)
            {
                MapOperator(j);
            }
            if (!_tdscIndex.TryGetValue(tdscOutput, out int outIndex))
            {
                throw new TfliteImportException($"{_f.File}: output tensor '{_f.TensorName(tdscOutput)}' was folded into another op and cannot be the output");
            }

            var model = new TinyDsc.Runtime.Format.Model
            {
                Tensors = _tensors.ToArray(),
                Operators = _ops.ToArray(),
                InputTensor = inIndex,
                OutputTensor = outIndex,
                ArenaSize = 1,
            };
            var quantized = new QuantizedModel(model, _tensorNames, _opNames);
            TensorInfo inT = _tensors[inIndex], outT = _tensors[outIndex];
            var input = new TfliteEdge(modelInput, _f.TensorName(modelInput), _f.Shape(modelInput), inT.Scale, inT.ZeroPoint, floatInput);
            var output = new TfliteEdge(target, _f.TensorName(target), _f.Shape(target), outT.Scale, outT.ZeroPoint, floatOutput);
            return new TfliteImport(quantized, input, output, _notes, _origins);
        }

        private int FindTensor(string nameOrIndex)
        {
            for (int t = 0; t < _f.TensorCount; t++)
            {
                if (_f.Tensor(t).Name == nameOrIndex)
                {
                    return t;
                }
            }
            if (int.TryParse(nameOrIndex, out int index) && index >= 0 && index < _f.TensorCount)
            {
                return index;
            }
            throw new TfliteImportException($"{_f.File}: no tensor named '{nameOrIndex}' (nor a tensor index 0..{_f.TensorCount - 1})");
        }

        private Operator Op(int j) => _f.Graph.Operators(j)!.Value;

        private (BuiltinOperator Op, int Version, string? Custom) Code(int j) => _f.OperatorCodeOf(Op(j));

        private string Where(int j)
        {
            (BuiltinOperator op, int version, _) = Code(j);
            return $"{_f.File}: operator {j} ({TfliteOps.Name(op)} v{version})";
        }

        private void CheckSupported(int j)
        {
            (BuiltinOperator op, int version, string? custom) = Code(j);
            if (op == BuiltinOperator.CUSTOM || custom != null)
            {
                throw new TfliteImportException($"{_f.File}: operator {j} is custom op '{custom}' (version {version}), which TinyDsc does not import");
            }
            if (!TfliteOps.MaxVersion.TryGetValue(op, out int max))
            {
                throw new TfliteImportException($"{_f.File}: operator {j}: {TfliteOps.Name(op)} (version {version}) is not supported; " +
                    "TinyDsc imports " + string.Join(", ", TfliteOps.MaxVersion.Keys.Select(TfliteOps.Name)));
            }
            if (version > max)
            {
                throw new TfliteImportException($"{_f.File}: operator {j}: {TfliteOps.Name(op)} version {version} is not supported (versions 1–{max} are)");
            }
            Operator o = Op(j);
            if (o.OutputsLength != 1)
            {
                throw new TfliteImportException($"{Where(j)}: {o.OutputsLength} outputs, expected 1");
            }
        }

        private void MapOperator(int j)
        {
            Operator op = Op(j);
            switch (Code(j).Op)
            {
                case BuiltinOperator.CONV_2D:
                    MapConv(j, op, depthwise: false);
                    break;
                case BuiltinOperator.DEPTHWISE_CONV_2D:
                    MapConv(j, op, depthwise: true);
                    break;
                case BuiltinOperator.FULLY_CONNECTED:
                    MapFullyConnected(j, op);
                    break;
                case BuiltinOperator.ADD:
                    MapAdd(j, op);
                    break;
                case BuiltinOperator.AVERAGE_POOL_2D:
                    MapPool(j, op, OpCodes.AveragePool);
                    break;
                case BuiltinOperator.MAX_POOL_2D:
                    MapPool(j, op, OpCodes.MaxPool);
                    break;
                case BuiltinOperator.MEAN:
                    MapMean(j, op);
                    break;
                case BuiltinOperator.RESHAPE:
                    MapReshape(j, op.Inputs(0), op.Outputs(0), Where(j));
                    break;
                case BuiltinOperator.PAD:
                    FoldPad(j, op);
                    break;
                case BuiltinOperator.HARD_SWISH:
                case BuiltinOperator.LOGISTIC:
                    MapActivationTable(j, op);
                    break;
                case BuiltinOperator.MUL:
                    MapMul(j, op);
                    break;
                case BuiltinOperator.CONCATENATION:
                    MapConcatenation(j, op);
                    break;
                case BuiltinOperator.SOFTMAX:
                    MapSoftmax(j, op);
                    break;
                case BuiltinOperator.QUANTIZE:
                    throw new TfliteImportException($"{Where(j)}: QUANTIZE is supported only on the model input (float → int8), " +
                        $"not between '{_f.TensorName(op.Inputs(0))}' and '{_f.TensorName(op.Outputs(0))}'");
                case BuiltinOperator.DEQUANTIZE:
                    throw new TfliteImportException($"{Where(j)}: DEQUANTIZE is supported only on the model output (int8 → float), " +
                        $"not on '{_f.TensorName(op.Outputs(0))}'");
                default:
                    throw new TfliteImportException($"{Where(j)}: not mapped");
            }
        }

        // ---- Operators ----

        private void MapConv(int j, Operator op, bool depthwise)
        {
            string where = Where(j);
            if (op.InputsLength < 2)
            {
                throw new TfliteImportException($"{where}: {op.InputsLength} inputs, expected input, filter and optional bias");
            }
            int input = op.Inputs(0), filter = op.Inputs(1), bias = op.InputsLength > 2 ? op.Inputs(2) : -1, output = op.Outputs(0);
            RequireWeights(filter, where);
            int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
            if (_folded.TryGetValue(input, out var pad))
            {
                (input, padTop, padBottom, padLeft, padRight) = (pad.Source, pad.Top, pad.Bottom, pad.Left, pad.Right);
            }
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            int[] inShape = Shape4(input, where), outShape = Shape4(output, where), wShape = _f.Shape(filter);
            // The conv sees the padded input: its own SAME padding is computed on the padded size.
            int h = inShape[1] + padTop + padBottom, w = inShape[2] + padLeft + padRight, cin = inShape[3], cout = outShape[3];
            Padding padding;
            int strideH, strideW, dilationH, dilationW, groups, kh, kw;
            ActivationFunctionType activation;
            sbyte[] weights;
            sbyte[] raw = Int8Data(filter, where);
            if (depthwise)
            {
                if (op.BuiltinOptionsType != BuiltinOptions.DepthwiseConv2DOptions)
                {
                    throw new TfliteImportException($"{where}: missing DepthwiseConv2DOptions");
                }
                DepthwiseConv2DOptions o = op.BuiltinOptionsAsDepthwiseConv2DOptions();
                (padding, strideH, strideW, dilationH, dilationW, activation) = (o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor, o.FusedActivationFunction);
                if (wShape.Length != 4 || wShape[0] != 1 || wShape[3] != cout)
                {
                    throw new TfliteImportException($"{where}: filter shape {Text(wShape)}, expected [1, kh, kw, {cout}]");
                }
                if (cout % cin != 0)
                {
                    throw new TfliteImportException($"{where}: {cout} output channels is not a multiple of {cin} input channels");
                }
                int multiplier = cout / cin;
                if (o.DepthMultiplier != 0 && o.DepthMultiplier != multiplier)
                {
                    throw new TfliteImportException($"{where}: depth_multiplier {o.DepthMultiplier} but {cin} → {cout} channels");
                }
                (kh, kw, groups) = (wShape[1], wShape[2], cin);
                // TFLite [1, kh, kw, Cout] → .tdsc [Cout, kh, kw, 1]; output channel oc reads input channel oc / multiplier in both.
                weights = new sbyte[raw.Length];
                for (int oc = 0; oc < cout; oc++)
                {
                    for (int p = 0; p < kh * kw; p++)
                    {
                        weights[oc * kh * kw + p] = raw[p * cout + oc];
                    }
                }
            }
            else
            {
                if (op.BuiltinOptionsType != BuiltinOptions.Conv2DOptions)
                {
                    throw new TfliteImportException($"{where}: missing Conv2DOptions");
                }
                Conv2DOptions o = op.BuiltinOptionsAsConv2DOptions();
                (padding, strideH, strideW, dilationH, dilationW, activation) = (o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor, o.FusedActivationFunction);
                if (wShape.Length != 4 || wShape[0] != cout || wShape[3] < 1 || cin % wShape[3] != 0)
                {
                    throw new TfliteImportException($"{where}: filter shape {Text(wShape)} does not fit input channels {cin} and output channels {cout}");
                }
                (kh, kw, groups) = (wShape[1], wShape[2], cin / wShape[3]);
                if (cout % groups != 0)
                {
                    throw new TfliteImportException($"{where}: {cout} output channels is not a multiple of {groups} groups");
                }
                weights = raw; // TFLite [Cout, kh, kw, Cin/groups] is the .tdsc layout.
            }
            if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1)
            {
                throw new TfliteImportException($"{where}: stride {strideH}×{strideW} and dilation {dilationH}×{dilationW} must be ≥ 1");
            }
            (int pt, int pb, int ho) = Same(padding, h, kh, strideH, dilationH, where);
            (int pl, int pr, int wo) = Same(padding, w, kw, strideW, dilationW, where);
            if (ho != outShape[1] || wo != outShape[2])
            {
                throw new TfliteImportException($"{where}: output {outShape[1]}×{outShape[2]} differs from {ho}×{wo} computed from the input and options");
            }
            var info = new OperatorInfo
            {
                OpCode = OpCodes.Conv2D,
                KernelH = kh,
                KernelW = kw,
                StrideH = strideH,
                StrideW = strideW,
                DilationH = dilationH,
                DilationW = dilationW,
                PadTop = pt + padTop,
                PadBottom = pb + padBottom,
                PadLeft = pl + padLeft,
                PadRight = pr + padRight,
                Groups = groups,
                Weights = weights,
            };
            float[] wScales = WeightScales(filter, cout, depthwise ? 3 : 0, where);
            FinishWeighted(j, info, input, output, bias, cout, wScales, activation, where);
        }

        private void MapFullyConnected(int j, Operator op)
        {
            string where = Where(j);
            if (op.InputsLength < 2)
            {
                throw new TfliteImportException($"{where}: {op.InputsLength} inputs, expected input, weights and optional bias");
            }
            int input = op.Inputs(0), filter = op.Inputs(1), bias = op.InputsLength > 2 ? op.Inputs(2) : -1, output = op.Outputs(0);
            RequireWeights(filter, where);
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            ActivationFunctionType activation = ActivationFunctionType.NONE;
            if (op.BuiltinOptionsType == BuiltinOptions.FullyConnectedOptions)
            {
                FullyConnectedOptions o = op.BuiltinOptionsAsFullyConnectedOptions();
                if (o.WeightsFormat != FullyConnectedOptionsWeightsFormat.DEFAULT)
                {
                    throw new TfliteImportException($"{where}: weights format {o.WeightsFormat} is not supported (DEFAULT is)");
                }
                activation = o.FusedActivationFunction;
            }
            int[] wShape = _f.Shape(filter);
            if (wShape.Length != 2)
            {
                throw new TfliteImportException($"{where}: weights shape {Text(wShape)}, expected [Cout, Cin]");
            }
            int cout = wShape[0], cin = wShape[1];
            if (Elements(_f.Shape(input)) != cin)
            {
                throw new TfliteImportException($"{where}: input {Text(_f.Shape(input))} does not hold {cin} values (batch 1 only)");
            }
            int[] outShape = _f.Shape(output);
            if (outShape.Length != 2 || outShape[0] != 1 || outShape[1] != cout)
            {
                throw new TfliteImportException($"{where}: output shape {Text(outShape)}, expected [1, {cout}]");
            }
            var info = new OperatorInfo { OpCode = OpCodes.FullyConnected, Weights = Int8Data(filter, where) };
            float[] wScales = WeightScales(filter, cout, 0, where);
            FinishWeighted(j, info, input, output, bias, cout, wScales, activation, where);
        }

        private void FinishWeighted(int j, OperatorInfo info, int input, int output, int bias, int cout, float[] wScales,
            ActivationFunctionType activation, string where)
        {
            foreach (sbyte v in info.Weights)
            {
                if (v == -128)
                {
                    throw new TfliteImportException($"{where}: weights hold -128; the .tdsc runtime takes symmetric int8 weights in -127..127 (TFLite's int8 spec)");
                }
            }
            (float sIn, int _) = Quant(input, where);
            (float sOut, int zpOut) = Quant(output, where);
            if (bias >= 0)
            {
                info.Bias = BiasData(bias, cout, where);
            }
            (info.Multiplier, info.Shift) = TfliteQuantization.ConvMultipliers(sIn, wScales, cout, sOut);
            (info.ActMin, info.ActMax) = TfliteQuantization.ActivationRange(activation, sOut, zpOut, where);
            info.Input0 = Map(input);
            info.Output = Map(output);
            Add(j, info);
        }

        private void MapAdd(int j, Operator op)
        {
            string where = Where(j);
            if (op.InputsLength != 2)
            {
                throw new TfliteImportException($"{where}: {op.InputsLength} inputs, expected 2");
            }
            int a = op.Inputs(0), b = op.Inputs(1), output = op.Outputs(0);
            foreach (int t in new[] { a, b, output })
            {
                RequireInt8Activation(t, where);
                if (!Same(_f.Shape(t), _f.Shape(output)))
                {
                    throw new TfliteImportException($"{where}: '{_f.TensorName(t)}' has shape {Text(_f.Shape(t))}, output {Text(_f.Shape(output))}; broadcasting is not supported");
                }
            }
            ActivationFunctionType activation = op.BuiltinOptionsType == BuiltinOptions.AddOptions
                ? op.BuiltinOptionsAsAddOptions().FusedActivationFunction
                : ActivationFunctionType.NONE;
            (float sa, int _) = Quant(a, where);
            (float sb, int _) = Quant(b, where);
            (float so, int zo) = Quant(output, where);
            var info = new OperatorInfo { OpCode = OpCodes.Add, Params = new int[OperatorInfo.ParamCount] };
            int[] p = Requantization.AddParams(sa, sb, so); // TFLite's int8 add: left shift 20, s_i / (2 max s), 2 max s / (2^20 s_out).
            Array.Copy(p, info.Params, p.Length);
            (info.ActMin, info.ActMax) = TfliteQuantization.ActivationRange(activation, so, zo, where);
            info.Input0 = Map(a);
            info.Input1 = Map(b);
            info.Output = Map(output);
            Add(j, info);
        }

        private void MapPool(int j, Operator op, int code)
        {
            string where = Where(j);
            int input = op.Inputs(0), output = op.Outputs(0);
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            RequireSameQuantization(input, output, where);
            if (op.BuiltinOptionsType != BuiltinOptions.Pool2DOptions)
            {
                throw new TfliteImportException($"{where}: missing Pool2DOptions");
            }
            Pool2DOptions o = op.BuiltinOptionsAsPool2DOptions();
            (float s, int zp) = Quant(output, where);
            (int actMin, int actMax) = TfliteQuantization.ActivationRange(o.FusedActivationFunction, s, zp, where);
            if (actMin != -128 || actMax != 127)
            {
                throw new TfliteImportException($"{where}: fused {o.FusedActivationFunction} clamps to [{actMin}, {actMax}]; .tdsc pools take no activation");
            }
            int[] inShape = Shape4(input, where), outShape = Shape4(output, where);
            if (o.StrideH < 1 || o.StrideW < 1 || o.FilterHeight < 1 || o.FilterWidth < 1)
            {
                throw new TfliteImportException($"{where}: filter {o.FilterHeight}×{o.FilterWidth} and stride {o.StrideH}×{o.StrideW} must be ≥ 1");
            }
            (int pt, int pb, int ho) = Same(o.Padding, inShape[1], o.FilterHeight, o.StrideH, 1, where);
            (int pl, int pr, int wo) = Same(o.Padding, inShape[2], o.FilterWidth, o.StrideW, 1, where);
            if (ho != outShape[1] || wo != outShape[2] || inShape[3] != outShape[3])
            {
                throw new TfliteImportException($"{where}: output {Text(outShape)} differs from [1, {ho}, {wo}, {inShape[3]}] computed from the input and options");
            }
            var info = new OperatorInfo
            {
                OpCode = code,
                KernelH = o.FilterHeight,
                KernelW = o.FilterWidth,
                StrideH = o.StrideH,
                StrideW = o.StrideW,
                PadTop = pt,
                PadBottom = pb,
                PadLeft = pl,
                PadRight = pr,
                // TFLite's average pool divides by the taps inside the input (padded taps do not count): p0 = 0.
                Input0 = Map(input),
                Output = Map(output),
            };
            Add(j, info);
        }

        private void MapMean(int j, Operator op)
        {
            string where = Where(j);
            int input = op.Inputs(0), axis = op.Inputs(1), output = op.Outputs(0);
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            int[] inShape = Shape4(input, where);
            int[] axes = IntData(axis, where);
            var set = new SortedSet<int>(axes.Select(a => a < 0 ? a + 4 : a));
            if (!set.SetEquals(new[] { 1, 2 }))
            {
                throw new TfliteImportException($"{where}: mean over axes [{string.Join(", ", axes)}]; only the spatial axes [1, 2] of an NHWC tensor are supported");
            }
            bool keepDims = op.BuiltinOptionsType == BuiltinOptions.ReducerOptions && op.BuiltinOptionsAsReducerOptions().KeepDims;
            int c = inShape[3];
            int[] outShape = _f.Shape(output);
            int[] expected = keepDims ? new[] { 1, 1, 1, c } : new[] { 1, c };
            if (!Same(outShape, expected))
            {
                throw new TfliteImportException($"{where}: output shape {Text(outShape)}, expected {Text(expected)}");
            }
            (float sIn, int _) = Quant(input, where);
            (float sOut, int zpOut) = Quant(output, where);
            (int m, int sh) = TfliteQuantization.Mean(sIn, sOut, (long)inShape[1] * inShape[2]);
            var info = new OperatorInfo
            {
                OpCode = OpCodes.GlobalAveragePool,
                Multiplier = new[] { m },
                Shift = new[] { sh },
                Input0 = Map(input),
            };
            if (keepDims)
            {
                info.Output = Map(output);
                Add(j, info);
                return;
            }
            // .tdsc's GlobalAveragePool writes [1, 1, 1, C]; a byte-copy Reshape gives the file's [1, C].
            info.Output = NewTensor(new[] { 1, 1, 1, c }, sOut, zpOut, _f.TensorName(output) + "/keep_dims", new TfliteTensorOrigin(output, KeepDims: true));
            Add(j, info);
            _ops.Add(new OperatorInfo { OpCode = OpCodes.Reshape, Input0 = info.Output, Output = Map(output) });
            _opNames.Add(_opNames[^1] + "/reshape");
        }

        /// <summary>
        /// SOFTMAX (int8 in and out, beta 1) over the last axis: op 18 with the input multiplier and left shift TFLite
        /// forms from the input scale; the output must be TFLite's 1/256, −128.
        /// </summary>
        private void MapSoftmax(int j, Operator op)
        {
            string where = Where(j);
            int input = op.Inputs(0), output = op.Outputs(0);
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            float beta = op.BuiltinOptionsType == BuiltinOptions.SoftmaxOptions ? op.BuiltinOptionsAsSoftmaxOptions().Beta : 0f;   // absent options: the schema default 0
            if (beta != 1f)
            {
                throw new TfliteImportException($"{where}: beta = {beta:G9}; only beta = 1 is supported (TinyDsc's softmax kernel has no beta)");
            }
            if (!Same(_f.Shape(input), _f.Shape(output)))
            {
                throw new TfliteImportException($"{where}: input {Text(_f.Shape(input))} and output {Text(_f.Shape(output))} differ");
            }
            (float sIn, int _) = Quant(input, where);
            (float sOut, int zpOut) = Quant(output, where);
            if (sOut != Requantization.SoftmaxOutputScale || zpOut != Requantization.SoftmaxOutputZeroPoint)
            {
                throw new TfliteImportException($"{where}: output scale/zero point {sOut:G9}/{zpOut}; int8 softmax requires 1/256 and -128");
            }
            int depth = _f.Shape(input)[^1];
            if (depth > 4095)
            {
                throw new TfliteImportException($"{where}: {depth} classes; the runtime's softmax takes at most 4095 (its int32 sum bound)");
            }
            (int m, int shift) = Requantization.Softmax(sIn);
            var info = new OperatorInfo { OpCode = OpCodes.Softmax, Input0 = Map(input), Output = Map(output) };
            info.Params[0] = m;
            info.Params[1] = shift;
            Add(j, info);
        }

        /// <summary>
        /// HARD_SWISH and LOGISTIC as the runtime's Lookup (op 16): the 256-entry table holds TFLM's own int8 result for
        /// every input, from the file's scales (HARD_SWISH: TFLite's hard_swish with its two 16-bit multipliers;
        /// LOGISTIC: TFLM's fixed-point logistic, <see cref="TfliteLogistic"/>, which requires output zero point −128).
        /// </summary>
        private void MapActivationTable(int j, Operator op)
        {
            string where = Where(j);
            int input = op.Inputs(0), output = op.Outputs(0);
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            if (!Same(_f.Shape(input), _f.Shape(output)))
            {
                throw new TfliteImportException($"{where}: input {Text(_f.Shape(input))} and output {Text(_f.Shape(output))} differ");
            }
            (float sIn, int zpIn) = Quant(input, where);
            (float sOut, int zpOut) = Quant(output, where);
            sbyte[] table;
            if (Code(j).Op == BuiltinOperator.LOGISTIC)
            {
                if (zpOut != -128)
                {
                    throw new TfliteImportException($"{where}: output zero point {zpOut}; TFLite's int8 LOGISTIC requires -128 (output scale 1/256)");
                }
                table = TfliteLogistic.Table(sIn, zpIn, where);
            }
            else
            {
                try
                {
                    var p = ActivationTables.HardSwishParams.Prepare(new QuantParams(sIn, zpIn), new QuantParams(sOut, zpOut));
                    table = new sbyte[256];
                    for (int q = -128; q <= 127; q++)
                    {
                        table[q + 128] = ActivationTables.HardSwishQ(p, q);
                    }
                }
                catch (QuantizationException e)
                {
                    throw new TfliteImportException($"{where}: {e.Message}", e);
                }
            }
            Add(j, new OperatorInfo { OpCode = OpCodes.Lookup, Input0 = Map(input), Output = Map(output), Weights = table });
        }

        /// <summary>
        /// MUL as the runtime's Mul (op 17): same shapes, or one operand [1, 1, 1, C] broadcast over the other's H and W
        /// (squeeze-and-excite; it becomes input 1, the product being symmetric); M = (double)s0 · (double)s1 / (double)s_out
        /// through TFLite's QuantizeMultiplier, the fused activation's range as TFLite computes it.
        /// </summary>
        private void MapMul(int j, Operator op)
        {
            string where = Where(j);
            if (op.InputsLength != 2)
            {
                throw new TfliteImportException($"{where}: {op.InputsLength} inputs, expected 2");
            }
            int a = op.Inputs(0), b = op.Inputs(1), output = op.Outputs(0);
            foreach (int t in new[] { a, b, output })
            {
                RequireInt8Activation(t, where);
            }
            int[] sa = _f.Shape(a), sb = _f.Shape(b), so = _f.Shape(output);
            static bool PerChannel(int[] c, int[] x) => c.Length == 4 && x.Length == 4 && c[0] == 1 && c[1] == 1 && c[2] == 1 && c[3] == x[3];
            if (!Same(sa, so))
            {
                (a, b, sa, sb) = (b, a, sb, sa);
            }
            if (!Same(sa, so) || !(Same(sb, so) || PerChannel(sb, so)))
            {
                throw new TfliteImportException($"{where}: shapes {Text(_f.Shape(op.Inputs(0)))} × {Text(_f.Shape(op.Inputs(1)))} → {Text(so)}; " +
                    "TinyDsc's Mul takes equal shapes or [1, 1, 1, C] times [1, H, W, C]");
            }
            ActivationFunctionType activation = op.BuiltinOptionsType == BuiltinOptions.MulOptions
                ? op.BuiltinOptionsAsMulOptions().FusedActivationFunction
                : ActivationFunctionType.NONE;
            (float s0, int _) = Quant(a, where);
            (float s1, int _) = Quant(b, where);
            (float sOut, int zpOut) = Quant(output, where);
            (int m, int sh) = Requantization.Quantize((double)s0 * (double)s1 / (double)sOut);
            if (sh > 15)
            {
                throw new TfliteImportException($"{where}: s0·s1/s_out = {(double)s0 * s1 / sOut:G6} needs shift {sh}; the .tdsc Mul's product bound allows ≤ 15");
            }
            var info = new OperatorInfo { OpCode = OpCodes.Mul, Input0 = Map(a), Input1 = Map(b), Output = Map(output) };
            info.Params[0] = m;
            info.Params[1] = sh;
            (info.ActMin, info.ActMax) = TfliteQuantization.ActivationRange(activation, sOut, zpOut, where);
            Add(j, info);
        }

        /// <summary>
        /// CONCATENATION along the last axis as the runtime's Concat (op 19), 2..4 inputs. TFLite's int8 kernel copies
        /// bytes, its Prepare requiring every input to have the output's scale and zero point (TFLM copies without
        /// checking): such inputs get M = 1 (multiplier 2^30, shift 1), which the runtime copies, so the bytes are TFLM's.
        /// An input with other quantization is rejected: TFLM's bytes would then not be the concatenated values.
        /// </summary>
        private void MapConcatenation(int j, Operator op)
        {
            string where = Where(j);
            int n = op.InputsLength, output = op.Outputs(0);
            if (n < 2 || n > OperatorInputs.ConcatMaxInputs)
            {
                throw new TfliteImportException($"{where}: {n} inputs; TinyDsc's Concat takes 2..{OperatorInputs.ConcatMaxInputs}");
            }
            int[] so = _f.Shape(output);
            ConcatenationOptions? options = op.BuiltinOptionsType == BuiltinOptions.ConcatenationOptions ? op.BuiltinOptionsAsConcatenationOptions() : null;
            int axis = options?.Axis ?? 0;
            if (axis < 0)
            {
                axis += so.Length;
            }
            if (axis != so.Length - 1)
            {
                throw new TfliteImportException($"{where}: axis {options?.Axis ?? 0} of output {Text(so)}; TinyDsc concatenates along the last (channel) axis only");
            }
            if (options?.FusedActivationFunction is { } act && act != ActivationFunctionType.NONE)
            {
                throw new TfliteImportException($"{where}: fused {act}; TFLite's int8 CONCATENATION takes none");
            }
            RequireInt8Activation(output, where);
            (float sOut, int zpOut) = Quant(output, where);
            var info = new OperatorInfo { OpCode = OpCodes.Concat };
            info.Params[0] = n;
            int channels = 0;
            for (int k = 0; k < n; k++)
            {
                int t = op.Inputs(k);
                RequireInt8Activation(t, where);
                int[] s = _f.Shape(t);
                if (s.Length != so.Length || !s.AsSpan(0, s.Length - 1).SequenceEqual(so.AsSpan(0, so.Length - 1)))
                {
                    throw new TfliteImportException($"{where}: input '{_f.TensorName(t)}' {Text(s)} differs from output {Text(so)} outside the last axis");
                }
                channels += s[^1];
                (float si, int zi) = Quant(t, where);
                if (si != sOut || zi != zpOut)
                {
                    throw new TfliteImportException($"{where}: input '{_f.TensorName(t)}' has scale/zero point {si:G9}/{zi}, output {sOut:G9}/{zpOut}; " +
                        "TFLite's int8 CONCATENATION requires the output's quantization on every input");
                }
                int index = Map(t);
                if (k == 0)
                {
                    info.Input0 = index;
                }
                else if (k == 1)
                {
                    info.Input1 = index;
                }
                else
                {
                    info.Params[k - 1] = index;
                }
                info.Params[3 + 2 * k] = 1 << 30;   // M = 1: copied
                info.Params[4 + 2 * k] = 1;
            }
            if (channels != so[^1])
            {
                throw new TfliteImportException($"{where}: inputs hold {channels} values along the last axis, output {so[^1]}");
            }
            info.Output = Map(output);
            Add(j, info);
        }

        private void MapReshape(int j, int input, int output, string where)
        {
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            RequireSameQuantization(input, output, where);
            if (Elements(_f.Shape(input)) != Elements(_f.Shape(output)))
            {
                throw new TfliteImportException($"{where}: {Text(_f.Shape(input))} and {Text(_f.Shape(output))} hold different element counts");
            }
            Add(j, new OperatorInfo { OpCode = OpCodes.Reshape, Input0 = Map(input), Output = Map(output) });
        }

        private void FoldPad(int j, Operator op)
        {
            string where = Where(j);
            int input = op.Inputs(0), output = op.Outputs(0);
            RequireInt8Activation(input, where);
            RequireInt8Activation(output, where);
            RequireSameQuantization(input, output, where);
            int[] p = IntData(op.Inputs(1), where);
            int[] inShape = Shape4(input, where);
            if (p.Length != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0 || p.Any(v => v < 0))
            {
                throw new TfliteImportException($"{where}: paddings [{string.Join(", ", p)}]; only non-negative padding of H and W is supported");
            }
            List<int> readers = _consumers[output];
            bool foldable = readers.Count == 1 && readers[0] > j
                && Code(readers[0]).Op is BuiltinOperator.CONV_2D or BuiltinOperator.DEPTHWISE_CONV_2D
                && Op(readers[0]).Inputs(0) == output;
            if (!foldable)
            {
                throw new TfliteImportException($"{where}: PAD is supported only when its one reader is a CONV_2D or DEPTHWISE_CONV_2D " +
                    "(it is folded into that convolution's padding; the padded value is the zero point in both)");
            }
            _folded[output] = (input, p[2], p[3], p[4], p[5], j);
            _notes.Add($"PAD operator {j} folded into operator {readers[0]}'s padding (top {p[2]}, bottom {p[3]}, left {p[4]}, right {p[5]})");
            _ = inShape;
        }

        // ---- Helpers ----

        private void Add(int j, OperatorInfo info)
        {
            _ops.Add(info);
            _opNames.Add($"{TfliteOps.Name(Code(j).Op)} #{j} → {_f.TensorName(Op(j).Outputs(0))}");
        }

        /// <summary>SAME / VALID as TFLite computes them: (pad before, pad after, output size).</summary>
        private static (int Before, int After, int Out) Same(Padding padding, int size, int kernel, int stride, int dilation, string where)
        {
            int extent = dilation * (kernel - 1) + 1;
            int output;
            switch (padding)
            {
                case Padding.SAME:
                    output = (size + stride - 1) / stride;
                    break;
                case Padding.VALID:
                    output = (size + stride - extent) / stride;
                    break;
                default:
                    throw new TfliteImportException($"{where}: padding {padding} is not supported (SAME, VALID are)");
            }
            if (output < 1)
            {
                throw new TfliteImportException($"{where}: a {extent}-wide window does not fit {size} values");
            }
            int total = Math.Max((output - 1) * stride + extent - size, 0);
            return (total / 2, total - total / 2, output);
        }

        private int Map(int t)
        {
            if (_tdscIndex.TryGetValue(t, out int index))
            {
                return index;
            }
            int[] shape = _f.Shape(t);
            (float scale, int zp) = Quant(t, "tensor");
            index = NewTensor(shape, scale, zp, _f.TensorName(t), new TfliteTensorOrigin(t, KeepDims: false));
            _tdscIndex[t] = index;
            return index;
        }

        private int NewTensor(int[] shape, float scale, int zp, string name, TfliteTensorOrigin origin)
        {
            if (shape.Length < 1 || shape.Length > 4 || shape[0] != 1 || shape.Any(d => d < 1))
            {
                throw new TfliteImportException($"{_f.File}: tensor '{name}' has shape {Text(shape)}; .tdsc tensors have rank 1–4, batch 1 and positive dims");
            }
            var info = new TensorInfo { Rank = shape.Length, Scale = scale, ZeroPoint = zp, ByteSize = (int)Elements(shape) };
            for (int k = 0; k < 4; k++)
            {
                info.Dims[k] = k < shape.Length ? shape[k] : 1;
            }
            _tensors.Add(info);
            _tensorNames.Add(name);
            _origins.Add(origin);
            return _tensors.Count - 1;
        }

        private (float Scale, int ZeroPoint) Quant(int t, string where)
        {
            Tensor tensor = _f.Tensor(t);
            QuantizationParameters? q = tensor.Quantization;
            if (q == null || q.Value.ScaleLength != 1 || q.Value.ZeroPointLength != 1)
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' needs one scale and one zero point (per-tensor int8 quantization)");
            }
            float scale = q.Value.Scale(0);
            long zp = q.Value.ZeroPoint(0);
            if (!(scale > 0) || float.IsInfinity(scale) || zp < -128 || zp > 127)
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' has scale {scale} and zero point {zp}; int8 needs a finite scale > 0 and a zero point in -128..127");
            }
            return (scale, (int)zp);
        }

        private void RequireInt8Activation(int t, string where)
        {
            Tensor tensor = _f.Tensor(t);
            if (tensor.Type != TensorType.INT8)
            {
                string hint = tensor.Type == TensorType.FLOAT32
                    ? "; this looks like a float .tflite: TinyDsc imports full-integer int8 .tflite files (TFLite converter with " +
                      "full integer quantization) as given; a float .tflite converts through calibration: tinydsc convert MODEL.tflite --calibration CALIB.npy"
                    : "";
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' is {tensor.Type}, expected INT8{hint}");
            }
            if (tensor.Sparsity != null)
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' is sparse, which is not supported");
            }
            if (_f.ConstantData(t) != null && !_tdscIndex.ContainsKey(t))
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' is a constant where an activation is expected");
            }
            QuantizationParameters? q = tensor.Quantization;
            if (q != null && q.Value.DetailsType != QuantizationDetails.NONE)
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' uses a custom quantization scheme");
            }
        }

        private void RequireWeights(int t, string where)
        {
            Tensor tensor = _f.Tensor(t);
            if (tensor.Type != TensorType.INT8)
            {
                string hint = tensor.Type == TensorType.FLOAT32
                    ? "; this looks like a float .tflite: TinyDsc imports full-integer int8 .tflite files as given; a float .tflite " +
                      "converts through calibration: tinydsc convert MODEL.tflite --calibration CALIB.npy"
                    : "";
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' are {tensor.Type}, expected INT8{hint}");
            }
            if (tensor.Sparsity != null)
            {
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' are sparse, which is not supported");
            }
            if (_f.ConstantData(t) == null)
            {
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' are not a constant (no buffer data)");
            }
        }

        /// <summary>Weight scales (one, or one per output channel along <paramref name="axis"/>), zero points all 0.</summary>
        private float[] WeightScales(int t, int channels, int axis, string where)
        {
            QuantizationParameters? q = _f.Tensor(t).Quantization;
            if (q == null || q.Value.ScaleLength == 0)
            {
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' have no quantization scale");
            }
            QuantizationParameters p = q.Value;
            if (p.DetailsType != QuantizationDetails.NONE)
            {
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' use a custom quantization scheme");
            }
            float[] scales = p.GetScaleArray();
            if (scales.Length != 1 && (scales.Length != channels || p.QuantizedDimension != axis))
            {
                throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' have {scales.Length} scales along axis {p.QuantizedDimension}; " +
                    $"expected 1 or {channels} along axis {axis}");
            }
            for (int i = 0; i < p.ZeroPointLength; i++)
            {
                if (p.ZeroPoint(i) != 0)
                {
                    throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' have zero point {p.ZeroPoint(i)} at {i}; int8 weights are symmetric (zero point 0)");
                }
            }
            foreach (float s in scales)
            {
                if (!(s > 0) || float.IsInfinity(s))
                {
                    throw new TfliteImportException($"{where}: weights '{_f.TensorName(t)}' have scale {s}; scales must be finite and > 0");
                }
            }
            return scales;
        }

        private sbyte[] Int8Data(int t, string where)
        {
            byte[] data = _f.ConstantData(t) ?? throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' has no data");
            long n = Elements(_f.Shape(t));
            if (data.Length != n)
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' has {data.Length} bytes of data for {n} int8 values");
            }
            var values = new sbyte[n];
            System.Buffer.BlockCopy(data, 0, values, 0, data.Length);
            return values;
        }

        private int[] BiasData(int t, int channels, string where)
        {
            Tensor tensor = _f.Tensor(t);
            if (tensor.Type != TensorType.INT32)
            {
                throw new TfliteImportException($"{where}: bias '{_f.TensorName(t)}' is {tensor.Type}, expected INT32");
            }
            int[] values = IntData(t, where);
            if (values.Length != channels)
            {
                throw new TfliteImportException($"{where}: bias '{_f.TensorName(t)}' has {values.Length} values for {channels} output channels");
            }
            return values;
        }

        /// <summary>A constant INT32 (or INT64 with values in int range) tensor's values.</summary>
        private int[] IntData(int t, string where)
        {
            Tensor tensor = _f.Tensor(t);
            byte[] data = _f.ConstantData(t) ?? throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' must be a constant");
            long n = Elements(_f.Shape(t));
            if (tensor.Type == TensorType.INT32 && data.Length == 4 * n)
            {
                var v = new int[n];
                for (int i = 0; i < n; i++)
                {
                    v[i] = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4 * i));
                }
                return v;
            }
            if (tensor.Type == TensorType.INT64 && data.Length == 8 * n)
            {
                var v = new int[n];
                for (int i = 0; i < n; i++)
                {
                    long x = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8 * i));
                    if (x < int.MinValue || x > int.MaxValue)
                    {
                        throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' value {x} is outside int32");
                    }
                    v[i] = (int)x;
                }
                return v;
            }
            throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' is {tensor.Type} with {data.Length} bytes for {n} values; expected INT32 or INT64");
        }

        private void RequireSameQuantization(int a, int b, string where)
        {
            (float sa, int za) = Quant(a, where);
            (float sb, int zb) = Quant(b, where);
            if (sa != sb || za != zb)
            {
                throw new TfliteImportException($"{where}: input scale/zero point {sa:G9}/{za} and output {sb:G9}/{zb} differ; this op keeps its input's quantization in .tdsc");
            }
        }

        private int[] Shape4(int t, string where)
        {
            int[] s = _f.Shape(t);
            if (s.Length != 4 || s[0] != 1)
            {
                throw new TfliteImportException($"{where}: tensor '{_f.TensorName(t)}' has shape {Text(s)}, expected [1, H, W, C]");
            }
            return s;
        }

        private static long Elements(int[] shape)
        {
            long n = 1;
            foreach (int d in shape)
            {
                n *= d;
            }
            return n;
        }

        private static bool Same(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);

        private static string Text(int[] shape) => "[" + string.Join(", ", shape) + "]";
    }
}

/// <summary>Options of <see cref="TfliteImporter"/>.</summary>
public sealed class TfliteImportOptions
{
    /// <summary>
    /// Name (or index) of the tensor to use as the .tdsc output instead of the model's own output: the operators that
    /// compute it are imported, later ones left out (e.g. the scores before a SOFTMAX the runtime lacks).
    /// </summary>
    public string? OutputTensor { get; init; }
}
