#
# nf-interpreter CMake module for the TinyDsc.Runtime.Native interop assembly.
# Install: copy this file to <nf-interpreter>/CMake/Modules/, copy this Stubs folder to
# <nf-interpreter>/InteropAssemblies/TinyDsc.Runtime.Native/, and point TINYDSC_NATIVE_DIR at the repository's
# runtime/native folder (default: runtime/native of a TinyDsc checkout beside nf-interpreter), then configure with
# -DNF_INTEROP_ASSEMBLIES="TinyDsc.Runtime.Native" (see firmware-samples/README.md).
#

set(BASE_PATH_FOR_THIS_MODULE ${PROJECT_SOURCE_DIR}/InteropAssemblies/TinyDsc.Runtime.Native)
if(NOT TINYDSC_NATIVE_DIR)
    set(TINYDSC_NATIVE_DIR ${PROJECT_SOURCE_DIR}/../TinyDsc/runtime/native)
endif()

list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Core)
list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/HAL/Include)
list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/PAL/Include)
list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${BASE_PATH_FOR_THIS_MODULE})
list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${TINYDSC_NATIVE_DIR}/include)
list(APPEND TinyDsc.Runtime.Native_INCLUDE_DIRS ${TINYDSC_NATIVE_DIR}/src)

set(TinyDsc.Runtime.Native_SRCS
    TinyDsc_Runtime_Native.cpp
    TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels_mshl.cpp
    TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels.cpp
    # runtime/native: the kernels themselves (C99)
    tdsc_common.c
    tdsc_depthwise_conv_3x3.c
    tdsc_depthwise_conv_3x3_multiplier.c
    tdsc_depthwise_conv.c
    tdsc_pointwise_conv.c
    tdsc_conv2d_dense.c
    tdsc_conv2d_reference.c
    tdsc_fully_connected.c
    tdsc_add.c
    tdsc_average_pool.c
    tdsc_max_pool.c
    tdsc_global_average_pool.c
    tdsc_lookup.c
    tdsc_mul.c
    tdsc_run.c
)

foreach(SRC_FILE ${TinyDsc.Runtime.Native_SRCS})
    set(TinyDsc.Runtime.Native_SRC_FILE SRC_FILE-NOTFOUND)
    find_file(TinyDsc.Runtime.Native_SRC_FILE ${SRC_FILE}
        PATHS
            ${BASE_PATH_FOR_THIS_MODULE}
            ${TINYDSC_NATIVE_DIR}/src
        CMAKE_FIND_ROOT_PATH_BOTH
    )
    list(APPEND TinyDsc.Runtime.Native_SOURCES ${TinyDsc.Runtime.Native_SRC_FILE})
endforeach()

include(FindPackageHandleStandardArgs)

FIND_PACKAGE_HANDLE_STANDARD_ARGS(TinyDsc.Runtime.Native DEFAULT_MSG TinyDsc.Runtime.Native_INCLUDE_DIRS TinyDsc.Runtime.Native_SOURCES)
