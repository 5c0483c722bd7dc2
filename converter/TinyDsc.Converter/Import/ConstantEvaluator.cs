using System;
using System.Collections.Generic;
using System.Linq;

namespace TinyDsc.Converter.Import;

/// <summary>
/// Evaluates at import time a node whose inputs are all constants, for the ops that shape arithmetic and weight
/// arithmetic in exported models use (PyTorch's pad subgraphs, <c>x.view(x.size(0), -1)</c>, weights computed in
/// forward such as <c>self.weight * self.scale</c>). Semantics follow the ONNX operator specification for opsets 6–17,
/// including numpy-style broadcasting and the pre-opset-7 <c>broadcast</c>/<c>axis</c> attributes.
/// Float arithmetic is done in float32 so folded weights equal what an ONNX runtime computes at run time.
/// <c>Shape</c> is handled by the importer, which knows activation shapes.
/// </summary>
internal static class ConstantEvaluator
{
    public static readonly string[] SupportedOps =
    {
        "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Reshape", "Flatten", "Transpose", "Cast",
        "ConstantOfShape", "Mul", "Div", "Add", "Sub", "Neg", "Sqrt", "Pow", "Identity", "Dropout",
    };

    public static bool CanEvaluate(string opType) => SupportedOps.Contains(opType) && opType != "Shape";

    /// <summary>Evaluates <paramref name="node"/>; <paramref name="inputs"/> holds null for absent optional inputs.</summary>
    public static ConstTensor Evaluate(NodeView node, IReadOnlyList<ConstTensor?> inputs)
    {
        ConstTensor In(int i) => i < inputs.Count && inputs[i] != null ? inputs[i]! : throw node.Fail($"input {i} is missing");
        ConstTensor? Opt(int i) => i < inputs.Count ? inputs[i] : null;

        switch (node.OpType)
        {
            case "Constant":
                return ConstantValue(node);
            case "Identity":
            case "Dropout":
                return In(0);
            case "Gather":
                return Gather(node, In(0), In(1));
            case "Unsqueeze":
                return Unsqueeze(node, In(0), node.Opset >= 13 ? Opt(1)?.AsInts(node.Where) : node.Ints("axes"));
            case "Squeeze":
                return Squeeze(node, In(0), node.Opset >= 13 ? Opt(1)?.AsInts(node.Where) : node.Ints("axes"));
            case "Concat":
                return Concat(node, inputs.Select((t, i) => t ?? In(i)).ToList());
            case "Slice":
                return node.Opset >= 10
                    ? Slice(node, In(0), In(1).AsInts(node.Where), In(2).AsInts(node.Where), Opt(3)?.AsInts(node.Where), Opt(4)?.AsInts(node.Where))
                    : Slice(node, In(0), node.Ints("starts") ?? throw node.Fail("attribute starts is missing"),
                        node.Ints("ends") ?? throw node.Fail("attribute ends is missing"), node.Ints("axes"), null);
            case "Reshape":
                return In(0).WithShape(ReshapeTarget(node, In(0).Shape, In(1).AsInts(node.Where), node.Int("allowzero", 0) != 0));
            case "Flatten":
            {
                var x = In(0);
                int axis = (int)NormalizeAxis(node, node.Int("axis", 1), x.Rank + 1);
                long outer = ConstTensor.CountOf(x.Shape[..axis]);
                return x.WithShape(new[] { outer, ConstTensor.CountOf(x.Shape[axis..]) });
            }
            case "Transpose":
                return Transpose(node, In(0), node.Ints("perm"));
            case "Cast":
                return Cast(node, In(0), (int)node.Int("to", 0));
            case "ConstantOfShape":
                return ConstantOfShape(node, In(0));
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
            case "Pow":
                return Binary(node, In(0), In(1));
            case "Neg":
            {
                var x = In(0);
                return x.IsFloat
                    ? ConstTensor.FromFloats(x.Shape, x.Floats!.Select(v => -v).ToArray(), x.DataType)
                    : ConstTensor.FromInts(x.Shape, x.Ints!.Select(v => -v).ToArray(), x.DataType);
            }
            case "Sqrt":
            {
                var x = In(0);
                if (!x.IsFloat)
                {
                    throw node.Fail("Sqrt of an integer tensor is not defined");
                }
                return ConstTensor.FromFloats(x.Shape, x.Floats!.Select(MathF.Sqrt).ToArray(), x.DataType);
            }
            default:
                throw node.Fail($"cannot be evaluated at import time (constant ops: {string.Join(", ", SupportedOps)})");
        }
    }

