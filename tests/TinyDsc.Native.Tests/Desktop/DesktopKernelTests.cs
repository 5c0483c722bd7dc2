using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CsCheck;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Native;
using TinyDsc.Tests;
using Xunit;

namespace TinyDsc.Native.Tests.Desktop;

/// <summary>
/// Issue 14's desktop kernels (TinyDsc.Runtime.Desktop) against the device kernels they replace, on every instruction-set
/// path this CPU has (KernelPath forces each one): every fixture model byte for byte and call by call, and random
/// shapes of every kernel family drawn by CsCheck. A path the CPU lacks is reported, not silently passed.
/// </summary>
public sealed class DesktopKernelTests
{
    private static readonly KernelPath[] AllPaths = { KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Vnni, KernelPath.Vnni512 };

    public static IEnumerable<object[]> Paths => AllPaths.Select(p => new object[] { p });

    public static IEnumerable<object[]> PathsAndFixtures =>
        from path in AllPaths from f in FixtureModels.Names select new object[] { path, f[0] };

    public static IEnumerable<object[]> PathsAndKernels =>
        from path in AllPaths from kernel in Enumerable.Range(1, 12) select new object[] { path, kernel };

    private static DesktopKernels? KernelsOn(KernelPath path)
    {
        if (!DesktopKernels.IsSupported(path))
        {
            Assert.Throws<PlatformNotSupportedException>(() => new DesktopKernels(path));
            return null;
        }

        var kernels = new DesktopKernels(path);
        Assert.Equal(path, kernels.Path);
        return kernels;
    }

    [Theory]
    [MemberData(nameof(PathsAndFixtures))]
    public void FixtureModel_GivesTheDeviceBytes(KernelPath path, string name)
    {
        DesktopKernels? kernels = KernelsOn(path);
        if (kernels == null)
        {
            return;
        }

        Model model = FixtureModels.Get(name);
        var device = new Interpreter(model);
        var desktop = new Interpreter(model, kernels);
        var comparing = new DesktopComparingKernels(kernels) { Prefix = $"{name} on {path}" };
        var checkedRun = new Interpreter(model, comparing);
        Assert.True(desktop.UsesNativeKernels);
        var expected = new sbyte[device.OutputLength];
        var actual = new sbyte[desktop.OutputLength];
        foreach (sbyte[] input in FixtureModels.Inputs(model, 11, 5))
        {
            device.SetInput(input, 0);
            device.Invoke();
            device.GetOutput(expected, 0);
            desktop.SetInput(input, 0);
            desktop.Invoke();
            desktop.GetOutput(actual, 0);
            Assert.Equal(expected, actual);
            checkedRun.SetInput(input, 0);
            checkedRun.Invoke();
        }

        Assert.Empty(comparing.Differences);
    }

    [Theory]
    [MemberData(nameof(PathsAndKernels))]
    public void RandomShapes_GiveTheDeviceBytes(KernelPath path, int kernel)
    {
        DesktopKernels? kernels = KernelsOn(path);
        if (kernels == null)
        {
            return;
        }

        var device = new ManagedKernels();
        // CsCheck draws the case number; RandomShapes turns it into a shape inside what the kernel takes, with data.
        Gen.Int[0, 99_999].SampleSeeded(seed: 1400 + 100 * kernel + (int)path, iter: 120, i =>
        {
            KernelCase c = RandomShapes.Build(kernel, i);
            string? difference = c.Compare(kernels, device);
            Assert.True(difference == null, $"{difference} (path {path}, seed {RandomShapes.Seed(kernel, i)})");
        });
    }

