# HttpcWsRustTarget.cmake: which Rust target matches a C compiler, read from the compiler's own
# predefined macros (`cc $CFLAGS -dM -E` on an empty file), so that any toolchain file works: ours,
# a vendor's, an IDE's. Used by httpc-ws's CMakeLists.txt (which target cargo builds) and installed
# beside the package configuration (which installed build a consumer's compiler may link).
#
#   httpc_ws_c_core(<prefix>)
#     Reads the C compiler of the current project (CMAKE_C_COMPILER, CMAKE_C_COMPILER_TARGET,
#     CMAKE_C_FLAGS and the directory's COMPILE_OPTIONS) and sets, in the caller's scope:
#       <prefix>_KNOWN        TRUE when the macros could be read (GNU, Clang, ARMClang)
#       <prefix>_CORTEX_M     TRUE for an ARM M-profile core
#       <prefix>_TRIPLE       its Rust target ("" when not Cortex-M)
#       <prefix>_COMPATIBLE   every Rust target whose code runs on that core with the same float
#                             ABI, the preferred one first
#       <prefix>_DESCRIPTION  e.g. "ARMv7E-M (Cortex-M4/M7), hard-float ABI"
#
#   core (macros)                                   float ABI (macros)          Rust target
#   ARMv6-M  M0/M0+/M1 (__ARM_ARCH_6M__)            soft                        thumbv6m-none-eabi
#   ARMv7-M  M3 (__ARM_ARCH_7M__)                   soft                        thumbv7m-none-eabi
#   ARMv7E-M M4/M7 (__ARM_ARCH_7EM__)               soft or softfp (no          thumbv7em-none-eabi
#                                                   __ARM_PCS_VFP)
#                                                   hard (__ARM_PCS_VFP)        thumbv7em-none-eabihf
#   ARMv8-M baseline M23 (__ARM_ARCH_8M_BASE__)     soft                        thumbv8m.base-none-eabi
#   ARMv8-M mainline M33/M35P/M55/M85               soft or softfp              thumbv8m.main-none-eabi
#     (__ARM_ARCH_8M_MAIN__, __ARM_ARCH_8_1M_MAIN__) hard                       thumbv8m.main-none-eabihf
#
# softfp passes floats in integer registers, as soft does: the library (which uses no floating
# point) links with either. A hard-float target needs the single-precision FPU the Rust target
# assumes (__ARM_FP bit 2: FPv4-SP on v7E-M, FPv5/fp-armv8 on v8-M).
#
# SPDX-License-Identifier: Apache-2.0

include_guard(GLOBAL)

