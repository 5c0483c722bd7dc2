using System;
using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.NanoCheck;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Interpreter;

/// <summary>
/// The interpreter on a real model: the bundled Fashion-MNIST DS-CNN, converted from its ONNX file here (28×28×1
/// input, 10 outputs, 14 operators including the depthwise and 1×1 kernels with scratch).
/// </summary>
public sealed class BundledModelInterpreterTests
{
    private static readonly Lazy<byte[]> Tdsc = new(() =>
    {
        string folder = Path.Combine(NanoPaths.RepoRoot, "firmware-samples", "models", "fashion-dscnn");
        string calibration = Path.Combine(folder, "calibration.npy");
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(calibration);
        return ModelConverter.Convert(OnnxImporter.Load(Path.Combine(folder, "model.onnx")), data, shape, calibration,
            new CalibrationOptions()).FileBytes;
    });

    private static TinyDsc.Runtime.Interpreter Create() => new(ModelReader.Load(Tdsc.Value));

    [Theory]
    [InlineData("input_one_short", 783, 0, "SetInput: expected 784 values from offset 0, but the array has length 783")]
    [InlineData("input_one_long_at_offset_1_fits", 785, 1, null)]
    [InlineData("offset_leaves_too_few", 784, 1, "SetInput: expected 784 values from offset 1, but the array has length 784")]
    [InlineData("negative_offset", 2000, -1, "SetInput: expected 784 values from offset -1, but the array has length 2000")]
    [InlineData("offset_past_the_end", 784, 785, "SetInput: expected 784 values from offset 785, but the array has length 784")]
    [InlineData("empty", 0, 0, "SetInput: expected 784 values from offset 0, but the array has length 0")]
    public void SetInput_ChecksLengthAndOffset(string why, int length, int offset, string? message)
    {
        _ = why;
        var interp = Create();
        Assert.Equal(784, interp.InputLength);
        if (message == null)
        {
            interp.SetInput(new sbyte[length], offset);
            interp.SetInput(new float[length], offset);
            return;
        }
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => interp.SetInput(new sbyte[length], offset)).Message);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => interp.SetInput(new float[length], offset)).Message);
    }

    [Theory]
    [InlineData("output_one_short", 9, 0, "GetOutput: expected 10 values from offset 0, but the array has length 9")]
    [InlineData("offset_leaves_too_few", 12, 3, "GetOutput: expected 10 values from offset 3, but the array has length 12")]
    [InlineData("negative_offset", 20, -5, "GetOutput: expected 10 values from offset -5, but the array has length 20")]
    public void GetOutput_ChecksLengthAndOffset(string why, int length, int offset, string message)
    {
        _ = why;
        var interp = Create();
        Assert.Equal(10, interp.OutputLength);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => interp.GetOutput(new sbyte[length], offset)).Message);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => interp.GetOutput(new float[length], offset)).Message);
    }

    [Fact]
    public void NullArrays_AreArgumentExceptions()
    {
        var interp = Create();
        Assert.Contains("expected 784 values", Assert.Throws<ArgumentException>(() => interp.SetInput((sbyte[])null!, 0)).Message);
        Assert.Contains("expected 10 values", Assert.Throws<ArgumentException>(() => interp.GetOutput((float[])null!, 0)).Message);
    }

    /// <summary>
    /// One interpreter reused for 1,000 random inputs keeps no state between invocations: the arena, the scratch band
    /// and the prepared biases are reused, and the same input still gives the same output as on a fresh interpreter.
    /// </summary>
    [Fact]
    public void ManyInvocations_LeakNoState()
    {
        TestSeed.Run(1126, rng =>
        {
            var probe = new sbyte[784];
            for (int i = 0; i < probe.Length; i++)
            {
                probe[i] = (sbyte)rng.Next(-128, 128);
            }
            var fresh = Create();
            fresh.SetInput(probe, 0);
            fresh.Invoke();
            var expected = new sbyte[10];
            fresh.GetOutput(expected, 0);

            var reused = Create();
            var other = new sbyte[784];
            var seen = new sbyte[10];
            bool outputsVaried = false;
            for (int n = 0; n < 1000; n++)
            {
                // Uniform noise, constant images at the extremes, and sparse images: different paths through the clamps.
                int kind = n % 3;
                for (int i = 0; i < other.Length; i++)
                {
                    other[i] = kind == 0 ? (sbyte)rng.Next(-128, 128) : kind == 1 ? (n % 2 == 0 ? sbyte.MinValue : sbyte.MaxValue)
                        : rng.Next(8) == 0 ? (sbyte)rng.Next(-128, 128) : (sbyte)-128;
                }
                reused.SetInput(other, 0);
                reused.Invoke();
                reused.GetOutput(seen, 0);
                outputsVaried |= !seen.AsSpan().SequenceEqual(expected);
            }
            Assert.True(outputsVaried, "the other inputs all gave the probe's output; the test would not see a leak");

            var actual = new sbyte[10];
            reused.SetInput(probe, 0);
            reused.Invoke();
            reused.GetOutput(actual, 0);
            Assert.Equal(expected, actual);
        });
    }
}
