using System;
using System.IO;

namespace TinyDsc.NanoCheck;

/// <summary>
/// nanocheck ASSEMBLY...: scans each assembly for constructs nanoCLR cannot run (see <see cref="NanoRule"/>).
/// Exit code 0: no violations; 1: violations (one per line on stdout); 2: usage error or unreadable file (stderr).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: nanocheck ASSEMBLY.dll [ASSEMBLY.dll ...]");
            return 2;
        }

        int total = 0;
        foreach (string path in args)
        {
            try
            {
                var violations = NanoChecker.Scan(path);
                foreach (Violation v in violations)
                {
                    Console.WriteLine($"{path}: {v}");
                }

                total += violations.Count;
                Console.Error.WriteLine($"{path}: {violations.Count} violation(s)");
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
