using System;
using System.Collections.Generic;
using System.IO;

namespace TinyDsc.NanoCheck;

/// <summary>
/// nanocheck [--allow NAME]... ASSEMBLY...: scans each assembly for constructs nanoCLR cannot run (see
/// <see cref="NanoRule"/>); --allow names an assembly that may be referenced besides mscorlib.
/// Exit code 0: no violations; 1: violations (one per line on stdout); 2: usage error or unreadable file (stderr).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var allowed = new List<string>();
        var paths = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--allow" && i + 1 < args.Length)
            {
                allowed.Add(args[++i]);
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                paths.Clear();
                break;
            }
            else
            {
                paths.Add(args[i]);
            }
        }

        if (paths.Count == 0)
        {
            Console.Error.WriteLine("usage: nanocheck [--allow ASSEMBLY_NAME]... ASSEMBLY.dll [ASSEMBLY.dll ...]");
            return 2;
        }

        int total = 0;
        foreach (string path in paths)
        {
            try
            {
                var violations = NanoChecker.Scan(path, allowed);
                foreach (Violation v in violations)
                {
                    Console.WriteLine($"{path}: {v}");
                }

                total += violations.Count;
                Console.Error.WriteLine($"{path}: {violations.Count} violation(s); {NanoChecker.NanoBytecodeBytes(path)} of {NanoChecker.MaxIlBytes} bytes of nanoCLR bytecode");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
            {
                Console.Error.WriteLine($"nanocheck: {path}: {e.Message}");
                return 2;
            }
        }

        return total == 0 ? 0 : 1;
    }
}
