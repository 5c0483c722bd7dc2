using System;
using System.Linq;
using System.Reflection;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Tests.Kernels;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `dotnet run --project tools/TinyDsc.Benchmarks -c Release -- ilcount`: IL instructions per multiply-accumulate of
/// the reference and specialised convolutions on the sample model's layer shapes.
///  - dynamic: every IL instruction executed by one call (IlCounter), divided by the layer's MACs;
///  - inner loop: instructions the kernel's innermost MAC loop executes per pass on average (IlCounter.PerPass: a
///    clamp or window branch counts as often as it runs), divided by the MACs one pass does.
/// Outputs of the counted runs are checked bit for bit against the reference run natively.
/// </summary>
internal static class IlCount
{
    public static int Run()
    {
        Console.WriteLine("| layer | kernel | MACs | IL executed | IL/MAC (dynamic) | innermost loop: IL per pass / MACs per pass |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Measure("dw3x3 14x14x32 s1 p1", Layer.Create(14, 14, 32, 32, 3, 1, 1, 32), depthwise: true);
        Measure("dw3x3 28x28x8 s2 p1", Layer.Create(28, 28, 8, 8, 3, 2, 1, 8), depthwise: true);
        // The bundled model's depthwise layers clamp at the output zero point (ReLU family), at 14x14 and 7x7.
        Measure("dw3x3 14x14x32 s1 p1 ReLU", Relu(Layer.Create(14, 14, 32, 32, 3, 1, 1, 32)), depthwise: true);
        Measure("dw3x3 7x7x96 s1 p1 ReLU", Relu(Layer.Create(7, 7, 96, 96, 3, 1, 1, 96)), depthwise: true);
        Measure("dw3x3 14x14x64 s2 p1 ReLU", Relu(Layer.Create(14, 14, 64, 64, 3, 2, 1, 64)), depthwise: true);
        // TensorFlow's SAME padding at stride 2 on even sizes: pads 0 (top, left) and 1 (bottom, right).
        Measure("dw3x3 56x56x16 s2 pads 0,0,1,1", Same(Layer.Create(56, 56, 16, 16, 3, 2, 0, 16)), depthwise: true);
        Measure("pw 14x14 32->64", Layer.Create(14, 14, 32, 64, 1, 1, 0, 1), depthwise: false);
        Measure("pw 7x7 64->128", Layer.Create(7, 7, 64, 128, 1, 1, 0, 1), depthwise: false);
        Measure("stem 3x3 28x28x1->8 s2 p1", Layer.Create(28, 28, 1, 8, 3, 2, 1, 1), depthwise: false, dense: true);
        Measure("stem 3x3 14x14x3->16 s1 p1", Layer.Create(14, 14, 3, 16, 3, 1, 1, 1), depthwise: false, dense: true);
        Measure("stem 3x3 28x28x1->16 s1 p1", Layer.Create(28, 28, 1, 16, 3, 1, 1, 1), depthwise: false, multiplier: true);
        Measure("stem 3x3 28x28x1->8 s2 p1", Layer.Create(28, 28, 1, 8, 3, 2, 1, 1), depthwise: false, multiplier: true);
        Measure("dw3x3 K=2 28x28x16->32 s2 p1", Layer.Create(28, 28, 16, 32, 3, 2, 1, 16), depthwise: false, multiplier: true);
        Measure("dw5x5 14x14x16 s1 p2", Layer.Create(14, 14, 16, 16, 5, 1, 2, 16), depthwise: false, general: true);
        Measure("dw3x3 K=2 14x14x16->32 s1 p1", Layer.Create(14, 14, 16, 32, 3, 1, 1, 16), depthwise: false, general: true);
        Measure("dw3x3 K=2 14x14x16->32 s1 p1", Layer.Create(14, 14, 16, 32, 3, 1, 1, 16), depthwise: false, multiplier: true);
        return 0;
    }

    /// <summary>The layer with one pad row and column after the input (bottom, right), as TensorFlow's SAME pads stride 2 on even sizes.</summary>
    private static Layer Same(Layer l)
    {
        l.P.PadBottom = 1;
        l.P.PadRight = 1;
        l.P.OutputH = ConvParams.OutputExtent(l.P.InputH, 0, 1, 3, l.P.StrideH, 1);
        l.P.OutputW = ConvParams.OutputExtent(l.P.InputW, 0, 1, 3, l.P.StrideW, 1);
        l.Output = new sbyte[l.P.OutputH * l.P.OutputW * l.P.OutputC];
        l.Scratch = new sbyte[DepthwiseConv.GetScratchSize(ref l.P)];
        return l;
    }

    private static Layer Relu(Layer l)
    {
        l.P.ActMin = l.P.OutputZeroPoint;
        return l;
    }

    private static void Measure(string name, Layer l, bool depthwise, bool dense = false, bool general = false, bool multiplier = false)
    {
        l.Reference();
        sbyte[] expected = (sbyte[])l.Output.Clone();

        MethodInfo reference = typeof(Conv2DReference).GetMethod(nameof(Conv2DReference.Run))!;
        Row(name, "Conv2DReference", l, reference, 1,
            c => c.Call(reference, (object)l.P, l.Input, 0, l.Weights, l.Bias, l.Multiplier, l.Shift, l.Output, 0), expected);

        if (multiplier)
        {
            MethodInfo dm = typeof(DepthwiseConv3x3Multiplier).GetMethod(nameof(DepthwiseConv3x3Multiplier.Run))!;
            // The MAC loop is in the row method of the largest chunk (8, 4, 2 or 1 channels) the multiplier uses.
            int k = l.P.OutputC / l.P.InputC;
            int chunk = k >= 8 ? 8 : k >= 4 ? 4 : k >= 2 ? 2 : 1;
            MethodInfo rowMethod = typeof(DepthwiseConv3x3Multiplier).GetMethod("Row" + chunk, BindingFlags.NonPublic | BindingFlags.Static)!;
            var scratch = new sbyte[DepthwiseConv3x3Multiplier.GetScratchSize(ref l.P)];
            Row(name, "DepthwiseConv3x3Multiplier", l, dm, 9 * chunk,
                c => c.Call(dm, (object)l.P, l.Input, 0, l.Weights, l.Folded, l.Multiplier, l.Shift, l.Output, 0, scratch), expected, rowMethod);
        }
        else if (general)
        {
            MethodInfo dg = typeof(DepthwiseConv).GetMethod(nameof(DepthwiseConv.Run))!;
            Row(name, "DepthwiseConv", l, dg, 4,
                c => c.Call(dg, (object)l.P, l.Input, 0, l.Weights, l.Folded, l.Multiplier, l.Shift, l.Output, 0, l.Scratch), expected);
        }
        else if (dense)
        {
            MethodInfo dn = typeof(Conv2DDense).GetMethod(nameof(Conv2DDense.Run))!;
            Row(name, "Conv2DDense", l, dn, 4,
                c => c.Call(dn, (object)l.P, l.Input, 0, l.Weights, l.Folded, l.Multiplier, l.Shift, l.Output, 0, l.Scratch), expected);
        }
        else if (depthwise)
        {
            MethodInfo dw = typeof(DepthwiseConv3x3).GetMethod(nameof(DepthwiseConv3x3.Run))!;
            // The MAC loop is in Channels (one output row of one channel per pass over the band).
            MethodInfo dwRow = typeof(DepthwiseConv3x3).GetMethod("Channels", BindingFlags.NonPublic | BindingFlags.Static)!;
            // Nine MACs per pass, 27 in the stride-2 three-row passes (18 packed-weight multiplies and two per output in
            // the window branches: 24; every other MAC loop has at most 11).
            Row(name, "DepthwiseConv3x3", l, dw, 9,
                c => c.Call(dw, (object)l.P, l.Input, 0, l.Weights, l.Folded, l.Multiplier, l.Shift, l.Output, 0, l.Scratch), expected, dwRow,
                muls => muls >= 20 ? 27 : 9);
        }
        else
        {
            MethodInfo pw = typeof(PointwiseConv).GetMethods().Single(x => x.Name == nameof(PointwiseConv.Run) && x.GetParameters().Length == 10);
            // The MAC loop lives in the 12-pixel x 8-channel block method; one pass covers 8 input channels.
            MethodInfo block = typeof(PointwiseConv).GetMethod("Block12x8", BindingFlags.NonPublic | BindingFlags.Static)!;
            var packed = new long[PointwiseConv.PackedLongs(l.P.InputC, l.P.OutputC)];
            Row(name, "PointwiseConv", l, pw, 768,
                c => c.Call(pw, (object)l.P, l.Input, 0, l.Weights, l.Folded, l.Multiplier, l.Shift, l.Output, 0, packed), expected, block);
        }
    }

    private static void Row(string name, string kernel, Layer l, MethodInfo m, int macsPerInnerIteration, Action<IlCounter> run, sbyte[] expected,
        MethodInfo? macLoopMethod = null, Func<int, int>? macsOfLoop = null)
    {
        var counter = new IlCounter();
        Array.Clear(l.Output);
        run(counter);
        if (!l.Output.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidOperationException($"{name} {kernel}: interpreted output differs from the native reference");
        }

        // The MAC loop: among loops with no loop inside that contain a mul, the one that ran most often (a kernel
        // with several loop variants, e.g. DepthwiseConv3x3's packed and unpacked rows, reports the one this layer used).
        m = macLoopMethod ?? m;
        var mac = counter.Loops(m).Where(x => !x.HasInnerLoop && x.Muls > 0).OrderByDescending(x => x.Passes).ThenByDescending(x => x.Muls).First();
        double inner = counter.PerPass(m, mac.Start, mac.End);
        if (macsOfLoop != null)
        {
            macsPerInnerIteration = macsOfLoop(mac.Muls);
        }

        if (Environment.GetEnvironmentVariable("TINYDSC_IL_LISTING") == "1")
        {
            Console.Error.WriteLine($"{kernel} MAC loop:");
            Console.Error.Write(counter.Listing(m, mac.Start, mac.End));
            if (Environment.GetEnvironmentVariable("TINYDSC_IL_LISTING_ALL") == "1")
            {
                Console.Error.WriteLine($"{kernel} {m.Name}, every instruction with its executions:");
                Console.Error.Write(counter.Listing(m, 0, counter.InstructionCount(m) - 1));
            }
        }

        Console.WriteLine($"| {name} | {kernel} | {l.Macs} | {counter.Executed} | {(double)counter.Executed / l.Macs:F1} | " +
            $"{inner:F0} / {macsPerInnerIteration} = {inner / macsPerInnerIteration:F1} |");
    }
}
