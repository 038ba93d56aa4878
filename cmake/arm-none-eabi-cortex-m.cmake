# Cross build of httpc-ws for a Cortex-M core with the GNU Arm Embedded toolchain (arm-none-eabi-gcc,
# Debian package gcc-arm-none-eabi). Included by the per-core files beside it, which set HTTPC_WS_CPU:
#
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m4.cmake   # M4F
#   cmake -S . -B build-m3 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m3.cmake   # M3
#   cmake -S . -B build-m0 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m0.cmake   # M0 / M0+
#
# or this file directly with -DHTTPC_WS_CPU=cortex-m4|cortex-m3|cortex-m0|cortex-m0plus.
#
# It only chooses the C flags per core. The Rust target of the library is derived from the
# compiler these flags configure (CMakeLists.txt, cmake/HttpcWsRustTarget.cmake), as it is for any
# other toolchain file; so is the QEMU machine of the test firmware (tests/firmware):
#
#   core            C flags                                             -> Rust target           QEMU
#   cortex-m4       -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16  thumbv7em-none-eabihf  mps2-an386
#   cortex-m3       -mcpu=cortex-m3 -mfloat-abi=soft                    thumbv7m-none-eabi     mps2-an385
#   cortex-m0(plus) -mcpu=cortex-m0(plus) -mfloat-abi=soft              thumbv6m-none-eabi     mps2-an385 (*)
#
# The float ABI must match the Rust target's: thumbv7em-none-eabihf passes floats in VFP registers
# and assumes the single-precision FPv4 unit (+vfp4d16sp), so the C side must be built with
# -mfloat-abi=hard -mfpu=fpv4-sp-d16; the linker refuses to mix the two ABIs ("uses VFP register
# arguments"). The other two targets are soft-float. Deriving the target from the compiler keeps
# the two in step.
# (*) QEMU 7.2 models no Cortex-M0 board with a CMSDK UART; the M0 image (ARMv6-M code only) runs on
# the Cortex-M3 of mps2-an385, which executes every ARMv6-M instruction.

if(NOT DEFINED HTTPC_WS_CPU OR HTTPC_WS_CPU STREQUAL "")
    set(HTTPC_WS_CPU cortex-m4)
endif()

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
# No executable can be linked before a firmware provides its start-up code and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(HTTPC_WS_CPU STREQUAL "cortex-m4")
    set(_httpc_ws_cpu_flags "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(HTTPC_WS_CPU STREQUAL "cortex-m3")
    set(_httpc_ws_cpu_flags "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
elseif(HTTPC_WS_CPU STREQUAL "cortex-m0" OR HTTPC_WS_CPU STREQUAL "cortex-m0plus")
    set(_httpc_ws_cpu_flags "-mcpu=${HTTPC_WS_CPU} -mthumb -mfloat-abi=soft")
else()
    message(FATAL_ERROR "arm-none-eabi-cortex-m.cmake: unknown HTTPC_WS_CPU '${HTTPC_WS_CPU}' "
                        "(cortex-m4, cortex-m3, cortex-m0, cortex-m0plus)")
endif()

set(CMAKE_C_FLAGS_INIT "${_httpc_ws_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_httpc_ws_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_httpc_ws_cpu_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_httpc_ws_cpu_flags} -Wl,--gc-sections")

set(HTTPC_WS_CPU "${HTTPC_WS_CPU}" CACHE STRING "Cortex-M core of the cross build" FORCE)
set(HTTPC_WS_CPU_FLAGS "${_httpc_ws_cpu_flags}" CACHE STRING "Core flags of the cross build" FORCE)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
