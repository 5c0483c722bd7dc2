using System;
using System.Collections.Generic;
using System.IO;

namespace TinyDsc.Converter.IO;

/// <summary>
/// The files one command writes, committed all together or not at all.
///
/// <list type="number">
/// <item><see cref="Declare"/> each output path before any work: its folder must exist, the path must not be a folder
/// or another output of the same command, and an existing read-only file is refused unless <c>force</c> is set.</item>
/// <item><see cref="Stage"/> each output's bytes once they are computed (nothing touches the disk yet).</item>
/// <item><see cref="Commit"/> checks every path again, writes every output to a temporary file next to its target,
/// then renames each temporary file over its target. If a temporary file cannot be written, every temporary file is
/// removed and no target is touched. If a rename fails (rare: the temporaries are already on the same disk), the
/// targets renamed so far are restored from hard-linked backups (or removed if they did not exist before).</item>
/// </list>
/// A replaced file keeps its Unix permissions (so <c>--force</c> over a read-only file leaves a read-only file).
/// Errors are <see cref="OutputFileException"/>s naming the user's path; no message shows a temporary name.
/// </summary>
public sealed class OutputFiles
{
    private readonly bool _force;
    private readonly List<Entry> _entries = new();

    /// <param name="force">Replace existing read-only outputs (CLI: --force).</param>
    public OutputFiles(bool force = false)
    {
        _force = force;
    }

    /// <summary>Writes one file atomically (the single-output case of <see cref="Declare"/>, <see cref="Stage"/>, <see cref="Commit"/>).</summary>
    /// <exception cref="OutputFileException">The path cannot be written; the message names it and why.</exception>
    public static void Write(string path, byte[] bytes, bool force = false)
    {
        var outputs = new OutputFiles(force);
        outputs.Declare(path);
        outputs.Stage(path, bytes);
        outputs.Commit();
    }

    /// <summary>Registers an output path and checks it can be written (see the class summary).</summary>
    /// <param name="role">What the file is, for messages (e.g. "--emit-csharp").</param>
    /// <exception cref="OutputFileException">Missing folder, a folder at the path, a duplicate, a read-only file.</exception>
    public void Declare(string path, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = FullPath(path);
        foreach (Entry e in _entries)
        {
            if (string.Equals(e.Full, full, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                throw new OutputFileException($"{path}{Of(role)} is also {e.Path}{Of(e.Role)}: one command cannot write a file twice");
            }
        }
        var entry = new Entry(path, full, role);
        Check(entry);
        _entries.Add(entry);
    }

    /// <summary>Sets the bytes of a declared output (declares it first if it was not).</summary>
    public void Stage(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string full = FullPath(path);
        Entry? entry = _entries.Find(e => e.Full == full);
        if (entry == null)
        {
            Declare(path);
            entry = _entries[^1];
        }
        entry.Bytes = bytes;
    }

    /// <summary>Writes every staged output, all or none (see the class summary).</summary>
    /// <exception cref="InvalidOperationException">A declared output has no bytes staged (a defect in the caller).</exception>
    /// <exception cref="OutputFileException">An output cannot be written; no target has changed.</exception>
    public void Commit()
    {
        foreach (Entry e in _entries)
        {
            if (e.Bytes == null)
            {
                throw new InvalidOperationException($"output {e.Path} was declared but nothing was staged for it");
            }
            Check(e);
        }

        try
        {
            foreach (Entry e in _entries)
            {
                e.Temp = TempName(e.Full);
                try
                {
                    using (var stream = new FileStream(e.Temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        stream.Write(e.Bytes);
                        stream.Flush(flushToDisk: true);
                    }
                    if (!OperatingSystem.IsWindows() && File.Exists(e.Full))
                    {
                        File.SetUnixFileMode(e.Temp, File.GetUnixFileMode(e.Full));
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new OutputFileException($"{e.Path}: cannot write: {Reason(ex, e)}", ex);
                }
            }
        }
        catch
        {
            RemoveTemporaries();
            throw;
        }

        int renamed = 0;
        try
        {
            for (; renamed < _entries.Count; renamed++)
            {
                Entry e = _entries[renamed];
                if (File.Exists(e.Full))
                {
                    e.Backup = TempName(e.Full);
                    File.Replace(e.Temp!, e.Full, e.Backup, ignoreMetadataErrors: true);
                }
                else
                {
                    File.Move(e.Temp!, e.Full, overwrite: false);
                }
                e.Temp = null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Entry failed = _entries[renamed];
            for (int i = renamed - 1; i >= 0; i--)
            {
                Restore(_entries[i]);
            }
            RemoveTemporaries();
            throw new OutputFileException($"{failed.Path}: cannot write: {Reason(ex, failed)}; no output was changed", ex);
        }
        foreach (Entry e in _entries)
        {
            TryDelete(e.Backup);
        }
    }

    private void Check(Entry e)
    {
        string? folder = Path.GetDirectoryName(e.Full);
        if (folder == null || !Directory.Exists(folder))
        {
            throw new OutputFileException($"{e.Path}{Of(e.Role)}: the folder {folder} does not exist");
        }
        if (Directory.Exists(e.Full))
        {
            throw new OutputFileException($"{e.Path}{Of(e.Role)} is a folder, not a file");
        }
        if (File.Exists(e.Full) && !_force && (File.GetAttributes(e.Full) & FileAttributes.ReadOnly) != 0)
        {
            throw new OutputFileException($"{e.Path}{Of(e.Role)} is read-only: not replaced (add --force to replace it)");
        }
    }

    private static string Of(string? role) => role == null ? "" : $" ({role})";

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new OutputFileException($"{path}: invalid output path: {e.Message}", e);
        }
    }

    /// <summary>Why a write failed, in terms of the user's path (the exception's own text names the temporary file).</summary>
    private static string Reason(Exception ex, Entry e) => ex switch
    {
        UnauthorizedAccessException => $"permission denied in the folder {Path.GetDirectoryName(e.Full)}",
        _ => ex.Message.Replace(e.Temp ?? "\0", e.Full, StringComparison.Ordinal)
            .Replace(e.Backup ?? "\0", e.Full, StringComparison.Ordinal),
    };

    private static string TempName(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");

    private static void Restore(Entry e)
    {
        try
        {
            if (e.Backup != null)
            {
                File.Move(e.Backup, e.Full, overwrite: true);
                e.Backup = null;
            }
            else
            {
                File.Delete(e.Full);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the error reported is the one that stopped the commit.
        }
    }

    private void RemoveTemporaries()
    {
        foreach (Entry e in _entries)
        {
            TryDelete(e.Temp);
            e.Temp = null;
        }
    }

    private static void TryDelete(string? path)
    {
        if (path == null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless; the command's own result is what matters.
        }
    }

    private sealed class Entry(string path, string full, string? role)
    {
        public string Path { get; } = path;
        public string Full { get; } = full;
        public string? Role { get; } = role;
        public byte[]? Bytes { get; set; }
        public string? Temp { get; set; }
        public string? Backup { get; set; }
    }
}
