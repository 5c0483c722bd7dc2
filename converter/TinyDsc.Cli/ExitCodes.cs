namespace TinyDsc.Cli;

/// <summary>Process exit codes of tinydsc (README.md in this folder lists them for users).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// Bad input or usage: unknown command or option, a missing or unreadable file, a malformed .onnx / .npy / .tdsc,
    /// an unsupported model, a tensor of the wrong shape. One line on stderr says what and where.
    /// </summary>
    public const int BadInput = 1;

    /// <summary>A failure inside tinydsc itself (a bug): one line on stderr, the stack trace with --verbose.</summary>
    public const int InternalError = 2;
}
