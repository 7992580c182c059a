// Zircon basic types (subset grows with the implemented calls).
// Widths from zircon/system/public/zircon/types.h (zircon-abi.md §10).
#ifndef SYSROOT_ZIRCON_TYPES_H_
#define SYSROOT_ZIRCON_TYPES_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/errors.h>

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
typedef uint32_t zx_rights_t;
typedef uint32_t zx_signals_t;
typedef uint32_t zx_obj_type_t;
typedef uint64_t zx_koid_t;
typedef uintptr_t zx_paddr_t;
typedef uintptr_t zx_vaddr_t;
typedef uint64_t zx_off_t;
typedef int64_t zx_time_t;
typedef int64_t zx_duration_t;
typedef int64_t zx_ticks_t;

#define ZX_HANDLE_INVALID ((zx_handle_t)0)
#define ZX_HANDLE_FIXED_BITS_MASK ((zx_handle_t)0x3)
#define ZX_TIME_INFINITE INT64_MAX
#define ZX_MAX_NAME_LEN ((size_t)32u)

#endif  // SYSROOT_ZIRCON_TYPES_H_
