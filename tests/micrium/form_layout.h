/*
 * form_layout.h: the layout of the form types (HTTPc_FORM_TBL_FIELD, HTTPc_KEY_VAL_EXT,
 * HTTPc_MULTIPART_FILE) that a legacy uC/HTTP-client application gets, as numbers: P is the
 * pointer size, and a CPU_INT16U, a CPU_INT32U or a C enum member (one byte where enums are
 * short, four otherwise) that a pointer follows is padded up to the pointer.
 *
 * HTTPCWS_FORM_LAYOUT_CHECKS() asserts them at compile time for whichever definitions of the
 * three types are in scope: check_values.c uses it on the real Micrium http-c.h, legacy_app.c
 * on httpc-ws's http-c.h, each in every configuration of the matrix (host, Cortex-M0, Cortex-M4F
 * with short enums; C and C++). Equal numbers on both sides: the same layout.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef HTTPCWS_FORM_LAYOUT_H
#define HTTPCWS_FORM_LAYOUT_H

#include <stddef.h>

#include "micrium_check.h"

#define HTTPCWS_P  sizeof(void *)

#define HTTPCWS_FORM_LAYOUT_CHECKS()                                                              \
    HTTPCWS_ASSERT(sizeof(HTTPc_FORM_TBL_FIELD) == 2u * HTTPCWS_P, form_tbl_field_size);          \
    HTTPCWS_ASSERT(offsetof(HTTPc_FORM_TBL_FIELD, Type) == 0u, form_tbl_field_type);              \
    HTTPCWS_ASSERT(offsetof(HTTPc_FORM_TBL_FIELD, FieldObjPtr) == HTTPCWS_P, form_tbl_field_obj); \
    HTTPCWS_ASSERT(sizeof(HTTPc_KEY_VAL_EXT) == 4u * HTTPCWS_P, key_val_ext_size);                \
    HTTPCWS_ASSERT(offsetof(HTTPc_KEY_VAL_EXT, KeyPtr) == 0u, key_val_ext_key_ptr);               \
    HTTPCWS_ASSERT(offsetof(HTTPc_KEY_VAL_EXT, KeyLen) == HTTPCWS_P, key_val_ext_key_len);        \
    HTTPCWS_ASSERT(offsetof(HTTPc_KEY_VAL_EXT, OnValTx) == 2u * HTTPCWS_P, key_val_ext_hook);     \
    HTTPCWS_ASSERT(offsetof(HTTPc_KEY_VAL_EXT, ValLen) == 3u * HTTPCWS_P, key_val_ext_val_len);   \
    HTTPCWS_ASSERT(sizeof(HTTPc_MULTIPART_FILE) == 5u * HTTPCWS_P + 8u, multipart_file_size);     \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, NamePtr) == 0u, multipart_file_name_ptr);       \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, NameLen) == HTTPCWS_P, multipart_file_name_len); \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, FileNamePtr) == 2u * HTTPCWS_P,                 \
                   multipart_file_file_name_ptr);                                                 \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, FileNameLen) == 3u * HTTPCWS_P,                 \
                   multipart_file_file_name_len);                                                 \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, FileLen) == 3u * HTTPCWS_P + 4u,                \
                   multipart_file_file_len);                                                      \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, ContentType) == 3u * HTTPCWS_P + 8u,            \
                   multipart_file_content_type);                                                  \
    HTTPCWS_ASSERT(offsetof(HTTPc_MULTIPART_FILE, OnFileTx) == 4u * HTTPCWS_P + 8u,               \
                   multipart_file_hook)

#endif /* HTTPCWS_FORM_LAYOUT_H */
