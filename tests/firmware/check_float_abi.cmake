# cmake -DREADELF=... -DELF=... -DWANT="VFP registers"|"" -P check_float_abi.cmake
# Checks Tag_ABI_VFP_args of the linked firmware: "VFP registers" for a hard-float build
# (thumbv7em-none-eabihf + -mfloat-abi=hard), absent (base/soft ABI) otherwise.
execute_process(COMMAND "${READELF}" -A "${ELF}" OUTPUT_VARIABLE attrs RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${READELF} -A ${ELF} failed")
endif()
string(REGEX MATCH "Tag_ABI_VFP_args: [^\n]*" tag "${attrs}")
string(REGEX MATCH "Tag_FP_arch: [^\n]*" fp "${attrs}")
message(STATUS "${ELF}: ${tag} ${fp}")
if(WANT STREQUAL "")
    if(tag MATCHES "VFP registers")
        message(FATAL_ERROR "soft-float build links hard-float code: ${tag}")
    endif()
elseif(NOT tag MATCHES "${WANT}")
    message(FATAL_ERROR "expected Tag_ABI_VFP_args: ${WANT}, got '${tag}'")
endif()
