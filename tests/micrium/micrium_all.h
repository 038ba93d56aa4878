/*
 * micrium_all.h: the real Micrium headers of a legacy uC/HTTP-client WebSocket application,
 * the legacy client's own http-c.h and http-c_websock.h included. Preprocessed by
 * gen_values.cmake to find the constants Micrium and httpc-ws both define, and included by
 * check_values.c to compare them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef HTTPCWS_MICRIUM_ALL_H
#define HTTPCWS_MICRIUM_ALL_H

#include <cpu.h>
#include <cpu_core.h>
#include <lib_def.h>
#include <lib_mem.h>
#include <Source/net.h>
#include <Source/net_sock.h>
#include <Common/http.h>
#include <http-c_cfg.h>
#include <Client/Source/http-c.h>
#include <Client/Source/http-c_websock.h>

#endif /* HTTPCWS_MICRIUM_ALL_H */
