# Toolchain file: httpc-ws for a cortex-m4 (see arm-none-eabi-cortex-m.cmake for the flags, the Rust
# target and the QEMU machine).
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m4.cmake
set(HTTPC_WS_CPU cortex-m4)
include("${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-cortex-m.cmake")
