/*
 * test_constants.c: checks every constant of the generated http-c.h against the legacy
 * uC/HTTP-client values.
 *
 * The expected numbers below are a hand-written literal table taken from the legacy contract
 * (docs: /work/shared/legacy-api.md, and the legacy Common/http.h enum order), NOT generated
 * from the Rust sources, so a wrong value on the Rust side shows up here as a mismatch.
 * Also checks the widths and signedness of the typedefs and the two string macros.
 *
 * Prints every mismatch, then "N passed, N failed"; exits non-zero on any failure.
 * Valid C99 and C++11 (compile with -std=c99 or as C++ with -x c++ -std=c++11).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "http-c.h" /* twice: the include guards must hold */

struct expect {
    const char *name;
    unsigned long long value;
    unsigned long long expected;
};

#define C(name, expected) {#name, (unsigned long long)(name), (unsigned long long)(expected)}

static const struct expect constants[] = {
    /* ---- legacy http-c.h: the version this library stands in for ---- */
    C(HTTPc_VERSION, 30101),
    /* ---- uC/LIB lib_def.h fallbacks ---- */
    C(DEF_NULL, 0),
    C(DEF_FALSE, 0),
    C(DEF_TRUE, 1),
    C(DEF_NO, 0),
    C(DEF_YES, 1),
    C(DEF_DISABLED, 0),
    C(DEF_ENABLED, 1),
    C(DEF_FAIL, 0),
    C(DEF_OK, 1),
    C(DEF_INT_08U_MAX_VAL, 255),
    C(DEF_INT_16U_MAX_VAL, 65535),
    C(DEF_INT_32U_MAX_VAL, 4294967295ULL),

    /* ---- uC/TCP-IP net_sock.h fallbacks ---- */
    C(NET_SOCK_SECURE_UNTRUSTED_BY_CA, 0),
    C(NET_SOCK_SECURE_EXPIRE_DATE, 1),
    C(NET_SOCK_SECURE_INVALID_DATE, 2),
    C(NET_SOCK_SECURE_SELF_SIGNED, 3),
    C(NET_SOCK_SECURE_UNKNOWN, 4),

    /* ---- 5.1 flags ---- */
    C(HTTPc_FLAG_NONE, 0),
    C(HTTPc_FLAG_CONN_NO_BLOCK, 0x20),
    C(HTTPc_FLAG_REQ_NO_BLOCK, 0x01),
    C(HTTPc_FLAG_WEBSOCK_NO_BLOCK, 0x01),

    /* ---- 5.2 HTTPc_PARAM_TYPE ---- */
    C(HTTPc_PARAM_TYPE_SERVER_PORT, 0),
    C(HTTPc_PARAM_TYPE_PERSISTENT, 1),
    C(HTTPc_PARAM_TYPE_CONNECT_TIMEOUT, 2),
    C(HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT, 3),
    C(HTTPc_PARAM_TYPE_SECURE_COMMON_NAME, 4),
    C(HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK, 5),
    C(HTTPc_PARAM_TYPE_USER_DATA, 6),
    C(HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL, 7),
    C(HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK, 8),
    C(HTTPc_PARAM_TYPE_REQ_HDR_TBL, 9),
    C(HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET, 10),
    C(HTTPc_PARAM_TYPE_REQ_HDR_HOOK, 11),
    C(HTTPc_PARAM_TYPE_REQ_FORM_TBL, 12),
    C(HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, 13),
    C(HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, 14),
    C(HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, 15),
    C(HTTPc_PARAM_TYPE_REQ_BODY_HOOK, 16),
    C(HTTPc_PARAM_TYPE_REQ_USER_DATA, 17),
    C(HTTPc_PARAM_TYPE_RESP_HDR_HOOK, 18),
    C(HTTPc_PARAM_TYPE_RESP_BODY_HOOK, 19),
    C(HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, 20),
    C(HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, 21),
    C(HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, 22),
    C(HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, 23),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, 24),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, 25),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, 26),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG, 27),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, 28),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, 29),
    C(HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, 30),
    C(HTTPc_PARAM_TYPE_WEBSOCK_USER_DATA, 31),
    C(HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, 32),
    C(HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT, 33),
    C(HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA, 34),
    C(HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, 35),
    C(HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX, 36), /* new */
    C(HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, 37), /* new */
    C(HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, 38), /* new */
    C(HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, 39), /* new */
    C(HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS, 40), /* new */
    C(HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, 41), /* new */

    /* ---- HTTP_HDR_FIELD extension (new) ---- */
    C(HTTP_HDR_FIELD_ORIGIN, 53),

    /* ---- the port (new API) ---- */
    C(HTTPc_PORT_OK, 0),
    C(HTTPc_PORT_WOULD_BLOCK, -1),
    C(HTTPc_PORT_CLOSED, -2),
    C(HTTPc_PORT_ERR, -3),
    C(HTTPc_PORT_WAIT_RD, 0x01),
    C(HTTPc_PORT_WAIT_WR, 0x02),
    C(HTTPc_PORT_WAIT_FOREVER, 0xFFFFFFFFu),

    /* ---- HTTPc_FORM_FIELD_TYPE (legacy http-c.h enum order) ---- */
    C(HTTPc_FORM_FIELD_TYPE_KEY_VAL, 0),
    C(HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT, 1),
    C(HTTPc_FORM_FIELD_TYPE_FILE, 2),

    /* ---- object sizes, in pointer-sized words of library state ---- */
    C(HTTPc_CONN_OBJ_RESERVED_WORDS, 23),
    C(HTTPc_REQ_OBJ_RESERVED_WORDS, 28),
    C(HTTPc_WEBSOCK_OBJ_RESERVED_WORDS, 36),
    C(HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS, 10),

    /* ---- 5.3 HTTPc_ERR: family masks ---- */
    C(HTTPc_ERR_FAMILY_MASK, 0xC0),
    C(HTTPc_ERR_INIT_CFG_FAMILY, 0x00),
    C(HTTPc_ERR_CONN_FAMILY, 0x40),
    C(HTTPc_ERR_TRANS_FAMILY, 0x80),

    /* ---- 5.3 HTTPc_ERR: init/cfg family ---- */
    C(HTTPc_ERR_NONE, 1),
    C(HTTPc_ERR_NULL_PTR, 2),
    C(HTTPc_ERR_FEATURE_DIS, 3),
    C(HTTPc_ERR_INIT, 10),
    C(HTTPc_ERR_INIT_NOT_COMPLETED, 11),
    C(HTTPc_ERR_INIT_TASK_INVALID_ARG, 12),
    C(HTTPc_ERR_INIT_TASK_MEM_ALLOC, 13),
    C(HTTPc_ERR_INIT_TASK_CREATE, 14),
    C(HTTPc_ERR_INIT_MSG_Q, 15),
    C(HTTPc_ERR_INIT_PORT_MISSING, 16), /* new */
    C(HTTPc_ERR_INIT_PORT_INVALID, 17), /* new */
    C(HTTPc_ERR_CFG_CONN_TIMEOUT_INVALID, 20),
    C(HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID, 21),
    C(HTTPc_ERR_CFG_TASK_PTR_NULL, 22),
    C(HTTPc_ERR_CFG_TASK_DLY_INVALID, 23),
    C(HTTPc_ERR_CFG_INVALID_BUF_LEN, 24),
    C(HTTPc_ERR_PARAM_INVALID, 30),
    C(HTTPc_ERR_FORM_TYPE_INVALID, 40),
    C(HTTPc_ERR_FORM_FIELD_INVALID, 41),
    C(HTTPc_ERR_FORM_CREATE, 42),
    C(HTTPc_ERR_FORM_BUF_LEN_INVALID, 43),
    C(HTTPc_ERR_MSG_INIT_POOL_FAULT, 50),
    C(HTTPc_ERR_WEBSOCK_REQ_INIT_POOL_FAULT, 51),

    /* ---- 5.3 HTTPc_ERR: connection family ---- */
    C(HTTPc_ERR_CONN_PARAM_ADDR_INVALID, 64),
    C(HTTPc_ERR_CONN_PARAM_ADDR_FAMILY_INVALID, 65),
    C(HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID, 66),
    C(HTTPc_ERR_CONN_PARAM_PORT_INVALID, 67),
    C(HTTPc_ERR_CONN_PARAM_PERSISTENT_INVALID, 68),
    C(HTTPc_ERR_CONN_PARAM_CONNECT_TIMEOUT_INVALID, 69),
    C(HTTPc_ERR_CONN_PARAM_INACTIVITY_TIMEOUT_INVALID, 70),
    C(HTTPc_ERR_CONN_PARAM_CONNECT_CALLBACK_INVALID, 71),
    C(HTTPc_ERR_CONN_PARAM_CLOSE_CALLBACK_INVALID, 72),
    C(HTTPc_ERR_CONN_PARAM_ERR_CALLBACK_INVALID, 73),
    C(HTTPc_ERR_CONN_PARAM_WEBSOCK_OBJ_INVALID, 74),
    C(HTTPc_ERR_MSG_Q_FULL, 80),
    C(HTTPc_ERR_MSG_Q_SIGNAL_FAULT, 81),
    C(HTTPc_ERR_MSG_Q_EMPTY, 82),
    C(HTTPc_ERR_CONN_SIGNAL_CREATE, 90),
    C(HTTPc_ERR_CONN_SIGNAL_DEL, 91),
    C(HTTPc_ERR_CONN_SIGNAL_TIMEOUT, 92),
    C(HTTPc_ERR_CONN_SIGNAL_FAULT, 93),
    C(HTTPc_ERR_CONN_IS_CONNECT, 94),
    C(HTTPc_ERR_CONN_IS_USED, 95),
    C(HTTPc_ERR_CONN_IS_RELEASED, 96),
    C(HTTPc_ERR_CONN_INVALID_STATE, 97),
    C(HTTPc_ERR_CONN_SOCK_OPEN, 100),
    C(HTTPc_ERR_CONN_SOCK_CONNECT, 101),
    C(HTTPc_ERR_CONN_SOCK_TX, 102),
    C(HTTPc_ERR_CONN_SOCK_TX_FATAL, 103),
    C(HTTPc_ERR_CONN_SOCK_RX, 104),
    C(HTTPc_ERR_CONN_SOCK_RX_FATAL, 105),
    C(HTTPc_ERR_CONN_SOCK_CLOSED, 106),
    C(HTTPc_ERR_CONN_SOCK_CLOSE_FATAL, 107),
    C(HTTPc_ERR_CONN_SOCK_SEL, 108),
    C(HTTPc_ERR_CONN_SOCK_FAULT, 109),
    C(HTTPc_ERR_CONN_SOCK_ABORT_FAILED, 110),

    /* ---- 5.3 HTTPc_ERR: transaction family ---- */
    C(HTTPc_ERR_TRANS_BUF_LEN_INVALID, 128),
    C(HTTPc_ERR_TRANS_TX_BUF_FULL, 129),
    C(HTTPc_ERR_TRANS_RX_MORE_DATA_REQUIRED, 130),
    C(HTTPc_ERR_REQ_IS_USED, 131),
    C(HTTPc_ERR_REQ_PARAM_METHOD_INVALID, 140),
    C(HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID, 141),
    C(HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID, 142),
    C(HTTPc_ERR_REQ_PARAM_CONTENT_LEN_INVALID, 143),
    C(HTTPc_ERR_REQ_PARAM_BODY_INVALID, 144),
    C(HTTPc_ERR_REQ_PARAM_QUERY_STR_TBL_INVALID, 145),
    C(HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR, 146),
    C(HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED, 147),
    C(HTTPc_ERR_REQ_PARAM_FORM_FIELD_TBL_INVALID, 148),
    C(HTTPc_ERR_REQ_PARAM_FORM_FIELD_NULL_PTR, 149),
    C(HTTPc_ERR_REQ_PARAM_FORM_FIELD_INVALID_LEN, 150),
    C(HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID, 151),
    C(HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID, 152),
    C(HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID, 153),
    C(HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_RX_CALLBACK_INVALID, 154),
    C(HTTPc_ERR_REQ_LINE_CREATE, 160),
    C(HTTPc_ERR_REQ_QUERY_STR_CREATE, 161),
    C(HTTPc_ERR_REQ_QUERY_STR_INVALID, 162),
    C(HTTPc_ERR_REQ_HDR_CREATE, 163),
    C(HTTPc_ERR_REQ_HDR_INVALID, 164),
    C(HTTPc_ERR_REQ_FORM_CREATE, 165),
    C(HTTPc_ERR_REQ_BODY_PREPARE, 166),
    C(HTTPc_ERR_REQ_BODY_CHUNK_PREPARE, 167),
    C(HTTPc_ERR_REQ_BODY_CHUNK_INVALID, 168),
    C(HTTPc_ERR_REQ_BODY_NOT_PRESENT, 169),
    C(HTTPc_ERR_RESP_FORMAT_INVALID, 180),
    C(HTTPc_ERR_RESP_PROTOCOL_VER_INVALID, 181),
    C(HTTPc_ERR_RESP_STATUS_CODE_INVALID, 182),
    C(HTTPc_ERR_RESP_REASON_PHRASE_INVALID, 183),
    C(HTTPc_ERR_RESP_HDR_INVALID, 184),
    C(HTTPc_ERR_RESP_HDR_MALFORMED, 185),
    C(HTTPc_ERR_RESP_CONTENT_TYPE_INVALID, 186),
    C(HTTPc_ERR_RESP_CONTENT_LEN_INVALID, 187),
    C(HTTPc_ERR_RESP_CHUNK_INVALID, 188),
    C(HTTPc_ERR_RESP_RX_DATA_LEN_INVALID, 189),
    C(HTTPc_ERR_RESP_HDR_TOO_LARGE, 190),            /* new */
    C(HTTPc_ERR_RESP_WEBSOCK_UPGRADE_INVALID, 191),  /* new */
    C(HTTPc_ERR_RESP_WEBSOCK_CONN_INVALID, 192),     /* new */
    C(HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID, 193),   /* new */
    C(HTTPc_ERR_RESP_WEBSOCK_EXT_INVALID, 194),      /* new */
    C(HTTPc_ERR_RESP_WEBSOCK_PROTOCOL_INVALID, 195), /* new */

    /* ---- 5.3 HTTPc_ERR: WebSocket range ---- */
    C(HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM, 200),
    C(HTTPc_ERR_WEBSOCK_INVALID_CONN, 201),
    C(HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET, 202),
    C(HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED, 203),
    C(HTTPc_ERR_WEBSOCK_INVALID_TX_LEN, 204),
    C(HTTPc_ERR_WEBSOCK_INVALID_RX_LEN, 205),
    C(HTTPc_ERR_WEBSOCK_INVALID_STATE, 206),
    C(HTTPc_ERR_WEBSOCK_INVALID_TX_STATE, 207),
    C(HTTPc_ERR_WEBSOCK_INVALID_RX_STATE, 208),
    C(HTTPc_ERR_WEBSOCK_INVALID_OPCODE, 209),
    C(HTTPc_ERR_WEBSOCK_FAULT, 210),
    C(HTTPc_ERR_WEBSOCK_TX_MSG_Q_EMPTY, 211),
    C(HTTPc_ERR_WEBSOCK_IS_USED, 212),
    C(HTTPc_ERR_WEBSOCK_REQ_IS_USED, 213),
    C(HTTPc_ERR_WEBSOCK_MSG_IS_USED, 214),
    C(HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE, 215),
    C(HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN, 216),
    C(HTTPc_ERR_WEBSOCK_MSG_Q_FULL, 217),
    C(HTTPc_ERR_WEBSOCK_MSG_Q_SIGNAL_FAULT, 218),
    C(HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_1_SET, 219),
    C(HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_2_SET, 220),
    C(HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_3_SET, 221),
    C(HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_TOO_LONG, 222),
    C(HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_FRAGMENTED, 223),
    C(HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE, 224),
    C(HTTPc_ERR_WEBSOCK_RX_FRAG_FRAME_SEQUENCE_INVALID, 225),
    C(HTTPc_ERR_WEBSOCK_RX_CLOSE_CODE_INVALID, 226),
    C(HTTPc_ERR_WEBSOCK_REQ_MEM_ERR, 227),
    C(HTTPc_ERR_WEBSOCK_BASE64_ENCODE_FAIL, 228),
    C(HTTPc_ERR_WEBSOCK_SHA1_ENCODE_FAIL, 229),
    C(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID, 230),
    C(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID, 231),
    C(HTTPc_ERR_WEBSOCK_SEND_ERROR, 232),
    C(HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME, 233),   /* new */
    C(HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID, 234),   /* new */
    C(HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG, 235),    /* new */
    C(HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT, 236),     /* new */
    C(HTTPc_ERR_WEBSOCK_PONG_TIMEOUT, 237),      /* new */
    C(HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW, 238),   /* new */

    /* ---- 5.4 HTTPc_CONN_STATE: family masks ---- */
    C(HTTPc_CONN_STATE_FAMILY_MASK, 0xE0),
    C(HTTPc_CONN_STATE_FLOW_FAMILY, 0x00),
    C(HTTPc_CONN_STATE_REQ_FAMILY, 0x20),
    C(HTTPc_CONN_STATE_RESP_FAMILY, 0x40),
    C(HTTPc_CONN_STATE_WEBSOCK_FAMILY, 0x60),

    /* ---- 5.4 HTTPc_CONN_STATE: flow family ---- */
    C(HTTPc_CONN_STATE_NONE, 0),
    C(HTTPc_CONN_STATE_UNKNOWN, 1),
    C(HTTPc_CONN_STATE_PARAM_VALIDATE, 2),
    C(HTTPc_CONN_STATE_CONNECT, 3),
    C(HTTPc_CONN_STATE_COMPLETED, 4),
    C(HTTPc_CONN_STATE_CLOSE, 5),
    C(HTTPc_CONN_STATE_ERR, 6),
    C(HTTPc_CONN_STATE_WEBSOCK_INIT, 7),
    C(HTTPc_CONN_STATE_WEBSOCK_CLOSE, 8),
    C(HTTPc_CONN_STATE_WEBSOCK_ERR, 9),

    /* ---- 5.4 HTTPc_CONN_STATE: request family ---- */
    C(HTTPc_CONN_STATE_REQ_LINE_METHOD, 32),
    C(HTTPc_CONN_STATE_REQ_LINE_URI, 33),
    C(HTTPc_CONN_STATE_REQ_LINE_QUERY_STR, 34),
    C(HTTPc_CONN_STATE_REQ_LINE_PROTO_VER, 35),
    C(HTTPc_CONN_STATE_REQ_HDR_HOST, 36),
    C(HTTPc_CONN_STATE_REQ_HDR_CONTENT_TYPE, 37),
    C(HTTPc_CONN_STATE_REQ_HDR_CONTENT_LEN, 38),
    C(HTTPc_CONN_STATE_REQ_HDR_TRANSFER_ENCODE, 39),
    C(HTTPc_CONN_STATE_REQ_HDR_CONN, 40),
    C(HTTPc_CONN_STATE_REQ_HDR_UPGRADE, 41),
    C(HTTPc_CONN_STATE_REQ_HDR_WEBSOCKET, 42),
    C(HTTPc_CONN_STATE_REQ_HDR_EXT, 43),
    C(HTTPc_CONN_STATE_REQ_HDR_LAST, 44),
    C(HTTPc_CONN_STATE_REQ_BODY, 45),
    C(HTTPc_CONN_STATE_REQ_BODY_DATA, 46),
    C(HTTPc_CONN_STATE_REQ_BODY_DATA_CHUNK_SIZE, 47),
    C(HTTPc_CONN_STATE_REQ_BODY_DATA_CHUNK_DATA, 48),
    C(HTTPc_CONN_STATE_REQ_BODY_DATA_CHUNK_END, 49),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_APP, 50),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_BOUNDARY, 51),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_HDR_CONTENT_DISPO, 52),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_HDR_CONTENT_TYPE, 53),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_DATA, 54),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_DATA_END, 55),
    C(HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_BOUNDARY_END, 56),
    C(HTTPc_CONN_STATE_REQ_END, 57),

    /* ---- 5.4 HTTPc_CONN_STATE: response family ---- */
    C(HTTPc_CONN_STATE_RESP_INIT, 64),
    C(HTTPc_CONN_STATE_RESP_STATUS_LINE, 65),
    C(HTTPc_CONN_STATE_RESP_HDR, 66),
    C(HTTPc_CONN_STATE_RESP_BODY, 67),
    C(HTTPc_CONN_STATE_RESP_BODY_CHUNK_SIZE, 68),
    C(HTTPc_CONN_STATE_RESP_BODY_CHUNK_DATA, 69),
    C(HTTPc_CONN_STATE_RESP_BODY_CHUNK_CRLF, 70),
    C(HTTPc_CONN_STATE_RESP_BODY_CHUNK_LAST, 71),
    C(HTTPc_CONN_STATE_RESP_COMPLETED, 72),

    /* ---- 5.4 HTTPc_CONN_STATE: WebSocket family ---- */
    C(HTTPc_CONN_STATE_WEBSOCK_RXTX, 96),

    /* ---- 5.4 HTTPc_CONN_CLOSE_STATUS ---- */
    C(HTTPc_CONN_CLOSE_STATUS_NONE, 0),
    C(HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL, 1),
    C(HTTPc_CONN_CLOSE_STATUS_SERVER, 2),
    C(HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT, 3),
    C(HTTPc_CONN_CLOSE_STATUS_APP, 4),

    /* ---- 5.6 HTTPc_WEBSOCK_OPCODE ---- */
    C(HTTPc_WEBSOCK_OPCODE_CONTINUATION_FRAME, 0x0),
    C(HTTPc_WEBSOCK_OPCODE_TXT_FRAME, 0x1),
    C(HTTPc_WEBSOCK_OPCODE_BIN_FRAME, 0x2),
    C(HTTPc_WEBSOCK_OPCODE_CLOSE, 0x8),
    C(HTTPc_WEBSOCK_OPCODE_PING, 0x9),
    C(HTTPc_WEBSOCK_OPCODE_PONG, 0xA),
    C(HTTPc_WEBSOCK_OPCODE_NONE, 0xFF),

    /* ---- 5.6 HTTPc_WEBSOCK_MSG_TYPE ---- */
    C(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 1),
    C(HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, 2),
    C(HTTPc_WEBSOCK_MSG_TYPE_CLOSE, 8),
    C(HTTPc_WEBSOCK_MSG_TYPE_PING, 9),
    C(HTTPc_WEBSOCK_MSG_TYPE_PONG, 0xA),

    /* ---- 5.6 HTTPc_WEBSOCK_CLOSE_CODE (legacy nine + NONE; RFC/IANA additions) ---- */
    C(HTTPc_WEBSOCK_CLOSE_CODE_NONE, 0),
    C(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, 1000),
    C(HTTPc_WEBSOCK_CLOSE_CODE_GOING_AWAY, 1001),
    C(HTTPc_WEBSOCK_CLOSE_CODE_PROTOCOL_ERR, 1002),
    C(HTTPc_WEBSOCK_CLOSE_CODE_DATA_TYPE_NOT_ALLOWED, 1003),
    C(HTTPc_WEBSOCK_CLOSE_CODE_NO_STATUS_RCVD, 1005),    /* new, never sent */
    C(HTTPc_WEBSOCK_CLOSE_CODE_ABNORMAL_CLOSURE, 1006),  /* new, never sent */
    C(HTTPc_WEBSOCK_CLOSE_CODE_DATA_TYPE_ERR, 1007),
    C(HTTPc_WEBSOCK_CLOSE_CODE_POLICY_VIOLATION, 1008),
    C(HTTPc_WEBSOCK_CLOSE_CODE_MSG_TOO_BIG, 1009),
    C(HTTPc_WEBSOCK_CLOSE_CODE_INVALID_EXT, 1010),
    C(HTTPc_WEBSOCK_CLOSE_CODE_UNEXPECTED_CONDITION, 1011),
    C(HTTPc_WEBSOCK_CLOSE_CODE_SERVICE_RESTART, 1012),   /* new */
    C(HTTPc_WEBSOCK_CLOSE_CODE_TRY_AGAIN_LATER, 1013),   /* new */
    C(HTTPc_WEBSOCK_CLOSE_CODE_BAD_GATEWAY, 1014),       /* new */
    C(HTTPc_WEBSOCK_CLOSE_CODE_TLS_HANDSHAKE, 1015),     /* new, never sent */

    /* ---- 5.6 lengths and handshake ---- */
    C(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED, 0xFFFFFFFFULL),
    C(HTTPc_WEBSOCK_SMALL_FRAME_MIN_LEN, 0),
    C(HTTPc_WEBSOCK_SMALL_FRAME_MAX_LEN, 125),
    C(HTTPc_WEBSOCK_NORMAL_FRAME_MIN_LEN, 126),
    C(HTTPc_WEBSOCK_NORMAL_FRAME_MAX_LEN, 65535),
    C(HTTPc_WEBSOCK_NORMAL_FRAME_CODE, 126),
    C(HTTPc_WEBSOCK_LONG_FRAME_MIN_LEN, 65536),
    C(HTTPc_WEBSOCK_LONG_FRAME_MAX_LEN, 0xFFFFFFFFULL),
    C(HTTPc_WEBSOCK_LONG_FRAME_CODE, 127),
    C(HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN, 125),
    C(HTTPc_WEBSOCK_CLOSE_CODE_LEN, 2),
    C(HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN, 123),
    C(HTTPc_WEBSOCK_MIN_HEADER_LEN, 2),
    C(HTTPc_WEBSOCK_MAX_HEADER_LEN, 14),
    C(HTTPc_WEBSOCK_PROTOCOL_VERSION_13, 13),
    C(HTTPc_WEBSOCK_KEY_LEN, 16),
    C(HTTPc_WEBSOCK_KEY_ENCODED_LEN, 25),
    C(HTTPc_WEBSOCK_KEY_HASH_LEN, 20),
    C(HTTPc_WEBSOCK_KEY_HASH_ENCODED_LEN, 29),
    C(HTTPc_WEBSOCK_GUID_STRING_LEN, 37),
    C(HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR_LEN, 2),
    C(HTTPc_WEBSOCK_KEY_PRE_HASH_LEN, 60),

    /* ---- 3 limits and default timeouts ---- */
    C(HTTPc_BUF_LEN_MIN, 256),
    C(HTTPc_TASK_DLY_MS_MAX, 20),
    C(HTTPc_TASK_TIMEOUT_MS_CONN_CONNECT_DFLT, 10000),
    C(HTTPc_TASK_TIMEOUT_MS_CONN_CLOSE_DFLT, 100),
    C(HTTPc_TASK_TIMEOUT_MS_TRANS_DFLT, 30000),
    C(HTTP_DFLT_PORT_NBR, 80),
    C(HTTP_DFLT_PORT_NBR_SECURE, 443),

    /* ---- 5.8 HTTP_METHOD ---- */
    C(HTTP_METHOD_GET, 0),
    C(HTTP_METHOD_POST, 1),
    C(HTTP_METHOD_HEAD, 2),
    C(HTTP_METHOD_PUT, 3),
    C(HTTP_METHOD_DELETE, 4),
    C(HTTP_METHOD_OPTIONS, 5),
    C(HTTP_METHOD_TRACE, 6),
    C(HTTP_METHOD_CONNECT, 7),
    C(HTTP_METHOD_UNKNOWN, 8),

    /* ---- 5.8 HTTP_STATUS_CODE: enum index, the HTTP number in the comment ---- */
    C(HTTP_STATUS_CONTINUE, 0),                          /* 100 */
    C(HTTP_STATUS_SWITCHING_PROTOCOLS, 1),               /* 101 */
    C(HTTP_STATUS_PROCESSING, 2),                        /* 102 */
    C(HTTP_STATUS_EARLY_HINTS, 3),                       /* 103 */
    C(HTTP_STATUS_OK, 4),                                /* 200 */
    C(HTTP_STATUS_CREATED, 5),                           /* 201 */
    C(HTTP_STATUS_ACCEPTED, 6),                          /* 202 */
    C(HTTP_STATUS_NON_AUTHORITATIVE_INFORMATION, 7),     /* 203 */
    C(HTTP_STATUS_NO_CONTENT, 8),                        /* 204 */
    C(HTTP_STATUS_RESET_CONTENT, 9),                     /* 205 */
    C(HTTP_STATUS_PARTIAL_CONTENT, 10),                  /* 206 */
    C(HTTP_STATUS_MULTI_STATUS, 11),                     /* 207 */
    C(HTTP_STATUS_ALREADY_REPORTED, 12),                 /* 208 */
    C(HTTP_STATUS_IM_USED, 13),                          /* 226 */
    C(HTTP_STATUS_MULTIPLE_CHOICES, 14),                 /* 300 */
    C(HTTP_STATUS_MOVED_PERMANENTLY, 15),                /* 301 */
    C(HTTP_STATUS_FOUND, 16),                            /* 302 */
    C(HTTP_STATUS_SEE_OTHER, 17),                        /* 303 */
    C(HTTP_STATUS_NOT_MODIFIED, 18),                     /* 304 */
    C(HTTP_STATUS_USE_PROXY, 19),                        /* 305 */
    C(HTTP_STATUS_SWITCH_PROXY, 20),                     /* 306 */
    C(HTTP_STATUS_TEMPORARY_REDIRECT, 21),               /* 307 */
    C(HTTP_STATUS_PERMANENT_REDIRECT, 22),               /* 308 */
    C(HTTP_STATUS_BAD_REQUEST, 23),                      /* 400 */
    C(HTTP_STATUS_UNAUTHORIZED, 24),                     /* 401 */
    C(HTTP_STATUS_FORBIDDEN, 25),                        /* 403: no 402 in the legacy */
    C(HTTP_STATUS_NOT_FOUND, 26),                        /* 404 */
    C(HTTP_STATUS_METHOD_NOT_ALLOWED, 27),               /* 405 */
    C(HTTP_STATUS_NOT_ACCEPTABLE, 28),                   /* 406 */
    C(HTTP_STATUS_PROXY_AUTHENTICATION_REQUIRED, 29),    /* 407 */
    C(HTTP_STATUS_REQUEST_TIMEOUT, 30),                  /* 408 */
    C(HTTP_STATUS_CONFLICT, 31),                         /* 409 */
    C(HTTP_STATUS_GONE, 32),                             /* 410 */
    C(HTTP_STATUS_LENGTH_REQUIRED, 33),                  /* 411 */
    C(HTTP_STATUS_PRECONDITION_FAILED, 34),              /* 412 */
    C(HTTP_STATUS_REQUEST_ENTITY_TOO_LARGE, 35),         /* 413 */
    C(HTTP_STATUS_REQUEST_URI_TOO_LONG, 36),             /* 414 */
    C(HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE, 37),           /* 415 */
    C(HTTP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, 38),  /* 416 */
    C(HTTP_STATUS_EXPECTATION_FAILED, 39),               /* 417 */
    C(HTTP_STATUS_MISDIRECTED_REQUEST, 40),              /* 421 */
    C(HTTP_STATUS_UNPROCESSABLE_ENTITY, 41),             /* 422 */
    C(HTTP_STATUS_LOCKED, 42),                           /* 423 */
    C(HTTP_STATUS_FAILED_DEPENDENCY, 43),                /* 424 */
    C(HTTP_STATUS_UPGRADE_REQUIRED, 44),                 /* 426 */
    C(HTTP_STATUS_PRECONDITION_REQUIRED, 45),            /* 428 */
    C(HTTP_STATUS_TOO_MANY_REQUESTS, 46),                /* 429 */
    C(HTTP_STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE, 47),  /* 431 */
    C(HTTP_STATUS_UNAVAILABLE_FOR_LEGAL_REASONS, 48),    /* 451 */
    C(HTTP_STATUS_INTERNAL_SERVER_ERR, 49),              /* 500 */
    C(HTTP_STATUS_NOT_IMPLEMENTED, 50),                  /* 501 */
    C(HTTP_STATUS_BAD_GATEWAY, 51),                      /* 502 */
    C(HTTP_STATUS_SERVICE_UNAVAILABLE, 52),              /* 503 */
    C(HTTP_STATUS_GATEWAY_TIMEOUT, 53),                  /* 504 */
    C(HTTP_STATUS_HTTP_VERSION_NOT_SUPPORTED, 54),       /* 505 */
    C(HTTP_STATUS_VARIANT_ALSO_NEGOTIATES, 55),          /* 506 */
    C(HTTP_STATUS_INSUFFICIENT_STORAGE, 56),             /* 507 */
    C(HTTP_STATUS_LOOP_DETECTED, 57),                    /* 508 */
    C(HTTP_STATUS_NOT_EXTENDED, 58),                     /* 510 */
    C(HTTP_STATUS_NETWORK_AUTHENTICATION_REQUIRED, 59),  /* 511 */
    C(HTTP_STATUS_UNKNOWN, 60),

    /* ---- 5.8 HTTP_HDR_FIELD ---- */
    C(HTTP_HDR_FIELD_UNKNOWN, 0),
    C(HTTP_HDR_FIELD_CONTENT_TYPE, 1),
    C(HTTP_HDR_FIELD_CONTENT_LEN, 2),
    C(HTTP_HDR_FIELD_CONTENT_DISPOSITION, 3),
    C(HTTP_HDR_FIELD_HOST, 4),
    C(HTTP_HDR_FIELD_LOCATION, 5),
    C(HTTP_HDR_FIELD_CONN, 6),
    C(HTTP_HDR_FIELD_TRANSFER_ENCODING, 7),
    C(HTTP_HDR_FIELD_ACCEPT, 8),
    C(HTTP_HDR_FIELD_ACCEPT_CHARSET, 9),
    C(HTTP_HDR_FIELD_ACCEPT_ENCODING, 10),
    C(HTTP_HDR_FIELD_ACCEPT_LANGUAGE, 11),
    C(HTTP_HDR_FIELD_ACCEPT_RANGES, 12),
    C(HTTP_HDR_FIELD_AGE, 13),
    C(HTTP_HDR_FIELD_ALLOW, 14),
    C(HTTP_HDR_FIELD_AUTHORIZATION, 15),
    C(HTTP_HDR_FIELD_CONTENT_ENCODING, 16),
    C(HTTP_HDR_FIELD_CONTENT_LANGUAGE, 17),
    C(HTTP_HDR_FIELD_CONTENT_LOCATION, 18),
    C(HTTP_HDR_FIELD_CONTENT_MD5, 19),
    C(HTTP_HDR_FIELD_CONTENT_RANGE, 20),
    C(HTTP_HDR_FIELD_COOKIE, 21),
    C(HTTP_HDR_FIELD_COOKIE2, 22),
    C(HTTP_HDR_FIELD_DATE, 23),
    C(HTTP_HDR_FIELD_ETAG, 24),
    C(HTTP_HDR_FIELD_EXPECT, 25),
    C(HTTP_HDR_FIELD_EXPIRES, 26),
    C(HTTP_HDR_FIELD_FROM, 27),
    C(HTTP_HDR_FIELD_IF_MODIFIED_SINCE, 28),
    C(HTTP_HDR_FIELD_IF_MATCH, 29),
    C(HTTP_HDR_FIELD_IF_NONE_MATCH, 30),
    C(HTTP_HDR_FIELD_IF_RANGE, 31),
    C(HTTP_HDR_FIELD_IF_UNMODIFIED_SINCE, 32),
    C(HTTP_HDR_FIELD_LAST_MODIFIED, 33),
    C(HTTP_HDR_FIELD_RANGE, 34),
    C(HTTP_HDR_FIELD_REFERER, 35),
    C(HTTP_HDR_FIELD_RETRY_AFTER, 36),
    C(HTTP_HDR_FIELD_SERVER, 37),
    C(HTTP_HDR_FIELD_SET_COOKIE, 38),
    C(HTTP_HDR_FIELD_SET_COOKIE2, 39),
    C(HTTP_HDR_FIELD_TE, 40),
    C(HTTP_HDR_FIELD_TRAILER, 41),
    C(HTTP_HDR_FIELD_UPGRADE, 42),
    C(HTTP_HDR_FIELD_USER_AGENT, 43),
    C(HTTP_HDR_FIELD_VARY, 44),
    C(HTTP_HDR_FIELD_VIA, 45),
    C(HTTP_HDR_FIELD_WARNING, 46),
    C(HTTP_HDR_FIELD_WWW_AUTHENTICATE, 47),
    C(HTTP_HDR_FIELD_WEBSOCKET_KEY, 48),
    C(HTTP_HDR_FIELD_WEBSOCKET_ACCEPT, 49),
    C(HTTP_HDR_FIELD_WEBSOCKET_VERSION, 50),
    C(HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL, 51),
    C(HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS, 52),

    /* ---- 5.8 HTTP_CONTENT_TYPE ---- */
    C(HTTP_CONTENT_TYPE_UNKNOWN, 0),
    C(HTTP_CONTENT_TYPE_NONE, 1),
    C(HTTP_CONTENT_TYPE_HTML, 2),
    C(HTTP_CONTENT_TYPE_OCTET_STREAM, 3),
    C(HTTP_CONTENT_TYPE_PDF, 4),
    C(HTTP_CONTENT_TYPE_ZIP, 5),
    C(HTTP_CONTENT_TYPE_GIF, 6),
    C(HTTP_CONTENT_TYPE_JPEG, 7),
    C(HTTP_CONTENT_TYPE_PNG, 8),
    C(HTTP_CONTENT_TYPE_JS, 9),
    C(HTTP_CONTENT_TYPE_PLAIN, 10),
    C(HTTP_CONTENT_TYPE_CSS, 11),
    C(HTTP_CONTENT_TYPE_JSON, 12),
    C(HTTP_CONTENT_TYPE_APP_FORM, 13),
    C(HTTP_CONTENT_TYPE_MULTIPART_FORM, 14),
    C(HTTP_CONTENT_TYPE_WEBSOCK_TXT_DATA, 15),
    C(HTTP_CONTENT_TYPE_WEBSOCK_BIN_DATA, 16),

    /* ---- 5.8 HTTP_PROTOCOL_VER ---- */
    C(HTTP_PROTOCOL_VER_0_9, 0),
    C(HTTP_PROTOCOL_VER_1_0, 1),
    C(HTTP_PROTOCOL_VER_1_1, 2),
    C(HTTP_PROTOCOL_VER_UNKNOWN, 3),
};

