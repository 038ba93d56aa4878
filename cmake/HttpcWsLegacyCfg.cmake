# The legacy compile-time configuration (http-c_cfg.h) as CMake options, mapped onto the
# library's cargo features (Cargo.toml; docs/MIGRATION.md, "The http-c_cfg.h switches").
#
#   HTTPC_WS_CFG_HEADER            the application's http-c_cfg.h: when given, every switch
#                                  below is read from its #define (DEF_ENABLED / DEF_DISABLED)
#   HTTPC_WS_CFG_MODE_BLOCK_EN     -> feature blocking
#   HTTPC_WS_CFG_MODE_ASYNC_TASK_EN -> feature task (the engine task)
#   HTTPC_WS_CFG_HDR_RX_EN         -> feature hdr-rx
#   HTTPC_WS_CFG_HDR_TX_EN         -> feature hdr-tx
#   HTTPC_WS_CFG_QUERY_STR_EN      -> feature query-str
#   HTTPC_WS_CFG_PERSISTENT_EN     -> feature persistent
#   HTTPC_WS_CFG_WEBSOCKET_EN      -> feature websocket (the WebSocket client)
#   HTTPC_WS_CFG_CHUNK_TX_EN       -> feature chunk-tx (plain requests, chunked bodies)
#   HTTPC_WS_CFG_FORM_EN           -> feature form (plain requests, forms)
#   HTTPC_WS_CFG_HTTP_EN           -> feature http (plain requests: HTTPc_ReqSend). Not a legacy
#                                  switch (legacy always builds HTTPc_ReqSend); a header may
#                                  still define HTTPc_CFG_HTTP_EN DEF_DISABLED for a
#                                  WebSocket-only build: CHUNK_TX and FORM (plain-request parts,
#                                  on in Micrium's template) are then left out with it
#
# All are ON by default (the library's default features, the whole legacy client as Micrium's
# template configures it); when one is OFF the library is built with --no-default-features and
# the features of the switches that are ON (plus HTTPC_WS_CARGO_FEATURES). Output:
# HTTPC_WS_LEGACY_CFG_NO_DEFAULT (bool) and HTTPC_WS_LEGACY_CFG_FEATURES (list, for
# --no-default-features).

set(HTTPC_WS_CFG_HEADER "" CACHE FILEPATH
    "The application's http-c_cfg.h: its HTTPc_CFG_*_EN switches pick the library's features")

set(_httpc_ws_switches
    MODE_BLOCK_EN blocking
    MODE_ASYNC_TASK_EN task
    HDR_RX_EN hdr-rx
    HDR_TX_EN hdr-tx
    QUERY_STR_EN query-str
    PERSISTENT_EN persistent
    WEBSOCKET_EN websocket
    CHUNK_TX_EN chunk-tx
    FORM_EN form
    HTTP_EN http)

# Values a legacy configuration may spell a switch with.
function(_httpc_ws_cfg_bool value out)
    if(value MATCHES "^\\(?(DEF_ENABLED|DEF_YES|DEF_TRUE|DEF_ON|1u?)\\)?$")
        set(${out} ON PARENT_SCOPE)
    elseif(value MATCHES "^\\(?(DEF_DISABLED|DEF_NO|DEF_FALSE|DEF_OFF|0u?)\\)?$")
        set(${out} OFF PARENT_SCOPE)
    else()
        set(${out} "" PARENT_SCOPE)
    endif()
endfunction()

set(_httpc_ws_cfg_defines "")
if(HTTPC_WS_CFG_HEADER)
    if(NOT EXISTS "${HTTPC_WS_CFG_HEADER}")
        message(FATAL_ERROR "httpc-ws: HTTPC_WS_CFG_HEADER=${HTTPC_WS_CFG_HEADER} does not exist")
    endif()
    # The #define lines of the switches, comments removed first (a switch commented out is not
    # set). The header is read, not preprocessed: a switch defined twice (under #if / #else,
    # say) cannot be told apart and stops the configuration (see _httpc_ws_cfg_switch).
    file(READ "${HTTPC_WS_CFG_HEADER}" _httpc_ws_cfg_text)
    string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " _httpc_ws_cfg_text "${_httpc_ws_cfg_text}")
    string(REGEX REPLACE "//[^\n]*" "" _httpc_ws_cfg_text "${_httpc_ws_cfg_text}")
    string(REPLACE ";" "," _httpc_ws_cfg_text "${_httpc_ws_cfg_text}")
    string(REPLACE "\r" "" _httpc_ws_cfg_text "${_httpc_ws_cfg_text}")
    string(REPLACE "\n" ";" _httpc_ws_cfg_lines "${_httpc_ws_cfg_text}")
    foreach(_line IN LISTS _httpc_ws_cfg_lines)
        if(_line MATCHES "^[ \t]*#[ \t]*define[ \t]+HTTPc_CFG_[A-Z_]+_EN[ \t]")
            list(APPEND _httpc_ws_cfg_defines "${_line}")
        endif()
    endforeach()
    # A header change reconfigures.
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${HTTPC_WS_CFG_HEADER}")
endif()

