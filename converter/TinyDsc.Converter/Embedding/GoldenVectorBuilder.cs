using System;
using System.Collections.Generic;
using System.Globalization;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Embedding;

/// <summary>
/// Makes golden vectors on the desktop: runs the desktop <see cref="Interpreter"/> on int8 inputs and records its
/// exact int8 outputs, which a device self-test must then reproduce bit for bit.
/// </summary>
public sealed class GoldenVectorBuilder
{
    private readonly Interpreter interpreter;
    private readonly List<GoldenVector> vectors = new();

    /// <exception cref="ModelFormatException">The bytes are not a valid .tdsc file.</exception>
    public GoldenVectorBuilder(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = ModelReader.Load(model);
        interpreter = new Interpreter(Model);
    }

    /// <summary>The loaded model (input/output tensor shapes and quantization).</summary>
    public Model Model { get; }

    /// <summary>Int8 elements of the model input.</summary>
    public int InputLength => interpreter.InputLength;

    /// <summary>Int8 elements of the model output.</summary>
    public int OutputLength => interpreter.OutputLength;

    /// <summary>Vectors added so far, in order.</summary>
    public IReadOnlyList<GoldenVector> Vectors => vectors;

    /// <summary>Runs the interpreter on <paramref name="input"/> and returns its int8 output.</summary>
    public sbyte[] Run(sbyte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length != InputLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"input has {input.Length} values, the model's input tensor has {InputLength}"),
                nameof(input));
        }

        interpreter.SetInput(input, 0);
        interpreter.Invoke();
        var output = new sbyte[OutputLength];
        interpreter.GetOutput(output, 0);
        return output;
    }

    /// <summary>Adds a case: the given input and the interpreter's output for it.</summary>
    public GoldenVector Add(string name, sbyte[] input)
    {
        var vector = new GoldenVector(name, (sbyte[])input.Clone(), Run(input));
        vectors.Add(vector);
        return vector;
    }

    /// <summary>Adds a case whose every input element is <paramref name="value"/>.</summary>
    public GoldenVector AddConstant(sbyte value)
    {
        var input = new sbyte[InputLength];
        Array.Fill(input, value);
        return Add(string.Create(CultureInfo.InvariantCulture, $"all {value}"), input);
    }

    /// <summary>Adds a case with uniformly random int8 inputs from a fixed-seed generator (the same on every platform).</summary>
    public GoldenVector AddRandom(uint seed)
    {
        var input = new sbyte[InputLength];
        uint state = seed == 0 ? 0x9E3779B9u : seed;
        for (int i = 0; i < input.Length; i++)
        {
            // xorshift32: fixed sequence per seed, independent of the .NET Random implementation.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            input[i] = unchecked((sbyte)(state >> 24));
        }

        return Add(string.Create(CultureInfo.InvariantCulture, $"random seed {seed}"), input);
    }

    /// <summary>
    /// Quantizes one float input given in PyTorch layout (NCHW for a rank-4 input, else as stored) into the runtime's
    /// int8 NHWC input: q = clamp(round_half_away_from_zero(x / scale) + zero point, -128, 127), with the input
    /// tensor's scale and zero point.
    /// </summary>
    public sbyte[] QuantizeNchwInput(ReadOnlySpan<float> nchw)
    {
        TensorInfo input = Model.Tensors[Model.InputTensor];
        if (nchw.Length != input.ByteSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"input has {nchw.Length} values, the model's input tensor has {input.ByteSize}"),
                nameof(nchw));
        }

        int h = input.Rank == 4 ? input.Dims[1] : 1;
        int w = input.Rank == 4 ? input.Dims[2] : 1;
        int c = input.Rank == 4 ? input.Dims[3] : nchw.Length;
        var q = new sbyte[nchw.Length];
        for (int ch = 0; ch < c; ch++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    float value = input.Rank == 4 ? nchw[(ch * h + y) * w + x] : nchw[ch];
                    double v = Math.Round(value / (double)input.Scale, MidpointRounding.AwayFromZero) + input.ZeroPoint;
                    q[(y * w + x) * c + ch] = (sbyte)Math.Clamp(v, -128, 127);
                }
            }
        }

        return q;
    }
}
