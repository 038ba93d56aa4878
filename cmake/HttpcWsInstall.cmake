# HttpcWsInstall.cmake: the install rules of httpc-ws (included by CMakeLists.txt when
# HTTPC_WS_INSTALL is on). One prefix holds builds for several Rust targets side by side:
#
#   include/httpc_ws/                          http-c.h, http-c_websock.h (and Client/Source/
#                                              forwarding to them), the ports' headers
#   lib/httpc_ws/<triple>/                     libhttpc_ws.a, the ports' archives
#   lib/cmake/httpc_ws/httpc_wsConfig.cmake    picks the build that matches the consumer's C
#                                              compiler (core and float ABI), refuses a mismatch
#   lib/cmake/httpc_ws/<triple>/               that build's facts and imported targets
#   lib/pkgconfig/httpc_ws-<triple>.pc         pkg-config, per target (and httpc_ws.pc,
#                                              httpc_ws_port_posix.pc for the host build)
#   share/httpc_ws/ports/<port>/               sources of the ports a consumer compiles itself
#
# The files outside the <triple> directories are the same for every target of one version.

include(CMakePackageConfigHelpers)

set(_triple "${HTTPC_WS_RUST_TRIPLE}")
set(HTTPC_WS_INSTALL_LIBDIR "${CMAKE_INSTALL_LIBDIR}/httpc_ws/${_triple}")
set(HTTPC_WS_INSTALL_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}/httpc_ws")
set(HTTPC_WS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/httpc_ws")
set(HTTPC_WS_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/httpc_ws")

install(FILES "${HTTPC_WS_LIBRARY}" DESTINATION "${HTTPC_WS_INSTALL_LIBDIR}")
install(FILES "${HTTPC_WS_INCLUDE_DIR}/http-c.h" "${HTTPC_WS_INCLUDE_DIR}/http-c_websock.h"
        DESTINATION "${HTTPC_WS_INSTALL_INCLUDEDIR}")
# The legacy include path (<Client/Source/http-c.h>), forwarding to the two above; the legacy
# client's internal headers there stop a build that includes them with an #error.
file(GLOB _httpc_ws_legacy_path_headers "${HTTPC_WS_INCLUDE_DIR}/Client/Source/*.h")
install(FILES ${_httpc_ws_legacy_path_headers}
        DESTINATION "${HTTPC_WS_INSTALL_INCLUDEDIR}/Client/Source")

# Ports: exported targets (httpc_ws::port_*), their headers and, for the ones the consumer
# compiles (INTERFACE libraries), their sources.
get_property(_ports GLOBAL PROPERTY HTTPC_WS_PORTS)
set(HTTPC_WS_INSTALL_NEEDS_THREADS FALSE)
foreach(_port IN LISTS _ports)
    get_target_property(_name ${_port} EXPORT_NAME)
    get_target_property(_headers ${_port} HTTPC_WS_PORT_HEADERS)
    get_target_property(_sources ${_port} HTTPC_WS_PORT_SOURCES)
    get_target_property(_links ${_port} INTERFACE_LINK_LIBRARIES)
    if(_links MATCHES "Threads::Threads")
        set(HTTPC_WS_INSTALL_NEEDS_THREADS TRUE)
    endif()
    install(TARGETS ${_port} EXPORT httpc_ws_ports
            ARCHIVE DESTINATION "${HTTPC_WS_INSTALL_LIBDIR}"
            PUBLIC_HEADER DESTINATION "${HTTPC_WS_INSTALL_INCLUDEDIR}")
    set(_files "")
    foreach(_h IN LISTS _headers)
        if(NOT IS_ABSOLUTE "${_h}")
            get_target_property(_dir ${_port} SOURCE_DIR)
            set(_h "${_dir}/${_h}")
        endif()
        list(APPEND _files "${_h}")
    endforeach()
    if(_files)
        install(FILES ${_files} DESTINATION "${HTTPC_WS_INSTALL_INCLUDEDIR}")
    endif()
    if(_sources)
        install(FILES ${_sources} DESTINATION "${HTTPC_WS_INSTALL_DATADIR}/ports/${_name}")
    endif()
endforeach()
if(_ports)
    install(EXPORT httpc_ws_ports NAMESPACE httpc_ws::
            DESTINATION "${HTTPC_WS_INSTALL_CMAKEDIR}/${_triple}" FILE httpc_ws-ports.cmake)
endif()

# Per-target files: the build's facts (read by httpc_wsConfig.cmake to choose) and its targets.
if(HTTPC_WS_RUST_TARGET MATCHES "-none")
    set(HTTPC_WS_INSTALL_CORTEX_M TRUE)
else()
    set(HTTPC_WS_INSTALL_CORTEX_M FALSE)
endif()
file(RELATIVE_PATH HTTPC_WS_INSTALL_TO_PREFIX "/prefix/${HTTPC_WS_INSTALL_CMAKEDIR}/${_triple}" "/prefix")
set(_gen "${CMAKE_CURRENT_BINARY_DIR}/httpc_ws_install")
configure_file("${CMAKE_CURRENT_LIST_DIR}/httpc_ws-info.cmake.in" "${_gen}/httpc_ws-info.cmake" @ONLY)
configure_file("${CMAKE_CURRENT_LIST_DIR}/httpc_ws-targets.cmake.in" "${_gen}/httpc_ws-targets.cmake" @ONLY)
install(FILES "${_gen}/httpc_ws-info.cmake" "${_gen}/httpc_ws-targets.cmake"
        DESTINATION "${HTTPC_WS_INSTALL_CMAKEDIR}/${_triple}")

# The package configuration, its version (any architecture: the configuration itself checks the
# target), and the core detection it shares with CMakeLists.txt.
configure_package_config_file(
    "${CMAKE_CURRENT_LIST_DIR}/httpc_wsConfig.cmake.in" "${_gen}/httpc_wsConfig.cmake"
    INSTALL_DESTINATION "${HTTPC_WS_INSTALL_CMAKEDIR}")
function(_httpc_ws_version_file file)
    set(CMAKE_SIZEOF_VOID_P "") # byte-identical whichever target writes it
    write_basic_package_version_file("${file}"
        VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
endfunction()
_httpc_ws_version_file("${_gen}/httpc_wsConfigVersion.cmake")
install(FILES "${_gen}/httpc_wsConfig.cmake" "${_gen}/httpc_wsConfigVersion.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/HttpcWsRustTarget.cmake"
        DESTINATION "${HTTPC_WS_INSTALL_CMAKEDIR}")

# pkg-config. prefix is relative to the .pc file (${pcfiledir}), so that the file stays right
# when the prefix is only chosen at install time (cmake --install build --prefix DIR). The
# system libraries a hosted Rust staticlib needs go to Libs.private (pkg-config --static).
set(_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${_pc_dir}")
    set(HTTPC_WS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
    file(RELATIVE_PATH _pc_to_prefix "/prefix/${_pc_dir}" "/prefix")
    string(REGEX REPLACE "/$" "" _pc_to_prefix "${_pc_to_prefix}")
    set(HTTPC_WS_PC_PREFIX "\${pcfiledir}/${_pc_to_prefix}")
endif()
if(IS_ABSOLUTE "${HTTPC_WS_INSTALL_LIBDIR}")
    set(HTTPC_WS_PC_LIBDIR "${HTTPC_WS_INSTALL_LIBDIR}")
else()
    set(HTTPC_WS_PC_LIBDIR "\${prefix}/${HTTPC_WS_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${HTTPC_WS_INSTALL_INCLUDEDIR}")
    set(HTTPC_WS_PC_INCLUDEDIR "${HTTPC_WS_INSTALL_INCLUDEDIR}")
else()
    set(HTTPC_WS_PC_INCLUDEDIR "\${prefix}/${HTTPC_WS_INSTALL_INCLUDEDIR}")
endif()
string(REPLACE ";" " " HTTPC_WS_PC_PRIVATE_LIBS "${HTTPC_WS_NATIVE_LIBS}")
set(HTTPC_WS_PC_CFLAGS "")
foreach(_d IN LISTS HTTPC_WS_BUILT_DEFINES)
    string(APPEND HTTPC_WS_PC_CFLAGS " -D${_d}")
endforeach()
set(HTTPC_WS_PC_NAME "httpc_ws-${_triple}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/httpc_ws.pc.in" "${_gen}/${HTTPC_WS_PC_NAME}.pc" @ONLY)
install(FILES "${_gen}/${HTTPC_WS_PC_NAME}.pc" DESTINATION "${_pc_dir}")
if(HTTPC_WS_RUST_TARGET STREQUAL "")
    # The host build is also plain httpc_ws (and its POSIX port).
    set(HTTPC_WS_PC_NAME httpc_ws)
    configure_file("${CMAKE_CURRENT_LIST_DIR}/httpc_ws.pc.in" "${_gen}/httpc_ws.pc" @ONLY)
    install(FILES "${_gen}/httpc_ws.pc" DESTINATION "${_pc_dir}")
    if(TARGET httpc_ws_port_posix)
        configure_file("${CMAKE_CURRENT_LIST_DIR}/httpc_ws_port_posix.pc.in"
                       "${_gen}/httpc_ws_port_posix.pc" @ONLY)
        install(FILES "${_gen}/httpc_ws_port_posix.pc" DESTINATION "${_pc_dir}")
    endif()
endif()
