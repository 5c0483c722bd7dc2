using System.Collections.Generic;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;
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
        int twins = 0;
        int bandRows = 0;
        for (int i = 0; i < model.Operators.Length; i++)
        {
            // Every kernel with a native twin runs natively, and a fused block runs its rows natively; Reshape (and the
            // fused blocks' members, which run inside the block) stay as they are.
            string kernel = native.KernelName(i);
            string managedKernel = managed.KernelName(i);
            // A producer → depthwise block (FORMAT.md p4 = 1) has no native rows: it runs managed, the same bytes.
            bool fused = managedKernel == "FusedBlock" && model.Operators[i].Params[4] == 0;
            bool hasTwin = NativeKernelIds.Of(managedKernel) != 0;
            twins += hasTwin ? 1 : 0;
            bandRows += fused ? model.Tensors[model.Operators[i].Output].Dims[1] : 0;
            Assert.True(hasTwin || fused ? kernel == managedKernel + " (native)" : kernel == managedKernel, $"operator {i}: {kernel} vs {managedKernel}");
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
        // Each native operator was called once per input, and each fused block once per output row for its depthwise
        // row (plus its expand, projection and Add rows, which are the same kernels as unfused operators).
        Assert.Equal(bandRows * inputs.Length, comparing.CallsByKernel.GetValueOrDefault(NativeKernelIds.DepthwiseConvBandRow));
        int fusedRowCalls = comparing.Calls - twins * inputs.Length - bandRows * inputs.Length;
        Assert.True(bandRows == 0 ? fusedRowCalls == 0 : fusedRowCalls >= bandRows * inputs.Length, $"{comparing.Calls} calls for {twins} operators and {bandRows} fused rows");
    }
}
