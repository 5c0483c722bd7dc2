using System;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>
/// Stock firmware: the native kernels report themselves absent (FirmwareKernels.IsAvailable catches nanoCLR's
/// NotSupportedException for a missing InternalCall and returns false). The Interpreter must then run managed, never
/// call Run, and say so. Needs no native library.
/// </summary>
public sealed class FallbackTests
{
    private sealed class AbsentKernels : INativeKernels
    {
        public int Probes;

        public bool IsAvailable()
        {
            Probes++;
            return false;
        }

        public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights,
            int[] bias, int[] multiplier, int[] shift, sbyte[] scratch) =>
            throw new InvalidOperationException("Run called although IsAvailable was false");
    }

    [Fact]
    public void AbsentNativeKernels_ManagedPathRunsWithTheSameBytes()
    {
        Model model = FixtureModels.Get("fashion-dscnn");
        var absent = new AbsentKernels();
        var fallback = new Interpreter(model, absent);
        var managed = new Interpreter(model);
        Assert.Equal(1, absent.Probes);
        Assert.False(fallback.UsesNativeKernels);
        for (int i = 0; i < model.Operators.Length; i++)
        {
            Assert.Equal(managed.KernelName(i), fallback.KernelName(i));
            Assert.DoesNotContain("native", fallback.KernelName(i));
        }

        sbyte[] input = FixtureModels.Inputs(model, 3, 3)[2];
        var expected = new sbyte[managed.OutputLength];
        var actual = new sbyte[fallback.OutputLength];
        managed.SetInput(input, 0);
        managed.Invoke();
        managed.GetOutput(expected, 0);
        fallback.SetInput(input, 0);
        fallback.Invoke();
        fallback.GetOutput(actual, 0);
        Assert.Equal(expected, actual);
        Assert.Equal(1, absent.Probes);
    }

    [Fact]
    public void NativeStatusError_IsAnExceptionNamingKernelAndOperator()
    {
        Model model = FixtureModels.Get("fashion-dscnn");
        var interpreter = new Interpreter(model, new FailingKernels());
        interpreter.SetInput(new sbyte[interpreter.InputLength], 0);
        var e = Assert.Throws<InvalidOperationException>(interpreter.Invoke);
        Assert.Contains("native kernel", e.Message);
        Assert.Contains("status -2", e.Message);
    }

    /// <summary>Native kernels whose every call reports a bounds error.</summary>
    private sealed class FailingKernels : INativeKernels
    {
        public bool IsAvailable() => true;

        public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights,
            int[] bias, int[] multiplier, int[] shift, sbyte[] scratch) => NativeKernelIds.StatusBoundsError;
    }
}
