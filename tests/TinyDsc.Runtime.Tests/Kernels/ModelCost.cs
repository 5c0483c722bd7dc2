using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// IL instructions executed by every operator of a whole model, counted with IlCounter on the operator's real
/// parameters, weights and input activations. Each operator's call is rebuilt from the public Model the way
/// Interpreter.Invoke makes it (kernel named by Interpreter.KernelName, folded bias for the specialised
/// convolutions), and the model is run natively op by op in an arena of its own, so each counted call starts from the
/// activations a real inference has at that point. Checks, so the counts belong to the real computation:
///  - every counted call leaves the arena bit for bit as the native call of the same kernel did;
///  - for convolutions, Conv2DReference counted on the same input gives the same output (the baseline column);
///  - the op-by-op native run ends with the same output tensor as Interpreter.Invoke.
/// Interpreter.Invoke's own dispatch (a switch and the argument loads, per operator) is not counted.
/// </summary>
internal static class ModelCost
{
    /// <summary>One operator: kernel, MACs, IL executed by it, and (convolutions) by Conv2DReference on the same input.</summary>
    public sealed record Row(int Index, string Op, string Kernel, string Shape, long Macs, long Il, long ReferenceIl);

    /// <param name="model">The model.</param>
    /// <param name="input">Int8 input, NHWC, Interpreter.InputLength values.</param>
    /// <param name="countReference">Also count Conv2DReference on every convolution (slow: about 8x the IL).</param>
    public static List<Row> Count(Model model, sbyte[] input, bool countReference)
    {
        var interpreter = new global::TinyDsc.Runtime.Interpreter(model);
        var arena = new sbyte[model.ArenaSize];
        TensorInfo inTensor = model.Tensors[model.InputTensor];
        Array.Copy(input, 0, arena, inTensor.ArenaOffset, interpreter.InputLength);

        var rows = new List<Row>();
        for (int i = 0; i < model.Operators.Length; i++)
        {
            string kernel = interpreter.KernelName(i);
            if (kernel == "FusedMember")
            {
                // Computed inside the fused block's row (counted there, with its MACs); nothing runs for it here.
                rows.Add(new Row(i, OpName(model.Operators[i].OpCode), kernel, Shape(model, i), 0, 0, 0));
                continue;
            }

            Call call = Build(model, i, kernel);
            sbyte[] before = (sbyte[])arena.Clone();
            call.Method.Invoke(null, call.Args(arena));

            var counter = new IlCounter();
            sbyte[] counted = (sbyte[])before.Clone();
            counter.Call(call.Method, call.Args(counted));
            Same(arena, counted, $"op {i} ({kernel}): the IL-counted run differs from the native run");
            if (Environment.GetEnvironmentVariable("TINYDSC_IL_METHODS") == "1")
            {
                // Where an operator's IL goes, per interpreted method (stderr, not part of the table).
                foreach (var (method, executed) in counter.PerMethod())
                {
                    Console.Error.WriteLine($"op {i} {kernel}: {method} {executed}");
                }
            }

            long referenceIl = 0;
            if (countReference && model.Operators[i].OpCode == OpCodes.Conv2D)
            {
                Call reference = Build(model, i, "Conv2DReference");
                var rc = new IlCounter();
                sbyte[] r = (sbyte[])before.Clone();
                rc.Call(reference.Method, reference.Args(r));
                Same(arena, r, $"op {i}: Conv2DReference differs from {kernel}");
                referenceIl = rc.Executed;
            }

            rows.Add(new Row(i, OpName(model.Operators[i].OpCode), kernel, Shape(model, i), call.Macs, counter.Executed, referenceIl));
        }

        var expected = new sbyte[interpreter.OutputLength];
        interpreter.SetInput(input, 0);
        interpreter.Invoke();
        interpreter.GetOutput(expected, 0);
        var got = new sbyte[expected.Length];
        Array.Copy(arena, model.Tensors[model.OutputTensor].ArenaOffset, got, 0, got.Length);
        Same(expected, got, "the op-by-op run's output differs from Interpreter.Invoke's");
        return rows;
    }

    /// <summary>Folder of the bundled sample model, relative to the repository root.</summary>
    public const string BundledFolder = "firmware-samples/models/fashion-dscnn";

    /// <summary>The converter's .tdsc bytes for the bundled ONNX model and its calibration set (the README's conversion).</summary>
    public static byte[] ConvertBundled(string folder)
    {
        return ConvertBundled(folder, TinyDsc.Converter.Planning.FusionMode.Auto);
    }

    /// <summary>The converter's .tdsc bytes for folder's model.onnx and calibration.npy, with the given fusion mode.</summary>
    public static byte[] ConvertBundled(string folder, TinyDsc.Converter.Planning.FusionMode fusion)
    {
        NpyArray<float> calibration = Npy.ReadFloat32(Path.Combine(folder, "calibration.npy"));
        return ModelConverter.Convert(OnnxImporter.Load(Path.Combine(folder, "model.onnx")), calibration.Data, calibration.Shape,
            "calibration.npy", new CalibrationOptions(), null, fusion).FileBytes;
    }

