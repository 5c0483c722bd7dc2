using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Format;
using Xunit;
using Xunit.Abstractions;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Fuzz;

/// <summary>
/// Random valid models built in memory (random op chains, window parameters, groups, pads, dilations, extreme
/// multipliers, shifts and biases): each must pass ModelValidator (the generator follows FORMAT.md's formulas, so a
/// rejection means the validator is stricter than the spec), survive write/read, and run through Interpreter.Invoke.
/// </summary>
public class RandomModelTests
{
    private readonly ITestOutputHelper output;

    public RandomModelTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void RandomValidModelsValidateRoundTripAndRun()
    {
        const int models = 5000;
        TestSeed.Run(424242, random =>
        {
            var opCounts = new int[OpCodes.Max + 1];
            var failures = new List<string>();
            var watch = Stopwatch.StartNew();
            int ran = 0;
            int requantizedPools = 0;
            for (int i = 0; i < models; i++)
            {
                Model model = RandomModel(random);
                foreach (OperatorInfo op in model.Operators)
                {
                    opCounts[op.OpCode]++;
                    if (op.OpCode == OpCodes.GlobalAveragePool && op.Multiplier != null)
                    {
                        requantizedPools++;
                    }
                }

                try
                {
                    ModelValidator.Validate(model);
                    ModelAssert.Equal(model, ModelReader.Load(ModelWriter.Write(model)));
                }
                catch (Exception e)
                {
                    failures.Add($"model {i}: {e.GetType().Name}: {e.Message}");
                    continue;
                }

                string? failure = InterpreterRun.Run(model, random, out bool didRun);
                ran += didRun ? 1 : 0;
                if (failure != null)
                {
                    failures.Add($"model {i}: {failure}");
                }
            }

            output.WriteLine($"{models} random models in {watch.Elapsed.TotalSeconds:F1} s, {ran} run through the interpreter, {failures.Count} failures");
            output.WriteLine("ops: " + string.Join(", ", Enumerable.Range(1, OpCodes.Max).Where(OpCodes.IsKnown).Select(c => $"{OpCodes.Name(c)} {opCounts[c]}")));
            foreach (string f in failures.Take(20))
            {
                output.WriteLine(f);
            }

            Assert.Empty(failures);
            Assert.All(Enumerable.Range(1, OpCodes.Max).Where(OpCodes.IsKnown), c => Assert.True(opCounts[c] > 0, $"{OpCodes.Name(c)} never generated"));
            Assert.True(requantizedPools > 0, "no requantizing GlobalAveragePool generated");
        });
    }

