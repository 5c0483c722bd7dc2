using System;
using TinyDsc.Runtime.Kernels;
namespace TinyDsc.Benchmarks;
internal static class TmpDbg
{
    public static int Run()
    {
        var l = Layer.Create(14, 14, 64, 64, 3, 2, 1, 64);
        l.P.ActMin = l.P.OutputZeroPoint;
        l.Reference();
        var exp = (sbyte[])l.Output.Clone();
        Array.Clear(l.Output);
        l.Depthwise();
        int bad = 0;
        for (int i = 0; i < exp.Length; i++)
        {
            if (exp[i] != l.Output[i] && bad++ < 20)
            {
                int c = i % 64, x = i / 64 % 7, y = i / 64 / 7;
                Console.WriteLine($"y{y} x{x} c{c}: exp {exp[i]} got {l.Output[i]} shift {l.Shift[c]} m {l.Multiplier[c]} b {l.Folded[c]} zpo {l.P.OutputZeroPoint} min {l.P.ActMin} max {l.P.ActMax}");
            }
        }
        Console.WriteLine("bad " + bad);
        return 0;
    }
}
