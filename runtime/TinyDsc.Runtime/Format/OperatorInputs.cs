namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// The input tensors of an operator record, for every reader that walks data flow (validator, memory planner,
    /// report): input 0; input 1 of Add, Mul and Concat; a Concat of 3 or 4 inputs keeps inputs 2 and 3 in p1 and p2
    /// (FORMAT.md op 19). Valid for a record that passed the validator's per-operator rules.
    /// </summary>
    public static class OperatorInputs
    {
        /// <summary>Most inputs one Concat record takes (p0 = 2..4).</summary>
        public const int ConcatMaxInputs = 4;

        /// <summary>Number of input tensors: Concat's p0, else 2 when input 1 is set, else 1.</summary>
        public static int Count(OperatorInfo op)
        {
            if (op.OpCode == OpCodes.Concat)
            {
                return op.Params[0];
            }

            return op.Input1 >= 0 ? 2 : 1;
        }

        /// <summary>Tensor index of input k (0 ≤ k &lt; Count): Input0, Input1, then a Concat's p1, p2.</summary>
        public static int At(OperatorInfo op, int k)
        {
            if (k == 0)
            {
                return op.Input0;
            }

            return k == 1 ? op.Input1 : op.Params[k - 1];
        }
    }
}
