/*
 * legacy_internal.c: an application that includes one of the legacy client's internal headers
 * by its legacy path, as Micrium's soundcloud add-on does. With httpc-ws's include directory
 * first (docs/MICRIUM_BUILD.md), the compile must stop at httpc-ws's #error
 * (tests/micrium/CMakeLists.txt, micrium.host.legacy_internal_header).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include  <cpu.h>
#include  <lib_def.h>
#include  <Client/Source/http-c.h>
#include  <Client/Source/http-c_task.h>
