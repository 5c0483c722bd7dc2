using System;
using System.Reflection;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Runtime.Tests.Fuzz;

/// <summary>
/// Runs a loaded model through the runtime's Interpreter (new Interpreter(model), SetInput, Invoke) when the runtime
/// assembly has one. Bound late so the fuzz test builds on branches where the interpreter is not merged yet; the fuzz
/// report says whether it ran.
/// </summary>
public static class InterpreterBridge
{
    /// <summary>Models whose arena is larger are loaded but not run (a mutated arena size may reach 2^30).</summary>
    public const int MaxArenaToRun = 1 << 20;

    private static readonly Type? InterpreterType = typeof(Model).Assembly.GetType("TinyDsc.Runtime.Interpreter");
    private static readonly ConstructorInfo? Constructor = InterpreterType?.GetConstructor(new[] { typeof(Model) });
    private static readonly MethodInfo? SetInput = InterpreterType?.GetMethod("SetInput", new[] { typeof(sbyte[]), typeof(int) });
    private static readonly MethodInfo? Invoke = InterpreterType?.GetMethod("Invoke", Type.EmptyTypes);
    private static readonly PropertyInfo? InputLength = InterpreterType?.GetProperty("InputLength");

    public static bool Available => Constructor != null && Invoke != null && SetInput != null && InputLength != null;

    /// <summary>Null when the model ran (or could not be run here); else the exception the interpreter threw.</summary>
    public static string? Run(Model model, Random random, out bool ran)
    {
        ran = false;
        if (!Available || model.ArenaSize > MaxArenaToRun)
        {
            return null;
        }

        try
        {
            object interpreter = Constructor!.Invoke(new object[] { model });
            var input = new sbyte[(int)InputLength!.GetValue(interpreter)!];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (sbyte)random.Next(-128, 128);
            }

            SetInput!.Invoke(interpreter, new object[] { input, 0 });
            Invoke!.Invoke(interpreter, null);
            ran = true;
            return null;
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            return $"Interpreter threw {e.InnerException.GetType().Name}: {e.InnerException.Message}";
        }
    }
}
