/*
 * Client/Source/http-c.h: forwards to httpc-ws's http-c.h, at the path legacy
 * uC/HTTP-client applications include it by (as Micrium's own examples do). Put httpc-ws's
 * include directory before the uC-HTTP root on the include path, so that this file is found
 * and not the legacy one (docs/MICRIUM_BUILD.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../../http-c.h"
