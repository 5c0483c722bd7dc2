using TinyDsc.Runtime.Native;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>Every native kernel against its managed twin on hand-picked shapes: same status, same arena bytes.</summary>
public sealed class NamedShapeTests
{
    [NativeTheory]
    [MemberData(nameof(NamedCases.Names), MemberType = typeof(NamedCases))]
    public void NativeEqualsManaged(string name)
    {
        KernelCase c = NamedCases.Build(name);
        if (c.Kernel <= NativeKernelIds.Conv2DDense && c.Kernel != NativeKernelIds.Conv2DReference)
        {
            // The case runs on the kernel the Interpreter would pick for that shape.
            Assert.Equal(c.Kernel, Cases.ConvKernelFor(ManagedKernels.Unpack(c.Params)));
        }

        Assert.Null(c.Compare(new PInvokeKernels(), new ManagedKernels()));
    }

    [NativeFact]
    public void Version_MatchesManagedPacking()
    {
        Assert.True(new PInvokeKernels().IsAvailable());
    }

    /// <summary>tdsc_run refuses extents outside the arrays before touching anything.</summary>
    [NativeFact]
    public void Run_RejectsOutOfBoundsAndUnknownKernels()
    {
        KernelCase c = NamedCases.Build("dw3x3_s1_pad1");
        var native = new PInvokeKernels();
        var arena = (sbyte[])c.Arena.Clone();
        var scratch = new sbyte[c.ScratchBytes];

        Assert.Equal(NativeKernelIds.StatusBoundsError,
            native.Run(c.Kernel, c.Params, arena, c.In0, 0, arena.Length - 1, c.Weights, c.Bias, c.Multiplier, c.Shift, scratch));
        Assert.Equal(NativeKernelIds.StatusBoundsError,
            native.Run(c.Kernel, c.Params, arena, c.In0, 0, c.Out, c.Weights, c.Bias, c.Multiplier, c.Shift, new sbyte[c.ScratchBytes - 1]));
        Assert.Equal(NativeKernelIds.StatusBoundsError,
            native.Run(c.Kernel, c.Params, arena, -1, 0, c.Out, c.Weights, c.Bias, c.Multiplier, c.Shift, scratch));
        Assert.Equal(NativeKernelIds.StatusUnknownKernel,
            native.Run(99, c.Params, arena, c.In0, 0, c.Out, c.Weights, c.Bias, c.Multiplier, c.Shift, scratch));
        int[] badShift = (int[])c.Shift.Clone();
        badShift[0] = 31;
        Assert.Equal(NativeKernelIds.StatusArgError,
            native.Run(c.Kernel, c.Params, arena, c.In0, 0, c.Out, c.Weights, c.Bias, c.Multiplier, badShift, scratch));
        Assert.Equal(c.Arena, arena);
    }
}
