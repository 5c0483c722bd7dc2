namespace TinyDsc.Samples
{
    /// <summary>Where a sample writes its lines: the serial console on the device, a list in the desktop tests.</summary>
    public interface ILog
    {
        void WriteLine(string line);
    }
}
