using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// Debian's headless chromium (`apt-get install chromium`; .ci/run installs it): renders a page, dumps the DOM it
/// built, takes a screenshot. Tests that need it use <see cref="ChromiumFactAttribute"/> and skip when it is absent.
/// </summary>
internal static class Chromium
{
    private static readonly Lazy<string?> Executable = new(() =>
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            foreach (string name in new[] { "chromium", "chromium-browser" })
            {
                string candidate = Path.Combine(dir, name);
                if (dir.Length > 0 && File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    });

    public static string? Found => Executable.Value;

    public const string MissingMessage =
        "chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it): the HTML report is not rendered";

    /// <summary>The DOM chromium builds from <paramref name="html"/>, serialized.</summary>
    public static string DumpDom(string html, string profile) => Run(profile, "--dump-dom", new Uri(html).AbsoluteUri);

    /// <summary>Writes a PNG screenshot of the page at the given window size.</summary>
    public static void Screenshot(string html, string png, int width, int height, string profile) =>
        Run(profile, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(html).AbsoluteUri);

    private static string Run(string profile, params string[] args)
    {
        var start = new ProcessStartInfo(Executable.Value ?? throw new InvalidOperationException(MissingMessage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-extensions", $"--user-data-dir={profile}" })
        {
            start.ArgumentList.Add(a);
        }
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        using Process p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 120 s");
        }
        Assert.True(p.ExitCode == 0, $"chromium exited with {p.ExitCode}: {stderr.Result}");
        return stdout;
    }
}

/// <summary>A [Fact] skipped with a message when chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Found == null)
        {
            Skip = Chromium.MissingMessage;
        }
    }
}
