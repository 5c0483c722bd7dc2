using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// Every `nanoff --target NAME` the samples' README tells users to run names a real nanoFramework ESP32 firmware image.
/// The list is nanoFramework's published ESP32 reference targets (nf-interpreter README and the ESP32 targets page of
/// docs.nanoframework.net: ESP32_REV0 / ESP32_REV3 without PSRAM, ESP32_PSRAM_REV0 / ESP32_PSRAM_REV3 with PSRAM,
/// ESP32_S3 / ESP32_S3_QUAD / ESP32_S3_OCTAL), not something this repository produces; there is no ESP32_WROOM_32.
/// </summary>
public sealed class FlashTargetTests
{
    private static readonly string[] NanoFrameworkEsp32Targets =
    {
        "ESP32_REV0", "ESP32_REV3", "ESP32_PSRAM_REV0", "ESP32_PSRAM_REV3", "ESP32_S3", "ESP32_S3_QUAD", "ESP32_S3_OCTAL",
    };

    [Fact]
    public void ReadmeNanoffTargets_AreRealFirmwareImages()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.Samples, "README.md"));
        string[] targets = Regex.Matches(readme, @"--target\s+([A-Z0-9_]+)").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(targets);
        foreach (string t in targets)
        {
            Assert.True(NanoFrameworkEsp32Targets.Contains(t), $"firmware-samples/README.md: nanoff target {t} does not exist");
        }
        // Boards without PSRAM, the ones the heap budget is about, get their own image named.
        Assert.Contains("ESP32_REV0", targets);
    }
}
