using System;
using System.Reflection;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Tests.Kernels;
namespace TinyDsc.Benchmarks;
internal static class TmpDbg
{
    public static int Run(string[] args)
    {
        int h = int.Parse(args[1]), c = int.Parse(args[2]); bool relu = args[3] == "1";
        var l = Layer.Create(h, h, c, c, 3, 2, 1, c);
        if (relu) l.P.ActMin = l.P.OutputZeroPoint;
        var counter = new IlCounter();
        MethodInfo dw = typeof(DepthwiseConv3x3).GetMethod(nameof(DepthwiseConv3x3.Run))!;
        counter.Call(dw, (object)l.P, l.Input, 0, l.Weights, l.Folded, l.Multiplier, l.Shift, l.Output, 0, l.Scratch);
        foreach (var pm in counter.PerMethod()) Console.WriteLine($"{pm.Method} {pm.Executed} {(double)pm.Executed / l.Macs:F3}");
        Console.WriteLine($"total {counter.Executed} {(double)counter.Executed / l.Macs:F3}");
        return 0;
    }
}
