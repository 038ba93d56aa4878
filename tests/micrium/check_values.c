/*
 * check_values.c: every constant that both httpc-ws's http-c.h and the real Micrium headers
 * define (HTTPc_ERR_*, HTTPc_PARAM_TYPE_*, HTTPc_FLAG_*, HTTP_* enum members, DEF_*,
 * NET_SOCK_SECURE_*, the WebSocket constants, ...) has the same value in both.
 *
 * It includes the real headers only (micrium_all.h: the legacy client's own http-c.h and
 * http-c_websock.h among them) and then httpcws_shared_values.h, which gen_values.cmake writes
 * from include/http-c.h: one HTTPCWS_VAL(NAME, value in http-c.h) per name that the
 * preprocessed Micrium headers define as a macro or an enum member. So a value that differs
 * fails to compile, and a new constant of http-c.h that Micrium also has is checked without
 * editing this file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "micrium_all.h"
#include "micrium_check.h"
#include "form_layout.h"

#define HTTPCWS_VAL(name, ours)                                                                  \
    HTTPCWS_ASSERT((name) == (ours), value_of_##name);

#if defined(__cplusplus)
static constexpr bool httpcws_str_eq(const char *a, const char *b)
{
    return (*a == *b) && ((*a == '\0') || httpcws_str_eq(a + 1, b + 1));
}
#define HTTPCWS_STR(name, ours)                                                                  \
    HTTPCWS_ASSERT(httpcws_str_eq(name, ours), string_##name);
#else
/* C has no constant string comparison: the length here; the text in the C++ builds. */
#define HTTPCWS_STR(name, ours)                                                                  \
    HTTPCWS_ASSERT(sizeof(name) == sizeof(ours), string_length_##name);
#endif

#include "httpcws_shared_values.h"

HTTPCWS_ASSERT(HTTPCWS_SHARED_VALUES >= 250, enough_shared_values);

/* The form types of Micrium's own http-c.h: the numbers httpc-ws's http-c.h is checked against
 * in legacy_app.c (form_layout.h). */
HTTPCWS_FORM_LAYOUT_CHECKS();
