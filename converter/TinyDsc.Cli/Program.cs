namespace TinyDsc.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        System.Console.Error.WriteLine("tinydsc: commands are not implemented yet");
        return 2;
    }
}