    private static Model RandomModel(Random r)
    {
        var tensors = new List<TensorInfo>();
        var ops = new List<OperatorInfo>();
        int arena = 0;

        int NewTensor(float scale, int zp, params int[] dims)
        {
            var t = new TensorInfo { Rank = dims.Length, Scale = scale, ZeroPoint = zp, ArenaOffset = arena };
            int size = 1;
            for (int k = 0; k < dims.Length; k++)
            {
                t.Dims[k] = dims[k];
                size *= dims[k];
            }

            t.ByteSize = size;
            arena += size;
            tensors.Add(t);
            return tensors.Count - 1;
        }

        float Scale() => (float)Math.Pow(2, r.Next(-12, 3)) * (0.5f + (float)r.NextDouble());
        int Zp() => r.Next(-128, 128);

        int input = NewTensor(Scale(), Zp(), 1, r.Next(1, 10), r.Next(1, 10), r.Next(1, 9));
        int current = input;
        int count = r.Next(1, 7);
        for (int n = 0; n < count; n++)
        {
            TensorInfo cur = tensors[current];
            bool rank4 = cur.Rank == 4;
            int choice = r.Next(9);
            if (!rank4 && choice != 1 && choice != 2 && choice != 6 && choice != 7 && choice != 8)
            {
                choice = r.Next(2) == 0 ? 1 : 6;
            }

            var op = new OperatorInfo { Input0 = current };
            switch (choice)
            {
                case 0:
                case 3:
                    {
                        // Conv2D (choice 3 forces depthwise: groups = Cin).
                        int cin = cur.Dims[3];
                        int[] divisors = Enumerable.Range(1, cin).Where(d => cin % d == 0).ToArray();
                        int groups = choice == 3 ? cin : divisors[r.Next(divisors.Length)];
                        int cout = groups * r.Next(1, 4);
                        op.OpCode = OpCodes.Conv2D;
                        op.Groups = groups;
                        int ho = Window(r, cur.Dims[1], dilated: true, out op.KernelH, out op.StrideH, out op.DilationH, out op.PadTop, out op.PadBottom);
                        int wo = Window(r, cur.Dims[2], dilated: true, out op.KernelW, out op.StrideW, out op.DilationW, out op.PadLeft, out op.PadRight);
                        op.Output = NewTensor(Scale(), Zp(), 1, ho, wo, cout);
                        Arrays(r, op, cout * op.KernelH * op.KernelW * (cin / groups), cout);
                        Act(r, op);
                        break;
                    }

                case 1:
                    {
                        op.OpCode = OpCodes.FullyConnected;
                        int cout = r.Next(1, 12);
                        op.Output = NewTensor(Scale(), Zp(), 1, cout);
                        Arrays(r, op, cout * cur.ByteSize, cout);
                        Act(r, op);
                        break;
                    }

                case 2:
                    {
                        op.OpCode = OpCodes.Add;
                        var same = Enumerable.Range(0, tensors.Count).Where(t => SameDims(tensors[t], cur)).ToArray();
                        op.Input1 = same[r.Next(same.Length)];
                        int[] dims = cur.Dims.Take(cur.Rank).ToArray();
                        op.Output = NewTensor(Scale(), Zp(), dims);
                        op.Params[0] = r.Next(0, 31);
                        for (int k = 1; k <= 5; k += 2)
                        {
                            op.Params[k] = Multiplier(r);
                            op.Params[k + 1] = r.Next(-31, 31);
                        }

                        Act(r, op);
                        break;
                    }

                case 4:
                    {
                        op.OpCode = r.Next(2) == 0 ? OpCodes.AveragePool : OpCodes.MaxPool;
                        int ho = Window(r, cur.Dims[1], dilated: false, out op.KernelH, out op.StrideH, out _, out op.PadTop, out op.PadBottom);
                        int wo = Window(r, cur.Dims[2], dilated: false, out op.KernelW, out op.StrideW, out _, out op.PadLeft, out op.PadRight);
                        op.Output = NewTensor(cur.Scale, cur.ZeroPoint, 1, ho, wo, cur.Dims[3]);
                        if (op.OpCode == OpCodes.AveragePool)
                        {
                            op.Params[0] = r.Next(2);
                        }

                        break;
                    }

                case 5:
                    op.OpCode = OpCodes.GlobalAveragePool;
                    if (r.Next(2) == 0)
                    {
                        op.Output = NewTensor(cur.Scale, cur.ZeroPoint, 1, 1, 1, cur.Dims[3]);
                    }
                    else
                    {
                        // Requantizing: an output scale and zero point of its own, one multiplier and shift, the
                        // shift capped so that H·W·255·2^max(shift, 0) ≤ 2^31 − 1 (FORMAT.md).
                        op.Output = NewTensor(cur.Scale * (float)(0.05 + r.NextDouble()), r.Next(-128, 128), 1, 1, 1, cur.Dims[3]);
                        int shift = r.Next(5) switch { 0 => -31, 1 => 30, _ => r.Next(-20, 5) };
                        while (((long)cur.Dims[1] * cur.Dims[2] * 255 << Math.Max(shift, 0)) > int.MaxValue)
                        {
                            shift--;
                        }

                        op.Multiplier = new[] { Multiplier(r) };
                        op.Shift = new[] { shift };
                    }

                    break;
                case 7:
                    op.OpCode = OpCodes.Lookup;
                    op.Output = NewTensor(Scale(), Zp(), cur.Dims.Take(cur.Rank).ToArray());
                    op.Weights = new sbyte[256];
                    r.NextBytes((byte[])(Array)op.Weights);
                    break;
                case 8:
                    {
                        // Mul: by a same-shape tensor, or (rank 4) by a per-channel [1, 1, 1, C] one when an earlier tensor has that shape.
                        op.OpCode = OpCodes.Mul;
                        var candidates = Enumerable.Range(0, tensors.Count).Where(t => SameDims(tensors[t], cur)
                            || (rank4 && tensors[t].Rank == 4 && tensors[t].Dims[1] == 1 && tensors[t].Dims[2] == 1 && tensors[t].Dims[3] == cur.Dims[3])).ToArray();
                        op.Input1 = candidates[r.Next(candidates.Length)];
                        op.Output = NewTensor(Scale(), Zp(), cur.Dims.Take(cur.Rank).ToArray());
                        op.Params[0] = Multiplier(r);
                        op.Params[1] = r.Next(-31, 16);
                        Act(r, op);
                        break;
                    }

                default:
                    op.OpCode = OpCodes.Reshape;
                    op.Output = r.Next(2) == 0
                        ? NewTensor(cur.Scale, cur.ZeroPoint, 1, cur.ByteSize)
                        : NewTensor(cur.Scale, cur.ZeroPoint, 1, 1, cur.ByteSize, 1);
                    break;
            }

            ops.Add(op);
            current = op.Output;
        }

        return new Model { Tensors = tensors.ToArray(), Operators = ops.ToArray(), InputTensor = input, OutputTensor = current, ArenaSize = arena };
    }

