// test_header_cpp.cpp: the generated headers compile as C++ (C++11 or later), in either
// include order and twice, and a few names have the legacy values at compile time.
//
// SPDX-License-Identifier: Apache-2.0

#include "http-c_websock.h"
#include "http-c.h"
#include "http-c_websock.h"

#include <cstdio>
#include <cstring>

static_assert(HTTPc_ERR_NONE == 1, "success is 1");
static_assert(HTTPc_ERR_WEBSOCK_SEND_ERROR == 232, "last legacy WebSocket error");
static_assert(HTTPc_FLAG_CONN_NO_BLOCK == 0x20, "connection no-block flag");
static_assert(HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE == 35, "last parameter type");
static_assert(HTTPc_WEBSOCK_CLOSE_CODE_UNEXPECTED_CONDITION == 1011, "close code");
static_assert(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED == 0xFFFFFFFFu, "length not defined");
static_assert(HTTP_STATUS_SWITCHING_PROTOCOLS == 1, "status codes are enum indices");
static_assert(HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS == 52, "last header field");
static_assert(sizeof(HTTPc_FLAGS) == 1, "HTTPc_FLAGS is 8-bit");
static_assert(sizeof(HTTPc_WEBSOCK_CLOSE_CODE) == 2, "close code is 16-bit");
static_assert(sizeof(HTTPc_ERR) == 4, "HTTPc_ERR is 32-bit");

int main() {
    HTTPc_ERR err = HTTPc_ERR_NONE;
    HTTPc_WEBSOCK_OPCODE op = HTTPc_WEBSOCK_OPCODE_PONG;
    NET_SOCK_SECURE_TRUST_FNCT trust = nullptr;
    MEM_SEG *p_seg = nullptr;
    bool ok = err == 1u && op == 0xAu && trust == nullptr && p_seg == nullptr &&
              std::strlen(HTTPc_WEBSOCK_GUID_STRING) == 36u && DEF_OK == 1u;
    std::printf("C++ header: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
