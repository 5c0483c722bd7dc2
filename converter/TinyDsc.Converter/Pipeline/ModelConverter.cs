using System;
using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Quantization;

namespace TinyDsc.Converter.Pipeline;

/// <summary>Float graph + calibration batch → calibrated ranges → int8 model → arena plan → validated .tdsc bytes.</summary>
public static class ModelConverter
{
    /// <param name="calibration">Calibration samples, PyTorch layout.</param>
    /// <param name="shape">Shape of <paramref name="calibration"/>, [N, ...] matching the graph input.</param>
    /// <param name="file">Name of the calibration file, for errors.</param>
    /// <param name="fusion">Whether to group chains into fused blocks (FORMAT.md op 8), which the arena is then planned with.</param>
    public static ConversionResult Convert(FloatGraph graph, float[] calibration, int[] shape, string file,
        CalibrationOptions options, Action<int, int>? progress = null, FusionMode fusion = FusionMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(calibration);
        int[] perSample = ModelShapes.WithBatch(graph.Values[graph.Input].Shape, 1);
        int n = ModelShapes.BatchOf(file, shape, perSample);
        InputValues.RequireFinite(file, calibration, ModelShapes.SampleSize(perSample));
        Dictionary<string, ValueRange> ranges;
        try
        {
            ranges = Calibrator.Calibrate(graph, calibration, n, options, progress);
        }
        catch (CalibrationException e)
        {
            // E.g. an intermediate value overflowing to infinity: name the data it came from.
            throw new CalibrationException($"{file}: {e.Message}");
        }
        QuantizedModel quantized = BlockFusion.Fuse(GraphQuantizer.Quantize(graph, ranges), fusion);
        MemoryPlan plan = ModelMemoryPlanner.Apply(quantized.Model);
        byte[] bytes = ModelWriter.Write(quantized.Model);
        return new ConversionResult(quantized, plan, bytes, ranges);
    }
}
