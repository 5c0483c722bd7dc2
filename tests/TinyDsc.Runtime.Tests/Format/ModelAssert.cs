using System;
using System.Reflection;
using TinyDsc.Runtime.Format;
using Xunit.Sdk;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>Deep equality of models over every public field (so a field added later is compared too).</summary>
public static class ModelAssert
{
    public static void Equal(Model expected, Model actual)
    {
        CompareFields(expected, actual, "model");
        Lengths(expected.Tensors, actual.Tensors, "tensors");
        for (int i = 0; i < expected.Tensors.Length; i++)
        {
            CompareFields(expected.Tensors[i], actual.Tensors[i], $"tensor {i}");
        }

        Lengths(expected.Operators, actual.Operators, "operators");
        for (int j = 0; j < expected.Operators.Length; j++)
        {
            CompareFields(expected.Operators[j], actual.Operators[j], $"operator {j}");
        }
    }

    private static void Lengths(Array expected, Array actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: expected {expected.Length} entries, got {actual.Length}");
        }
    }

    private static void CompareFields(object expected, object actual, string where)
    {
        foreach (FieldInfo field in expected.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            object? e = field.GetValue(expected);
            object? a = field.GetValue(actual);
            if (field.FieldType == typeof(TensorInfo[]) || field.FieldType == typeof(OperatorInfo[]))
            {
                continue;
            }

            if (e is Array ea)
            {
                if (a is not Array aa || ea.Length != aa.Length)
                {
                    throw new XunitException($"{where}.{field.Name}: expected array of {ea.Length}, got {(a is Array x ? x.Length.ToString() : "null")}");
                }

                for (int i = 0; i < ea.Length; i++)
                {
                    if (!Equals(ea.GetValue(i), aa.GetValue(i)))
                    {
                        throw new XunitException($"{where}.{field.Name}[{i}]: expected {ea.GetValue(i)}, got {aa.GetValue(i)}");
                    }
                }
            }
            else if (!Equals(e, a))
            {
                throw new XunitException($"{where}.{field.Name}: expected {e ?? "null"}, got {a ?? "null"}");
            }
        }
    }
}
