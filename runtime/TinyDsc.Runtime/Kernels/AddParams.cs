namespace TinyDsc.Runtime.Kernels
{
    /// <summary>Parameters of the int8 Add (runtime/FORMAT.md op 3; names follow the format's p0..p6).</summary>
    public struct AddParams
    {
        /// <summary>p0, 0..30: both inputs are scaled by 2^LeftShift before their multipliers.</summary>
        public int LeftShift;
        public int Input0Multiplier;
        public int Input0Shift;
        public int Input1Multiplier;
        public int Input1Shift;
        public int OutputMultiplier;
        public int OutputShift;
        public int Input0ZeroPoint;
        public int Input1ZeroPoint;
        public int OutputZeroPoint;
        public int ActMin;
        public int ActMax;
    }
}
