using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using TinyDsc.Converter.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Pipeline;

/// <summary>
/// Workers.ForRanges on its parked threads: the ranges tile [0, samples) in worker order, each runs once, worker 0 on
/// the caller and the others elsewhere, the first exception by worker index is rethrown after all finished, and calls may nest and
/// repeat (threads come back to the pool between calls).
/// </summary>
public sealed class WorkersTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(7, 3)]
    [InlineData(53, 2)]
    [InlineData(100, 9)]
    public void Ranges_TileTheSamplesInWorkerOrder(int samples, int threads)
    {
        int workers = Workers.Count(samples, threads);
        for (int call = 0; call < 20; call++)
        {
            var ranges = new (int First, int End, int Thread)[workers];
            var seen = new int[workers];
            Workers.ForRanges(samples, threads, (w, first, end) =>
            {
                Interlocked.Increment(ref seen[w]);
                ranges[w] = (first, end, Environment.CurrentManagedThreadId);
            });
            Assert.All(seen, s => Assert.Equal(1, s));
            Assert.Equal(0, ranges[0].First);
            Assert.Equal(samples, ranges[^1].End);
            for (int w = 0; w < workers; w++)
            {
                Assert.True(ranges[w].End > ranges[w].First, $"worker {w} got an empty range");
                Assert.True(w == 0 || ranges[w].First == ranges[w - 1].End);
            }

            Assert.Equal(Environment.CurrentManagedThreadId, ranges[0].Thread);
            // The others run elsewhere (a parked thread that finished its range may take a later one of the same call).
            Assert.All(ranges.Skip(1), r => Assert.NotEqual(Environment.CurrentManagedThreadId, r.Thread));
        }
    }

    [Fact]
    public void FirstExceptionByWorkerIndex_IsRethrown_AfterEveryWorkerFinished()
    {
        int finished = 0;
        var e = Assert.Throws<InvalidOperationException>(() => Workers.ForRanges(40, 4, (w, _, _) =>
        {
            if (w == 3 || w == 2)
            {
                throw new InvalidOperationException($"worker {w}");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
        }));
        Assert.Equal("worker 2", e.Message);
        Assert.Equal(2, Volatile.Read(ref finished));
        // The pool still serves calls after a failure.
        var hits = new ConcurrentBag<int>();
        Workers.ForRanges(4, 4, (w, _, _) => hits.Add(w));
        Assert.Equal(new[] { 0, 1, 2, 3 }, hits.OrderBy(h => h));
    }

    [Fact]
    public void Calls_MayNest()
    {
        var sums = new long[3];
        Workers.ForRanges(3, 3, (w, _, _) =>
        {
            long sum = 0;
            Workers.ForRanges(10, 2, (_, first, end) =>
            {
                long part = 0;
                for (int i = first; i < end; i++)
                {
                    part += i;
                }

                Interlocked.Add(ref sum, part);
            });
            sums[w] = sum;
        });
        Assert.Equal(new long[] { 45, 45, 45 }, sums);
    }
}