    /// <summary>The value of a Constant node: attribute value (tensor) or, from opset 12, value_float(s)/value_int(s).</summary>
    public static ConstTensor ConstantValue(NodeView node)
    {
        var t = node.Attribute("value");
        if (t?.T != null)
        {
            return TensorReader.Read(t.T, node.Where);
        }
        if (node.Attribute("value_float") is { } vf)
        {
            return ConstTensor.FromFloats(Array.Empty<long>(), new[] { vf.F });
        }
        if (node.Attribute("value_floats") is { } vfs)
        {
            return ConstTensor.FromFloats(new long[] { vfs.Floats.Count }, vfs.Floats.ToArray());
        }
        if (node.Attribute("value_int") is { } vi)
        {
            return ConstTensor.FromInts(Array.Empty<long>(), new[] { vi.I });
        }
        if (node.Attribute("value_ints") is { } vis)
        {
            return ConstTensor.FromInts(new long[] { vis.Ints.Count }, vis.Ints.ToArray());
        }
        throw node.Fail("has no supported value attribute (value, value_float(s), value_int(s)); sparse and string constants are not supported");
    }

    public static long NormalizeAxis(NodeView node, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw node.Fail($"axis {axis} is out of range for rank {rank}");
        }
        return a;
    }

    public static long[] Strides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>Builds the output by mapping each output flat index to a source flat index.</summary>
    private static ConstTensor Map(ConstTensor x, long[] outShape, Func<long, long> source)
    {
        long n = ConstTensor.CountOf(outShape);
        if (x.IsFloat)
        {
            var f = new float[n];
            for (long i = 0; i < n; i++)
            {
                f[i] = x.Floats![source(i)];
            }
            return ConstTensor.FromFloats(outShape, f, x.DataType);
        }
        var v = new long[n];
        for (long i = 0; i < n; i++)
        {
            v[i] = x.Ints![source(i)];
        }
        return ConstTensor.FromInts(outShape, v, x.DataType);
    }

    private static ConstTensor Gather(NodeView node, ConstTensor data, ConstTensor indices)
    {
        int axis = (int)NormalizeAxis(node, node.Int("axis", 0), data.Rank);
        long dim = data.Shape[axis];
        long[] idx = indices.AsInts(node.Where).Select(i =>
        {
            long j = i < 0 ? i + dim : i;
            if (j < 0 || j >= dim)
            {
                throw node.Fail($"index {i} is out of range for axis {axis} of size {dim}");
            }
            return j;
        }).ToArray();
        long[] outShape = data.Shape[..axis].Concat(indices.Shape).Concat(data.Shape[(axis + 1)..]).ToArray();
        long inner = ConstTensor.CountOf(data.Shape[(axis + 1)..]);
        long nIdx = idx.Length;
        return Map(data, outShape, o =>
        {
            long innerPos = o % inner;
            long rest = o / inner;
            long k = rest % nIdx;
            long outer = rest / nIdx;
            return (outer * dim + idx[k]) * inner + innerPos;
        });
    }

    private static ConstTensor Unsqueeze(NodeView node, ConstTensor x, long[]? axes)
    {
        if (axes == null)
        {
            throw node.Fail("axes are missing");
        }
        int outRank = x.Rank + axes.Length;
        var norm = axes.Select(a => NormalizeAxis(node, a, outRank)).ToHashSet();
        if (norm.Count != axes.Length)
        {
            throw node.Fail("axes contain duplicates");
        }
        var shape = new long[outRank];
        int src = 0;
        for (int i = 0; i < outRank; i++)
        {
            shape[i] = norm.Contains(i) ? 1 : x.Shape[src++];
        }
        return x.WithShape(shape);
    }

    private static ConstTensor Squeeze(NodeView node, ConstTensor x, long[]? axes)
    {
        var drop = axes == null
            ? Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).Select(i => (long)i).ToHashSet()
            : axes.Select(a => NormalizeAxis(node, a, x.Rank)).ToHashSet();
        foreach (long a in drop)
        {
            if (x.Shape[a] != 1)
            {
                throw node.Fail($"cannot squeeze axis {a} of size {x.Shape[a]}");
            }
        }
        return x.WithShape(Enumerable.Range(0, x.Rank).Where(i => !drop.Contains(i)).Select(i => x.Shape[i]).ToArray());
    }

    private static ConstTensor Concat(NodeView node, List<ConstTensor> parts)
    {
        if (parts.Count == 0)
        {
            throw node.Fail("has no inputs");
        }
        int rank = parts[0].Rank;
        if (!node.Has("axis"))
        {
            throw node.Fail("attribute axis is missing");
        }
        int axis = (int)NormalizeAxis(node, node.Int("axis", 0), rank);
        foreach (var p in parts)
        {
            if (p.Rank != rank || Enumerable.Range(0, rank).Any(i => i != axis && p.Shape[i] != parts[0].Shape[i]))
            {
                throw node.Fail($"input shapes {string.Join(" and ", parts.Select(q => ConstTensor.Format(q.Shape)))} cannot be concatenated on axis {axis}");
            }
        }
        var outShape = (long[])parts[0].Shape.Clone();
        outShape[axis] = parts.Sum(p => p.Shape[axis]);
        long outer = ConstTensor.CountOf(outShape[..axis]);
        bool isFloat = parts.All(p => p.IsFloat);
        var fl = new List<float>();
        var il = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var p in parts)
            {
                long chunk = ConstTensor.CountOf(p.Shape[axis..]);
                for (long i = 0; i < chunk; i++)
                {
                    long k = o * chunk + i;
                    if (isFloat)
                    {
                        fl.Add(p.Floats![k]);
                    }
                    else
                    {
                        il.Add(p.IsFloat ? (long)p.Floats![k] : p.Ints![k]);
                    }
                }
            }
        }
        return isFloat ? ConstTensor.FromFloats(outShape, fl.ToArray(), parts[0].DataType) : ConstTensor.FromInts(outShape, il.ToArray(), parts[0].DataType);
    }

    private static ConstTensor Slice(NodeView node, ConstTensor x, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            throw node.Fail("starts, ends, axes and steps must have the same length");
        }
        int rank = x.Rank;
        var st = new long[rank];
        var sp = Enumerable.Repeat(1L, rank).ToArray();
        var outShape = (long[])x.Shape.Clone();
        for (int k = 0; k < starts.Length; k++)
        {
            int a = (int)NormalizeAxis(node, axes[k], rank);
            long dim = x.Shape[a];
            long step = steps[k];
            if (step == 0)
            {
                throw node.Fail("slice step 0");
            }
            long s = starts[k], e = ends[k];
            if (s < 0)
            {
                s += dim;
            }
            if (e < 0)
            {
                e += dim;
            }
            long count;
            if (step > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
                count = e > s ? (e - s + step - 1) / step : 0;
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                count = s > e ? (s - e + (-step) - 1) / -step : 0;
            }
            st[a] = s;
            sp[a] = step;
            outShape[a] = count;
        }
        var inStrides = Strides(x.Shape);
        var outStrides = Strides(outShape);
        return Map(x, outShape, o =>
        {
            long src = 0;
            for (int d = 0; d < rank; d++)
            {
                long coord = o / outStrides[d] % outShape[d];
                src += (st[d] + coord * sp[d]) * inStrides[d];
            }
            return src;
        });
    }

    /// <summary>ONNX Reshape target: 0 copies the input dim (unless allowzero), one -1 is inferred.</summary>
    public static long[] ReshapeTarget(NodeView node, long[] inShape, long[] target, bool allowZero)
    {
        var shape = (long[])target.Clone();
        int infer = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && !allowZero)
            {
                if (i >= inShape.Length)
                {
                    throw node.Fail($"shape {ConstTensor.Format(target)} copies dim {i} that input {ConstTensor.Format(inShape)} does not have");
                }
                shape[i] = inShape[i];
            }
            else if (shape[i] == -1)
            {
                if (infer >= 0)
                {
                    throw node.Fail($"shape {ConstTensor.Format(target)} has more than one -1");
                }
                infer = i;
            }
            else if (shape[i] < 0)
            {
                throw node.Fail($"shape {ConstTensor.Format(target)} has invalid dim {shape[i]}");
            }
        }
        long total = ConstTensor.CountOf(inShape);
        if (infer >= 0)
        {
            shape[infer] = 1;
            long known = ConstTensor.CountOf(shape);
            if (known == 0 || total % known != 0)
            {
                throw node.Fail($"cannot reshape {ConstTensor.Format(inShape)} to {ConstTensor.Format(target)}");
            }
            shape[infer] = total / known;
        }
        if (ConstTensor.CountOf(shape) != total)
        {
            throw node.Fail($"cannot reshape {ConstTensor.Format(inShape)} ({total} elements) to {ConstTensor.Format(target)}");
        }
        return shape;
    }

    private static ConstTensor Transpose(NodeView node, ConstTensor x, long[]? perm)
    {
        int rank = x.Rank;
        perm ??= Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(p => p < 0 || p >= rank))
        {
            throw node.Fail($"perm [{string.Join(", ", perm)}] is not a permutation of rank {rank}");
        }
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = Strides(x.Shape);
        var outStrides = Strides(outShape);
        return Map(x, outShape, o =>
        {
            long src = 0;
            for (int d = 0; d < rank; d++)
            {
                src += o / outStrides[d] % outShape[d] * inStrides[perm[d]];
            }
            return src;
        });
    }

    private static ConstTensor Cast(NodeView node, ConstTensor x, int to)
    {
        if (ConstTensor.IsFloatType(to))
        {
            return ConstTensor.FromFloats(x.Shape, x.AsFloats(), to);
        }
        if (!ConstTensor.IsIntType(to))
        {
            throw node.Fail($"Cast to {TensorReader.TypeName(to)} is not supported");
        }
        long[] v = x.IsFloat ? x.Floats!.Select(f => to == ConstTensor.Bool ? (f != 0 ? 1L : 0L) : (long)f).ToArray() : x.Ints!.ToArray();
        if (to == ConstTensor.Bool)
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = v[i] != 0 ? 1 : 0;
            }
        }
        else if (to == ConstTensor.Int32)
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (int)v[i];
            }
        }
        return ConstTensor.FromInts(x.Shape, v, to);
    }

    private static ConstTensor ConstantOfShape(NodeView node, ConstTensor shapeTensor)
    {
        long[] shape = shapeTensor.AsInts(node.Where);
        if (shape.Any(d => d < 0))
        {
            throw node.Fail($"negative dim in shape {ConstTensor.Format(shape)}");
        }
        long n = ConstTensor.CountOf(shape);
        var valueAttr = node.Attribute("value");
        ConstTensor value = valueAttr?.T != null ? TensorReader.Read(valueAttr.T, node.Where) : ConstTensor.FromFloats(new long[] { 1 }, new[] { 0f });
        if (value.Count != 1)
        {
            throw node.Fail("value must hold one element");
        }
        return value.IsFloat
            ? ConstTensor.FromFloats(shape, Enumerable.Repeat(value.Floats![0], (int)n).ToArray(), value.DataType)
            : ConstTensor.FromInts(shape, Enumerable.Repeat(value.Ints![0], (int)n).ToArray(), value.DataType);
    }

    /// <summary>
    /// The shape <paramref name="b"/> takes when broadcast against an operand of rank <paramref name="rankA"/>: before
    /// opset 7, <c>broadcast=1</c> aligns B's dims starting at attribute <c>axis</c> (suffix-aligned by default) and
    /// <c>broadcast=0</c> requires equal shapes; from opset 7 numpy rules apply and B is returned unchanged.
    /// </summary>
    public static long[] AlignForBroadcast(NodeView node, int rankA, long[] b)
    {
        if (node.Opset >= 7 || node.Int("broadcast", 0) == 0 || !node.Has("axis"))
        {
            return b;
        }
        int axis = (int)node.Int("axis", 0);
        if (axis < 0)
        {
            axis += rankA;
        }
        if (axis < 0 || axis + b.Length > rankA)
        {
            throw node.Fail($"broadcast axis {node.Int("axis", 0)} does not fit operand shapes");
        }
        var r = Enumerable.Repeat(1L, rankA).ToArray();
        Array.Copy(b, 0, r, axis, b.Length);
        return r;
    }

    public static long[] BroadcastShape(NodeView node, long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            long db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw node.Fail($"shapes {ConstTensor.Format(a)} and {ConstTensor.Format(b)} cannot be broadcast");
            }
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>Flat index into a tensor of <paramref name="shape"/> broadcast to <paramref name="outShape"/>.</summary>
    public static Func<long, long> BroadcastIndex(long[] shape, long[] outShape)
    {
        int rank = outShape.Length;
        int off = rank - shape.Length;
        var outStrides = Strides(outShape);
        var inStrides = Strides(shape);
        return o =>
        {
            long src = 0;
            for (int d = off; d < rank; d++)
            {
                long dim = shape[d - off];
                if (dim != 1)
                {
                    src += o / outStrides[d] % outShape[d] * inStrides[d - off];
                }
            }
            return src;
        };
    }

    private static ConstTensor Binary(NodeView node, ConstTensor a, ConstTensor b)
    {
        long[] bShape = AlignForBroadcast(node, a.Rank, b.Shape);
        if (node.Opset < 7 && node.Int("broadcast", 0) == 0 && !a.Shape.SequenceEqual(b.Shape))
        {
            throw node.Fail($"shapes {ConstTensor.Format(a.Shape)} and {ConstTensor.Format(b.Shape)} differ and attribute broadcast is 0");
        }
        long[] outShape = BroadcastShape(node, a.Shape, bShape);
        var ia = BroadcastIndex(a.Shape, outShape);
        var ib = BroadcastIndex(bShape, outShape);
        long n = ConstTensor.CountOf(outShape);
        string op = node.OpType;
        if (a.IsFloat || b.IsFloat)
        {
            float[] fa = a.AsFloats(), fb = b.AsFloats();
            var r = new float[n];
            for (long i = 0; i < n; i++)
            {
                float x = fa[ia(i)], y = fb[ib(i)];
                r[i] = op switch
                {
                    "Add" => x + y,
                    "Sub" => x - y,
                    "Mul" => x * y,
                    "Div" => x / y,
                    _ => MathF.Pow(x, y),
                };
            }
            return ConstTensor.FromFloats(outShape, r, a.IsFloat ? a.DataType : b.DataType);
        }
        var v = new long[n];
        for (long i = 0; i < n; i++)
        {
            long x = a.Ints![ia(i)], y = b.Ints![ib(i)];
            v[i] = op switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                "Div" => y == 0 ? throw node.Fail("integer division by zero") : x / y,
                _ => (long)Math.Pow(x, y),
            };
        }
        return ConstTensor.FromInts(outShape, v, a.DataType);
    }
}
