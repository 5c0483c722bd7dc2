using System;
using System.Diagnostics;
using System.Threading;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Runs the int8 runtime (the same Interpreter the device runs) over a batch in PyTorch layout: each sample is
/// transposed NCHW → NHWC, quantized by the interpreter, invoked, dequantized, and transposed back for 4-D outputs.
/// Interpreters run on the desktop kernels (<see cref="DesktopKernels.Default"/>: SIMD, the device kernels' bytes).
/// Samples are split over <see cref="Threads"/> workers, one interpreter each (<see cref="Workers"/>); every sample's
/// bytes are the same for any thread count.
/// </summary>
public sealed class Int8Runner
{
    private readonly Model _model;
    private readonly Model _desktopModel;
    private readonly Interpreter _interpreter;
    private Interpreter[] _workers = Array.Empty<Interpreter>();
    private int _threads = Workers.DefaultThreads;

    public Int8Runner(Model model) : this(model, nhwc: false)
    {
    }

    /// <param name="model">The int8 model.</param>
    /// <param name="nhwc">True to take and return the runtime's own NHWC layout unchanged (a model imported from
    /// .tflite, whose edges are NHWC), false for PyTorch's NCHW (transposed per sample).</param>
    public Int8Runner(Model model, bool nhwc)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        // Fused blocks exist to save device RAM; their bytes equal the unfused operators' (FusedBlock's tests), which
        // the desktop kernels run. So the desktop runs the model unfused, planned afresh.
        _desktopModel = DesktopModel(model);
        _interpreter = DesktopKernels.CreateInterpreter(_desktopModel);
        _nhwc = nhwc;
        InputShape = nhwc ? Dims(model.Tensors[model.InputTensor]) : ModelShapes.Nchw(model.Tensors[model.InputTensor]);
        OutputShape = nhwc ? Dims(model.Tensors[model.OutputTensor]) : ModelShapes.Nchw(model.Tensors[model.OutputTensor]);
    }

    private readonly bool _nhwc;

    // Samples a worker takes at a time.
    private const int Chunk = 2;

    /// <summary>The model as the desktop runs it: <paramref name="model"/>, or with fused blocks, the same model unfused
    /// and planned afresh (same bytes).</summary>
    public static Model DesktopModel(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (BlockFusion.Groups(model).Count == 0)
        {
            return model;
        }

        Model unfused = BlockFusion.Defuse(model);
        ModelMemoryPlanner.Apply(unfused);
        return unfused;
    }

    private static int[] Dims(TensorInfo t)
    {
        var dims = new int[t.Rank];
        Array.Copy(t.Dims, dims, t.Rank);
        return dims;
    }

    /// <summary>Per-sample input shape, PyTorch layout, batch 1.</summary>
    public int[] InputShape { get; }

    /// <summary>Per-sample output shape, PyTorch layout, batch 1.</summary>
    public int[] OutputShape { get; }

    /// <summary>
    /// Worker threads of <see cref="Run"/> (default: the core count), each with its own interpreter. With an
    /// <see cref="Observer"/> the batch runs on one thread, in sample order.
    /// </summary>
    /// <exception cref="PipelineInputException">the value is not in 1..1024.</exception>
    public int Threads
    {
        get => _threads;
        set
        {
            Workers.Check(value);
            _threads = value;
        }
    }

    /// <summary>Arena bytes of the model on the device (its planned ArenaSize).</summary>
    public int ArenaBytes => _model.ArenaSize;

    /// <summary>The model the runner's interpreters execute: <see cref="Model"/>, or with fused blocks, the same model
    /// unfused (same bytes); <see cref="Observer"/>'s operator indices are this model's.</summary>
    public Model RunModel => _desktopModel;

    /// <summary>Called after every operator of every sample (operators of <see cref="RunModel"/>); null for none.</summary>
    public IOperatorObserver? Observer
    {
        get => _interpreter.Observer;
        set => _interpreter.Observer = value!;
    }

    /// <summary>Runs every sample of <paramref name="batch"/> (shape checked against the model, named by
    /// <paramref name="file"/> in errors).</summary>
    public BatchResult Run(float[] batch, int[] shape, string file, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int n = ModelShapes.BatchOf(file, shape, InputShape);
        int inSize = ModelShapes.SampleSize(InputShape);
        int outSize = ModelShapes.SampleSize(OutputShape);
        if (batch.Length != (long)n * inSize)
        {
            throw new PipelineInputException($"{file} holds {batch.Length} values, not {n}·{inSize}");
        }
        InputValues.RequireFinite(file, batch, inSize);
        if (_interpreter.InputLength != inSize || _interpreter.OutputLength != outSize)
        {
            throw new InvalidOperationException($"interpreter lengths {_interpreter.InputLength}/{_interpreter.OutputLength} " +
                $"differ from the model's {inSize}/{outSize}");
        }
        var output = new float[(long)n * outSize];
        bool input4d = !_nhwc && InputShape.Length == 4, output4d = !_nhwc && OutputShape.Length == 4;
        int threads = Observer != null ? 1 : _threads;
        int workers = Workers.Count(n, threads);
        if (_workers.Length < workers)
        {
            var more = new Interpreter[workers];
            Array.Copy(_workers, more, _workers.Length);
            more[0] = _interpreter;
            for (int w = Math.Max(1, _workers.Length); w < workers; w++)
            {
                more[w] = DesktopKernels.CreateInterpreter(_desktopModel);
            }
            _workers = more;
        }
        Action? tick = Workers.Counter(progress, n);
        var watch = Stopwatch.StartNew();
        // Workers take the next two samples as they go (not fixed ranges), so a worker slowed by other processes holds
        // up no one; each sample's output goes to its own index, so the bytes are the same for any schedule.
        int next = 0;
        TensorInfo input = _desktopModel.Tensors[_desktopModel.InputTensor];
        Workers.ForRanges(workers, workers, (worker, _, _) =>
        {
            Interpreter interpreter = _workers.Length == 0 ? _interpreter : _workers[worker];
            var inNhwc = new float[inSize];
            var outNhwc = new float[outSize];
            var quantized = new sbyte[inSize];
            for (int first = Interlocked.Add(ref next, Chunk) - Chunk; first < n; first = Interlocked.Add(ref next, Chunk) - Chunk)
            {
                for (int s = first, end = Math.Min(n, first + Chunk); s < end; s++)
                {
                    // InputQuantizer: SetInput(float[])'s quantization, vectorized, the same bytes.
                    if (input4d)
                    {
                        Layout.NchwToNhwc(batch, s * inSize, InputShape[1], InputShape[2], InputShape[3], inNhwc);
                        InputQuantizer.Quantize(inNhwc, 0, inSize, input.Scale, input.ZeroPoint, quantized, 0);
                    }
                    else
                    {
                        InputQuantizer.Quantize(batch, s * inSize, inSize, input.Scale, input.ZeroPoint, quantized, 0);
                    }

                    interpreter.SetInput(quantized, 0);
                    interpreter.Invoke();
                    if (output4d)
                    {
                        interpreter.GetOutput(outNhwc, 0);
                        Layout.NhwcToNchw(outNhwc, OutputShape[1], OutputShape[2], OutputShape[3], output, s * outSize);
                    }
                    else
                    {
                        interpreter.GetOutput(output, s * outSize);
                    }
                    tick?.Invoke();
                }
            }
        });
        watch.Stop();
        return new BatchResult(output, ModelShapes.WithBatch(OutputShape, n), watch.Elapsed.TotalMilliseconds / Math.Max(1, n));
    }

    /// <summary>The model this runner executes.</summary>
    public Model Model => _model;
}
