# A vendor-style toolchain file (nothing in it knows httpc-ws): Cortex-M4 with its FPU used
# through the softfp ABI (floats passed in integer registers), the flags given as compile and link
# options of the directory.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CPU_FLAGS -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=softfp)
add_compile_options(${CPU_FLAGS} -ffunction-sections -fdata-sections)
add_link_options(${CPU_FLAGS} --specs=nano.specs -Wl,--gc-sections)
