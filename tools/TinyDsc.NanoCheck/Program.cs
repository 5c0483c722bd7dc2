namespace TinyDsc.NanoCheck;

internal static class Program
{
    private static int Main(string[] args)
    {
        System.Console.Error.WriteLine("nanocheck: not implemented yet");
        return 2;
    }
}