function(httpc_ws_c_core prefix)
    set(known FALSE)
    set(cortex_m FALSE)
    set(triple "")
    set(compatible "")
    set(description "")

    if(CMAKE_C_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang|ARMClang)$")
        set(cmd "${CMAKE_C_COMPILER}")
        if(CMAKE_C_COMPILER_ARG1)
            separate_arguments(arg1 NATIVE_COMMAND "${CMAKE_C_COMPILER_ARG1}")
            list(APPEND cmd ${arg1})
        endif()
        if(CMAKE_C_COMPILER_TARGET AND CMAKE_C_COMPILE_OPTIONS_TARGET)
            list(APPEND cmd "${CMAKE_C_COMPILE_OPTIONS_TARGET}${CMAKE_C_COMPILER_TARGET}")
        endif()
        separate_arguments(flags NATIVE_COMMAND "${CMAKE_C_FLAGS}")
        list(APPEND cmd ${flags})
        # add_compile_options() of the enclosing projects (generator expressions left out).
        get_directory_property(dir_options COMPILE_OPTIONS)
        foreach(option IN LISTS dir_options)
            if(NOT option MATCHES "\\$<")
                list(APPEND cmd "${option}")
            endif()
        endforeach()
        set(empty "${CMAKE_BINARY_DIR}${CMAKE_FILES_DIRECTORY}/httpc_ws_macros.c")
        if(NOT EXISTS "${empty}")
            file(WRITE "${empty}" "")
        endif()
        execute_process(COMMAND ${cmd} -dM -E "${empty}"
                        OUTPUT_VARIABLE macros ERROR_VARIABLE error RESULT_VARIABLE rc)
        if(rc EQUAL 0)
            set(known TRUE)
        else()
            message(WARNING "httpc-ws: could not read the predefined macros of the C compiler "
                            "(${cmd} -dM -E): ${error}")
        endif()
    endif()

    if(known AND macros MATCHES "#define __ARM_ARCH_PROFILE (77|'M')")
        set(cortex_m TRUE)
        set(hard FALSE)
        set(abi "soft-float ABI")
        if(macros MATCHES "#define __ARM_PCS_VFP ")
            set(hard TRUE)
            set(abi "hard-float ABI")
            set(fp 0)
            if(macros MATCHES "#define __ARM_FP ([0-9a-fA-Fx]+)")
                math(EXPR fp "${CMAKE_MATCH_1}")
            endif()
            math(EXPR single "${fp} & 4")
            if(single EQUAL 0)
                message(FATAL_ERROR "httpc-ws: the C compiler uses the hard-float ABI without a "
                    "single-precision FPU (__ARM_FP=${fp}); no Rust target matches. Use "
                    "-mfloat-abi=softfp or soft, or give HTTPC_WS_RUST_TARGET.")
            endif()
        elseif(macros MATCHES "#define __ARM_FP ")
            set(abi "softfp ABI (FPU, floats in integer registers)")
        endif()

        if(macros MATCHES "#define __ARM_ARCH_6M__ ")
            set(description "ARMv6-M (Cortex-M0/M0+/M1)")
            set(compatible thumbv6m-none-eabi)
        elseif(macros MATCHES "#define __ARM_ARCH_7M__ ")
            set(description "ARMv7-M (Cortex-M3)")
            set(compatible thumbv7m-none-eabi thumbv6m-none-eabi)
        elseif(macros MATCHES "#define __ARM_ARCH_7EM__ ")
            set(description "ARMv7E-M (Cortex-M4/M7)")
            if(hard)
                set(compatible thumbv7em-none-eabihf)
            else()
                set(compatible thumbv7em-none-eabi thumbv7m-none-eabi thumbv6m-none-eabi)
            endif()
        elseif(macros MATCHES "#define __ARM_ARCH_8M_BASE__ ")
            set(description "ARMv8-M baseline (Cortex-M23)")
            set(compatible thumbv8m.base-none-eabi thumbv6m-none-eabi)
        elseif(macros MATCHES "#define __ARM_ARCH_8(_1)?M_MAIN__ ")
            set(description "ARMv8-M mainline (Cortex-M33/M35P/M55/M85)")
            if(hard)
                set(compatible thumbv8m.main-none-eabihf)
            else()
                set(compatible thumbv8m.main-none-eabi thumbv8m.base-none-eabi thumbv7m-none-eabi
                               thumbv6m-none-eabi)
            endif()
        else()
            string(REGEX MATCH "#define __ARM_ARCH ([0-9]+)" arch "${macros}")
            message(FATAL_ERROR "httpc-ws: the C compiler targets an M-profile core this file does "
                "not know (${arch}); give HTTPC_WS_RUST_TARGET (a thumbv*-none-eabi* target)")
        endif()
        list(GET compatible 0 triple)
        string(APPEND description ", ${abi}")
    elseif(known)
        set(description "not a Cortex-M core")
    else()
        set(description "unknown (the C compiler's macros could not be read)")
    endif()

    set(${prefix}_KNOWN "${known}" PARENT_SCOPE)
    set(${prefix}_CORTEX_M "${cortex_m}" PARENT_SCOPE)
    set(${prefix}_TRIPLE "${triple}" PARENT_SCOPE)
    set(${prefix}_COMPATIBLE "${compatible}" PARENT_SCOPE)
    set(${prefix}_DESCRIPTION "${description}" PARENT_SCOPE)
endfunction()
