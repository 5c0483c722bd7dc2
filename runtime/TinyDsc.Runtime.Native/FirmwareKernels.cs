using System;
using System.Runtime.CompilerServices;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Runtime.Native
{
    /// <summary>
    /// The native kernels of a nanoFramework firmware image built with this interop assembly (runtime/native compiled
    /// into the firmware; see firmware-samples/README.md). Pass an instance to <c>new Interpreter(model, new FirmwareKernels())</c>:
    /// the Interpreter calls IsAvailable once and then runs its operators natively, or, on stock firmware without the
    /// module, stays on the managed kernels. Interpreter.UsesNativeKernels tells which.
    ///
    /// Interop layout: the two InternalCall methods below are implemented in Stubs/ (nanoFramework's generated-stub
    /// layout: TinyDsc_Runtime_Native.cpp holds the method table and the native checksum, the *_mshl.cpp file the
    /// marshalling, TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels.cpp the calls into tdsc_run). Changing
    /// their names or signatures, or adding methods to this type, changes the checksum and the table: update Stubs/
    /// (tests/TinyDsc.Native.Tests/InteropStubTests checks both against this assembly).
    /// </summary>
    public sealed class FirmwareKernels : INativeKernels
    {
        /// <summary>
        /// True when the firmware has the native module and it implements NativeKernelIds.Version. On firmware without
        /// it nanoCLR finds no native code for NativeVersion and throws NotSupportedException at the call; any exception
        /// counts as absent.
        /// </summary>
        public bool IsAvailable()
        {
            try
            {
                return NativeVersion() == NativeKernelIds.Version;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>tdsc_run on the firmware's native kernels (INativeKernels.Run).</summary>
        public int Run(
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
            sbyte[] scratch)
        {
            return NativeRun(kernel, parameters, arena, in0, in1, output, weights, bias, multiplier, shift, scratch);
        }

        /// <summary>tdsc_version(): TDSC_VERSION of the kernels compiled into the firmware.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeVersion();

        /// <summary>tdsc_run over the arrays' buffers and lengths; every array must be non-null (empty = absent).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeRun(
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
