using System;
using System.Collections.Generic;

namespace TinyDsc.Converter.Planning;

/// <summary>
/// Places every activation buffer of a model at a fixed offset in one arena, offline.
///
/// Algorithm (greedy by size, as TFLM's GreedyMemoryPlanner):
/// 1. Order the buffers by size, largest first (ties: earlier first op first, then lower index, so the plan is
///    deterministic).
/// 2. Take them one by one. Collect the already placed buffers whose lifetimes intersect the new one's (both live
///    during at least one common op) and sort them by offset.
/// 3. Walk that list from offset 0 upward: the candidate offset starts at 0; whenever a placed buffer overlaps
///    [candidate, candidate + size), move the candidate to that buffer's end. The first candidate that overlaps
///    none of them is the buffer's offset — the lowest offset that does not collide with any buffer live at the
///    same time. Buffers whose lifetimes do not intersect may share bytes.
/// 4. The arena size is the largest offset + size.
///
/// An op's output never shares bytes with its inputs: the output's lifetime starts at the op and each input's lasts
/// at least through it, so the lifetimes intersect and step 3 keeps them apart (kernels may then read inputs while
/// writing the output).
///
/// Placing large buffers first keeps small ones from fragmenting the low offsets. The result is not optimal in
/// general (the problem is NP-hard) but it is never below <see cref="MemoryPlan.LowerBoundBytes"/>, the most bytes
/// live during any single op, and on a plain chain of ops (each buffer read only by the next op) it equals it.
/// Complexity O(n² log n) for n buffers, which is nothing for the few hundred tensors of a model.
/// </summary>
public static class GreedyMemoryPlanner
{
    /// <summary>Plans the given buffers; sizes must be ≥ 0 and FirstOp ≤ LastOp.</summary>
    /// <exception cref="ArgumentException">A lifetime is empty or a size negative.</exception>
    public static MemoryPlan Plan(IReadOnlyList<TensorLifetime> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        int n = buffers.Count;
        for (int i = 0; i < n; i++)
        {
            TensorLifetime b = buffers[i];
            if (b.Size < 0)
            {
                throw new ArgumentException($"buffer {i} has negative size {b.Size}", nameof(buffers));
            }
            if (b.FirstOp > b.LastOp || b.FirstOp < 0)
            {
                throw new ArgumentException($"buffer {i} has lifetime [{b.FirstOp}, {b.LastOp}]", nameof(buffers));
            }
        }

        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) =>
        {
            int c = buffers[b].Size.CompareTo(buffers[a].Size);
            if (c != 0)
            {
                return c;
            }
            c = buffers[a].FirstOp.CompareTo(buffers[b].FirstOp);
            return c != 0 ? c : a.CompareTo(b);
        });

        int[] offsets = new int[n];
        var placed = new List<int>(n);
        var conflicts = new List<int>(n);
        long arena = 0;
        foreach (int index in order)
        {
            TensorLifetime buffer = buffers[index];
            conflicts.Clear();
            foreach (int other in placed)
            {
                if (buffers[other].Intersects(buffer) && buffers[other].Size > 0)
                {
                    conflicts.Add(other);
                }
            }
            conflicts.Sort((a, b) => offsets[a].CompareTo(offsets[b]));

            long candidate = 0;
            foreach (int other in conflicts)
            {
                long start = offsets[other];
                long end = start + buffers[other].Size;
                if (end <= candidate)
                {
                    continue;
                }
                if (start >= candidate + buffer.Size)
                {
                    // Sorted by offset: this and every later conflict start above the gap, so the buffer fits here.
                    break;
                }
                candidate = end;
            }
            if (candidate + buffer.Size > int.MaxValue)
            {
                throw new ArgumentException("the planned arena exceeds 2^31 bytes", nameof(buffers));
            }
            offsets[index] = (int)candidate;
            arena = Math.Max(arena, candidate + buffer.Size);
            placed.Add(index);
        }

        return new MemoryPlan(offsets, (int)arena, LowerBound(buffers));
    }

    /// <summary>Max over ops of the total size of the buffers live during that op.</summary>
    public static int LowerBound(IReadOnlyList<TensorLifetime> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        int lastOp = -1;
        foreach (TensorLifetime b in buffers)
        {
            lastOp = Math.Max(lastOp, b.LastOp);
        }
        // Difference array over op indices: +size at FirstOp, -size after LastOp.
        long[] delta = new long[lastOp + 2];
        foreach (TensorLifetime b in buffers)
        {
            delta[b.FirstOp] += b.Size;
            delta[b.LastOp + 1] -= b.Size;
        }
        long live = 0;
        long max = 0;
        for (int op = 0; op <= lastOp; op++)
        {
            live += delta[op];
            max = Math.Max(max, live);
        }
        return (int)Math.Min(max, int.MaxValue);
    }
}
