using System.Collections.Generic;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
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

    /// <summary>
    /// The bundled model's scratch: the 7×7×96 depthwise's band, 3·9·96 = 2,592 B, and PointwiseConv's packed longs,
    /// 4·96 + 32 = 416 longs = 3,328 B (firmware-samples/README.md). On native kernels every 1×1 layer and both fused
    /// blocks run in C, so the longs are not allocated.
    /// </summary>
    [NativeFact]
    public void NativeInterpreterHoldsNoPackedScratchWhenEvery1x1RunsNatively()
    {
        Model model = FixtureModels.Get("fashion-dscnn");
        Assert.Equal(2_592 + 3_328, new Interpreter(model).ScratchBytes);
        Assert.Equal(2_592, new Interpreter(model, new PInvokeKernels()).ScratchBytes);
    }

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
        int multiplierBlocks = 0;
        for (int i = 0; i < model.Operators.Length; i++)
        {
            // Every kernel with a native twin runs natively, and a fused block runs its rows natively; Reshape (and the
            // fused blocks' members, which run inside the block) stay as they are.
            string kernel = native.KernelName(i);
            string managedKernel = managed.KernelName(i);
            // Both shapes of block run natively; a producer → depthwise block (FORMAT.md p4 = 1) whose depthwise has a
            // multiplier above 1 runs it over the band (DepthwiseConv3x3Multiplier), the others one band row per
            // output row (a p4 = 1 depthwise is the block's last member).
            bool fused = managedKernel == "FusedBlock";
            bool hasTwin = NativeKernelIds.Of(managedKernel) != 0;
            twins += hasTwin ? 1 : 0;
            if (fused)
            {
                OperatorInfo depthwise = model.Operators[i + model.Operators[i].Params[0]];
                bool multiplier = model.Operators[i].Params[4] == 1 && model.Tensors[depthwise.Output].Dims[3] != model.Tensors[depthwise.Input0].Dims[3];
                multiplierBlocks += multiplier ? 1 : 0;
                bandRows += multiplier ? 0 : model.Tensors[model.Operators[i].Output].Dims[1];
            }

            Assert.True(hasTwin || fused ? kernel == managedKernel + " (native)" : kernel == managedKernel, $"operator {i}: {kernel} vs {managedKernel}");
        }

        // PointwiseConv's long[] scratch (8 bytes a long) exists only for 1×1 convolutions and fused blocks that run in IL:
        // without those the native interpreter holds the same byte scratch and no longs.
        bool managedPointwise = false;
        bool pointwise = false;
        for (int i = 0; i < model.Operators.Length; i++)
        {
            managedPointwise |= native.KernelName(i) == "PointwiseConv" || native.KernelName(i) == "FusedBlock";
            pointwise |= managed.KernelName(i) == "PointwiseConv";
        }

        // What the managed kernels need, from their own size functions: the largest band and the most longs. A managed
        // interpreter without fused blocks keeps its bands in the arena's array, below the arena (at most the band
        // bytes); a native one keeps them apart.
        int band = 0;
        int longs = 0;
        for (int i = 0; i < model.Operators.Length; i++)
        {
            ConvParams p = model.Operators[i].OpCode == OpCodes.Conv2D ? Interpreter.ConvParamsOf(model, model.Operators[i]) : default;
            FusedBlock? block = managed.KernelName(i) == "FusedBlock" ? FusedBlocks.Prepare(model, i) : null;
            band = System.Math.Max(band, managed.KernelName(i) switch
            {
                "DepthwiseConv3x3" => DepthwiseConv3x3.GetScratchSize(ref p),
                "DepthwiseConv3x3Multiplier" => DepthwiseConv3x3Multiplier.GetScratchSize(ref p),
                "Conv2DDense" => Conv2DDense.GetScratchSize(ref p),
                "DepthwiseConv" => DepthwiseConv.GetScratchSize(ref p),
                "FusedBlock" => FusedBlock.ScratchBytes(block!),
                _ => 0,
            });
            longs = System.Math.Max(longs, managed.KernelName(i) switch
            {
                "PointwiseConv" => PointwiseConv.PackedLongs(p.InputC, p.OutputC),
                "FusedBlock" => FusedBlock.PackedLongs(block!),
                _ => 0,
            });
        }

        int required = band + 8 * longs;
        Assert.True(managed.ScratchBytes <= required, $"managed scratch {managed.ScratchBytes} B, kernels need {required} B");
        Assert.Equal(0, (required - native.ScratchBytes) % 8);
        Assert.True(managedPointwise || !pointwise ? native.ScratchBytes <= required : native.ScratchBytes < required,
            $"native scratch {native.ScratchBytes} B, managed kernels need {required} B");

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
        int fusedBlockCalls = (bandRows + multiplierBlocks) * inputs.Length;
        Assert.True(fusedBlockCalls == 0 ? fusedRowCalls == 0 : fusedRowCalls >= fusedBlockCalls, $"{comparing.Calls} calls for {twins} operators, {bandRows} fused rows and {multiplierBlocks} multiplier blocks");
    }
}