    /// <summary>Wider layers than RandomShapes draws: products with Cout across the 32- and 16-channel blocks, odd and long
    /// K; depthwise (with and without a depth multiplier) across the 8- and 16-channel blocks.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void WideProducts_GiveTheDeviceBytes(KernelPath path)
    {
        DesktopKernels? kernels = KernelsOn(path);
        if (kernels == null)
        {
            return;
        }

        var device = new ManagedKernels();
        Gen<(int, int, int, int, int, int)> shapes = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[1, 150], Gen.Int[1, 130], Gen.Int[0, 4], Gen.Int);
        shapes.SampleSeeded(seed: 1414 + (int)path, iter: 120, s =>
        {
            (int h, int w, int cin, int cout, int kind, int seed) = s;
            var r = new Random(seed);
            int zpIn = r.Next(-128, 128), zpOut = r.Next(-128, 128);
            string name = $"wide {kind} {h}x{w}x{cin}->{cout} seed {seed}";
            KernelCase c = kind switch
            {
                0 => Cases.ConvCase(r, name, Cases.Conv(h, w, cin, cout, 1, 1, zpIn: zpIn, zpOut: zpOut), NativeKernelIds.PointwiseConv),
                1 => Cases.ConvCase(r, name, Cases.Conv(h + 2, w + 2, Math.Min(cin, 12), cout, 3, 3, 2, 1, 1, 1, 1, 1, 0, 1, 1, zpIn, zpOut),
                    NativeKernelIds.Conv2DDense),
                2 => Cases.FullyConnectedCase(r, name, cin * h, cout, zpIn, zpOut, -128, 127, seed % 2 == 0),
                3 => Cases.ConvCase(r, name, Cases.Conv(h + 2, w + 2, cout, cout, 3, 3, 1 + (seed & 1), 1, 1, 1, 1, 1, 1, 1, cout, zpIn, zpOut),
                    NativeKernelIds.DepthwiseConv3x3),
                _ => Cases.ConvCase(r, name, Cases.Conv(h + 2, w + 2, 1 + cin % 4, (1 + cin % 4) * (2 + cout % 30), 3, 3, 1, 1 + (seed & 1), 1, 1, 1, 1, 1, 1,
                    1 + cin % 4, zpIn, zpOut), NativeKernelIds.DepthwiseConv3x3Multiplier),
            };
            string? difference = c.Compare(kernels, device);
            Assert.True(difference == null, $"{difference} (path {path})");
        });
    }

    [Fact]
    public void OneInstance_ServesInterpretersOnManyThreads_WithTheDeviceBytes()
    {
        var kernels = new DesktopKernels();
        Model model = FixtureModels.Get("mbv2-fashion");
        sbyte[][] inputs = FixtureModels.Inputs(model, 5, 12);
        var device = new Interpreter(model);
        var expected = inputs.Select(input =>
        {
            device.SetInput(input, 0);
            device.Invoke();
            var o = new sbyte[device.OutputLength];
            device.GetOutput(o, 0);
            return o;
        }).ToArray();
        var actual = new sbyte[inputs.Length][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var it = new Interpreter(model, kernels);
            for (int i = worker; i < inputs.Length; i += 4)
            {
                it.SetInput(inputs[i], 0);
                it.Invoke();
                actual[i] = new sbyte[it.OutputLength];
                it.GetOutput(actual[i], 0);
            }
        });
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Interpreters of one model on one kernels instance share its repacked layers: each holds its own bias and shift
    /// arrays (the Interpreter's native steps), so a cache that matched them by reference made two interpreters evict
    /// each other's plans and repack every layer at every invoke (tens of KB per invoke, the two-thread slowdown).
    /// Once both are warm, alternating invokes allocate nothing (on the models as Int8Runner runs them).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void InterpretersOfOneModel_ShareRepackedLayers(KernelPath path)
    {
        DesktopKernels? kernels = KernelsOn(path);
        if (kernels == null)
        {
            return;
        }

        foreach (string name in new[] { "fashion-dscnn", "mbv2-fashion" })
        {
            // As Int8Runner runs it (a model with fused blocks unfused).
            Model model = TinyDsc.Converter.Pipeline.Int8Runner.DesktopModel(FixtureModels.Get(name));
            sbyte[] input = FixtureModels.Inputs(model, 1, 3)[0];
            var a = new Interpreter(model, kernels);
            var b = new Interpreter(model, kernels);
            foreach (Interpreter it in new[] { a, b, a, b })
            {
                it.SetInput(input, 0);
                it.Invoke();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 6; i++)
            {
                Interpreter it = i % 2 == 0 ? a : b;
                it.SetInput(input, 0);
                it.Invoke();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name} on {path}: 6 alternating invokes allocated {allocated} bytes");
        }
    }

    /// <summary>
    /// Layers that share a weights array but not their bias, multiplier or shift values each get the bytes of their
    /// own values (a plan is reused only for equal values), in any order of calls, for arrays equal by value but not by
    /// reference too.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void SharedWeights_WithOtherValues_GiveTheirOwnBytes(KernelPath path)
    {
        DesktopKernels? kernels = KernelsOn(path);
        if (kernels == null)
        {
            return;
        }

        var device = new ManagedKernels();
        var r = new Random(1441);
        foreach ((int kind, ConvParams p, int kernel) in new[]
        {
            (0, Cases.Conv(4, 5, 24, 40, 1, 1, zpIn: 3, zpOut: -7), NativeKernelIds.PointwiseConv),
            (1, Cases.Conv(6, 6, 3, 20, 3, 3, 2, 1, 1, 1, 1, 1, 0, 1, 1, 5, 2), NativeKernelIds.Conv2DDense),
            (2, Cases.Conv(7, 7, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 24, -4, 9), NativeKernelIds.DepthwiseConv3x3),
        })
        {
            KernelCase first = Cases.ConvCase(r, $"shared {kind} first", p, kernel);
            KernelCase other = Cases.ConvCase(r, $"shared {kind} other values", p, kernel);
            other.Weights = first.Weights;
            other.Bias = first.Bias.Select((v, i) => i % 3 == 0 ? v + 1000 : v).ToArray();
            KernelCase shiftOnly = Cases.ConvCase(r, $"shared {kind} other shift", p, kernel);
            shiftOnly.Weights = first.Weights;
            shiftOnly.Bias = first.Bias;
            shiftOnly.Multiplier = first.Multiplier;
            shiftOnly.Shift = first.Shift.Select(v => v > -31 ? v - 1 : v).ToArray();
            KernelCase copy = Cases.ConvCase(r, $"shared {kind} equal copies", p, kernel);
            copy.Weights = first.Weights;
            copy.Bias = (int[])first.Bias.Clone();
            copy.Multiplier = (int[])first.Multiplier.Clone();
            copy.Shift = (int[])first.Shift.Clone();
            foreach (KernelCase c in new[] { first, other, first, copy, shiftOnly, other, copy, first, shiftOnly })
            {
                string? difference = c.Compare(kernels, device);
                Assert.True(difference == null, $"{difference} (path {path})");
            }
        }
    }

    [Fact]
    public void Auto_TakesVnniWithAvxVnni_ElseTheWidestBelow()
    {
        KernelPath best = DesktopKernels.Best;
        Assert.True(DesktopKernels.IsSupported(best));
        Assert.Equal(best, new DesktopKernels(KernelPath.Auto).Path);
        Assert.Equal(best, new DesktopKernels().Path);
        // Vector512 is never automatic (README: slower than Vector256 where measured); Vnni512, then Vnni come first, then the widest
        // supported below it.
        KernelPath[] order = { KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vnni, KernelPath.Vnni512 };
        foreach (KernelPath wider in order.Skip(Array.IndexOf(order, best) + 1))
        {
            Assert.False(DesktopKernels.IsSupported(wider), $"{wider} is supported but Best is {best}");
        }
        Assert.NotEqual(KernelPath.Vector512, best);
    }
}

