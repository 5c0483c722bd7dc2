using System.Collections.Generic;
using System.Linq;
using TinyDsc.Runtime.Native;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>Property: for random shapes of every kernel family, native and managed leave the same arena bytes.</summary>
public sealed class RandomShapeTests
{
    public const int PerKernel = 150;

    public static IEnumerable<object[]> Kernels => Enumerable.Range(1, NativeKernelIds.DepthwiseConvBandRow).Select(k => new object[] { k });

    [NativeTheory]
    [MemberData(nameof(Kernels))]
    public void NativeEqualsManaged(int kernel)
    {
        var native = new PInvokeKernels();
        var managed = new ManagedKernels();
        for (int i = 0; i < PerKernel; i++)
        {
            KernelCase c = RandomShapes.Build(kernel, i);
            string? difference = c.Compare(native, managed);
            Assert.True(difference == null, difference + $" (kernel {NativeKernelIds.Name(kernel)}, case {i}, seed {RandomShapes.Seed(kernel, i)})");
        }
    }
}
