using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using TinyDsc.Cli.Commands;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Quantization;
using TinyDsc.Runtime;

namespace TinyDsc.Cli;

/// <summary>
/// The tinydsc command line (README.md in this folder): convert, run, reference, verify, inspect, demo.
/// Every failure ends as one line on stderr and a non-zero exit code (<see cref="ExitCodes"/>); --verbose adds the
/// stack trace.
/// </summary>
internal static class Cli
{
    private static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "On failure, also print the exception's stack trace",
        Recursive = true,
    };

    /// <summary>--force of every command that writes files: replace read-only outputs (see <see cref="OutputFiles"/>).</summary>
    internal static Option<bool> ForceOption() => new("--force")
    {
        Description = "Replace output files even if they are read-only (the new file keeps the old one's permissions)",
    };

    /// <summary>--threads of every command that runs a batch: worker threads, one interpreter or float reference each.</summary>
    internal static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "Worker threads over the samples (default: the core count); the results are the same bytes for any count",
        DefaultValueFactory = _ => Workers.DefaultThreads,
    };

    /// <summary>The value of a <see cref="ThreadsOption"/>, checked (1..1024).</summary>
    internal static int Threads(ParseResult parse, Option<int> option)
    {
        int threads = parse.GetValue(option);
        Workers.Check(threads);
        return threads;
    }

    /// <summary>Parses and runs one command line, writing to the given writers; returns the exit code.</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error);
        RootCommand root = Build(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // An unrecognized token explains more than the "required command" error it also causes.
            ParseError first = parse.Errors[0];
            foreach (ParseError e in parse.Errors)
            {
                if (e.Message.Contains("nrecognized", StringComparison.Ordinal))
                {
                    first = e;
                    break;
                }
            }
            error.WriteLine($"tinydsc: {OneLine(first.Message)} (see tinydsc --help)");
            return ExitCodes.BadInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("TinyDsc: int8 depthwise-separable CNNs for nanoFramework microcontrollers. " +
            "Exit codes: 0 success, 1 bad input or usage, 2 internal error.");
        root.Add(Verbose);
        root.Add(ConvertCommand.Create(context));
        root.Add(RunCommand.Create(context));
        root.Add(ReferenceCommand.Create(context));
        root.Add(VerifyCommand.Create(context));
        root.Add(InspectCommand.Create(context));
        root.Add(ReportCommand.Create(context));
        root.Add(DemoCommand.Create(context));
        return root;
    }

    /// <summary>Wraps a command body: exceptions become one stderr line and an exit code.</summary>
    internal static Func<ParseResult, int> Guard(CliContext context, Func<ParseResult, int> body) => parse =>
    {
        try
        {
            return body(parse);
        }
        catch (Exception e)
        {
            bool userError = IsBadInput(e);
            context.Error.WriteLine($"tinydsc: {(userError ? "error" : "internal error")}: {OneLine(e.Message)}");
            if (parse.GetValue(Verbose))
            {
                context.Error.WriteLine(e.ToString());
            }
            return userError ? ExitCodes.BadInput : ExitCodes.InternalError;
        }
    };

    /// <summary>Exceptions caused by what the user handed over, as opposed to defects in tinydsc.</summary>
    internal static bool IsBadInput(Exception e) => e is PipelineInputException or QuantizationException
        or CalibrationException or OnnxImportException or TfliteImportException or ModelFormatException or NpyException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException;

    internal static string OneLine(string message) =>
        message.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Trim();
}
