/*
 * Client/Source/http-c_task.h: internal to the legacy uC/HTTP-client (its HTTPc task, connection
 * and memory pools), which httpc-ws replaces: nothing of it exists here. An application that
 * includes it used the legacy client's internals; it stops here rather than compile the legacy
 * declarations against httpc-ws's objects (docs/MICRIUM_BUILD.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#error "Client/Source/http-c_task.h is internal to the legacy uC/HTTP-client, which httpc-ws replaces: include http-c.h (and http-c_websock.h) only (docs/MICRIUM_BUILD.md)"
