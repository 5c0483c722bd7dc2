//-----------------------------------------------------------------------------
//
//    TinyDsc.Runtime.Native: the native method table nanoCLR binds to the assembly of that name.
//
//    method_lookup has one entry per method of the assembly, in the .pe's method order (per type: virtual methods,
//    then other instance methods, then static methods, each in declaration order): FirmwareKernels.IsAvailable, .Run,
//    .ctor (managed: nullptr), NativeVersion, NativeRun. The checksum is MetadataProcessor's native-methods CRC of
//    those signatures; nanoCLR refuses to load a TinyDsc.Runtime.Native.pe whose header carries another one.
//    tests/TinyDsc.Native.Tests/InteropStubTests recomputes both from the built assembly.
//
//-----------------------------------------------------------------------------

#include "TinyDsc_Runtime_Native.h"

// clang-format off

static const CLR_RT_MethodHandler method_lookup[] =
{
    nullptr,
    nullptr,
    nullptr,
    Library_TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels::NativeVersion___STATIC__I4,
    Library_TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels::NativeRun___STATIC__I4__I4__SZARRAY_I4__SZARRAY_I1__I4__I4__I4__SZARRAY_I1__SZARRAY_I4__SZARRAY_I4__SZARRAY_I4__SZARRAY_I1,
};

const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_TinyDsc_Runtime_Native =
{
    "TinyDsc.Runtime.Native",
    0x34D0836C,
    method_lookup,
    { 1, 0, 0, 0 }
};

// clang-format on
