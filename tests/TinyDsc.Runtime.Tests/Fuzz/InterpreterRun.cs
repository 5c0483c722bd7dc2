using System;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Runtime.Tests.Fuzz;

/// <summary>
/// Runs a loaded model once through the runtime's Interpreter (construct, SetInput with random int8, Invoke): a model
/// that passes ModelValidator must run without an exception.
/// </summary>
public static class InterpreterRun
{
    /// <summary>Models whose arena is larger are loaded but not run (a mutated arena size may reach 2^30).</summary>
    public const int MaxArenaToRun = 1 << 20;

    /// <summary>Null when the model ran or was skipped for its arena size; else the exception the interpreter threw.</summary>
    public static string? Run(Model model, Random random, out bool ran)
    {
        ran = false;
        if (model.ArenaSize > MaxArenaToRun)
        {
            return null;
        }

        try
        {
            var interpreter = new global::TinyDsc.Runtime.Interpreter(model);
            var input = new sbyte[interpreter.InputLength];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (sbyte)random.Next(-128, 128);
            }

            interpreter.SetInput(input, 0);
            interpreter.Invoke();
            ran = true;
            return null;
        }
        catch (Exception e)
        {
            return $"Interpreter threw {e.GetType().Name}: {e.Message}";
        }
    }
}