    /// <summary>Random kernel, stride, dilation and pads on one axis with pads below the extent; returns the output size.</summary>
    private static int Window(Random r, int size, bool dilated, out int kernel, out int stride, out int dilation, out int padBefore, out int padAfter)
    {
        while (true)
        {
            kernel = r.Next(1, 5);
            stride = r.Next(1, 4);
            dilation = dilated ? r.Next(1, 4) : 1;
            int extent = dilation * (kernel - 1) + 1;
            padBefore = r.Next(0, extent);
            padAfter = r.Next(0, extent);
            int span = size + padBefore + padAfter - extent;
            if (span >= 0)
            {
                return span / stride + 1;
            }
        }
    }

    private static int Multiplier(Random r) => r.Next(6) switch
    {
        0 => 0,
        1 => 1 << 30,
        2 => int.MaxValue,
        _ => r.Next(1 << 30, int.MaxValue),
    };

    private static void Arrays(Random r, OperatorInfo op, int weights, int channels)
    {
        op.Weights = new sbyte[weights];
        bool extremeWeights = r.Next(4) == 0;
        for (int i = 0; i < weights; i++)
        {
            op.Weights[i] = extremeWeights ? (sbyte)(r.Next(2) == 0 ? -127 : 127) : (sbyte)r.Next(-127, 128);
        }

        op.Bias = r.Next(3) == 0 ? null : new int[channels];
        op.Multiplier = new int[channels];
        op.Shift = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            if (op.Bias != null)
            {
                op.Bias[c] = r.Next(8) switch { 0 => int.MinValue, 1 => int.MaxValue, _ => r.Next(-100000, 100000) };
            }

            op.Multiplier[c] = Multiplier(r);
            op.Shift[c] = r.Next(5) switch { 0 => -31, 1 => 30, _ => r.Next(-20, 5) };
        }
    }

    private static void Act(Random r, OperatorInfo op)
    {
        op.ActMin = r.Next(-128, 128);
        op.ActMax = r.Next(op.ActMin, 128);
        if (r.Next(2) == 0)
        {
            op.ActMin = -128;
            op.ActMax = 127;
        }
    }

    private static bool SameDims(TensorInfo a, TensorInfo b) => a.Rank == b.Rank && a.Dims.SequenceEqual(b.Dims);
}
