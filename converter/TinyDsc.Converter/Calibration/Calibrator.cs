using System;
using System.Collections.Generic;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;

namespace TinyDsc.Converter.Calibration;

/// <summary>
/// Runs the float reference over calibration samples and records the range of every value that becomes an int8
/// tensor: the graph input and every node output (pool and reshape outputs too; the quantizer then gives those their
/// input's parameters).
/// </summary>
public static class Calibrator
{
    /// <summary>
    /// Calibrates <paramref name="graph"/> on <paramref name="samples"/> samples laid one after another in
    /// <paramref name="data"/> (NCHW, each the size of the graph input).
    /// </summary>
    /// <remarks>The float reference runs on <see cref="CalibrationOptions.Threads"/> workers; the ranges are the same for
    /// any thread count (observations are replayed in sample order, FloatRunner.RunSamples).</remarks>
    /// <param name="progress">Called after each sample with (done, total); total counts both passes of the
    /// percentile method.</param>
    /// <exception cref="CalibrationException">No samples, a size mismatch, or a NaN / infinite value.</exception>
    public static Dictionary<string, ValueRange> Calibrate(FloatGraph graph, float[] data, int samples,
        CalibrationOptions options, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (samples <= 0)
        {
            throw new CalibrationException("the calibration data holds no samples");
        }
        if (data.Length % samples != 0)
        {
            throw new CalibrationException($"{data.Length} calibration values do not split into {samples} samples");
        }
        int per = data.Length / samples;
        int expected = ElementCount(graph.Values[graph.Input].Shape);
        if (per != expected)
        {
            throw new CalibrationException($"calibration samples have {per} values but the model input has {expected}");
        }

        var collector = new RangeCollector(options) { MinMaxValues = new HashSet<string> { graph.Input, graph.Output } };
        int total = samples * collector.Passes;
        int done = 0;
        Action<string, float[]> observe = (name, values) => collector.Observe(name, values);
        Action? tick = progress == null ? null : () => progress(++done, total);
        for (int pass = 0; pass < collector.Passes; pass++)
        {
            if (pass == 1)
            {
                collector.BeginHistograms();
            }
            // tick runs on the workers: Workers.Counter serialises it.
            FloatRunner.RunSamples(graph, data, samples, per, options.Threads, observe, null, 0, Workers.Counter(tick == null ? null : (_, _) => tick(), samples));
        }
        return collector.Ranges();
    }

    private static int ElementCount(int[] shape)
    {
        int n = 1;
        for (int i = 1; i < shape.Length; i++)
        {
            n *= shape[i];
        }
        return n;
    }
}
