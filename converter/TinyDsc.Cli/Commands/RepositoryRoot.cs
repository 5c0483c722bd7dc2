using System;
using System.Collections.Generic;
using System.IO;

namespace TinyDsc.Cli.Commands;

/// <summary>Finds the repository (the folder holding TinyDsc.sln) above the working folder or above tinydsc's own files.</summary>
internal static class RepositoryRoot
{
    public const string Marker = "TinyDsc.sln";

    /// <summary>The first folder holding <see cref="Marker"/> walking up from each start folder, or null.</summary>
    public static string? Find(IEnumerable<string> starts)
    {
        foreach (string start in starts)
        {
            for (DirectoryInfo? dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, Marker)))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    public static string? Find() => Find(new[] { Environment.CurrentDirectory, AppContext.BaseDirectory });
}