/* Widths and signedness of the typedefs: `value` is sizeof, or 1 when the type is unsigned. */
#define W(type, bytes) {"sizeof(" #type ")", (unsigned long long)sizeof(type), (bytes)}
#define O(type, member, at) {"offsetof(" #type ", " #member ")", (unsigned long long)offsetof(type, member), (at)}
#define U(type) {#type " is unsigned", (unsigned long long)((type)-1 > (type)0), 1}

static const struct expect types[] = {
    W(CPU_CHAR, 1),
    W(CPU_BOOLEAN, 1),
    W(CPU_INT08U, 1),
    W(CPU_INT16U, 2),
    W(CPU_INT32U, 4),
    W(CPU_INT16S, 2),
    W(CPU_INT32S, 4),
    W(NET_PORT_NBR, 2),
    W(NET_SOCK_SECURE_UNTRUSTED_REASON, 4),
    W(NET_SOCK_SECURE_TRUST_FNCT, sizeof(void (*)(void))),
    W(HTTPc_FLAGS, 1),
    W(HTTPc_PARAM_TYPE, 4),
    W(HTTPc_CONN_STATE, 4),
    W(HTTPc_CONN_CLOSE_STATUS, 4),
    W(HTTPc_ERR, 4),
    W(HTTPc_WEBSOCK_OPCODE, 1),
    W(HTTPc_WEBSOCK_MSG_TYPE, 4),
    W(HTTPc_WEBSOCK_CLOSE_CODE, 2),
    /* Objects: UserDataPtr plus the reserved words, whatever the pointer size. */
    W(HTTPc_CONN_OBJ, (1 + 23) * sizeof(void *)),
    W(HTTPc_REQ_OBJ, (2 + 28) * sizeof(void *)), /* UserDataPtr, Method_reserved (padded) */
    W(HTTPc_WEBSOCK_OBJ, (1 + 36) * sizeof(void *)),
    W(HTTPc_WEBSOCK_MSG_OBJ, (1 + 10) * sizeof(void *)),
    W(HTTPc_FORM_FIELD_TYPE, 4),
    /* The form structs as legacy's http-c.h lays them out, P the pointer size: a C enum member
     * (1 or 4 bytes) or a CPU_INT16U/CPU_INT32U followed by a pointer is padded up to it
     * (tests/micrium/form_layout.h checks the same numbers against the real headers). */
    W(HTTPc_FORM_TBL_FIELD, 2 * sizeof(void *)),
    O(HTTPc_FORM_TBL_FIELD, FieldObjPtr, sizeof(void *)),
    W(HTTPc_KEY_VAL_EXT, 4 * sizeof(void *)),
    O(HTTPc_KEY_VAL_EXT, KeyLen, sizeof(void *)),
    O(HTTPc_KEY_VAL_EXT, OnValTx, 2 * sizeof(void *)),
    O(HTTPc_KEY_VAL_EXT, ValLen, 3 * sizeof(void *)),
    W(HTTPc_MULTIPART_FILE, 5 * sizeof(void *) + 8),
    O(HTTPc_MULTIPART_FILE, NameLen, sizeof(void *)),
    O(HTTPc_MULTIPART_FILE, FileNamePtr, 2 * sizeof(void *)),
    O(HTTPc_MULTIPART_FILE, FileNameLen, 3 * sizeof(void *)),
    O(HTTPc_MULTIPART_FILE, FileLen, 3 * sizeof(void *) + 4),
    O(HTTPc_MULTIPART_FILE, ContentType, 3 * sizeof(void *) + 8),
    O(HTTPc_MULTIPART_FILE, OnFileTx, 4 * sizeof(void *) + 8),
    W(((HTTPc_MULTIPART_FILE *)0)->ContentType, 4),
    W(HTTP_METHOD, 4),
    W(HTTP_STATUS_CODE, 4),
    W(HTTP_HDR_FIELD, 4),
    W(HTTP_CONTENT_TYPE, 4),
    W(HTTP_PROTOCOL_VER, 4),
    U(CPU_BOOLEAN),
    U(CPU_INT08U),
    U(CPU_INT16U),
    U(CPU_INT32U),
    U(NET_PORT_NBR),
    U(HTTPc_FLAGS),
    U(HTTPc_ERR),
    U(HTTPc_WEBSOCK_OPCODE),
    U(HTTPc_WEBSOCK_CLOSE_CODE),
    {"CPU_INT16S is signed", (unsigned long long)((CPU_INT16S)-1 < 0), 1},
    {"CPU_INT32S is signed", (unsigned long long)((CPU_INT32S)-1 < 0), 1},
};

