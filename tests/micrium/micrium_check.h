/*
 * micrium_check.h: compile-time assertions for the tests in tests/micrium/, in C99, C11 and C++.
 *
 *   HTTPCWS_ASSERT(cond, id)   fails to compile when cond (an integer constant expression) is
 *                              false; id names the check (an identifier) in the diagnostic.
 *   HTTPCWS_SAME(a, b)         1 when types a and b are the same type: compatible types in C
 *                              (__builtin_types_compatible_p), std::is_same in C++ (or an
 *                              equivalent where the toolchain has no <type_traits>).
 *   HTTPCWS_SAME_ENUM(e, t)    1 when t is the type a C compiler gives the C enum type e: the
 *                              compatible type in C, std::underlying_type in C++ (where an enum
 *                              is never the same type as an integer type).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef HTTPCWS_MICRIUM_CHECK_H
#define HTTPCWS_MICRIUM_CHECK_H

#if defined(__cplusplus)
#define HTTPCWS_ASSERT(cond, id)   static_assert((cond), #id)
#if defined(__has_include)
#if __has_include(<type_traits>)
#define HTTPCWS_HAVE_TYPE_TRAITS
#endif
#endif
#if defined(HTTPCWS_HAVE_TYPE_TRAITS)
#include <type_traits>
#define HTTPCWS_SAME(a, b)         (std::is_same<a, b>::value)
#define HTTPCWS_SAME_ENUM(e, t)    (std::is_same<std::underlying_type<e>::type, t>::value)
#else
/* A freestanding C++ toolchain without the library headers (arm-none-eabi-g++ without
 * libstdc++): the same two traits, on the compiler's own __underlying_type. */
template <typename A, typename B> struct httpcws_is_same { static const bool value = false; };
template <typename A> struct httpcws_is_same<A, A> { static const bool value = true; };
#define HTTPCWS_SAME(a, b)         (httpcws_is_same<a, b>::value)
#define HTTPCWS_SAME_ENUM(e, t)    (httpcws_is_same<__underlying_type(e), t>::value)
#endif
#elif defined(__STDC_VERSION__) && (__STDC_VERSION__ >= 201112L)
#define HTTPCWS_ASSERT(cond, id)   _Static_assert((cond), #id)
#define HTTPCWS_SAME(a, b)         __builtin_types_compatible_p(a, b)
#define HTTPCWS_SAME_ENUM(e, t)    __builtin_types_compatible_p(e, t)
#else
#define HTTPCWS_ASSERT(cond, id)   typedef char httpcws_assert_##id[(cond) ? 1 : -1]
#define HTTPCWS_SAME(a, b)         __builtin_types_compatible_p(a, b)
#define HTTPCWS_SAME_ENUM(e, t)    __builtin_types_compatible_p(e, t)
#endif

#endif /* HTTPCWS_MICRIUM_CHECK_H */
