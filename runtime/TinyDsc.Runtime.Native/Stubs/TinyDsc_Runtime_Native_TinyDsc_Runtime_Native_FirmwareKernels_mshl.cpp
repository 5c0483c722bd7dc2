//-----------------------------------------------------------------------------
//
//    TinyDsc.Runtime.Native.FirmwareKernels: marshalling from the managed stack frame to the functions of
//    TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels.h (argument i of a static method is ArgN(i)).
//    A null array argument fails in Interop_Marshal_*_ARRAY with a NullReferenceException: the managed side passes
//    empty arrays instead.
//
//-----------------------------------------------------------------------------

#include "TinyDsc_Runtime_Native.h"
#include "TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels.h"

using namespace TinyDsc_Runtime_Native::TinyDsc_Runtime_Native;

HRESULT Library_TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels::NativeVersion___STATIC__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    hr = S_OK;
    {
        signed int retValue = FirmwareKernels::NativeVersion(hr);
        NANOCLR_CHECK_HRESULT(hr);
        SetResult_INT32(stack, retValue);
    }
    NANOCLR_NOCLEANUP();
}

HRESULT Library_TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels::NativeRun___STATIC__I4__I4__SZARRAY_I4__SZARRAY_I1__I4__I4__I4__SZARRAY_I1__SZARRAY_I4__SZARRAY_I4__SZARRAY_I4__SZARRAY_I1(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    hr = S_OK;
    {
        signed int param0;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 0, param0));
        CLR_RT_TypedArray_INT32 param1;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32_ARRAY(stack, 1, param1));
        CLR_RT_TypedArray_INT8 param2;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT8_ARRAY(stack, 2, param2));
        signed int param3;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 3, param3));
        signed int param4;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 4, param4));
        signed int param5;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 5, param5));
        CLR_RT_TypedArray_INT8 param6;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT8_ARRAY(stack, 6, param6));
        CLR_RT_TypedArray_INT32 param7;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32_ARRAY(stack, 7, param7));
        CLR_RT_TypedArray_INT32 param8;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32_ARRAY(stack, 8, param8));
        CLR_RT_TypedArray_INT32 param9;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32_ARRAY(stack, 9, param9));
        CLR_RT_TypedArray_INT8 param10;
        NANOCLR_CHECK_HRESULT(Interop_Marshal_INT8_ARRAY(stack, 10, param10));

        signed int retValue = FirmwareKernels::NativeRun(
            param0, param1, param2, param3, param4, param5, param6, param7, param8, param9, param10, hr);
        NANOCLR_CHECK_HRESULT(hr);
        SetResult_INT32(stack, retValue);
    }
    NANOCLR_NOCLEANUP();
}
