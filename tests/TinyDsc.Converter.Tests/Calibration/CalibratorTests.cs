using System;
using System.Collections.Generic;
using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Reference;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Calibration;

public sealed class CalibratorTests
{
    private static (FloatGraph Graph, float[] Data, int Samples) InvertedResidual()
    {
        string folder = Fixtures.Onnx("inverted_residual");
        FloatGraph graph = OnnxImporter.Load(Path.Combine(folder, "model.onnx"));
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(Path.Combine(folder, "input.npy"));
        return (graph, data, shape[0]);
    }

    [Fact]
    public void MinMax_CoversEveryInt8ValueExactly()
    {
        (FloatGraph graph, float[] data, int n) = InvertedResidual();
        var calls = new List<(int Done, int Total)>();
        Dictionary<string, ValueRange> ranges = Calibrator.Calibrate(graph, data, n, new CalibrationOptions(),
            (done, total) => calls.Add((done, total)));

        // Expected: min/max of each value over all samples from the float reference, widened to contain 0.
        var expected = new Dictionary<string, (float Min, float Max)>();
        int per = data.Length / n;
        for (int s = 0; s < n; s++)
        {
            Dictionary<string, float[]> values = FloatReference.RunAll(graph, data[(s * per)..((s + 1) * per)]);
            foreach ((string name, float[] v) in values)
            {
                (float lo, float hi) = expected.TryGetValue(name, out var r) ? r : (0f, 0f);
                foreach (float x in v)
                {
                    lo = Math.Min(lo, x);
                    hi = Math.Max(hi, x);
                }
                expected[name] = (lo, hi);
            }
        }
        Assert.Equal(graph.Nodes.Count + 1, ranges.Count);
        Assert.True(ranges.ContainsKey(graph.Input));
        foreach (FloatNode node in graph.Nodes)
        {
            Assert.Equal(expected[node.Output], (ranges[node.Output].Min, ranges[node.Output].Max));
        }
        Assert.Equal(n, calls.Count);
        Assert.Equal((n, n), calls[^1]);
    }

    [Fact]
    public void Percentile_ReportsBothPasses()
    {
        (FloatGraph graph, float[] data, int n) = InvertedResidual();
        int last = 0, total = 0;
        Calibrator.Calibrate(graph, data, n, new CalibrationOptions { Method = CalibrationMethod.Percentile },
            (done, t) => (last, total) = (done, t));
        Assert.Equal((2 * n, 2 * n), (last, total));
    }

    [Fact]
    public void NonFiniteCalibrationData_IsRejected()
    {
        (FloatGraph graph, float[] data, int n) = InvertedResidual();
        data[5] = float.PositiveInfinity;
        var e = Assert.Throws<CalibrationException>(() => Calibrator.Calibrate(graph, data, n, new CalibrationOptions()));
        Assert.Contains(graph.Input, e.Message);
    }
}
