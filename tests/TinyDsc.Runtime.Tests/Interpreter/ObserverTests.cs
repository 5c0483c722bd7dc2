using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Kernels;
using Xunit;

namespace TinyDsc.Runtime.Tests.Interpreter;

/// <summary>Interpreter.Observer and GetTensor: every operator's output, seen right after it is written.</summary>
public class ObserverTests
{
    private sealed class Recorder(Model model) : IOperatorObserver
    {
        public readonly List<int> Order = new();
        public readonly Dictionary<int, sbyte[]> Outputs = new();

        public void OperatorDone(TinyDsc.Runtime.Interpreter interpreter, int operatorIndex)
        {
            Order.Add(operatorIndex);
            int t = model.Operators[operatorIndex].Output;
            var bytes = new sbyte[model.Tensors[t].ByteSize];
            interpreter.GetTensor(model.Tensors[t], bytes, 0);
            Outputs[t] = bytes;
        }
    }

    private sealed class Counter : IOperatorObserver
    {
        public int Calls;

        public void OperatorDone(TinyDsc.Runtime.Interpreter interpreter, int operatorIndex) => Calls++;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observer_sees_every_operator_output_as_the_reference_kernels_compute_it(int seed)
    {
        Model model = ModelBuilder.Network(seed);
        var interp = new TinyDsc.Runtime.Interpreter(model);
        var recorder = new Recorder(model);
        interp.Observer = recorder;
        sbyte[] input = ConvCase.RandomActivations(new Random(seed * 17), interp.InputLength);
        interp.SetInput(input, 0);
        var seenInput = new sbyte[interp.InputLength];
        interp.GetTensor(model.Tensors[model.InputTensor], seenInput, 0);
        Assert.Equal(input, seenInput);
        interp.Invoke();

        sbyte[][] expected = InterpreterTests.RunAllWithReferenceKernels(model, input);
        Assert.Equal(model.Operators.Length, recorder.Order.Count);
        for (int i = 0; i < model.Operators.Length; i++)
        {
            Assert.Equal(i, recorder.Order[i]);
            int t = model.Operators[i].Output;
            Assert.True(expected[t].AsSpan().SequenceEqual(recorder.Outputs[t]), $"seed {seed}: operator {i} output differs");
        }
    }

    [Fact]
    public void Invoke_with_an_observer_allocates_nothing_itself()
    {
        Model model = ModelBuilder.Network(5);
        var interp = new TinyDsc.Runtime.Interpreter(model);
        var counter = new Counter();
        interp.Observer = counter;
        sbyte[] input = ConvCase.RandomActivations(new Random(1), interp.InputLength);
        for (int i = 0; i < 3; i++)
        {
            interp.SetInput(input, 0);
            interp.Invoke();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            interp.SetInput(input, 0);
            interp.Invoke();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(103 * model.Operators.Length, counter.Calls);
    }

    [Fact]
    public void GetTensor_checks_tensor_and_destination()
    {
        Model model = ModelBuilder.Network(1);
        var interp = new TinyDsc.Runtime.Interpreter(model);
        TensorInfo outside = new TensorInfo { ArenaOffset = model.ArenaSize, ByteSize = 1 };
        Assert.Contains("tensor", Assert.Throws<ArgumentException>(() => interp.GetTensor(outside, new sbyte[1000], 0)).Message);
        Assert.Contains("tensor", Assert.Throws<ArgumentException>(() => interp.GetTensor(null!, new sbyte[1000], 0)).Message);
        Assert.Throws<ArgumentException>(() => interp.GetTensor(model.Tensors[0], new sbyte[model.Tensors[0].ByteSize - 1], 0));
        Assert.Throws<ArgumentException>(() => interp.GetTensor(model.Tensors[0], null!, 0));
    }
}
