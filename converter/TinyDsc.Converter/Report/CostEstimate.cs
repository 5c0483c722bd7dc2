using System;
using System.Collections.Generic;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Report;

/// <summary>One operator's work: multiply-accumulates and the estimated IL instructions nanoCLR executes for it.</summary>
public sealed record OperatorCost(int Index, string Op, string Kernel, string Shape, long Macs, long EstimatedIl, string Basis);

/// <summary>
/// Estimated IL instructions per operator, from per-kernel rates fitted to exact counts (IlCounter, the runtime
/// README's "Cost" tables, `dotnet run --project tools/TinyDsc.Benchmarks -c Release -- ilcount-model`). An
/// estimate: the exact count depends on the shape (tails, band prologues), and IlCostTests / ReportCostTests keep
/// these rates within a stated tolerance of the exact counts on the bundled model and a network covering every kernel.
/// Device time follows docs/DESIGN.md: time ≈ IL executed × a flat cost per IL instruction.
/// </summary>
public static class CostEstimate
{
    /// <summary>
    /// Measured on nanoCLR built for Linux (nf-interpreter targets/posix) on an x86 desktop core, docs/DESIGN.md
    /// "The device lane and the native path": about 2.9 ns per executed IL instruction.
    /// </summary>
    public const double DesktopNanoClrNsPerIl = 2.9;

    /// <summary>
    /// Assumption, not a measurement: an ESP32 (Xtensa LX6 at 240 MHz) runs nanoCLR about 10× slower per IL
    /// instruction than the x86 core above (clock ratio ≈ 12–15×, partly offset by nanoCLR's simple dispatch loop).
    /// </summary>
    public const double Esp32SlowdownAssumed = 10;

    /// <summary>Estimates every operator of <paramref name="model"/> with the kernel the interpreter picks for it.</summary>
    public static List<OperatorCost> Estimate(Model model, Interpreter interpreter)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(interpreter);
        var rows = new List<OperatorCost>();
        for (int i = 0; i < model.Operators.Length; i++)
        {
            OperatorInfo op = model.Operators[i];
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            string kernel = interpreter.KernelName(i);
            long macs = Macs(model, op);
            (long il, string basis) = Il(kernel, op, input, output, macs);
            rows.Add(new OperatorCost(i, OpCodes.Name(op.OpCode), kernel, Shape(model, op), macs, il, basis));
        }
        return rows;
    }

    /// <summary>Multiply-accumulates of a Conv2D (outputs × taps per output) or FullyConnected; 0 for other ops.</summary>
    public static long Macs(Model model, OperatorInfo op)
    {
        TensorInfo input = model.Tensors[op.Input0];
        TensorInfo output = model.Tensors[op.Output];
        return op.OpCode switch
        {
            OpCodes.Conv2D => (long)output.ByteSize * op.KernelH * op.KernelW * (input.Dims[3] / Math.Max(1, op.Groups)),
            OpCodes.FullyConnected => (long)input.ByteSize * output.ByteSize,
            _ => 0,
        };
    }

    /// <summary>Estimated IL and how it was estimated (the formula, shown in the report).</summary>
    /// <remarks>
    /// Fitted to exact counts (IlCounter) of the bundled model's layers (7×7 to 28×28 maps, 16–128 channels), where
    /// each formula is within 12 % per operator and 3 % for the whole model; Add and the pools to the test network's
    /// 4×4 maps. Small maps pay more per-row overhead than the formulas carry: there they are low by up to 50 %.
    /// </remarks>
    private static (long Il, string Basis) Il(string kernel, OperatorInfo op, TensorInfo input, TensorInfo output, long macs)
    {
        long outputs = output.ByteSize;
        int outH = output.Rank == 4 ? output.Dims[1] : 1, outC = output.Rank == 4 ? output.Dims[3] : output.ByteSize;
        switch (kernel)
        {
            case "Conv2DReference":
            {
                // Per output: 189 + kh·kw · (65 + 24 · Cin/groups): the reference's exact counts on 1x1 (Cin 32, 64, 96)
                // and 3x3 depthwise layers, within 7 %.
                int cinG = input.Dims[3] / Math.Max(1, op.Groups);
                return (outputs * (189L + (long)op.KernelH * op.KernelW * (65 + 24L * cinG)), "189 + taps·(65 + 24·Cin/g) per output");
            }
            case "PointwiseConv":
                return (Round(2.82 * macs + 33.0 * outputs), "2.82/MAC + 33/output");
            case "DepthwiseConv3x3":
                // Packed rows at stride 1 and 2 (69 and 93 per output: two output rows per pass at stride 2), unpacked beyond (116).
                return op.StrideW == 1 ? (Round(69.0 * outputs + 103 * (long)outH * outC), "69/output + 103/(output row·channel)")
                    : op.StrideW == 2 ? (Round(93.0 * outputs + 103 * (long)outH * outC), "93/output + 103/(output row·channel)")
                    : (Round(116.4 * outputs + 150 * (long)outH * outC), "116/output + 150/(output row·channel)");
            case "DepthwiseConv3x3Multiplier":
            {
                // Channels packed three to a long (21-bit fields), constants set up per output row and channel.
                long pixelsIn = (long)(outputs / Math.Max(1, outC)) * input.Dims[3];
                return (Round(43.0 * outputs + 69.0 * pixelsIn + 302.0 * (long)outH * outC),
                    "43/output + 69/(output pixel·input channel) + 302/(output row·channel)");
            }
            case "Conv2DDense":
                return (Round(22.0 * macs), "22 IL/MAC");
            case "DepthwiseConv":
                return (Round(21.0 * macs), "21 IL/MAC");
            case "FullyConnected":
                return (Round(24.1 * macs), "24.1 IL/MAC");
            case "GlobalAveragePool":
            case "GlobalAveragePoolRequantized":
                return (Round(9.6 * input.ByteSize + 62.0 * outputs), "9.6/input value + 62/channel");
            case "Add":
                // The one-step form Add.Run takes for the converter's parameters (one input rescaled by exactly 0.5);
                // 338 per value with other parameters.
                return (56 * outputs, "56/output value");
            case "AveragePool":
                return (79 * outputs * op.KernelH * op.KernelW, "79/window tap");
            case "MaxPool":
                return (70 * outputs * op.KernelH * op.KernelW, "70/window tap");
            case "Lookup":
                return (21 * outputs, "21/output value");
            case "Mul":
                return (136 * outputs, "136/output value");
            case "Softmax":
                return (863 * outputs, "863/output value (two fixed-point exps each; fewer past diff_min)");
            case "Concat":
                return (21 * outputs, "21/output value (requantized by table; copied inputs cost 0.3–2.7)");
            case "PRelu":
                return (137 * outputs, "137/output value");
            default:
                return (13, "one native copy (13 IL)");
        }
    }

    private static long Round(double v) => (long)Math.Round(v);

    private static string Shape(Model model, OperatorInfo op)
    {
        string s = Dims(model.Tensors[op.Input0]) + " → " + Dims(model.Tensors[op.Output]);
        if (op.OpCode == OpCodes.Conv2D || op.OpCode == OpCodes.AveragePool || op.OpCode == OpCodes.MaxPool)
        {
            s += $" k{op.KernelH}×{op.KernelW} s{op.StrideH}";
            if (op.Groups > 1)
            {
                s += $" g{op.Groups}";
            }
        }
        return s;
    }

    private static string Dims(TensorInfo t) => string.Join("×", t.Dims[1..Math.Max(2, t.Rank)]);
}
