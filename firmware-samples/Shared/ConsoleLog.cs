using System;

namespace TinyDsc.Samples
{
    /// <summary>Writes each line to the console (the device's debug/serial output under nanoFramework).</summary>
    public sealed class ConsoleLog : ILog
    {
        public void WriteLine(string line)
        {
            Console.WriteLine(line);
        }
    }
}
