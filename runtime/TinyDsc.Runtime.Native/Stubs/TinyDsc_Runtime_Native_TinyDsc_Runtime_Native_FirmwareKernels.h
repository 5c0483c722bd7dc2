//-----------------------------------------------------------------------------
//
//    TinyDsc.Runtime.Native.FirmwareKernels: the functions the marshalling code calls (the interop developer's part
//    of nanoFramework's stub layout), implemented in TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels.cpp.
//
//-----------------------------------------------------------------------------

#ifndef TINYDSC_RUNTIME_NATIVE_TINYDSC_RUNTIME_NATIVE_FIRMWAREKERNELS_H
#define TINYDSC_RUNTIME_NATIVE_TINYDSC_RUNTIME_NATIVE_FIRMWAREKERNELS_H

namespace TinyDsc_Runtime_Native
{
    namespace TinyDsc_Runtime_Native
    {
        struct FirmwareKernels
        {
            static signed int NativeVersion(HRESULT &hr);

            static signed int NativeRun(
                signed int param0,
                CLR_RT_TypedArray_INT32 param1,
                CLR_RT_TypedArray_INT8 param2,
                signed int param3,
                signed int param4,
                signed int param5,
                CLR_RT_TypedArray_INT8 param6,
                CLR_RT_TypedArray_INT32 param7,
                CLR_RT_TypedArray_INT32 param8,
                CLR_RT_TypedArray_INT32 param9,
                CLR_RT_TypedArray_INT8 param10,
                HRESULT &hr);
        };
    }
}

#endif
