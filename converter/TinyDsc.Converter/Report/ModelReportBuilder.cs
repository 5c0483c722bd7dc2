using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Validation;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Reference;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Converter.Report;

/// <summary>
/// Runs the float reference and the int8 interpreter side by side on every sample and compares them at every tensor:
/// the interpreter's <see cref="Interpreter.Observer"/> reads each operator's output right after it is written (the
/// memory plan reuses arena bytes later), and a <see cref="ReportMapping"/> pairs it with its float value (by the
/// quantizer's structure for ONNX and calibrated models, <see cref="TensorMapping"/>; by the importer's record of file
/// tensors for an int8 .tflite, <see cref="TfliteReportMapping"/>). The graph output is fed the same way `tinydsc verify` does (Int8Runner, FloatRunner), so the output metrics
/// are verify's numbers.
/// </summary>
public static class ModelReportBuilder
{
    /// <param name="graph">The float graph imported from <paramref name="onnxFile"/>.</param>
    /// <param name="model">The int8 model loaded from <paramref name="tdscFile"/>, <paramref name="modelBytes"/> bytes long.</param>
    /// <param name="batch">Input samples, PyTorch layout, shape <paramref name="shape"/> ([N, ...]).</param>
    /// <param name="labels">One label per sample, or null.</param>
    /// <exception cref="PipelineInputException">The files do not belong together or the input does not fit the model.</exception>
    public static ModelReport Build(FloatGraph graph, Model model, long modelBytes, string onnxFile, string tdscFile,
        float[] batch, int[] shape, string inputFile, long[]? labels, string? labelsFile, Action<int, int>? progress = null,
        int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var source = new ReportSource
        {
            Graph = graph,
            Model = model,
            ModelBytes = modelBytes,
            ReferenceFile = onnxFile,
            ReferenceKind = "ONNX",
            ModelFile = tdscFile,
            Map = unfused => ReportMapping.FromGraph(graph, unfused, onnxFile, tdscFile),
        };
        return Build(source, batch, shape, inputFile, labels, labelsFile, progress, threads);
    }

