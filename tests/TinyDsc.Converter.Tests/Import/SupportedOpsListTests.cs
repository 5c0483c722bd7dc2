using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// The README's supported-op table is the importer's dispatch table (ImportOps) and the constant evaluator's list,
/// neither more nor less; each dispatched op lowers through its family file.
/// </summary>
public sealed class SupportedOpsListTests
{
    private const string ConstantRowMarker = "evaluated at import time";

    private static (string[] Ops, bool Constant)[] ReadmeRows()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Fixtures.Root, "README.md"));
        int start = Array.IndexOf(lines, "## Supported ONNX ops");
        Assert.True(start >= 0, "README.md has no '## Supported ONNX ops' section");
        return lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith("| op |", StringComparison.Ordinal))
            .Skip(2)
            .TakeWhile(l => l.StartsWith("|", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(c => (c[1].Split(',', StringSplitOptions.TrimEntries), c[2].StartsWith(ConstantRowMarker, StringComparison.Ordinal)))
            .ToArray();
    }

    [Fact]
    public void ReadmeListsExactlyTheDispatchedOps()
    {
        var listed = ReadmeRows().Where(r => !r.Constant).SelectMany(r => r.Ops).ToArray();
        Assert.Equal(listed.Length, listed.Distinct().Count());
        var handled = ImportOps.All.Select(o => o.OpType).ToArray();
        Assert.True(handled.Order().SequenceEqual(listed.Order()),
            $"README lists but importer does not handle: [{string.Join(", ", listed.Except(handled))}]; " +
            $"importer handles but README does not list: [{string.Join(", ", handled.Except(listed))}]");
    }

    [Fact]
    public void ReadmeListsExactlyTheConstantOps()
    {
        var listed = ReadmeRows().Where(r => r.Constant).SelectMany(r => r.Ops).ToArray();
        Assert.True(ConstantEvaluator.SupportedOps.Order().SequenceEqual(listed.Order()),
            $"README constant row: [{string.Join(", ", listed)}], evaluator: [{string.Join(", ", ConstantEvaluator.SupportedOps)}]");
    }

    [Fact]
    public void SupportedOpsIsTheDispatchTable()
    {
        Assert.Equal(ImportOps.All.Select(o => o.OpType), OnnxImporter.SupportedOps);
        Assert.Equal(ImportOps.All.Count, ImportOps.All.Select(o => o.OpType).Distinct().Count());
        Assert.All(ImportOps.All, o => Assert.Same(o, ImportOps.Find(o.OpType)));
    }

    [Fact]
    public void RejectionMessageListsTheTable()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Node("Erf", new[] { "x" }, "y", "e1");
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(b.Build()));
        Assert.Contains("op Erf is not supported; supported ops: " + string.Join(", ", ImportOps.All.Select(o => o.OpType)), e.Message);
    }
}