/// <summary>Runs each call on the desktop kernels and on the device twin (a copy of the arena); keeps every difference.</summary>
internal sealed class DesktopComparingKernels : INativeKernels
{
    private readonly DesktopKernels _desktop;
    private readonly ManagedKernels _device = new();

    public DesktopComparingKernels(DesktopKernels desktop) => _desktop = desktop;

    public readonly List<string> Differences = new();
    public string Prefix = "";
    public int Calls;

    public bool IsAvailable() => true;

    public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights,
        int[] bias, int[] multiplier, int[] shift, sbyte[] scratch)
    {
        var desktopArena = (sbyte[])arena.Clone();
        int status = _desktop.Run(kernel, parameters, desktopArena, in0, in1, output, weights, bias, multiplier, shift, (sbyte[])scratch.Clone());
        _device.Run(kernel, parameters, arena, in0, in1, output, weights, bias, multiplier, shift, scratch);
        string name = $"{Prefix} call {Calls} {NativeKernelIds.Name(kernel)}";
        Calls++;
        if (status != NativeKernelIds.StatusOk)
        {
            Differences.Add($"{name}: status {status}");
        }
        else if (!desktopArena.AsSpan().SequenceEqual(arena))
        {
            int first = 0;
            while (desktopArena[first] == arena[first])
            {
                first++;
            }

            Differences.Add($"{name}: arena byte {first} (output at {output}) desktop {desktopArena[first]}, device {arena[first]}");
        }

        return NativeKernelIds.StatusOk;
    }
}

/// <summary>InputQuantizer (Int8Runner's vectorized SetInput quantization) against QuantMath.Quantize, value by value.</summary>
public sealed class InputQuantizerTests
{
    [Fact]
    public void RandomAndSpecialValues_QuantizeLikeQuantMath()
    {
        float[] specials = { 0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity,
            float.MaxValue, float.MinValue, float.Epsilon, 1000f, -1000f, 1000.5f, -1000.5f, 127.5f, -128.5f, 1e-30f };
        Gen.Select(Gen.Int[0, 40], Gen.Single[0.0001f, 10f], Gen.Int[-128, 127], Gen.Int).SampleSeeded(seed: 1415, iter: 400, t =>
        {
            (int count, float scale, int zp, int seed) = t;
            var r = new Random(seed);
            var x = new float[count + 3];
            for (int i = 0; i < x.Length; i++)
            {
                int kind = r.Next(4);
                // Halves of the scale (rounding ties), arbitrary values, huge ones, and the special values.
                x[i] = kind == 0 ? (r.Next(-600, 600) + 0.5f) * scale : kind == 1 ? (float)(r.NextDouble() * 400 - 200) * scale
                    : kind == 2 ? (float)(r.NextDouble() * 1e6 - 5e5) : specials[r.Next(specials.Length)];
            }

            int offset = r.Next(0, 4);
            var actual = new sbyte[count + 2];
            InputQuantizer.Quantize(x, offset, Math.Min(count, x.Length - offset), scale, zp, actual, 1);
            for (int i = 0; i < Math.Min(count, x.Length - offset); i++)
            {
                sbyte expected = TinyDsc.Runtime.Kernels.QuantMath.Quantize(x[offset + i], scale, zp);
                Assert.True(expected == actual[1 + i], $"x = {x[offset + i]:R}, scale {scale:R}, zp {zp}: {actual[1 + i]}, QuantMath {expected}");
            }
        });
    }
}
