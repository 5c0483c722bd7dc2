//-----------------------------------------------------------------------------
//
//    TinyDsc.Runtime.Native: nanoFramework interop declarations, in the layout MetadataProcessor's stub generator
//    uses (one Library_<assembly>_<namespace>_<type> struct per type with native methods, one handler per
//    InternalCall method, named <method>___<STATIC__><return>__<parameters>).
//
//-----------------------------------------------------------------------------

#ifndef TINYDSC_RUNTIME_NATIVE_H
#define TINYDSC_RUNTIME_NATIVE_H

#include <nanoCLR_Interop.h>
#include <nanoCLR_Runtime.h>
#include <nanoPackStruct.h>

struct Library_TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels
{
    NANOCLR_NATIVE_DECLARE(NativeVersion___STATIC__I4);
    NANOCLR_NATIVE_DECLARE(NativeRun___STATIC__I4__I4__SZARRAY_I4__SZARRAY_I1__I4__I4__I4__SZARRAY_I1__SZARRAY_I4__SZARRAY_I4__SZARRAY_I4__SZARRAY_I1);

    //--//
};

extern const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_TinyDsc_Runtime_Native;

#endif // TINYDSC_RUNTIME_NATIVE_H
