//-----------------------------------------------------------------------------
//
//    TinyDsc.Runtime.Native.FirmwareKernels: InternalCall implementations over runtime/native (tdsc_kernels.h).
//    The arrays are the managed heap's own buffers (no copies); nanoCLR's garbage collector does not run during a
//    native call, so the pointers stay valid for the kernel's duration. tdsc_run checks every offset and extent
//    against the arrays' lengths before it reads or writes, and returns a status the managed side turns into an
//    exception; hr stays S_OK.
//
//-----------------------------------------------------------------------------

#include "TinyDsc_Runtime_Native.h"
#include "TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels.h"

#include "tinydsc/tdsc_kernels.h"

using namespace TinyDsc_Runtime_Native::TinyDsc_Runtime_Native;

signed int FirmwareKernels::NativeVersion(HRESULT &hr)
{
    (void)hr;
    return tdsc_version();
}

signed int FirmwareKernels::NativeRun(
    signed int kernel,
    CLR_RT_TypedArray_INT32 parameters,
    CLR_RT_TypedArray_INT8 arena,
    signed int in0,
    signed int in1,
    signed int output,
    CLR_RT_TypedArray_INT8 weights,
    CLR_RT_TypedArray_INT32 bias,
    CLR_RT_TypedArray_INT32 multiplier,
    CLR_RT_TypedArray_INT32 shift,
    CLR_RT_TypedArray_INT8 scratch,
    HRESULT &hr)
{
    (void)hr;
    return tdsc_run(
        kernel,
        (const int32_t *)parameters.GetBuffer(),
        (int32_t)parameters.GetSize(),
        (int8_t *)arena.GetBuffer(),
        (int32_t)arena.GetSize(),
        in0,
        in1,
        output,
        (const int8_t *)weights.GetBuffer(),
        (int32_t)weights.GetSize(),
        (const int32_t *)bias.GetBuffer(),
        (int32_t)bias.GetSize(),
        (const int32_t *)multiplier.GetBuffer(),
        (int32_t)multiplier.GetSize(),
        (const int32_t *)shift.GetBuffer(),
        (int32_t)shift.GetSize(),
        (int8_t *)scratch.GetBuffer(),
        (int32_t)scratch.GetSize());
}
