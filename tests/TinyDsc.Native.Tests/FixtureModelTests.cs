using System.Collections.Generic;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>
/// Whole fixture models: an Interpreter on the native kernels against the managed Interpreter (output bytes), and every
/// operator call of the run checked on its own (ComparingKernels: native arena = managed arena after each call).
/// </summary>
public sealed class FixtureModelTests
{
    public static IEnumerable<object[]> Names => FixtureModels.Names;

    [NativeTheory]
    [MemberData(nameof(Names))]
    public void NativeInterpreterEqualsManaged(string name)
    {
        Model model = FixtureModels.Get(name);
        var managed = new Interpreter(model);
        var native = new Interpreter(model, new PInvokeKernels());
        var comparing = new ComparingKernels { Prefix = name };
        var checkedRun = new Interpreter(model, comparing);
        Assert.False(managed.UsesNativeKernels);
        Assert.True(native.UsesNativeKernels);
        for (int i = 0; i < model.Operators.Length; i++)
        {
            string kernel = native.KernelName(i);
            Assert.True(kernel == managed.KernelName(i) + " (native)" || kernel == "Reshape", $"operator {i}: {kernel} vs {managed.KernelName(i)}");
        }

        sbyte[][] inputs = FixtureModels.Inputs(model, 7, 4);
        var expected = new sbyte[managed.OutputLength];
        var actual = new sbyte[native.OutputLength];
        foreach (sbyte[] input in inputs)
        {
            managed.SetInput(input, 0);
            managed.Invoke();
            managed.GetOutput(expected, 0);
            native.SetInput(input, 0);
            native.Invoke();
            native.GetOutput(actual, 0);
            Assert.Equal(expected, actual);
            checkedRun.SetInput(input, 0);
            checkedRun.Invoke();
        }

        Assert.Empty(comparing.Differences);
        Assert.True(comparing.Calls > 0);
    }
}