struct expect_str {
    const char *name;
    const char *value;
    const char *expected;
};

static const struct expect_str strings[] = {
    {"HTTPc_WEBSOCK_GUID_STRING", HTTPc_WEBSOCK_GUID_STRING,
     "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"},
    {"HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR", HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR, "13"},
};

static unsigned check_table(const struct expect *t, size_t n, unsigned *passed) {
    unsigned failed = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        if (t[i].value == t[i].expected) {
            (*passed)++;
        } else {
            failed++;
            printf("MISMATCH %s: header has %llu, legacy is %llu\n", t[i].name, t[i].value,
                   t[i].expected);
        }
    }
    return failed;
}

/* A NULL-able trust callback must be assignable from a plain function of the legacy shape. */
static CPU_BOOLEAN trust_all(void *p_cert, NET_SOCK_SECURE_UNTRUSTED_REASON reason) {
    (void)p_cert;
    (void)reason;
    return DEF_YES;
}

int main(void) {
    unsigned passed = 0;
    unsigned failed = 0;
    size_t i;
    NET_SOCK_SECURE_TRUST_FNCT trust = trust_all;
    MEM_SEG *p_seg = (MEM_SEG *)0; /* incomplete type: pointers only */

    failed += check_table(constants, sizeof constants / sizeof constants[0], &passed);
    failed += check_table(types, sizeof types / sizeof types[0], &passed);
    for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (strcmp(strings[i].value, strings[i].expected) == 0) {
            passed++;
        } else {
            failed++;
            printf("MISMATCH %s: header has \"%s\", legacy is \"%s\"\n", strings[i].name,
                   strings[i].value, strings[i].expected);
        }
    }
    if (trust((void *)0, NET_SOCK_SECURE_SELF_SIGNED) == DEF_YES && p_seg == (MEM_SEG *)0) {
        passed++;
    } else {
        failed++;
        printf("MISMATCH NET_SOCK_SECURE_TRUST_FNCT call\n");
    }

    /* Legacy http-c.h's and http-c_websock.h's guards and module switches (no http-c_cfg.h
     * here: every feature on), which applications test. */
#if defined(HTTPc_MODULE_PRESENT) && defined(HTTPc_WEBSOCK_MODULE_PRESENT) && \
    defined(HTTPc_TASK_MODULE_EN) && \
    defined(HTTPc_SIGNAL_TASK_MODULE_EN) && defined(HTTPc_WEBSOCK_MODULE_EN)
    passed++;
#else
    failed++;
    printf("MISSING HTTPc_MODULE_PRESENT, HTTPc_WEBSOCK_MODULE_PRESENT or an HTTPc_*_MODULE_EN switch\n");
#endif

    printf("%u constants, %u type checks, %u strings\n",
           (unsigned)(sizeof constants / sizeof constants[0]),
           (unsigned)(sizeof types / sizeof types[0]),
           (unsigned)(sizeof strings / sizeof strings[0]));
    printf("%u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
