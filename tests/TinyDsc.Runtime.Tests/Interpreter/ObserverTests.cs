using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Kernels;
using Xunit;

namespace TinyDsc.Runtime.Tests.Interpreter;

/// <summary>Interpreter.Observer and GetTensor: every operator's output, seen right after it is written.</summary>
public class ObserverTests
{
    private sealed class Recorder : IOperatorObserver
    {
        public readonly List<int> Order = new();
        public readonly Dictionary<int, sbyte[]> Outputs = new();

        public void OperatorDone(TinyDsc.Runtime.Interpreter interpreter, int operatorIndex)
        {
            Order.Add(operatorIndex);
            int t = interpreter.Model.Operators[operatorIndex].Output;
            var bytes = new sbyte[interpreter.Model.Tensors[t].ByteSize];
            interpreter.GetTensor(t, bytes, 0);
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
        var recorder = new Recorder();
        interp.Observer = recorder;
        sbyte[] input = ConvCase.RandomActivations(new Random(seed * 17), interp.InputLength);
        interp.SetInput(input, 0);
        var seenInput = new sbyte[interp.InputLength];
        interp.GetTensor(model.InputTensor, seenInput, 0);
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
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(5));
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
        Assert.Equal(103 * interp.Model.Operators.Length, counter.Calls);
    }

    [Fact]
    public void GetTensor_checks_index_and_destination()
    {
        var interp = new TinyDsc.Runtime.Interpreter(ModelBuilder.Network(1));
        int n = interp.Model.Tensors.Length;
        Assert.Contains("tensor index", Assert.Throws<ArgumentException>(() => interp.GetTensor(n, new sbyte[1000], 0)).Message);
        Assert.Contains("tensor index", Assert.Throws<ArgumentException>(() => interp.GetTensor(-1, new sbyte[1000], 0)).Message);
        Assert.Throws<ArgumentException>(() => interp.GetTensor(0, new sbyte[3], 0));
        Assert.Throws<ArgumentException>(() => interp.GetTensor(0, null!, 0));
    }
}
