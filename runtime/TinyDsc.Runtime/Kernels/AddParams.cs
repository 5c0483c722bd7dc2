namespace TinyDsc.Runtime.Kernels
{
    /// <summary>Parameters of the int8 Add (runtime/FORMAT.md op 3; names follow the format's p0..p6).</summary>
    public struct AddParams
    {
        /// <summary>p0, 0..30: both inputs are scaled by 2^LeftShift before their multipliers.</summary>
        public int LeftShift;
        /// <summary>p1: Q31 multiplier rescaling input 0 to the common scale.</summary>
        public int Input0Multiplier;
        /// <summary>p2: power-of-two exponent paired with Input0Multiplier, -31..30.</summary>
        public int Input0Shift;
        /// <summary>p3: Q31 multiplier rescaling input 1 to the common scale.</summary>
        public int Input1Multiplier;
        /// <summary>p4: power-of-two exponent paired with Input1Multiplier, -31..30.</summary>
        public int Input1Shift;
        /// <summary>p5: Q31 multiplier from the common scale to the output scale.</summary>
        public int OutputMultiplier;
        /// <summary>p6: power-of-two exponent paired with OutputMultiplier, -31..30.</summary>
        public int OutputShift;
        /// <summary>Zero point of input 0, -128..127.</summary>
        public int Input0ZeroPoint;
        /// <summary>Zero point of input 1, -128..127.</summary>
        public int Input1ZeroPoint;
        /// <summary>Zero point of the output, -128..127.</summary>
        public int OutputZeroPoint;
        /// <summary>Fused activation clamp, lower end, -128 ≤ ActMin ≤ ActMax.</summary>
        public int ActMin;
        /// <summary>Fused activation clamp, upper end, ActMin ≤ ActMax ≤ 127.</summary>
        public int ActMax;
    }
}
