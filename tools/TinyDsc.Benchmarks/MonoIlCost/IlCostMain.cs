using System;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.MonoIlCost
{
    /// <summary>
    /// Times reference and specialised kernels on shapes of the sample DS-CNN. Meant for `mono --interpreter`, where
    /// time is roughly proportional to executed IL instructions, as on nanoCLR. Prints one line per kernel:
    /// shape, kernel, MACs, ns per MAC of the fastest of at least 5 calls (1 s per kernel). Written in the nanoFramework subset (it compiles against nano mscorlib).
    /// </summary>
    public static class Program
    {
        private static uint _seed = 12345;

        public static void Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "model")
            {
                ModelTiming.Run(20000000); // 2 s per variant
                return;
            }

            long budget = 10000000; // 1 s in 100 ns ticks per kernel and shape
            Console.WriteLine("shape | kernel | MACs | ns/MAC");
            Depthwise("dw3x3 14x14x32 s1 p1", 14, 14, 32, 1, 1, budget);
            Depthwise("dw3x3 28x28x8 s2 p1", 28, 28, 8, 2, 1, budget);
            Depthwise("dw3x3 56x56x16 s2 p0011", 56, 56, 16, 2, 0, budget);
            Pointwise("pw 14x14 32->64", 14, 14, 32, 64, budget);
            Pointwise("pw 7x7 64->128", 7, 7, 64, 128, budget);
            Dense("stem 3x3 28x28x1->8 s2 p1", 28, 28, 1, 8, 2, budget);
            Dense("stem 3x3 14x14x3->16 s1 p1", 14, 14, 3, 16, 1, budget);
            DepthwiseGeneral("dw5x5 14x14x16 s1 p2", 14, 14, 16, 5, 2, budget);
            DepthwiseMultiplier("stem 3x3 28x28x1->16 s1 p1", 28, 28, 1, 16, 1, budget);
            DepthwiseMultiplier("stem 3x3 28x28x1->8 s2 p1", 28, 28, 1, 8, 2, budget);
            DepthwiseMultiplier("dw3x3 K=2 28x28x16->32 s2 p1", 28, 28, 16, 32, 2, budget);
        }

        private static void DepthwiseMultiplier(string name, int h, int w, int cin, int cout, int stride, long budget)
        {
            ConvParams p = Params(h, w, cin, cout, 3, stride, 1, 1, 1, 1, cin);
            sbyte[] input = Random(h * w * cin, -128, 127);
            sbyte[] weights = Random(cout * 9, -127, 127);
            int[] bias = RandomInts(cout, -2000, 2000);
            int[] mult = RandomInts(cout, 1 << 30, int.MaxValue);
            sbyte[] shift = Requantize.NarrowShifts(RandomInts(cout, -10, -6));
            int[] folded = new int[cout];
            BiasFolding.Fold(weights, bias, cout, 9, p.InputZeroPoint, folded);
            sbyte[] outRef = new sbyte[p.OutputH * p.OutputW * cout];
            sbyte[] outOpt = new sbyte[outRef.Length];
            sbyte[] scratch = new sbyte[DepthwiseConv3x3Multiplier.GetScratchSize(ref p)];
            long macs = (long)p.OutputH * p.OutputW * cout * 9;

            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                Conv2DReference.Run(ref p, input, 0, weights, bias, mult, shift, outRef, 0);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "Conv2DReference", macs, best);

            best = long.MaxValue;
            start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                DepthwiseConv3x3Multiplier.Run(ref p, input, 0, weights, folded, mult, shift, outOpt, 0, scratch);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "DepthwiseConv3x3Multiplier", macs, best);
            CheckSame(outRef, outOpt, name);
        }

        private static void Depthwise(string name, int h, int w, int c, int stride, int pad, long budget)
        {
            ConvParams p = Params(h, w, c, c, 3, stride, pad, pad, 1, 1, c);
            if (pad == 0)
            {
                p.PadTop = 0;
                p.PadLeft = 0;
                p.OutputH = (h + 1 - 3) / stride + 1;
                p.OutputW = (w + 1 - 3) / stride + 1;
            }

            sbyte[] input = Random(h * w * c, -128, 127);
            sbyte[] weights = Random(c * 9, -127, 127);
            int[] bias = RandomInts(c, -2000, 2000);
            int[] mult = RandomInts(c, 1 << 30, int.MaxValue);
            sbyte[] shift = Requantize.NarrowShifts(RandomInts(c, -10, -6));
            int[] folded = new int[c];
            BiasFolding.Fold(weights, bias, c, 9, p.InputZeroPoint, folded);
            sbyte[] outRef = new sbyte[p.OutputH * p.OutputW * c];
            sbyte[] outOpt = new sbyte[outRef.Length];
            sbyte[] scratch = new sbyte[DepthwiseConv3x3.GetScratchSize(ref p)];
            long macs = (long)p.OutputH * p.OutputW * c * 9;

            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                Conv2DReference.Run(ref p, input, 0, weights, bias, mult, shift, outRef, 0);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "Conv2DReference", macs, best);

            best = long.MaxValue;
            start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                DepthwiseConv3x3.Run(ref p, input, 0, weights, folded, mult, shift, outOpt, 0, scratch);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "DepthwiseConv3x3", macs, best);
            CheckSame(outRef, outOpt, name);
        }

        private static void Pointwise(string name, int h, int w, int cin, int cout, long budget)
        {
            ConvParams p = Params(h, w, cin, cout, 1, 1, 0, 0, 0, 0, 1);
            sbyte[] input = Random(h * w * cin, -128, 127);
            sbyte[] weights = Random(cout * cin, -127, 127);
            int[] bias = RandomInts(cout, -2000, 2000);
            int[] mult = RandomInts(cout, 1 << 30, int.MaxValue);
            sbyte[] shift = Requantize.NarrowShifts(RandomInts(cout, -10, -6));
            int[] folded = new int[cout];
            BiasFolding.Fold(weights, bias, cout, cin, p.InputZeroPoint, folded);
            sbyte[] outRef = new sbyte[h * w * cout];
            sbyte[] outOpt = new sbyte[outRef.Length];
            long macs = (long)h * w * cin * cout;

            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                Conv2DReference.Run(ref p, input, 0, weights, bias, mult, shift, outRef, 0);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "Conv2DReference", macs, best);

            best = long.MaxValue;
            start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                PointwiseConv.Run(ref p, input, 0, weights, folded, mult, shift, outOpt, 0);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "PointwiseConv", macs, best);
            CheckSame(outRef, outOpt, name);
        }

        private static void DepthwiseGeneral(string name, int h, int w, int c, int k, int pad, long budget)
        {
            ConvParams p = Params(h, w, c, c, k, 1, pad, pad, pad, pad, c);
            sbyte[] input = Random(h * w * c, -128, 127);
            sbyte[] weights = Random(c * k * k, -127, 127);
            int[] bias = RandomInts(c, -2000, 2000);
            int[] mult = RandomInts(c, 1 << 30, int.MaxValue);
            sbyte[] shift = Requantize.NarrowShifts(RandomInts(c, -10, -6));
            int[] folded = new int[c];
            BiasFolding.Fold(weights, bias, c, k * k, p.InputZeroPoint, folded);
            sbyte[] outRef = new sbyte[p.OutputH * p.OutputW * c];
            sbyte[] outOpt = new sbyte[outRef.Length];
            sbyte[] scratch = new sbyte[DepthwiseConv.GetScratchSize(ref p)];
            long macs = (long)p.OutputH * p.OutputW * c * k * k;

            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                Conv2DReference.Run(ref p, input, 0, weights, bias, mult, shift, outRef, 0);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "Conv2DReference", macs, best);

            best = long.MaxValue;
            start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                DepthwiseConv.Run(ref p, input, 0, weights, folded, mult, shift, outOpt, 0, scratch);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "DepthwiseConv", macs, best);
            CheckSame(outRef, outOpt, name);
        }

        private static void Dense(string name, int h, int w, int cin, int cout, int stride, long budget)
        {
            ConvParams p = Params(h, w, cin, cout, 3, stride, 1, 1, 1, 1, 1);
            sbyte[] input = Random(h * w * cin, -128, 127);
            sbyte[] weights = Random(cout * 9 * cin, -127, 127);
            int[] bias = RandomInts(cout, -2000, 2000);
            int[] mult = RandomInts(cout, 1 << 30, int.MaxValue);
            sbyte[] shift = Requantize.NarrowShifts(RandomInts(cout, -10, -6));
            int[] folded = new int[cout];
            BiasFolding.Fold(weights, bias, cout, 9 * cin, p.InputZeroPoint, folded);
            sbyte[] outRef = new sbyte[p.OutputH * p.OutputW * cout];
            sbyte[] outOpt = new sbyte[outRef.Length];
            sbyte[] scratch = new sbyte[Conv2DDense.GetScratchSize(ref p)];
            long macs = (long)p.OutputH * p.OutputW * cout * 9 * cin;

            long best = long.MaxValue;
            long start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                Conv2DReference.Run(ref p, input, 0, weights, bias, mult, shift, outRef, 0);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "Conv2DReference", macs, best);

            best = long.MaxValue;
            start = DateTime.UtcNow.Ticks;
            for (int reps = 0; reps < 5 || DateTime.UtcNow.Ticks - start < budget; reps++)
            {
                long t0 = DateTime.UtcNow.Ticks;
                Conv2DDense.Run(ref p, input, 0, weights, folded, mult, shift, outOpt, 0, scratch);
                long t = DateTime.UtcNow.Ticks - t0;
                best = t < best ? t : best;
            }

            Report(name, "Conv2DDense", macs, best);
            CheckSame(outRef, outOpt, name);
        }

        private static ConvParams Params(int h, int w, int cin, int cout, int k, int stride, int pt, int pl, int pb, int pr, int groups)
        {
            ConvParams p = new ConvParams();
            p.InputH = h;
            p.InputW = w;
            p.InputC = cin;
            p.OutputC = cout;
            p.KernelH = k;
            p.KernelW = k;
            p.StrideH = stride;
            p.StrideW = stride;
            p.DilationH = 1;
            p.DilationW = 1;
            p.PadTop = pt;
            p.PadLeft = pl;
            p.PadBottom = pb;
            p.PadRight = pr;
            p.Groups = groups;
            p.InputZeroPoint = -7;
            p.OutputZeroPoint = 3;
            p.ActMin = -128;
            p.ActMax = 127;
            p.OutputH = ConvParams.OutputExtent(h, pt, pb, k, stride, 1);
            p.OutputW = ConvParams.OutputExtent(w, pl, pr, k, stride, 1);
            return p;
        }

        /// <summary>Prints the fastest single call: on a loaded machine the minimum is the run least disturbed by other processes.</summary>
        private static void Report(string shape, string kernel, long macs, long ticks)
        {
            long nsPerMacTimes100 = ticks * 100L * 100L / macs;
            Console.WriteLine(shape + " | " + kernel + " | " + macs + " | " + (nsPerMacTimes100 / 100) + "." + Two(nsPerMacTimes100 % 100));
        }

        private static string Two(long v)
        {
            return v < 10 ? "0" + v : v.ToString();
        }

        private static void CheckSame(sbyte[] a, sbyte[] b, string name)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    throw new Exception(name + ": specialised kernel differs from the reference at " + i);
                }
            }
        }

        private static int Next(int lo, int hi)
        {
            _seed = _seed * 1664525 + 1013904223;
            long span = (long)hi - lo + 1;
            return (int)(lo + (long)((_seed >> 8) % (ulong)span));
        }

        private static sbyte[] Random(int n, int lo, int hi)
        {
            sbyte[] a = new sbyte[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = (sbyte)Next(lo, hi);
            }

            return a;
        }

        private static int[] RandomInts(int n, int lo, int hi)
        {
            int[] a = new int[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = Next(lo, hi);
            }

            return a;
        }
    }
}
