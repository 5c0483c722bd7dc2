using System;
using System.Globalization;
using System.Text;

namespace TinyDsc.Tests;

/// <summary>
/// Seeds for random test data that are the same in every process, printed when a test fails, and replaceable from
/// the environment so a failure can be replayed.
/// <para>
/// Every random test takes its seed from a literal or from <see cref="ForName"/> (FNV-1a over the name's UTF-8
/// bytes, never <c>string.GetHashCode</c>, which .NET randomises per process) and runs its body through
/// <see cref="Run"/>. A failure's message starts with the seed and the command that replays it:
/// <c>TINYDSC_SEED=&lt;seed&gt; dotnet test TinyDsc.sln -c Release --filter "FullyQualifiedName~&lt;test&gt;"</c>.
/// With <c>TINYDSC_SEED</c> set, every seeded test of the run uses that seed instead of its own.
/// </para>
/// </summary>
internal static class TestSeed
{
    /// <summary>The environment variable that overrides every test's seed.</summary>
    public const string Variable = "TINYDSC_SEED";

    /// <summary>32-bit FNV-1a of the UTF-8 bytes of <paramref name="name"/> (offset basis 2166136261, prime 16777619).</summary>
    public static uint Fnv1a(string name)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= 16777619;
        }

        return hash;
    }

    /// <summary>A seed derived from a test case's name, stable across processes and platforms.</summary>
    public static int ForName(string name) => unchecked((int)Fnv1a(name));

    /// <summary>The seed a test actually uses: <paramref name="seed"/>, or TINYDSC_SEED when that is set.</summary>
    public static int Effective(int seed)
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return seed;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            || value < int.MinValue || value > uint.MaxValue)
        {
            throw new InvalidOperationException($"{Variable}='{text}' is not a 32-bit integer seed");
        }

        return unchecked((int)value);
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a <see cref="Random"/> seeded by <see cref="Effective"/>(<paramref name="seed"/>);
    /// any failure is rethrown with the seed and the way to replay it in front of its message.
    /// </summary>
    public static void Run(int seed, Action<Random> body)
    {
        int used = Effective(seed);
        try
        {
            body(new Random(used));
        }
        catch (Exception e) when (e is not SeededFailureException)
        {
            throw new SeededFailureException(used, e);
        }
    }

    /// <summary>A test failure that carries the seed it ran with.</summary>
    public sealed class SeededFailureException : Xunit.Sdk.XunitException
    {
        public SeededFailureException(int seed, Exception inner)
            : base($"[seed {seed}; replay with {Variable}={seed}] {inner.Message}", inner)
        {
            Seed = seed;
        }

        public int Seed { get; }

        public override string? StackTrace => InnerException?.StackTrace;
    }
}
