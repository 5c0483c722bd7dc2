using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Native.Tests;

/// <summary>
/// INativeKernels that runs each call natively and on the managed twin (on a copy of the arena) and keeps every call
/// whose arena differs; with Record set it also keeps each call as a KernelCase (arena before the call) with the
/// managed arena after it, for the sanitizer replay. The Interpreter then continues on the managed bytes.
/// </summary>
internal sealed class ComparingKernels : INativeKernels
{
    private readonly PInvokeKernels _native = new();
    private readonly ManagedKernels _managed = new();

    public readonly List<string> Differences = new();
    public readonly List<(KernelCase Case, sbyte[] Expected)> Recorded = new();
    public bool Record;
    public string Prefix = "";
    public int Calls;
    public readonly Dictionary<int, int> CallsByKernel = new();

    public bool IsAvailable() => _native.IsAvailable();

    public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights,
        int[] bias, int[] multiplier, int[] shift, sbyte[] scratch)
    {
        var before = (sbyte[])arena.Clone();
        var nativeArena = (sbyte[])arena.Clone();
        int status = _native.Run(kernel, parameters, nativeArena, in0, in1, output, weights, bias, multiplier, shift, (sbyte[])scratch.Clone());
        _managed.Run(kernel, parameters, arena, in0, in1, output, weights, bias, multiplier, shift, scratch);
        string name = $"{Prefix} call {Calls} {NativeKernelIds.Name(kernel)}";
        Calls++;
        CallsByKernel[kernel] = CallsByKernel.GetValueOrDefault(kernel) + 1;
        if (status != NativeKernelIds.StatusOk)
        {
            Differences.Add($"{name}: native status {status}");
        }
        else if (!nativeArena.AsSpan().SequenceEqual(arena))
        {
            int first = 0;
            while (nativeArena[first] == arena[first])
            {
                first++;
            }

            Differences.Add($"{name}: arena byte {first} (output at {output}) native {nativeArena[first]}, managed {arena[first]}");
        }

        if (Record)
        {
            var c = new KernelCase
            {
                Name = name, Kernel = kernel, Params = parameters, Arena = before, In0 = in0, In1 = in1, Out = output,
                Weights = weights, Bias = bias, Multiplier = multiplier, Shift = shift, ScratchBytes = scratch.Length,
            };
            Recorded.Add((c, (sbyte[])arena.Clone()));
        }

        return NativeKernelIds.StatusOk;
    }
}
