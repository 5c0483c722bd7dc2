using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Reference;

/// <summary>
/// Runs a <see cref="FloatGraph"/> in float32 over up to <see cref="Capacity"/> samples at once, node by node, each
/// node over the whole batch (<see cref="FloatKernels"/>: the batch's pixels side by side, so a 1×1 convolution is one
/// matrix product over all of them; a conv's ReLU / ReLU6 is applied in its kernel's stores). Every value's buffer and
/// the convolution scratch are allocated once, here; a run
/// allocates nothing unless observed. A sample's results are bit-identical whatever the batch size and its place in
/// the batch. Not thread-safe: one executor per worker.
/// </summary>
public sealed class FloatExecutor
{
    private readonly FloatGraph _graph;
    private readonly Step[] _steps;
    private readonly Slot _input;
    private readonly Slot _output;
    private readonly float[] _taps;
    private readonly float[] _sample;
    private readonly float[] _sample2;

    /// <summary>Prepares buffers for batches of up to <paramref name="capacity"/> samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException">capacity is below 1.</exception>
    /// <exception cref="NotSupportedException">a node kind the reference does not execute.</exception>
    /// <exception cref="InvalidOperationException">value shapes that do not fit their node.</exception>
    public FloatExecutor(FloatGraph graph, int capacity)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _graph = graph;
        Capacity = capacity;
        var slots = new Dictionary<string, Slot>();
        _input = new Slot(graph.Input, graph.Values[graph.Input].Shape, capacity);
        slots[graph.Input] = _input;
        int taps = 0, largest = _input.SampleSize;
        var steps = new List<Step>();
        foreach (FloatNode node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(name => slots.TryGetValue(name, out Slot? s)
                ? s
                : throw new InvalidOperationException($"node '{node.Name}' reads '{name}', which no earlier node produces")).ToArray();
            var output = new Slot(node.Output, graph.Values[node.Output].Shape, capacity);
            Check(node, inputs, output);
            if (node.Kind == NodeKind.Conv)
            {
                taps = Math.Max(taps, FloatKernels.ConvScratch(node, inputs[0].Shape, output.Shape, capacity));
            }
            largest = Math.Max(largest, Math.Max(output.SampleSize, inputs.Max(i => i.SampleSize)));
            slots[node.Output] = output;
            steps.Add(new Step(node, inputs, output));
        }
        _steps = steps.ToArray();
        _output = slots.TryGetValue(graph.Output, out Slot? o) ? o : throw new InvalidOperationException($"no node produces the graph output '{graph.Output}'");
        _taps = new float[taps];
        _sample = new float[largest];
        _sample2 = new float[largest];
    }

    /// <summary>The most samples one <see cref="Run"/> takes.</summary>
    public int Capacity { get; }

    /// <summary>
    /// A probe (tools/TinyDsc.Benchmarks `floattimes`): when set, <see cref="Run"/> adds each node's Stopwatch ticks to
    /// its entry (one per node of the graph, in order).
    /// </summary>
    internal long[]? StepTicks { get; set; }

    /// <summary>The graph's node i with its output shape, for <see cref="StepTicks"/>' rows.</summary>
    internal string StepLabel(int i) =>
        $"{_steps[i].Node.Kind} {(_steps[i].Node.Kind == NodeKind.Conv ? $"{_steps[i].Node.KernelH}x{_steps[i].Node.KernelW}/{_steps[i].Node.StrideH} g{_steps[i].Node.Groups} " : "")}{Format(_steps[i].Inputs[0].Shape)}->{Format(_steps[i].Output.Shape)} {_steps[i].Node.Activation}";

    /// <summary>Nodes the executor runs (rows of <see cref="StepTicks"/>).</summary>
    internal int StepCount => _steps.Length;

    /// <summary>Values per input sample (NCHW).</summary>
    public int InputSize => _input.SampleSize;

    /// <summary>Values per output sample.</summary>
    public int OutputSize => _output.SampleSize;

    /// <summary>
    /// Runs <paramref name="count"/> samples laid one after another in <paramref name="inputs"/> (NCHW) and writes
    /// their outputs one after another to <paramref name="outputs"/>. <paramref name="observe"/>, when given, is called
    /// with (sample index in this batch, value name, a fresh NCHW copy of that sample's value) for the graph input and
    /// every node output, node by node, each node for samples 0 … count − 1.
    /// </summary>
    /// <exception cref="ArgumentException">count is not in 1…Capacity or a span has the wrong length.</exception>
    public void Run(ReadOnlySpan<float> inputs, int count, Span<float> outputs, Action<int, string, float[]>? observe = null)
    {
        if (count < 1 || count > Capacity)
        {
            throw new ArgumentException($"a batch of {count} samples does not fit an executor for 1…{Capacity}", nameof(count));
        }
        if (inputs.Length != count * InputSize)
        {
            throw new ArgumentException(
                $"input has {inputs.Length} values but {count} samples of graph input '{_graph.Input}' of shape {Format(_input.Shape)} need {count * InputSize}",
                nameof(inputs));
        }
        if (outputs.Length != count * OutputSize)
        {
            throw new ArgumentException($"output has room for {outputs.Length} values, {count} samples need {count * OutputSize}", nameof(outputs));
        }
        for (int s = 0; s < count; s++)
        {
            FloatKernels.Scatter(inputs.Slice(s * InputSize, InputSize), _input.Channels, _input.Inner, count, s, _input.Data);
        }
        Observe(_input, count, observe);
        long[]? ticks = StepTicks;
        long last = ticks == null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < _steps.Length; i++)
        {
            Execute(_steps[i], count);
            Observe(_steps[i].Output, count, observe);
            if (ticks != null)
            {
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                ticks[i] += now - last;
                last = now;
            }
        }
        for (int s = 0; s < count; s++)
        {
            FloatKernels.Gather(_output.Data, _output.Channels, _output.Inner, count, s, outputs.Slice(s * OutputSize, OutputSize));
        }
    }

    private static void Observe(Slot slot, int count, Action<int, string, float[]>? observe)
    {
        if (observe == null)
        {
            return;
        }
        for (int s = 0; s < count; s++)
        {
            var copy = new float[slot.SampleSize];
            FloatKernels.Gather(slot.Data, slot.Channels, slot.Inner, count, s, copy);
            observe(s, slot.Name, copy);
        }
    }

    private void Execute(Step step, int batch)
    {
        FloatNode node = step.Node;
        Slot x = step.Inputs[0], y = step.Output;
        int length = y.SampleSize * batch;
        switch (node.Kind)
        {
            case NodeKind.Conv:
                // Applies the node's activation itself (fused into its stores where it can).
                FloatKernels.Conv(node, x.Data, x.Shape, y.Shape, batch, y.Data, _taps);
                break;
            case NodeKind.FullyConnected:
                FloatKernels.FullyConnected(node, x.Data, x.Channels, x.Inner, batch, _sample.AsSpan(0, x.SampleSize), y.Data);
                break;
            case NodeKind.Add:
                System.Numerics.Tensors.TensorPrimitives.Add(x.Data.AsSpan(0, length), step.Inputs[1].Data.AsSpan(0, length), y.Data.AsSpan(0, length));
                break;
            case NodeKind.AveragePool:
            case NodeKind.MaxPool:
                FloatKernels.Pool(node, x.Data, x.Channels * batch, x.Shape[2], x.Shape[3], y.Shape[2], y.Shape[3], node.Kind == NodeKind.MaxPool, y.Data);
                break;
            case NodeKind.GlobalAveragePool:
                FloatKernels.GlobalAveragePool(x.Data, x.Channels * batch, x.Inner, y.Data);
                break;
            case NodeKind.Reshape:
                if (x.Inner == y.Inner || batch == 1)
                {
                    Array.Copy(x.Data, y.Data, length);
                    break;
                }
                for (int s = 0; s < batch; s++)
                {
                    Span<float> sample = _sample.AsSpan(0, x.SampleSize);
                    FloatKernels.Gather(x.Data, x.Channels, x.Inner, batch, s, sample);
                    FloatKernels.Scatter(sample, y.Channels, y.Inner, batch, s, y.Data);
                }
                break;
            case NodeKind.Softmax:
            {
                int[] inShape = x.Shape;
                int classes = inShape.Length == 4 ? inShape[1] : inShape[^1];   // [N, C] or NCHW [N, C, 1, 1]
                for (int s = 0; s < batch; s++)
                {
                    Span<float> sample = _sample.AsSpan(0, x.SampleSize), result = _sample2.AsSpan(0, x.SampleSize);
                    FloatKernels.Gather(x.Data, x.Channels, x.Inner, batch, s, sample);
                    FloatKernels.Softmax(sample, classes, result);
                    FloatKernels.Scatter(result, y.Channels, y.Inner, batch, s, y.Data);
                }
                break;
            }
            case NodeKind.Mul:
                FloatKernels.Mul(x.Data, step.Inputs[1].Data, length, step.Inputs[1].SampleSize * batch, x.Channels, batch, y.Data);
                break;
            case NodeKind.Concat:
            {
                int at = 0;
                foreach (Slot input in step.Inputs)
                {
                    int part = input.SampleSize * batch;
                    Array.Copy(input.Data, 0, y.Data, at, part);
                    at += part;
                }
                break;
            }
            case NodeKind.PRelu:
                FloatKernels.PRelu(node, x.Data, x.Channels, batch * x.Inner, y.Data);
                break;
            case NodeKind.HardSwish or NodeKind.HardSigmoid or NodeKind.Sigmoid or NodeKind.Tanh or NodeKind.LeakyRelu or NodeKind.Hardtanh:
                for (int i = 0; i < length; i++)
                {
                    y.Data[i] = FloatReference.Elementwise(node, x.Data[i]);
                }
                break;
            default:
                throw new NotSupportedException($"node '{node.Name}': kind {node.Kind} is not executable");
        }
        if (node.Kind != NodeKind.Conv)
        {
            FloatKernels.Activate(node.Activation, y.Data, length);
        }
    }

    /// <summary>Shape checks done once, so that the kernels only index.</summary>
    private static void Check(FloatNode node, Slot[] inputs, Slot output)
    {
        Slot x = inputs[0];
        string Fail(string what) => $"node '{node.Name}' ({node.Kind}): {what}";
        switch (node.Kind)
        {
            case NodeKind.Conv:
            case NodeKind.AveragePool:
            case NodeKind.MaxPool:
                if (x.Shape.Length != 4 || output.Shape.Length != 4)
                {
                    throw new InvalidOperationException(Fail($"needs NCHW input and output, got {Format(x.Shape)} -> {Format(output.Shape)}"));
                }
                if (node.Kind == NodeKind.Conv && (node.Weight == null || node.Weight.Length != output.Channels * (x.Channels / node.Groups) * node.KernelH * node.KernelW))
                {
                    throw new InvalidOperationException(Fail($"weights do not match {Format(x.Shape)} -> {Format(output.Shape)}"));
                }
                if (node.Kind != NodeKind.Conv && output.Channels != x.Channels)
                {
                    throw new InvalidOperationException(Fail($"changes the channel count: {Format(x.Shape)} -> {Format(output.Shape)}"));
                }
                break;
            case NodeKind.GlobalAveragePool:
                if (output.SampleSize != x.Channels || output.Inner != 1)
                {
                    throw new InvalidOperationException(Fail($"output {Format(output.Shape)} is not one value per channel of {Format(x.Shape)}"));
                }
                break;
            case NodeKind.FullyConnected:
                if (output.SampleSize != node.WeightShape![0] || output.Inner != 1)
                {
                    throw new InvalidOperationException(Fail($"output {Format(output.Shape)} does not hold its {node.WeightShape[0]} outputs"));
                }
                break;
            case NodeKind.Add:
                if (inputs[1].SampleSize != x.SampleSize || !inputs[1].Shape.SequenceEqual(x.Shape))
                {
                    throw new InvalidOperationException(Fail($"inputs {Format(x.Shape)} and {Format(inputs[1].Shape)} differ"));
                }
                break;
            case NodeKind.Mul:
                if (!inputs[1].Shape.SequenceEqual(x.Shape) && !(inputs[1].Channels == x.Channels && inputs[1].Inner == 1))
                {
                    throw new InvalidOperationException(Fail($"second input {Format(inputs[1].Shape)} is neither {Format(x.Shape)} nor one value per channel"));
                }
                break;
            case NodeKind.Concat:
                if (inputs.Any(i => i.Inner != output.Inner) || inputs.Sum(i => i.Channels) != output.Channels)
                {
                    throw new InvalidOperationException(Fail($"inputs {string.Join(", ", inputs.Select(i => Format(i.Shape)))} do not join into {Format(output.Shape)}"));
                }
                break;
        }
        if (node.Kind is not (NodeKind.Conv or NodeKind.AveragePool or NodeKind.MaxPool or NodeKind.GlobalAveragePool or NodeKind.FullyConnected or NodeKind.Concat)
            && output.SampleSize != x.SampleSize)
        {
            throw new InvalidOperationException(
                Fail($"produces {x.SampleSize} values, but its output shape {Format(output.Shape)} needs {output.SampleSize}"));
        }
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>A value's batch buffer, [C, capacity, inner], and <see cref="FloatKernels.Overhang"/> values more.</summary>
    private sealed class Slot
    {
        public Slot(string name, int[] shape, int capacity)
        {
            Name = name;
            Shape = shape;
            Channels = shape.Length >= 2 ? shape[1] : 1;
            Inner = 1;
            for (int i = 2; i < shape.Length; i++)
            {
                Inner *= shape[i];
            }
            SampleSize = Channels * Inner;
            Data = new float[SampleSize * capacity + FloatKernels.Overhang];
        }

        public string Name { get; }
        public int[] Shape { get; }
        public int Channels { get; }
        public int Inner { get; }
        public int SampleSize { get; }
        public float[] Data { get; }
    }

    private sealed record Step(FloatNode Node, Slot[] Inputs, Slot Output);
}
