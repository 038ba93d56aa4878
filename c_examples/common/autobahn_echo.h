/*
 * autobahn_echo.h: the echo side of an Autobahn|Testsuite client, shared by the host driver
 * (c_examples/autobahn_client.c) and the firmware (tests/firmware/app_autobahn.c).
 *
 * Every received message is sent back with its type as a fragmented message
 * (HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED) fed from a ring that OnMsgRxData fills, so a message of
 * any size streams through the ring's few bytes. A full ring makes OnMsgRxData take nothing
 * (backpressure) until OnMsgTxData has drained it. One session at a time (the hooks carry no
 * context of their own); the application owns the ring's storage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef AUTOBAHN_ECHO_H
#define AUTOBAHN_ECHO_H

#include "http-c.h"

/* The first text message of a session (the case count of /getCaseCount), NUL-terminated. */
#define AB_ECHO_TEXT_MAX 63u

typedef struct AB_ECHO_STATS {
    volatile int opened; /* OnOpen seen */
    volatile int closed; /* the connection's OnClose seen: the session is over */
    char text[AB_ECHO_TEXT_MAX + 1u];
    CPU_INT32U text_len;
} AB_ECHO_STATS;

/* Starts a session: the ring is p_ring[0..ring_len). With batch set, OnMsgTxData waits while a
 * message is still arriving until a whole send buffer's worth is in the ring (fewer, larger
 * frames over a slow link) instead of sending what it has. */
void ab_echo_begin(CPU_INT08U *p_ring, CPU_INT32U ring_len, int batch);

/* Registers the echo's OnOpen and OnMsgRx* hooks on a cleared WebSocket object. */
void ab_echo_set_hooks(HTTPc_WEBSOCK_OBJ *p_ws);

/* The connection's OnClose hook (register it with HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, or call
 * it from the application's own). */
void ab_echo_on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err);

/* What the current session has seen so far. */
AB_ECHO_STATS *ab_echo_stats(void);

#endif
