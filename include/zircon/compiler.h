// Compiler helpers that Fuchsia's public headers (and code written against
// them) use. Names and meanings from Fuchsia's
// zircon/system/public/zircon/compiler.h (misttech/mist-os); the subset here
// covers what the other headers of include/zircon/ use plus the common
// function and data attributes. GCC and Clang only. May be included from C,
// C++ and assembly.
#ifndef SYSROOT_ZIRCON_COMPILER_H_
#define SYSROOT_ZIRCON_COMPILER_H_

#if !defined(__GNUC__) && !defined(__clang__)
#error "zircon/compiler.h needs GCC or Clang"
#endif

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if !defined(__ASSEMBLER__)

#ifdef __cplusplus
#define __BEGIN_CDECLS extern "C" {
#define __END_CDECLS }
#define __CONSTEXPR constexpr
#else
#define __BEGIN_CDECLS
#define __END_CDECLS
#define __CONSTEXPR
#endif

// Function and data attributes.
#define __NO_RETURN __attribute__((__noreturn__))
#define __NO_INLINE __attribute__((__noinline__))
#define __ALWAYS_INLINE __attribute__((__always_inline__))
#define __WARN_UNUSED_RESULT __attribute__((__warn_unused_result__))
#define __PACKED __attribute__((packed))
#define __ALIGNED(x) __attribute__((aligned(x)))
#define __PURE __attribute__((__pure__))
#define __CONST __attribute__((__const__))
#define __MALLOC __attribute__((__malloc__))
#define __NONNULL(n) __attribute__((__nonnull__ n))
#define __LEAF_FN __attribute__((__leaf__))
#define __PRINTFLIKE(__fmt, __varargs) __attribute__((__format__(__printf__, __fmt, __varargs)))
#define __SCANFLIKE(__fmt, __varargs) __attribute__((__format__(__scanf__, __fmt, __varargs)))
#define __ALIAS(x) __attribute__((__alias__(x)))
#define __WEAK __attribute__((__weak__))
#define __WEAK_ALIAS(x) __attribute__((__weak__, __alias__(x)))
#define __SECTION(x) __attribute__((__section__(x)))
#define __ALWAYS_EMIT __attribute__((__used__))
#ifndef __EXPORT  // picolibc's <sys/config.h> defines it empty (static programs: same effect)
#define __EXPORT __attribute__((__visibility__("default")))
#endif
#define __LOCAL __attribute__((__visibility__("hidden")))
#define __THREAD __thread
#ifndef __cplusplus
#define __UNUSED __attribute__((__unused__))
#endif
#ifndef __DEPRECATE
#define __DEPRECATE __attribute__((__deprecated__))
#endif

// Builtins.
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#define __ISCONSTANT(x) __builtin_constant_p(x)
#define __UNREACHABLE __builtin_unreachable()
#define __GET_CALLER(x) __builtin_return_address(0)
#define __GET_FRAME(x) __builtin_frame_address(0)
#ifndef __offsetof  // picolibc's <sys/cdefs.h> has its own, with the same meaning
#define __offsetof(type, field) __builtin_offsetof(type, field)
#endif

// true if the operation overflowed; *result gets the wrapped value.
#define add_overflow(a, b, result) __builtin_add_overflow(a, b, result)
#define sub_overflow(a, b, result) __builtin_sub_overflow(a, b, result)
#define mul_overflow(a, b, result) __builtin_mul_overflow(a, b, result)

#if defined(__cplusplus)
#define __FALLTHROUGH [[fallthrough]]
#else
#define __FALLTHROUGH __attribute__((__fallthrough__))
#endif

#endif  // !defined(__ASSEMBLER__)

#endif  // SYSROOT_ZIRCON_COMPILER_H_
