using System;
using CsCheck;

namespace TinyDsc.Tests;

/// <summary>
/// CsCheck generators driven from a fixed seed: CsCheck's own <c>Sample</c> draws a new seed each run (its seed
/// argument fixes only the first iteration), so two runs would test different data. Here every iteration comes from
/// one <see cref="PCG"/> stream seeded by <see cref="TestSeed.Effective"/>; a failure prints the seed, the iteration
/// and the generated value. Shrinking is given up for replayability.
/// </summary>
internal static class SeededSample
{
    public static void SampleSeeded<T>(this Gen<T> gen, int seed, int iter, Action<T> assert)
    {
        int used = TestSeed.Effective(seed);
        var pcg = new PCG(0, unchecked((uint)used));
        for (int i = 0; i < iter; i++)
        {
            T value = gen.Generate(pcg, null, out _);
            try
            {
                assert(value);
            }
            catch (Exception e)
            {
                throw new TestSeed.SeededFailureException(used,
                    new Exception($"iteration {i} of {iter}, value {Check.Print(value)}: {e.Message}", e));
            }
        }
    }
}
