using System.Collections.Generic;

namespace TinyDsc.Converter.Report;

/// <summary>Whether one board's managed heap holds the model's peak RAM.</summary>
public sealed record BoardRow(string Board, long HeapBytes, bool Fits);

/// <summary>
/// Board fit for the report: peak RAM (model bytes + arena + scratch + prepared data) against the managed heap
/// DESIGN.md gives for each ESP32 class (about 90–110 KB without PSRAM, the low end taken; about 3.7 MB with 4 MB
/// PSRAM). A stand-in until the CLI's shared board-fit check (issue 9, item 5) lands; then the report uses that.
/// </summary>
public static class BoardVerdict
{
    public const long Esp32HeapBytes = 90 * 1024;
    public const long Esp32PsramHeapBytes = 3_700_000;

    public static IReadOnlyList<BoardRow> Rows(long peakBytes) => new[]
    {
        new BoardRow("ESP32 without PSRAM (ESP32_REV0 / ESP32_REV3 firmware)", Esp32HeapBytes, peakBytes <= Esp32HeapBytes),
        new BoardRow("ESP32-WROVER or ESP32-S3 with 4 MB PSRAM", Esp32PsramHeapBytes, peakBytes <= Esp32PsramHeapBytes),
    };

    /// <summary>One line: "fits an ESP32 without PSRAM", "needs PSRAM", or "too large for either".</summary>
    public static string Summary(long peakBytes) =>
        peakBytes <= Esp32HeapBytes ? "fits an ESP32 without PSRAM"
        : peakBytes <= Esp32PsramHeapBytes ? "needs an ESP32 with PSRAM (WROVER or S3)"
        : "too large for an ESP32 even with PSRAM";
}