# _httpc_ws_cfg_switch(SWITCH FEATURE DEFAULT OUT): the option HTTPC_WS_CFG_<SWITCH> (DEFAULT
# when nothing sets it), overridden by the header's #define when it has one; ON or OFF in OUT.
function(_httpc_ws_cfg_switch switch feature default out)
    option(HTTPC_WS_CFG_${switch} "Legacy HTTPc_CFG_${switch} (cargo feature ${feature})" ${default})
    set(_on ${HTTPC_WS_CFG_${switch}})
    set(_seen "")
    foreach(_line IN LISTS _httpc_ws_cfg_defines)
        if(_line MATCHES "define[ \t]+HTTPc_CFG_${switch}[ \t]+([^ \t]+)")
            _httpc_ws_cfg_bool("${CMAKE_MATCH_1}" _v)
            if(_v STREQUAL "")
                message(FATAL_ERROR "httpc-ws: ${HTTPC_WS_CFG_HEADER}: HTTPc_CFG_${switch} is "
                                    "'${CMAKE_MATCH_1}', expected DEF_ENABLED or DEF_DISABLED")
            endif()
            if(NOT _seen STREQUAL "")
                message(FATAL_ERROR "httpc-ws: ${HTTPC_WS_CFG_HEADER}: HTTPc_CFG_${switch} is "
                    "defined more than once (under #if/#else?): the header is read, not "
                    "preprocessed, so which one applies cannot be told. Define it once, or leave "
                    "HTTPC_WS_CFG_HEADER unset and give -DHTTPC_WS_CFG_${switch}=ON|OFF "
                    "(docs/CONFIGURATION.md)")
            endif()
            set(_seen ${_v})
            set(_on ${_v})
        endif()
    endforeach()
    set(${out} ${_on} PARENT_SCOPE)
endfunction()

set(HTTPC_WS_LEGACY_CFG_NO_DEFAULT OFF)
set(HTTPC_WS_LEGACY_CFG_FEATURES "")
set(_httpc_ws_summary "")
list(LENGTH _httpc_ws_switches _n)
math(EXPR _last "${_n} - 1")
_httpc_ws_cfg_switch(HTTP_EN http ON _httpc_ws_http_on)
foreach(_i RANGE 0 ${_last} 2)
    math(EXPR _j "${_i} + 1")
    list(GET _httpc_ws_switches ${_i} _switch)
    list(GET _httpc_ws_switches ${_j} _feature)
    _httpc_ws_cfg_switch(${_switch} ${_feature} ON _on)
    # Chunked bodies and forms are parts of plain requests: without them, they go too (cargo
    # would bring `http` back for them).
    if(_on AND NOT _httpc_ws_http_on AND _feature MATCHES "^(chunk-tx|form)$")
        message(STATUS "httpc-ws: HTTPc_CFG_${_switch} left out with HTTPc_CFG_HTTP_EN (plain requests off)")
        set(_on OFF)
    endif()
    if(_on)
        list(APPEND HTTPC_WS_LEGACY_CFG_FEATURES ${_feature})
    else()
        set(HTTPC_WS_LEGACY_CFG_NO_DEFAULT ON)
        list(APPEND _httpc_ws_summary "-${_feature}")
    endif()
endforeach()
if(HTTPC_WS_LEGACY_CFG_NO_DEFAULT)
    string(REPLACE ";" " " _httpc_ws_summary "${_httpc_ws_summary}")
    message(STATUS "httpc-ws: legacy configuration switches off: ${_httpc_ws_summary}")
endif()

