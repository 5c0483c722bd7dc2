using System.Collections.Generic;
using TinyDsc.Samples;

namespace TinyDsc.Firmware.Tests;

/// <summary>Collects what a sample prints.</summary>
internal sealed class ListLog : ILog
{
    public List<string> Lines { get; } = new();

    public void WriteLine(string line) => Lines.Add(line);

    public override string ToString() => string.Join("\n", Lines);
}
