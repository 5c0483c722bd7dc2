using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Format;

/// <summary>An operator record's input tensors as an array (<see cref="OperatorInputs"/>: Concat takes up to 4).</summary>
public static class OperatorInputList
{
    /// <summary>Input tensor indices in order: input 0, input 1 when set, then a Concat's inputs 2 and 3.</summary>
    public static int[] InputTensors(this OperatorInfo op)
    {
        var inputs = new int[OperatorInputs.Count(op)];
        for (int k = 0; k < inputs.Length; k++)
        {
            inputs[k] = OperatorInputs.At(op, k);
        }
        return inputs;
    }
}
