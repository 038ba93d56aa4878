# A vendor-style toolchain file (nothing in it knows httpc-ws): Cortex-M33 with its FPU,
# hard-float ABI, the flags forced into the cache.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS "--specs=nano.specs -Wl,--gc-sections" CACHE STRING "" FORCE)
