using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TinyDsc.Runtime.Tests.NanoCheck;
using Xunit;

namespace TinyDsc.Runtime.Tests.Repository;

/// <summary>
/// Documents the code cites are in the repository: every mention of the design document names docs/DESIGN.md, and
/// every relative Markdown link in a tracked document points at a file that exists.
/// </summary>
public class DocumentLinkTests
{
    private static readonly string[] Extensions = { ".cs", ".md", ".csproj", ".nfproj", ".props", ".targets", ".py", ".nuspec", ".h", ".c", ".sh", ".txt" };

    [Fact]
    public void Design_document_references_resolve_inside_the_repository()
    {
        string root = NanoPaths.RepoRoot;
        Assert.True(File.Exists(Path.Combine(root, "docs", "DESIGN.md")), "docs/DESIGN.md is missing");
        var dangling = new List<string>();
        foreach (string file in SourceFiles(root))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match m in Regex.Matches(lines[i], @"[\w./-]*DESIGN\.md"))
                {
                    if (!m.Value.EndsWith("docs/DESIGN.md", StringComparison.Ordinal) && !file.EndsWith("DocumentLinkTests.cs", StringComparison.Ordinal))
                    {
                        dangling.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: '{m.Value}'");
                    }
                }
            }
        }

        Assert.True(dangling.Count == 0, "design document cited without its path docs/DESIGN.md:\n" + string.Join("\n", dangling));
    }

    [Fact]
    public void Relative_markdown_links_point_at_existing_files()
    {
        string root = NanoPaths.RepoRoot;
        var broken = new List<string>();
        foreach (string file in SourceFiles(root).Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"\]\(([^)#:\s]+)(#[^)]*)?\)"))
            {
                string target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, m.Groups[1].Value));
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    broken.Add($"{Path.GetRelativePath(root, file)}: ({m.Groups[1].Value})");
                }
            }
        }

        Assert.True(broken.Count == 0, "broken relative links:\n" + string.Join("\n", broken));
    }

    internal static IEnumerable<string> SourceFiles(string root)
    {
        var skip = new[] { "bin", "obj", ".git", "node_modules" };
        var stack = new Stack<string>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            string dir = stack.Pop();
            foreach (string sub in Directory.GetDirectories(dir))
            {
                if (!skip.Contains(Path.GetFileName(sub)))
                {
                    stack.Push(sub);
                }
            }

            foreach (string f in Directory.GetFiles(dir))
            {
                if (Extensions.Contains(Path.GetExtension(f)))
                {
                    yield return f;
                }
            }
        }
    }
}
