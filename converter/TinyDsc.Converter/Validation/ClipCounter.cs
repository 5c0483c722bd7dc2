using System;
using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Quantization;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Validation;

/// <summary>
/// Share of each activation's float values that its int8 range clips, counted while the float reference runs
/// (<see cref="Observe"/> is a FloatReference observer). The int8 range of a tensor with scale s and zero point z is
/// [(−128 − z)·s, (127 − z)·s]; a value more than s/2 outside it (beyond rounding) is clipped. The .tdsc keeps no
/// names, so the tensor of each float value is found by quantizing the same float graph again (the quantizer's
/// tensor order depends on the graph only) and checking that shapes agree with the .tdsc; pool and reshape outputs,
/// which inherit their input's range and so its clipping, are not counted twice. A model with fused blocks is matched
/// without its group records (the quantizer writes none), and operators keep their numbers in the file, so the
/// tensors inside a block, which never reach the arena, are counted too.
/// </summary>
public sealed class ClipCounter
{
    private readonly Dictionary<string, Entry> _entries = new();
    private readonly List<Entry> _order = new();

    private ClipCounter()
    {
    }

    /// <summary>A counter for <paramref name="model"/> converted from <paramref name="graph"/>, or null when the
    /// tensors cannot be matched (the .tdsc is not this graph's conversion).</summary>
    public static ClipCounter? For(FloatGraph graph, Model model)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(model);
        var fileIndex = new List<int>(model.Operators.Length);
        for (int j = 0; j < model.Operators.Length; j++)
        {
            if (model.Operators[j].OpCode != OpCodes.FusedBlock)
            {
                fileIndex.Add(j);
            }
        }
        if (fileIndex.Count != model.Operators.Length)
        {
            model = BlockFusion.Defuse(model);
        }
        QuantizedModel structure;
        try
        {
            var ranges = new Dictionary<string, ValueRange>();
            foreach (string name in graph.Values.Keys)
            {
                ranges[name] = new ValueRange(-1, 1);
            }
            structure = GraphQuantizer.Quantize(graph, ranges);
        }
        catch (Exception e) when (e is QuantizationException or KeyNotFoundException or ArgumentException)
        {
            return null;
        }
        Model m = structure.Model;
        if (m.Tensors.Length != model.Tensors.Length || m.Operators.Length != model.Operators.Length)
        {
            return null;
        }
        for (int t = 0; t < m.Tensors.Length; t++)
        {
            if (m.Tensors[t].ByteSize != model.Tensors[t].ByteSize)
            {
                return null;
            }
        }
        var inherits = new bool[model.Tensors.Length];
        var producer = new string[model.Tensors.Length];
        for (int i = 0; i < model.Operators.Length; i++)
        {
            OperatorInfo op = model.Operators[i];
            TensorInfo input = model.Tensors[op.Input0], output = model.Tensors[op.Output];
            inherits[op.Output] = op.Input1 < 0 && output.Scale == input.Scale && output.ZeroPoint == input.ZeroPoint;
            producer[op.Output] = $"operator {fileIndex[i]} ({OpCodes.Name(op.OpCode)}) output";
        }
        var counter = new ClipCounter();
        for (int t = 0; t < model.Tensors.Length; t++)
        {
            if (inherits[t] || (t != model.InputTensor && producer[t] == null))
            {
                continue;
            }
            TensorInfo info = model.Tensors[t];
            string where = t == model.InputTensor ? "model input" : producer[t];
            var entry = new Entry(structure.TensorNames[t], where, (-128 - info.ZeroPoint - 0.5) * info.Scale, (127 - info.ZeroPoint + 0.5) * info.Scale);
            counter._entries[entry.Name] = entry;
            counter._order.Add(entry);
        }
        return counter;
    }

    /// <summary>Counts the values a float value took for one sample (unknown names are ignored).</summary>
    public void Observe(string name, float[] values)
    {
        if (!_entries.TryGetValue(name, out Entry? e))
        {
            return;
        }
        long clipped = 0;
        foreach (float v in values)
        {
            if (v < e.Low || v > e.High)
            {
                clipped++;
            }
        }
        e.Clipped += clipped;
        e.Total += values.Length;
    }

    /// <summary>Every counted activation: where it is, float-graph name, and the share of its values clipped.</summary>
    public IReadOnlyList<ClipShare> Shares
    {
        get
        {
            var r = new List<ClipShare>(_order.Count);
            foreach (Entry e in _order)
            {
                r.Add(new ClipShare(e.Where, e.Name, e.Total == 0 ? 0 : (double)e.Clipped / e.Total, e.Clipped));
            }
            return r;
        }
    }

    private sealed class Entry(string name, string where, double low, double high)
    {
        public string Name { get; } = name;
        public string Where { get; } = where;
        public double Low { get; } = low;
        public double High { get; } = high;
        public long Clipped { get; set; }
        public long Total { get; set; }
    }
}

/// <summary>One activation's clipping: <paramref name="Where"/> ("operator 3 (Conv2D) output"), its float-graph
/// value name, the share of its values outside the int8 range, and their count.</summary>
public sealed record ClipShare(string Where, string Name, double Share, long Clipped);