    /// <summary>The first image of the bundled test_images.npy (NCHW), reordered to NHWC and quantized for the model.</summary>
    public static sbyte[] BundledInput(Model model, string folder)
    {
        NpyArray<float> images = Npy.ReadFloat32(Path.Combine(folder, "test_images.npy"));
        int c = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        var nhwc = new float[c * h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int k = 0; k < c; k++)
                {
                    nhwc[(y * w + x) * c + k] = images.Data[(k * h + y) * w + x];
                }
            }
        }

        return Quantize(model, nhwc);
    }

    /// <summary>NHWC floats quantized with the input tensor's scale and zero point, as Interpreter.SetInput(float[]) does.</summary>
    public static sbyte[] Quantize(Model model, float[] nhwc)
    {
        TensorInfo t = model.Tensors[model.InputTensor];
        var q = new sbyte[t.ByteSize];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = QuantMath.Quantize(nhwc[i], t.Scale, t.ZeroPoint);
        }

        return q;
    }

    private static void Same(sbyte[] expected, sbyte[] actual, string message)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            throw new InvalidOperationException(message);
        }
    }

    private sealed record Call(MethodInfo Method, Func<sbyte[], object?[]> Args, long Macs);

    private static Call Build(Model model, int index, string kernel)
    {
        OperatorInfo op = model.Operators[index];
        TensorInfo input = model.Tensors[op.Input0];
        TensorInfo output = model.Tensors[op.Output];
        int in0 = input.ArenaOffset;
        int outOff = output.ArenaOffset;
        ConvParams p = ParamsOf(model, op);
        // The kernel's managed entry point: its shortest Run (FusedBlock also has one that takes native kernels).
        MethodInfo m = Type(kernel).GetMethods().Where(x => x.Name == "Run").OrderBy(x => x.GetParameters().Length).First();
        switch (kernel)
        {
            case "Conv2DReference":
                return new Call(m, a => [p, a, in0, op.Weights, op.Bias, op.Multiplier, Requantize.NarrowShifts(op.Shift), a, outOff], ConvMacs(p));
            case "PointwiseConv":
            {
                // The Run that takes the packed scratch, as the Interpreter calls it.
                int[] folded = Fold(op, p);
                var packed = new long[PointwiseConv.PackedLongs(p.InputC, p.OutputC)];
                MethodInfo run = typeof(PointwiseConv).GetMethods().Single(x => x.Name == "Run" && x.GetParameters().Length == 10);
                return new Call(run, a => [p, a, in0, op.Weights, folded, op.Multiplier, Requantize.NarrowShifts(op.Shift), a, outOff, packed], ConvMacs(p));
            }

            case "DepthwiseConv3x3":
            case "Conv2DDense":
            case "DepthwiseConv":
            case "DepthwiseConv3x3Multiplier":
            {
                int[] folded = Fold(op, p);
                int size = kernel == "DepthwiseConv3x3" ? DepthwiseConv3x3.GetScratchSize(ref p)
                    : kernel == "Conv2DDense" ? Conv2DDense.GetScratchSize(ref p)
                    : kernel == "DepthwiseConv3x3Multiplier" ? DepthwiseConv3x3Multiplier.GetScratchSize(ref p) : DepthwiseConv.GetScratchSize(ref p);
                var scratch = new sbyte[size];
                return new Call(m, a => [p, a, in0, op.Weights, folded, op.Multiplier, Requantize.NarrowShifts(op.Shift), a, outOff, scratch], ConvMacs(p));
            }

            case "FullyConnected":
                return new Call(m, a => [input.ByteSize, output.ByteSize, p.InputZeroPoint, p.OutputZeroPoint, p.ActMin, p.ActMax,
                    a, in0, op.Weights, op.Bias, op.Multiplier, Requantize.NarrowShifts(op.Shift), a, outOff], (long)input.ByteSize * output.ByteSize);
            case "Add":
            {
                TensorInfo input1 = model.Tensors[op.Input1];
                var ap = new AddParams
                {
                    LeftShift = op.Params[0],
                    Input0Multiplier = op.Params[1],
                    Input0Shift = op.Params[2],
                    Input1Multiplier = op.Params[3],
                    Input1Shift = op.Params[4],
                    OutputMultiplier = op.Params[5],
                    OutputShift = op.Params[6],
                    Input0ZeroPoint = input.ZeroPoint,
                    Input1ZeroPoint = input1.ZeroPoint,
                    OutputZeroPoint = output.ZeroPoint,
                    ActMin = op.ActMin,
                    ActMax = op.ActMax,
                };
                return new Call(m, a => [ap, a, in0, a, input1.ArenaOffset, a, outOff, output.ByteSize], 0);
            }

            case "AveragePool":
                return new Call(m, a => [p, op.Params[0] == 1, a, in0, a, outOff], 0);
            case "MaxPool":
                return new Call(m, a => [p, a, in0, a, outOff], 0);
            case "GlobalAveragePool":
                return new Call(m, a => [p.InputH, p.InputW, p.InputC, p.ActMin, p.ActMax, a, in0, a, outOff], 0);
            case "GlobalAveragePoolRequantized":
                return new Call(m, a => [p.InputH, p.InputW, p.InputC, p.InputZeroPoint, p.OutputZeroPoint, op.Multiplier[0], op.Shift[0],
                    op.Params[0] == 1 ? p.InputH * p.InputW : 1, p.ActMin, p.ActMax, a, in0, a, outOff], 0);
            case "Reshape":
                return new Call(m, a => [a, in0, a, outOff, input.ByteSize], 0);
            case "FusedBlock":
            {
                FusedBlock block = FusedBlocks.Prepare(model, index);
                int work = op.Params[1];
                long macs = 0;
                for (int k = index + 1; k <= index + op.Params[0]; k++)
                {
                    macs += model.Operators[k].OpCode == OpCodes.Conv2D ? ConvMacs(ParamsOf(model, model.Operators[k])) : 0;
                }

                // The overload with scratch (a stem or a multiplier depthwise runs its kernel with that kernel's scratch)
                // and PointwiseConv's packed longs for the 1×1 stages.
                MethodInfo full = Type(kernel).GetMethods().Where(x => x.Name == "Run").OrderBy(x => x.GetParameters().Length).Last();
                var scratch = new sbyte[FusedBlock.ScratchBytes(block)];
                var packed = new long[FusedBlock.PackedLongs(block)];
                return new Call(full, a => [block, a, in0, outOff, work, null, null, scratch, packed], macs);
            }
            default:
                throw new NotSupportedException("kernel " + kernel);
        }
    }

    private static System.Type Type(string kernel) =>
        typeof(Conv2DReference).Assembly.GetType("TinyDsc.Runtime.Kernels." + kernel, throwOnError: true)!;

    private static long ConvMacs(ConvParams p) =>
        (long)p.OutputH * p.OutputW * p.OutputC * p.KernelH * p.KernelW * (p.InputC / p.Groups);

    private static int[] Fold(OperatorInfo op, ConvParams p)
    {
        var folded = new int[p.OutputC];
        BiasFolding.Fold(op.Weights, op.Bias, p.OutputC, p.KernelH * p.KernelW * (p.InputC / p.Groups), p.InputZeroPoint, folded);
        return folded;
    }

    private static ConvParams ParamsOf(Model model, OperatorInfo op)
    {
        TensorInfo input = model.Tensors[op.Input0];
        TensorInfo output = model.Tensors[op.Output];
        return new ConvParams
        {
            InputH = input.Dims[1],
            InputW = input.Dims[2],
            InputC = input.Dims[3],
            OutputH = output.Dims[1],
            OutputW = output.Dims[2],
            OutputC = output.Dims[3],
            KernelH = op.KernelH,
            KernelW = op.KernelW,
            StrideH = op.StrideH,
            StrideW = op.StrideW,
            DilationH = op.DilationH,
            DilationW = op.DilationW,
            PadTop = op.PadTop,
            PadLeft = op.PadLeft,
            PadBottom = op.PadBottom,
            PadRight = op.PadRight,
            Groups = op.Groups,
            InputZeroPoint = input.ZeroPoint,
            OutputZeroPoint = output.ZeroPoint,
            ActMin = op.ActMin,
            ActMax = op.ActMax,
        };
    }

    private static string OpName(int code) => code switch
    {
        OpCodes.Conv2D => "Conv2D",
        OpCodes.FullyConnected => "FullyConnected",
        OpCodes.Add => "Add",
        OpCodes.AveragePool => "AveragePool",
        OpCodes.MaxPool => "MaxPool",
        OpCodes.GlobalAveragePool => "GlobalAveragePool",
        OpCodes.FusedBlock => "FusedBlock",
        _ => "Reshape",
    };

    private static string Shape(Model model, int index)
    {
        OperatorInfo op = model.Operators[index];
        string s = Dims(model.Tensors[op.Input0]) + " -> " + Dims(model.Tensors[op.Output]);
        if (op.OpCode == OpCodes.Conv2D || op.OpCode == OpCodes.AveragePool || op.OpCode == OpCodes.MaxPool)
        {
            s += $" k{op.KernelH}x{op.KernelW} s{op.StrideH}";
            if (op.PadTop != 0 || op.PadLeft != 0 || op.PadBottom != 0 || op.PadRight != 0)
            {
                s += op.PadTop == op.PadLeft && op.PadTop == op.PadBottom && op.PadTop == op.PadRight
                    ? $" p{op.PadTop}" : $" p{op.PadTop},{op.PadLeft},{op.PadBottom},{op.PadRight}";
            }
            if (op.Groups > 1)
            {
                s += $" g{op.Groups}";
            }
        }

        return s;
    }

    /// <summary>Dimensions after the batch: HxWxC for NHWC tensors, the length for [1, N].</summary>
    private static string Dims(TensorInfo t) => string.Join("x", t.Dims[1..t.Rank]);
}
