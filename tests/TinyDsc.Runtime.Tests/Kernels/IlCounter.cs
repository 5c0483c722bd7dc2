using System;
using System.Collections.Generic;
using System.Reflection;
using System.Reflection.Emit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Executes the IL of TinyDsc's kernel methods instruction by instruction and counts the instructions executed:
/// the exact figure docs/DESIGN.md says nanoCLR's time follows. Handles the opcode subset the kernels compile to
/// (int32/int64 arithmetic, sbyte/int arrays, branches, static calls, reading fields of a struct passed by ref);
/// calls into other assemblies (Array.Copy) run natively and count as one instruction, as a native call on nanoCLR.
/// Throws NotSupportedException on anything else, so a count is never silently wrong.
/// </summary>
internal sealed class IlCounter
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = LoadOpCodes();
    private readonly Dictionary<MethodBase, Instr[]> _decoded = new();

    /// <summary>Instructions executed so far, over all interpreted methods.</summary>
    public long Executed;

    private enum Kind : byte
    {
        I4,
        I8,
        Obj,
        Ref,
    }

    public object? Call(MethodInfo method, params object?[] args)
    {
        var slots = new Slot[args.Length];
        ParameterInfo[] ps = method.GetParameters();
        for (int i = 0; i < args.Length; i++)
        {
            slots[i] = FromObject(args[i], ps[i].ParameterType);
        }

        Slot r = Run(method, slots);
        return method.ReturnType == typeof(void) ? null : ToObject(r, method.ReturnType);
    }

    /// <summary>
    /// Static decoding: every backward branch closes a loop; returns per loop its instruction range, instruction
    /// count, number of mul instructions, whether it contains another loop, and how often its closing branch ran.
    /// </summary>
    public List<(int Start, int End, int Count, int Muls, bool HasInnerLoop, long Passes)> Loops(MethodBase m)
    {
        Instr[] code = Decode(m);
        var ranges = new List<(int Start, int End)>();
        for (int i = 0; i < code.Length; i++)
        {
            if (code[i].Target >= 0 && code[i].Target <= i)
            {
                ranges.Add((code[i].Target, i));
            }
        }

        var loops = new List<(int, int, int, int, bool, long)>();
        foreach (var (start, end) in ranges)
        {
            int muls = 0;
            for (int i = start; i <= end; i++)
            {
                muls += code[i].Op.Value == 0x5A ? 1 : 0;
            }

            bool inner = ranges.Exists(r => r != (start, end) && r.Start >= start && r.End <= end);
            loops.Add((start, end, end - start + 1, muls, inner, code[end].Hits));
        }

        return loops;
    }

    /// <summary>Instructions executed so far in each interpreted method (for finding where a call's IL goes).</summary>
    public List<(string Method, long Executed)> PerMethod()
    {
        var list = new List<(string, long)>();
        foreach (var (m, code) in _decoded)
        {
            long n = 0;
            foreach (Instr ins in code)
            {
                n += ins.Hits;
            }

            list.Add((m.DeclaringType?.Name + "." + m.Name, n));
        }

        list.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        return list;
    }

    /// <summary>
    /// Average instructions executed per pass of the loop from instruction index start to end (as Loops gives them):
    /// every execution in the range, divided by how often its first instruction ran (once per pass). For loops with
    /// branches inside, e.g. a clamp taken by some outputs only, this is what a pass costs, where Loops' count is the
    /// length of the code.
    /// </summary>
    public double PerPass(MethodBase m, int start, int end)
    {
        Instr[] code = Decode(m);
        long n = 0;
        for (int i = start; i <= end; i++)
        {
            n += code[i].Hits;
        }

        return code[start].Hits == 0 ? 0 : (double)n / code[start].Hits;
    }

    /// <summary>Number of IL instructions in m's body (static; for bounding code that is not run here, e.g. a switch).</summary>
    public int InstructionCount(MethodBase m) => Decode(m).Length;

    /// <summary>The instructions of m from index start to end, one per line (for reading inner loops).</summary>
    public string Listing(MethodBase m, int start, int end)
    {
        Instr[] code = Decode(m);
        var sb = new System.Text.StringBuilder();
        for (int i = start; i <= end; i++)
        {
            sb.Append($"  IL_{code[i].Offset:X4} {code[i].Op.Name}");
            if (code[i].Target >= 0)
            {
                sb.Append($" IL_{code[code[i].Target].Offset:X4}");
            }
            else if (code[i].Op.OperandType != OperandType.InlineNone)
            {
                sb.Append(' ').Append(code[i].Member?.Name ?? code[i].I.ToString());
            }

            sb.Append("  ×").Append(code[i].Hits).AppendLine();
        }

        return sb.ToString();
    }

    private Slot Run(MethodBase method, Slot[] args)
    {
        Instr[] code = Decode(method);
        MethodBody body = method.GetMethodBody()!;
        var locals = new Slot[body.LocalVariables.Count];
        foreach (LocalVariableInfo lv in body.LocalVariables)
        {
            locals[lv.LocalIndex] = Zero(lv.LocalType);
        }

        var stack = new Slot[body.MaxStackSize + 1];
        int sp = 0;
        int pc = 0;
        while (true)
        {
            Instr ins = code[pc];
            code[pc++].Hits++;
            Executed++;
            short v = ins.Op.Value;
            switch (v)
            {
                case 0x00: break; // nop
                case 0x02: case 0x03: case 0x04: case 0x05: stack[sp++] = args[v - 0x02]; break; // ldarg.0-3
                case 0x0E: stack[sp++] = args[ins.I]; break; // ldarg.s
                case 0x10: args[ins.I] = stack[--sp]; break; // starg.s
                case 0x06: case 0x07: case 0x08: case 0x09: stack[sp++] = locals[v - 0x06]; break; // ldloc.0-3
                case 0x11: stack[sp++] = locals[ins.I]; break; // ldloc.s
                case 0x0A: case 0x0B: case 0x0C: case 0x0D: locals[v - 0x0A] = stack[--sp]; break; // stloc.0-3
                case 0x13: locals[ins.I] = stack[--sp]; break; // stloc.s
                case 0x12: stack[sp++] = new Slot { K = Kind.Ref, O = locals[ins.I].O }; break; // ldloca.s: a struct local's box
                case 0x7D: // stfld on a struct local by its address (its box) or on an object
                {
                    var f = (FieldInfo)ins.Member!;
                    Slot val = stack[--sp];
                    f.SetValue(stack[--sp].O, ToObject(val, f.FieldType));
                    break;
                }

                case 0x14: stack[sp++] = new Slot { K = Kind.Obj }; break; // ldnull
                case 0x72: stack[sp++] = new Slot { K = Kind.Obj, O = ins.Text }; break; // ldstr
                case >= 0x15 and <= 0x1E: stack[sp++] = I4(v - 0x16); break; // ldc.i4.m1 .. ldc.i4.8
                case 0x1F: case 0x20: stack[sp++] = I4((int)ins.I); break; // ldc.i4.s, ldc.i4
                case 0x21: stack[sp++] = I8(ins.I); break; // ldc.i8
                case 0x25: stack[sp] = stack[sp - 1]; sp++; break; // dup
                case 0x26: sp--; break; // pop
                case 0x28: // call
                {
                    var target = (MethodInfo)ins.Member!;
                    int n = target.GetParameters().Length;
                    var callArgs = new Slot[n];
                    for (int i = n - 1; i >= 0; i--)
                    {
                        callArgs[i] = stack[--sp];
                    }

                    Slot r = target.DeclaringType!.Assembly == method.DeclaringType!.Assembly
                        ? Run(target, callArgs)
                        : CallNative(target, callArgs);
                    if (target.ReturnType != typeof(void))
                    {
                        stack[sp++] = r;
                    }

                    break;
                }

                case 0x2A: return sp > 0 ? stack[sp - 1] : default; // ret
                case 0x2B: case 0x38: pc = ins.Target; break; // br
                case 0x2C: case 0x39: if (stack[--sp].L == 0 && stack[sp].O == null) { pc = ins.Target; } break; // brfalse
                case 0x2D: case 0x3A: if (stack[--sp].L != 0 || stack[sp].O != null) { pc = ins.Target; } break; // brtrue
                case >= 0x2E and <= 0x37: // beq.s .. blt.un.s
                case >= 0x3B and <= 0x44: // beq .. blt.un
                {
                    int kind = v >= 0x3B ? v - 0x3B : v - 0x2E;
                    Slot b = stack[--sp];
                    Slot a = stack[--sp];
                    if (Compare(kind, a, b))
                    {
                        pc = ins.Target;
                    }

                    break;
                }

                case 0x58: Bin(stack, ref sp, (x, y) => x + y); break; // add
                case 0x59: Bin(stack, ref sp, (x, y) => x - y); break; // sub
                case 0x5A: Bin(stack, ref sp, (x, y) => x * y); break; // mul
                case 0x5B: Bin(stack, ref sp, (x, y) => x / y); break; // div
                case 0x5D: Bin(stack, ref sp, (x, y) => x % y); break; // rem
                case 0x5F: Bin(stack, ref sp, (x, y) => x & y); break; // and
                case 0x60: Bin(stack, ref sp, (x, y) => x | y); break; // or
                case 0x61: Bin(stack, ref sp, (x, y) => x ^ y); break; // xor
                case 0x62: Shift(stack, ref sp, 0); break; // shl
                case 0x63: Shift(stack, ref sp, 1); break; // shr
                case 0x64: Shift(stack, ref sp, 2); break; // shr.un
                case 0x65: stack[sp - 1] = Norm(stack[sp - 1].K, -stack[sp - 1].L); break; // neg
                case 0x66: stack[sp - 1] = Norm(stack[sp - 1].K, ~stack[sp - 1].L); break; // not
                case 0x67: stack[sp - 1] = I4((sbyte)stack[sp - 1].L); break; // conv.i1
                case 0x68: stack[sp - 1] = I4((short)stack[sp - 1].L); break; // conv.i2
                case 0x69: stack[sp - 1] = I4((int)stack[sp - 1].L); break; // conv.i4
                case 0x6A: stack[sp - 1] = I8(stack[sp - 1].L); break; // conv.i8 (I4 is kept sign-extended)
                case 0x6D: stack[sp - 1] = I4((int)(uint)stack[sp - 1].L); break; // conv.u4
                case 0x6E: stack[sp - 1] = I8(stack[sp - 1].K == Kind.I4 ? (long)(uint)stack[sp - 1].L : stack[sp - 1].L); break; // conv.u8
                case 0xD2: stack[sp - 1] = I4((byte)stack[sp - 1].L); break; // conv.u1
                case 0x8E: stack[sp - 1] = I4(((Array)stack[sp - 1].O!).Length); break; // ldlen
                case 0x90: { int i = (int)stack[--sp].L; stack[sp - 1] = I4(((sbyte[])stack[sp - 1].O!)[i]); break; } // ldelem.i1
                case 0x91: { int i = (int)stack[--sp].L; stack[sp - 1] = I4(((byte[])stack[sp - 1].O!)[i]); break; } // ldelem.u1
                case 0x94: { int i = (int)stack[--sp].L; stack[sp - 1] = I4(((int[])stack[sp - 1].O!)[i]); break; } // ldelem.i4
                case 0x96: { int i = (int)stack[--sp].L; stack[sp - 1] = I8(((long[])stack[sp - 1].O!)[i]); break; } // ldelem.i8
                case 0x9F: { Slot val = stack[--sp]; int i = (int)stack[--sp].L; ((long[])stack[--sp].O!)[i] = val.L; break; } // stelem.i8
                case 0x9C: { Slot val = stack[--sp]; int i = (int)stack[--sp].L; ((sbyte[])stack[--sp].O!)[i] = (sbyte)val.L; break; } // stelem.i1
                case 0x9E: { Slot val = stack[--sp]; int i = (int)stack[--sp].L; ((int[])stack[--sp].O!)[i] = (int)val.L; break; } // stelem.i4
                case 0x7B: // ldfld on a struct passed by ref (boxed here) or on an object
                {
                    var f = (FieldInfo)ins.Member!;
                    stack[sp - 1] = FromObject(f.GetValue(stack[sp - 1].O), f.FieldType);
                    break;
                }

                case 0x7C: // ldflda: a struct field of an object passed on by ref (FusedBlock's `ref b.Depthwise`). The kernels
                           // only read through such refs, so a boxed copy of the field stands for its address.
                {
                    var f = (FieldInfo)ins.Member!;
                    stack[sp - 1] = new Slot { K = Kind.Ref, O = f.GetValue(stack[sp - 1].O) };
                    break;
                }

                case unchecked((short)0xFE01): Cmp(stack, ref sp, (a, b) => a.L == b.L); break; // ceq
                case unchecked((short)0xFE02): Cmp(stack, ref sp, (a, b) => a.L > b.L); break; // cgt
                case unchecked((short)0xFE03): Cmp(stack, ref sp, (a, b) => U(a) > U(b)); break; // cgt.un
                case unchecked((short)0xFE04): Cmp(stack, ref sp, (a, b) => a.L < b.L); break; // clt
                case unchecked((short)0xFE05): Cmp(stack, ref sp, (a, b) => U(a) < U(b)); break; // clt.un
                case 0x73: case 0x7A: // newobj, throw: only on error paths, which the counted runs never take
                    throw new NotSupportedException($"{method.Name}: reached {ins.Op.Name} (an error path) at IL_{ins.Offset:X4}");
                default:
                    throw new NotSupportedException($"{method.Name}: opcode {ins.Op.Name} at IL_{ins.Offset:X4} is not interpreted");
            }
        }
    }

    private static bool Compare(int kind, Slot a, Slot b) => kind switch
    {
        0 => a.L == b.L,         // beq
        1 => a.L >= b.L,         // bge
        2 => a.L > b.L,          // bgt
        3 => a.L <= b.L,         // ble
        4 => a.L < b.L,          // blt
        5 => a.L != b.L,         // bne.un
        6 => U(a) >= U(b),       // bge.un
        7 => U(a) > U(b),        // bgt.un
        8 => U(a) <= U(b),       // ble.un
        _ => U(a) < U(b),        // blt.un
    };

    private static ulong U(Slot s) => s.K == Kind.I4 ? (uint)s.L : (ulong)s.L;

    private static void Bin(Slot[] st, ref int sp, Func<long, long, long> f)
    {
        Slot b = st[--sp];
        Slot a = st[sp - 1];
        if (a.K != b.K)
        {
            throw new NotSupportedException("mixed int32/int64 operands");
        }

        st[sp - 1] = Norm(a.K, f(a.L, b.L));
    }

    private static void Shift(Slot[] st, ref int sp, int kind)
    {
        int n = (int)st[--sp].L;
        Slot a = st[sp - 1];
        if (a.K == Kind.I4)
        {
            int x = (int)a.L;
            st[sp - 1] = I4(kind == 0 ? x << n : kind == 1 ? x >> n : (int)((uint)x >> n));
        }
        else
        {
            st[sp - 1] = I8(kind == 0 ? a.L << n : kind == 1 ? a.L >> n : (long)((ulong)a.L >> n));
        }
    }

    private static void Cmp(Slot[] st, ref int sp, Func<Slot, Slot, bool> f)
    {
        Slot b = st[--sp];
        Slot a = st[sp - 1];
        st[sp - 1] = I4(f(a, b) ? 1 : 0);
    }

    private static Slot Norm(Kind k, long v) => k == Kind.I4 ? I4((int)v) : I8(v);

    private static Slot I4(int v) => new() { K = Kind.I4, L = v };

    private static Slot I8(long v) => new() { K = Kind.I8, L = v };

    /// <summary>A local's initial value; a struct local (FusedBlock's sliced ConvParams) is a box of its own, its address that box.</summary>
    private static Slot Zero(Type t) => t == typeof(long) ? I8(0) : t.IsValueType && !t.IsPrimitive ? new Slot { K = Kind.Obj, O = Activator.CreateInstance(t) } : t.IsPrimitive ? I4(0) : new Slot { K = Kind.Obj };

    private static Slot FromObject(object? o, Type t)
    {
        if (t.IsByRef)
        {
            return new Slot { K = Kind.Ref, O = o };
        }

        return o switch
        {
            null => new Slot { K = Kind.Obj },
            long l => I8(l),
            int i => I4(i),
            sbyte s => I4(s),
            bool b => I4(b ? 1 : 0),
            _ when t.IsPrimitive => throw new NotSupportedException("primitive " + t),
            _ => new Slot { K = Kind.Obj, O = o },
        };
    }

    private static object? ToObject(Slot s, Type t)
    {
        if (t == typeof(int))
        {
            return (int)s.L;
        }

        if (t == typeof(sbyte))
        {
            return (sbyte)s.L;
        }

        if (t == typeof(long))
        {
            return s.L;
        }

        if (t == typeof(bool))
        {
            return s.L != 0;
        }

        return s.O;
    }

    private static Slot CallNative(MethodInfo target, Slot[] args)
    {
        ParameterInfo[] ps = target.GetParameters();
        var objs = new object?[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            objs[i] = ToObject(args[i], ps[i].ParameterType);
        }

        object? r = target.Invoke(null, objs);
        return target.ReturnType == typeof(void) ? default : FromObject(r, target.ReturnType);
    }

    private Instr[] Decode(MethodBase m)
    {
        if (_decoded.TryGetValue(m, out Instr[]? code))
        {
            return code;
        }

        byte[] il = m.GetMethodBody()!.GetILAsByteArray()!;
        var list = new List<Instr>();
        var indexOfOffset = new Dictionary<int, int>();
        int pos = 0;
        while (pos < il.Length)
        {
            var ins = new Instr { Offset = pos, Target = -1 };
            short value = il[pos++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[pos++]));
            }

            ins.Op = OpCodesByValue[value];
            switch (ins.Op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineI: ins.I = (sbyte)il[pos]; pos += 1; break;
                case OperandType.ShortInlineVar: ins.I = il[pos]; pos += 1; break;
                case OperandType.InlineVar: ins.I = BitConverter.ToUInt16(il, pos); pos += 2; break;
                case OperandType.InlineI: ins.I = BitConverter.ToInt32(il, pos); pos += 4; break;
                case OperandType.InlineI8: ins.I = BitConverter.ToInt64(il, pos); pos += 8; break;
                case OperandType.ShortInlineBrTarget: ins.I = (sbyte)il[pos] + pos + 1; pos += 1; break;
                case OperandType.InlineBrTarget: ins.I = BitConverter.ToInt32(il, pos) + pos + 4; pos += 4; break;
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    ins.Member = m.Module.ResolveMember(BitConverter.ToInt32(il, pos));
                    pos += 4;
                    break;
                case OperandType.InlineString:
                    ins.Text = m.Module.ResolveString(BitConverter.ToInt32(il, pos));
                    pos += 4;
                    break;
                case OperandType.InlineSig:
                case OperandType.ShortInlineR:
                    pos += 4;
                    break;
                case OperandType.InlineR: pos += 8; break;
                case OperandType.InlineSwitch: pos += 4 + 4 * BitConverter.ToInt32(il, pos); break; // decoded, never run
                default: throw new NotSupportedException("operand type " + ins.Op.OperandType);
            }

            indexOfOffset[ins.Offset] = list.Count;
            list.Add(ins);
        }

        code = list.ToArray();
        for (int i = 0; i < code.Length; i++)
        {
            OperandType t = code[i].Op.OperandType;
            if (t == OperandType.ShortInlineBrTarget || t == OperandType.InlineBrTarget)
            {
                code[i].Target = indexOfOffset[(int)code[i].I];
            }
        }

        _decoded[m] = code;
        return code;
    }

    private static Dictionary<short, OpCode> LoadOpCodes()
    {
        var d = new Dictionary<short, OpCode>();
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            d[op.Value] = op;
        }

        return d;
    }

    private struct Slot
    {
        public Kind K;
        public long L;
        public object? O;
    }

    private struct Instr
    {
        public int Offset;
        public OpCode Op;
        public long I;
        public MemberInfo? Member;

        /// <summary>The literal of an ldstr (kernels' argument checks name the kernel in their messages).</summary>
        public string? Text;

        /// <summary>Index of the branch target instruction, or -1.</summary>
        public int Target;

        /// <summary>Times this instruction was executed by this counter.</summary>
        public long Hits;
    }
}
