using System;
using System.IO;
using Spectre.Console;

namespace TinyDsc.Cli;

/// <summary>Where a command writes: plain text writers for the caller and a Spectre console over the output one.</summary>
internal sealed class CliContext
{
    private readonly IAnsiConsole? _progress;

    public CliContext(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
        {
            _progress = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Detect,
                Out = new AnsiConsoleOutput(error),
            });
        }
        if (!terminal)
        {
            // Redirected output has no width of its own; keep table rows on one line each.
            Ansi.Profile.Width = 160;
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console for tables, writing to <see cref="Output"/>.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>
    /// Runs <paramref name="body"/> with a progress bar labelled <paramref name="label"/>; body reports (done, total).
    /// The bar goes to stderr, and only when stderr is a terminal: stdout carries only the command's result, so it can
    /// be redirected to a file, and a redirected stderr gets no progress lines either.
    /// </summary>
    public T WithProgress<T>(string label, Func<Action<int, int>, T> body)
    {
        if (_progress == null)
        {
            return body((_, _) => { });
        }
        T result = default!;
        _progress.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(label), autoStart: true, maxValue: 1);
                result = body((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
