namespace TinyDsc.NanoCheck;

/// <summary>Rules of the nanoFramework IL check; each names a construct nanoCLR (mscorlib v1) cannot load or run.</summary>
public enum NanoRule
{
    /// <summary>Generic type or method definition, generic parameter, generic instantiation (TypeSpec/MethodSpec).</summary>
    Generic,

    /// <summary>Unmanaged pointer (also behind a byref) or function pointer in a signature, local or type spec.</summary>
    Pointer,

    /// <summary>Array of rank ≥ 2 (or a non-zero-bound array) in a signature, local or type spec.</summary>
    MultiDimensionalArray,

    /// <summary>Reference to an assembly other than mscorlib.</summary>
    AssemblyReference,

    /// <summary>One of the opcodes localloc, cpblk, initblk, calli, jmp.</summary>
    UnsupportedOpCode,

    /// <summary>A method with more than 255 locals.</summary>
    TooManyLocals,

    /// <summary>More than 64 KB of nanoCLR bytecode in one assembly (a .pe addresses method code by 16-bit offsets).</summary>
    TooMuchIl,
}

/// <summary>One rule broken at one place of an assembly.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Location">Where: type, method, field or metadata row.</param>
/// <param name="Detail">What was found.</param>
public sealed record Violation(NanoRule Rule, string Location, string Detail)
{
    public override string ToString() => $"{Rule}: {Location}: {Detail}";
}
