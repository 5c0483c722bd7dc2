using System;
using System.Collections.Generic;
using System.Threading;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Splits a batch of samples over worker threads: worker w gets one contiguous range of sample indices, ranges in
/// worker order, so each sample's result lands at its own index whatever the thread count (the output bytes do not
/// depend on it). Each worker owns its state (an interpreter, a buffer): nothing is shared but the output slots. Worker
/// threads are kept parked between calls rather than started per call.
/// </summary>
public static class Workers
{
    /// <summary>The default thread count of batch commands: the machine's core count.</summary>
    public static int DefaultThreads => Environment.ProcessorCount;

    /// <summary>Throws a one-line error unless 1 ≤ <paramref name="threads"/> ≤ 1024.</summary>
    /// <exception cref="PipelineInputException">threads is out of range.</exception>
    public static void Check(int threads)
    {
        if (threads < 1 || threads > 1024)
        {
            throw new PipelineInputException($"--threads must be between 1 and 1024, got {threads}");
        }
    }

    /// <summary>Workers used for <paramref name="samples"/> samples on <paramref name="threads"/> threads (at least 1).</summary>
    public static int Count(int samples, int threads) => Math.Max(1, Math.Min(samples, threads));

    /// <summary>
    /// Runs body(worker, first, end) for <see cref="Count"/> workers over [0, samples), worker 0 on the calling thread,
    /// the others on parked threads (<see cref="Parked"/>). Waits for all; the first exception (by worker index) is
    /// rethrown as is.
    /// </summary>
    public static void ForRanges(int samples, int threads, Action<int, int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int workers = Count(samples, threads);
        if (workers == 1)
        {
            body(0, 0, samples);
            return;
        }
        var errors = new Exception?[workers];
        // Not disposed: the last worker may still be inside Signal when Wait returns (it holds no OS handle: Wait
        // blocks on a monitor).
        var done = new CountdownEvent(workers - 1);
        for (int w = 1; w < workers; w++)
        {
            int worker = w;
            Parked.Take().Start(() =>
            {
                try
                {
                    body(worker, First(worker, samples, workers), First(worker + 1, samples, workers));
                }
                catch (Exception e)
                {
                    errors[worker] = e;
                }
            }, done);
        }
        try
        {
            body(0, 0, First(1, samples, workers));
        }
        catch (Exception e)
        {
            errors[0] = e;
        }
        done.Wait();
        foreach (Exception? e in errors)
        {
            if (e != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
            }
        }
    }

    /// <summary>
    /// A progress callback safe to call from every worker: counts finished samples and reports (done, total) to
    /// <paramref name="progress"/> one call at a time.
    /// </summary>
    public static Action? Counter(Action<int, int>? progress, int total)
    {
        if (progress == null)
        {
            return null;
        }
        int done = 0;
        var gate = new object();
        return () =>
        {
            lock (gate)
            {
                progress(++done, total);
            }
        };
    }

    private static int First(int worker, int samples, int workers) => (int)((long)samples * worker / workers);

    /// <summary>
    /// A worker thread kept between calls, blocked while idle: starting a thread per call cost 0.3–0.8 ms per call on
    /// the loaded 2-core machine, a parked one 8–10 µs (`dotnet run --project tools/TinyDsc.Benchmarks -c Release --
    /// threads model.onnx` with PROBE_SPAWN=1), against about 5 ms for a 256-image int8 batch on 2 threads. Up to <see cref="MaxParked"/> idle threads are kept (background threads: they do not hold the
    /// process open); a thread finishing a job when that many are idle ends.
    /// </summary>
    private sealed class Parked
    {
        private const int MaxParked = 64;
        private static readonly Stack<Parked> Idle = new();
        private readonly SemaphoreSlim _go = new(0);
        private Action? _job;
        private CountdownEvent? _done;

        private Parked()
        {
            new Thread(Loop) { IsBackground = true, Name = "TinyDsc worker" }.Start();
        }

        /// <summary>An idle worker, or a new one.</summary>
        public static Parked Take()
        {
            lock (Idle)
            {
                if (Idle.Count > 0)
                {
                    return Idle.Pop();
                }
            }

            return new Parked();
        }

        /// <summary>Runs <paramref name="job"/> (which must not throw) on this worker, then parks it and signals <paramref name="done"/>.</summary>
        public void Start(Action job, CountdownEvent done)
        {
            _job = job;
            _done = done;
            _go.Release();
        }

        private void Loop()
        {
            while (true)
            {
                _go.Wait();
                Action job = _job!;
                CountdownEvent done = _done!;
                _job = null;
                _done = null;
                job();
                bool parked;
                // Parked again before the caller hears of it, so that its next call finds this thread idle.
                lock (Idle)
                {
                    parked = Idle.Count < MaxParked;
                    if (parked)
                    {
                        Idle.Push(this);
                    }
                }

                done.Signal();
                if (!parked)
                {
                    return;
                }
            }
        }
    }
}
