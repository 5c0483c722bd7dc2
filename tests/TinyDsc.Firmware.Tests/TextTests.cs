using TinyDsc.Samples;
using Xunit;

namespace TinyDsc.Firmware.Tests;

/// <summary>The samples' culture-free number formatting (what the device prints).</summary>
public class TextTests
{
    [Theory]
    [InlineData(3.14159f, "3.14")]
    [InlineData(2.005f, "2.01")] // float 2.005 is 2.0050001..., so the product 200.5 rounds up
    [InlineData(0f, "0.00")]
    [InlineData(0.07f, "0.07")]
    [InlineData(10.5f, "10.50")]
    [InlineData(-0.004f, "0.00")]
    [InlineData(-0.005f, "-0.01")]
    [InlineData(-12.345f, "-12.35")]
    public void Fixed2_RoundsHalfAwayFromZero(float value, string expected)
    {
        Assert.Equal(expected, Text.Fixed2(value));
    }

    [Theory]
    [InlineData(0L, "0.0")]
    [InlineData(10_000L, "1.0")] // 10,000 ticks of 100 ns = 1 ms
    [InlineData(12_345L, "1.2")]
    [InlineData(12_500L, "1.3")]
    [InlineData(4_631_234L, "463.1")]
    public void Milliseconds_FromTicks(long ticks, string expected)
    {
        Assert.Equal(expected, Text.Milliseconds(ticks));
    }
}
