using System;
using System.Threading;
using System.Threading.Tasks;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Splits a batch of samples over worker threads: worker w gets one contiguous range of sample indices, ranges in
/// worker order, so each sample's result lands at its own index whatever the thread count (the output bytes do not
/// depend on it). Each worker owns its state (an interpreter, a buffer): nothing is shared but the output slots.
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
    /// Runs body(worker, first, end) for <see cref="Count"/> workers over [0, samples), worker 0 on the calling thread.
    /// Waits for all; the first exception (by worker index) is rethrown as is.
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
        var tasks = new Task[workers - 1];
        for (int w = 1; w < workers; w++)
        {
            int worker = w;
            tasks[w - 1] = Task.Factory.StartNew(() =>
            {
                try
                {
                    body(worker, First(worker, samples, workers), First(worker + 1, samples, workers));
                }
                catch (Exception e)
                {
                    errors[worker] = e;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            body(0, 0, First(1, samples, workers));
        }
        catch (Exception e)
        {
            errors[0] = e;
        }
        Task.WaitAll(tasks);
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
}
