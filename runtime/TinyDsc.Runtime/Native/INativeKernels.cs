namespace TinyDsc.Runtime.Native
{
    /// <summary>
    /// Native kernels behind one entry point: the C99 library in runtime/native (tdsc_run), reached through
    /// nanoFramework interop on a device (TinyDsc.Runtime.Native's FirmwareKernels) or through P/Invoke on the desktop
    /// (tests). They produce the managed kernels' bytes. An Interpreter given an implementation calls IsAvailable once,
    /// at construction, and runs every operator the kernels cover through Run when it returns true; otherwise it stays
    /// on the managed kernels (stock firmware without the native module).
    /// </summary>
    public interface INativeKernels
    {
        /// <summary>
        /// True when the kernels can be called and implement NativeKernelIds.Version. Called once per Interpreter.
        /// Must not throw: an absent native module (NotSupportedException from a missing InternalCall) is false.
        /// </summary>
        bool IsAvailable();

        /// <summary>
        /// tdsc_run (runtime/native/include/tinydsc/tdsc_kernels.h): runs kernel `kernel` (NativeKernelIds) with packed
        /// parameters on tensors at offsets in0, in1 (Add only) and output of arena. bias may be an empty array
        /// (no bias; reference convolution and fully connected only); weights, multiplier, shift may be empty where
        /// the kernel uses none. Returns 0, or a negative status (NativeKernelIds.Status*) without writing.
        /// </summary>
        int Run(
            int kernel,
            int[] parameters,
            sbyte[] arena,
            int in0,
            int in1,
            int output,
            sbyte[] weights,
            int[] bias,
            int[] multiplier,
            int[] shift,
            sbyte[] scratch);
    }
}
