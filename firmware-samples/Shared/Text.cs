namespace TinyDsc.Samples
{
    /// <summary>Number formatting that prints the same on the device and on any desktop culture.</summary>
    public static class Text
    {
        /// <summary>Fixed point with two decimals, rounded half away from zero: 3.14159 -> "3.14", -0.005 -> "-0.01".</summary>
        public static string Fixed2(float value)
        {
            // |value| above ~9.2e16 would overflow the long below; model scores are far smaller.
            long hundredths = (long)(value * 100f + (value >= 0f ? 0.5f : -0.5f));
            bool negative = hundredths < 0;
            if (negative)
            {
                hundredths = -hundredths;
            }

            long whole = hundredths / 100;
            long fraction = hundredths % 100;
            return (negative ? "-" : "") + whole.ToString() + (fraction < 10 ? ".0" : ".") + fraction.ToString();
        }

        /// <summary>Milliseconds with one decimal from a tick count (100 ns ticks, as DateTime uses).</summary>
        public static string Milliseconds(long ticks)
        {
            long tenths = (ticks + 500) / 1000;
            return (tenths / 10).ToString() + "." + (tenths % 10).ToString();
        }
    }
}
