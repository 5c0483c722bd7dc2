using System;
using System.Collections.Generic;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Native;
using TinyDsc.Runtime.Tests.Kernels;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>
/// Producer → depthwise blocks (FORMAT.md p4 = 1) on the native kernels: the random blocks of the runtime's property
/// test (FusedBlockPropertyTests: 1×1 expand or a stem on each of its four kernels, into a depthwise with multiplier
/// 1..3, 1 row per step up to all rows) run as "FusedBlock (native)" and give the managed fused block's bytes, which
/// that test checks against the unfused operators; each native call also equals its managed twin (ComparingKernels).
/// </summary>
public sealed class ProducerBlockTests
{
    [NativeFact]
    public void RandomProducerBlocks_NativeEqualsManaged()
    {
        // 300 blocks, block i from seed 20261207 + i (the runtime test's seeds); a failure names the seed and the block.
        var kernels = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            int seed = 20261207 + i;
            FusedBlockPropertyTests.ProducerSpec spec = FusedBlockPropertyTests.RandomProducerSpec(seed);
            Model fused = FusedBlockPropertyTests.Plan(FusedBlockPropertyTests.BuildProducer(spec), FusionMode.All);
            int rows = FusedBlockPropertyTests.WithProducerRows(fused, new Random(seed + 1).Next(8));
            Model model = ModelReader.Load(ModelWriter.Write(fused));
            Assert.True(model.Operators[0].OpCode == OpCodes.FusedBlock && model.Operators[0].Params[4] == 1, $"seed {seed}: {spec} not fused");
            var managed = new Interpreter(model);
            var native = new Interpreter(model, new PInvokeKernels());
            var comparing = new ComparingKernels { Prefix = $"seed {seed}" };
            var checkedRun = new Interpreter(model, comparing);
            Assert.Equal("FusedBlock (native)", native.KernelName(0));
            var rng = new Random(spec.Seed);
            for (int run = 0; run < 2; run++)
            {
                var input = new sbyte[model.Tensors[model.InputTensor].ByteSize];
                for (int j = 0; j < input.Length; j++)
                {
                    input[j] = (sbyte)rng.Next(-128, 128);
                }

                Assert.True(Output(managed, input).AsSpan().SequenceEqual(Output(native, input)),
                    $"seed {seed}, input {run}, {rows} row(s) per step: native output differs from managed for {spec}");
                Output(checkedRun, input);
            }

            Assert.True(comparing.Differences.Count == 0, $"seed {seed}, {spec}: {string.Join("; ", comparing.Differences)}");
            kernels.UnionWith(comparing.CallsByKernel.Keys);
        }

        // Every stem kernel, the 1×1 expand (PointwiseConv), the multiplier run over the band and the band row ran natively.
        foreach (int id in new[] { NativeKernelIds.DepthwiseConv3x3, NativeKernelIds.DepthwiseConv3x3Multiplier, NativeKernelIds.DepthwiseConv,
            NativeKernelIds.PointwiseConv, NativeKernelIds.Conv2DDense, NativeKernelIds.DepthwiseConvBandRow })
        {
            Assert.Contains(id, kernels);
        }
    }

    private static sbyte[] Output(Interpreter interpreter, sbyte[] input)
    {
        interpreter.SetInput(input, 0);
        interpreter.Invoke();
        var output = new sbyte[interpreter.OutputLength];
        interpreter.GetOutput(output, 0);
        return output;
    }
}
