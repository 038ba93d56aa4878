# micrium.cmake: where the real Micrium sources are, and the include paths of a legacy project
# built against them. Included by tests/micrium/CMakeLists.txt and tests/c/CMakeLists.txt.
#
#   MICRIUM_DIR                        cache path; default $ENV{MICRIUM_DIR}, else
#                                      <source>/../shared/micrium. Test data only: the sources
#                                      are never copied into this repository.
#   HTTPC_WS_MICRIUM_WITH              command prefix that runs a test only when they are there
#                                      (with_micrium.sh: exit 77, skipped, otherwise)
#   httpc_ws_micrium_includes(OUT PORT)
#                                      OUT = the -I flags, PORT = the uC/CPU port directory
#                                      (POSIX/GNU, ARM-Cortex-M/ARMv6-M/GNU, ...)

get_filename_component(_httpc_ws_micrium_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

if(DEFINED ENV{MICRIUM_DIR})
    set(_httpc_ws_micrium_default "$ENV{MICRIUM_DIR}")
else()
    get_filename_component(_httpc_ws_micrium_default "${_httpc_ws_micrium_root}/../shared/micrium"
                           ABSOLUTE)
endif()
set(MICRIUM_DIR "${_httpc_ws_micrium_default}" CACHE PATH
    "Real Micrium sources (uC-CPU, uC-LIB, uC-Common, uC-TCP-IP, uC-HTTP) for the tests")

find_program(HTTPC_WS_SH sh)
set(HTTPC_WS_MICRIUM_WITH "${HTTPC_WS_SH}" "${CMAKE_CURRENT_LIST_DIR}/with_micrium.sh"
    "${MICRIUM_DIR}")

# The project's own app_cfg.h and cpu_cfg.h (tests/micrium), Micrium's templates for lib_cfg.h,
# net_cfg.h and http-c_cfg.h, the stacks' roots (<Source/...>, <Common/http.h>, <KAL/kal.h>),
# and httpc-ws's include/ in place of uC-HTTP/Client/Source.
function(httpc_ws_micrium_includes out port)
    set(m "${MICRIUM_DIR}")
    set(${out}
        "-I${_httpc_ws_micrium_root}/tests/micrium"
        "-I${m}/uC-CPU" "-I${m}/uC-CPU/${port}"
        "-I${m}/uC-LIB" "-I${m}/uC-LIB/Cfg/Template"
        "-I${m}/uC-Common"
        "-I${m}/uC-TCP-IP" "-I${m}/uC-TCP-IP/Cfg/Template"
        "-I${m}/uC-HTTP" "-I${m}/uC-HTTP/Client/Cfg/Template"
        "-I${_httpc_ws_micrium_root}/include"
        PARENT_SCOPE)
endfunction()
