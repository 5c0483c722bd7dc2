using System.IO;
using TinyDsc.Cli;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>Runs the tinydsc entry point in-process and captures its output.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TinyDsc.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts a failure: exit code 1 and exactly one line on stderr containing every fragment.</summary>
    public static string AssertBadInput((int Code, string Out, string Err) result, params string[] fragments)
    {
        Assert.True(result.Code == ExitCodes.BadInput, $"exit {result.Code}, stderr: {result.Err}");
        string[] lines = result.Err.TrimEnd('\n', '\r').Split('\n');
        Assert.True(lines.Length == 1, $"stderr has {lines.Length} lines: {result.Err}");
        foreach (string f in fragments)
        {
            Assert.True(lines[0].Contains(f, System.StringComparison.Ordinal), $"'{f}' not in: {lines[0]}");
        }
        return lines[0];
    }
}