    /// <param name="source">The reference graph, the int8 model and how their tensors pair.</param>
    /// <param name="batch">Input samples in the float graph's layout (NCHW for images), shape <paramref name="shape"/> ([N, ...]).</param>
    /// <param name="labels">One label per sample, or null.</param>
    /// <exception cref="PipelineInputException">The files do not belong together or the input does not fit the model.</exception>
    public static ModelReport Build(ReportSource source, float[] batch, int[] shape, string inputFile, long[]? labels,
        string? labelsFile, Action<int, int>? progress = null, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return BuildChecked(source, batch, shape, inputFile, labels, labelsFile, progress, threads);
        }
        catch (PipelineInputException e) when (source.MismatchHint != null && e.Message.Contains(" was not converted from ", StringComparison.Ordinal))
        {
            throw new PipelineInputException(e.Message + "; " + source.MismatchHint);
        }
    }

    private static ModelReport BuildChecked(ReportSource source, float[] batch, int[] shape, string inputFile, long[]? labels,
        string? labelsFile, Action<int, int>? progress, int? threads)
    {
        int workerThreads = threads ?? Workers.DefaultThreads;
        Workers.Check(workerThreads);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(batch);
        FloatGraph graph = source.Graph;
        Model model = source.Model;
        // A fused model runs its blocks row by row: their internal tensors never exist. The comparison runs the same
        // model unfused (the same int8 arithmetic, bytes equal by FusedBlock's own tests), where every tensor does.
        Model fused = model;
        bool hasBlocks = BlockFusion.Groups(fused).Count > 0;
        if (hasBlocks)
        {
            model = BlockFusion.Defuse(fused);
            ModelMemoryPlanner.Apply(model);
        }
        ReportMapping mapping = source.Map(model);
        string[] names = mapping.Values.ToArray();
        var interpreter = new Interpreter(model);
        var deviceInterpreter = hasBlocks ? new Interpreter(fused) : interpreter;
        int[] inShape = ModelShapes.Nchw(model.Tensors[model.InputTensor]);
        int[] outShape = ModelShapes.Nchw(model.Tensors[model.OutputTensor]);
        int n = ModelShapes.BatchOf(inputFile, shape, inShape);
        int inSize = ModelShapes.SampleSize(inShape), outSize = ModelShapes.SampleSize(outShape);
        InputValues.RequireFinite(inputFile, batch, inSize);
        if (labels != null && labels.Length != n)
        {
            throw new PipelineInputException($"{labelsFile} has {labels.Length} labels for {n} samples");
        }

        var producers = new int[model.Tensors.Length];
        Array.Fill(producers, -1);
        for (int i = 0; i < model.Operators.Length; i++)
        {
            producers[model.Operators[i].Output] = i;
        }
        var stats = new TensorStats[model.Tensors.Length];
        for (int t = 0; t < stats.Length; t++)
        {
            TensorInfo info = model.Tensors[t];
            int[] shown = source.Nhwc ? info.Dims[..info.Rank] : ModelShapes.Nchw(info);
            stats[t] = new TensorStats(t, mapping.TensorNames[t], producers[t], shown, info.Scale, info.ZeroPoint);
        }

        // Samples run in chunks on the workers (one interpreter each), which keep every tensor's bytes and every float
        // value of each sample; the comparer then takes them in sample and operator order on this thread, so the
        // statistics are the same for any thread count.
        var comparer = new Comparer(model, stats, names);
        var reference = new float[(long)n * outSize];
        var quantized = new float[(long)n * outSize];
        bool input4d = inShape.Length == 4, output4d = outShape.Length == 4;
        int workers = Workers.Count(n, workerThreads);
        var interpreters = new Interpreter[workers];
        var captures = new Capture[workers];
        for (int w = 0; w < workers; w++)
        {
            interpreters[w] = DesktopKernels.CreateInterpreter(model);
            captures[w] = new Capture(model);
            interpreters[w].Observer = captures[w];
        }
        Action? tick = Workers.Counter(progress, n);
        int chunk = workers * 4;
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            var floats = new Dictionary<string, float[]>[count];
            var tensors = new sbyte[count][][];
            Workers.ForRanges(count, workerThreads, (worker, first, end) =>
            {
                Interpreter it = interpreters[worker];
                Capture capture = captures[worker];
                var sample = new float[inSize];
                var inNhwc = new float[inSize];
                var outNhwc = new float[outSize];
                for (int i = first; i < end; i++)
                {
                    int s = start + i;
                    Array.Copy(batch, (long)s * inSize, sample, 0, inSize);
                    floats[i] = FloatReference.RunAll(graph, sample);
                    Array.Copy(floats[i][graph.Output], 0, reference, (long)s * outSize, outSize);
                    if (input4d)
                    {
                        Layout.NchwToNhwc(batch, s * inSize, inShape[1], inShape[2], inShape[3], inNhwc);
                        it.SetInput(inNhwc, 0);
                    }
                    else
                    {
                        it.SetInput(batch, s * inSize);
                    }
                    capture.Tensors = tensors[i] = new sbyte[model.Tensors.Length][];
                    capture.Keep(it, model.InputTensor);
                    it.Invoke();
                    if (output4d)
                    {
                        it.GetOutput(outNhwc, 0);
                        Layout.NhwcToNchw(outNhwc, outShape[1], outShape[2], outShape[3], quantized, s * outSize);
                    }
                    else
                    {
                        it.GetOutput(quantized, s * outSize);
                    }
                    tick?.Invoke();
                }
            });
            for (int i = 0; i < count; i++)
            {
                comparer.Float = floats[i];
                comparer.Compare(tensors[i], model.InputTensor);
                for (int op = 0; op < model.Operators.Length; op++)
                {
                    comparer.Compare(tensors[i], model.Operators[op].Output);
                }
            }
        }

        var opNames = new string[model.Operators.Length];
        var opOutputs = new int[model.Operators.Length];
        var weights = new List<WeightStats>();
        for (int i = 0; i < opNames.Length; i++)
        {
            opNames[i] = mapping.OperatorNames[i];
            opOutputs[i] = model.Operators[i].Output;
            if (model.Operators[i].Weights != null && model.Operators[i].Multiplier != null && mapping.WeightNodes[i] is FloatNode node)
            {
                weights.Add(Weights(model, i, node, opNames[i], mapping.WeightScalesFromFloat, source.ReferenceFile, source.ModelFile));
            }
        }

        HeapEstimate heap = BoardFit.Estimate(fused, checked((int)source.ModelBytes));
        var arena = new List<ArenaSeries> { ArenaTimeline.Unfused(model) };
        if (hasBlocks)
        {
            arena.Add(ArenaTimeline.Fused(fused));
        }
        return new ModelReport
        {
            ReferenceFile = source.ReferenceFile,
            ReferenceKind = source.ReferenceKind,
            TdscFile = source.ModelFile,
            Nhwc = source.Nhwc,
            InputFile = inputFile,
            LabelsFile = labelsFile,
            Output = OutputComparison.Compute(reference, quantized, n, OutputComparison.AutoTask(outShape, fused), labels),
            Tensors = stats,
            OperatorNames = opNames,
            OperatorOutputs = opOutputs,
            Weights = weights,
            Costs = CostEstimate.Estimate(model, interpreter),
            Arena = arena,
            ModelBytes = source.ModelBytes,
            ArenaBytes = deviceInterpreter.ArenaBytes,
            ScratchBytes = deviceInterpreter.ScratchBytes,
            PreparedBytes = deviceInterpreter.PreparedBytes,
            FusedBlocks = BlockFusion.Groups(fused).Count,
            Heap = heap,
            Boards = BoardFit.Evaluate(heap),
        };
    }

    /// <summary>
    /// Per-channel weight statistics. When the converter quantized the weights from the float graph
    /// (<paramref name="checkScales"/>), the scale read back from the .tdsc must equal the one the quantizer derives
    /// from the float weights (max|w|/127) to within float32 rounding of s_in and s_out (relative 1e-3 leaves room for
    /// it, and any other model's weights miss it): the check that catches a .tdsc converted from another model of the
    /// same structure. An int8 .tflite's scales are the file's own and are shown as they are.
    /// </summary>
    private static WeightStats Weights(Model model, int index, FloatNode node, string name, bool checkScales, string onnxFile, string tdscFile)
    {
        OperatorInfo op = model.Operators[index];
        int channels = op.Multiplier.Length;
        int per = op.Weights.Length / channels;
        float sIn = model.Tensors[op.Input0].Scale, sOut = model.Tensors[op.Output].Scale;
        var scale = new double[channels];
        var fMin = new float[channels];
        var fMax = new float[channels];
        var qMin = new int[channels];
        var qMax = new int[channels];
        float[] w = node.Weight!;
        (_, double[] expected) = WeightQuantization.PerChannel(w, channels);
        for (int c = 0; c < channels; c++)
        {
            double m = op.Multiplier[c] * Math.Pow(2, op.Shift[c] - 31);
            scale[c] = m * sOut / sIn;
            if (checkScales && Math.Abs(scale[c] / expected[c] - 1) > 1e-3)
            {
                throw new PipelineInputException($"{tdscFile} was not converted from {onnxFile}: operator {index} " +
                    $"('{node.Name}') channel {c} has weight scale {scale[c]:G4} in the .tdsc but {expected[c]:G4} from the float weights");
            }
            fMin[c] = float.PositiveInfinity;
            fMax[c] = float.NegativeInfinity;
            qMin[c] = int.MaxValue;
            qMax[c] = int.MinValue;
            for (int k = 0; k < per; k++)
            {
                fMin[c] = Math.Min(fMin[c], w[c * per + k]);
                fMax[c] = Math.Max(fMax[c], w[c * per + k]);
                qMin[c] = Math.Min(qMin[c], op.Weights[c * per + k]);
                qMax[c] = Math.Max(qMax[c], op.Weights[c * per + k]);
            }
        }
        return new WeightStats(index, name, channels, scale, fMin, fMax, qMin, qMax);
    }

    /// <summary>Keeps a copy of each tensor the interpreter writes (a worker's observer), by tensor index.</summary>
    private sealed class Capture : IOperatorObserver
    {
        private readonly Model _model;

        public Capture(Model model)
        {
            _model = model;
        }

        /// <summary>The current sample's tensors, filled as the operators run.</summary>
        public sbyte[][] Tensors { get; set; } = Array.Empty<sbyte[]>();

        public void OperatorDone(Interpreter interpreter, int operatorIndex) =>
            Keep(interpreter, _model.Operators[operatorIndex].Output);

        public void Keep(Interpreter interpreter, int tensor)
        {
            TensorInfo info = _model.Tensors[tensor];
            var bytes = new sbyte[info.ByteSize];
            interpreter.GetTensor(info, bytes, 0);
            Tensors[tensor] = bytes;
        }
    }

    /// <summary>Pairs each tensor the interpreter wrote with its float value (<see cref="ReportMapping.Values"/>).</summary>
    private sealed class Comparer
    {
        private readonly Model _model;
        private readonly TensorStats[] _stats;
        private readonly string[] _values;

        public Comparer(Model model, TensorStats[] stats, string[] values)
        {
            _model = model;
            _stats = stats;
            _values = values;
        }

        /// <summary>The float reference's values of the current sample, by name.</summary>
        public Dictionary<string, float[]> Float { get; set; } = new();

        /// <summary>Compares tensor <paramref name="tensor"/>'s kept bytes with its float value.</summary>
        public void Compare(sbyte[][] tensors, int tensor)
        {
            TensorInfo info = _model.Tensors[tensor];
            TensorStats s = _stats[tensor];
            sbyte[] bytes = tensors[tensor];
            float[] f = Float[_values[tensor]];
            if (info.Rank == 4)
            {
                // int8 NHWC against float NCHW.
                int h = info.Dims[1], w = info.Dims[2], c = info.Dims[3], hw = h * w;
                for (int p = 0; p < hw; p++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        s.Add(f[ch * hw + p], QuantMath.Dequantize(bytes[p * c + ch], info.Scale, info.ZeroPoint));
                    }
                }
            }
            else
            {
                for (int i = 0; i < info.ByteSize; i++)
                {
                    s.Add(f[i], QuantMath.Dequantize(bytes[i], info.Scale, info.ZeroPoint));
                }
            }
        }
    }
}
