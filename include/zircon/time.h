// Time types, units and overflow-safe time arithmetic. Names and values from
// Fuchsia's zircon/system/public/zircon/time.h (misttech/mist-os); the
// functions are written here.
//
// Every helper saturates: a result above INT64_MAX is ZX_TIME_INFINITE, one
// below INT64_MIN is ZX_TIME_INFINITE_PAST (ticks use the same bounds).
#ifndef SYSROOT_ZIRCON_TIME_H_
#define SYSROOT_ZIRCON_TIME_H_

#include <stdint.h>
#include <zircon/compiler.h>

#if !defined(_ZXRV_KERNEL) && defined(__has_include)
#if __has_include(<time.h>)
#include <time.h>
#define __ZXRV_HAVE_TIMESPEC 1
#endif
#endif

__BEGIN_CDECLS

// zx_<instant|duration>_<mono|boot>[_ticks]_t: a point or a span on the
// monotonic or the boot timeline, in nanoseconds or in ticks.
typedef int64_t zx_instant_mono_t;
typedef int64_t zx_instant_mono_ticks_t;
typedef int64_t zx_duration_mono_t;
typedef int64_t zx_duration_mono_ticks_t;
typedef int64_t zx_instant_boot_t;
typedef int64_t zx_instant_boot_ticks_t;
typedef int64_t zx_duration_boot_t;
typedef int64_t zx_duration_boot_ticks_t;

// The older types that do not name a timeline.
typedef int64_t zx_time_t;
typedef int64_t zx_duration_t;
typedef int64_t zx_ticks_t;

#define ZX_TIME_INFINITE INT64_MAX
#define ZX_TIME_INFINITE_PAST INT64_MIN

// a + b, saturated. Only same-signed operands can overflow, towards b's sign.
__CONSTEXPR static inline int64_t __zx_sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (add_overflow(a, b, &r)) return b > 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
    return r;
}

// a - b, saturated. Overflow needs opposite signs; it goes against b's sign.
__CONSTEXPR static inline int64_t __zx_sat_sub(int64_t a, int64_t b) {
    int64_t r;
    if (sub_overflow(a, b, &r)) return b < 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
    return r;
}

// a * b, saturated towards the sign of the true product.
__CONSTEXPR static inline int64_t __zx_sat_mul(int64_t a, int64_t b) {
    int64_t r;
    if (mul_overflow(a, b, &r)) return (a < 0) == (b < 0) ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
    return r;
}

__CONSTEXPR static inline zx_time_t zx_time_add_duration(zx_time_t time, zx_duration_t duration) {
    return __zx_sat_add(time, duration);
}

__CONSTEXPR static inline zx_time_t zx_time_sub_duration(zx_time_t time, zx_duration_t duration) {
    return __zx_sat_sub(time, duration);
}

__CONSTEXPR static inline zx_duration_t zx_time_sub_time(zx_time_t time1, zx_time_t time2) {
    return __zx_sat_sub(time1, time2);
}

__CONSTEXPR static inline zx_duration_t zx_duration_add_duration(zx_duration_t dur1, zx_duration_t dur2) {
    return __zx_sat_add(dur1, dur2);
}

__CONSTEXPR static inline zx_duration_t zx_duration_sub_duration(zx_duration_t dur1, zx_duration_t dur2) {
    return __zx_sat_sub(dur1, dur2);
}

__CONSTEXPR static inline zx_duration_t zx_duration_mul_int64(zx_duration_t duration, int64_t multiplier) {
    return __zx_sat_mul(duration, multiplier);
}

__CONSTEXPR static inline int64_t zx_nsec_from_duration(zx_duration_t n) { return n; }

__CONSTEXPR static inline zx_duration_t zx_duration_from_nsec(int64_t n) { return n; }

__CONSTEXPR static inline zx_duration_t zx_duration_from_usec(int64_t n) { return __zx_sat_mul(n, 1000); }

__CONSTEXPR static inline zx_duration_t zx_duration_from_msec(int64_t n) { return __zx_sat_mul(n, 1000000); }

__CONSTEXPR static inline zx_duration_t zx_duration_from_sec(int64_t n) { return __zx_sat_mul(n, 1000000000); }

__CONSTEXPR static inline zx_duration_t zx_duration_from_min(int64_t n) {
    return __zx_sat_mul(n, 60ll * 1000000000);
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_hour(int64_t n) {
    return __zx_sat_mul(n, 3600ll * 1000000000);
}

__CONSTEXPR static inline zx_ticks_t zx_ticks_add_ticks(zx_ticks_t ticks1, zx_ticks_t ticks2) {
    return __zx_sat_add(ticks1, ticks2);
}

__CONSTEXPR static inline zx_ticks_t zx_ticks_sub_ticks(zx_ticks_t ticks1, zx_ticks_t ticks2) {
    return __zx_sat_sub(ticks1, ticks2);
}

__CONSTEXPR static inline zx_ticks_t zx_ticks_mul_int64(zx_ticks_t ticks, int64_t multiplier) {
    return __zx_sat_mul(ticks, multiplier);
}

#ifdef __ZXRV_HAVE_TIMESPEC

__CONSTEXPR static inline zx_duration_t zx_duration_from_timespec(struct timespec ts) {
    return zx_duration_add_duration(zx_duration_from_sec(ts.tv_sec), zx_duration_from_nsec(ts.tv_nsec));
}

__CONSTEXPR static inline struct timespec zx_timespec_from_duration(zx_duration_t duration) {
    struct timespec ts;
    ts.tv_sec = (time_t)(duration / 1000000000);
    ts.tv_nsec = (long)(duration % 1000000000);
    return ts;
}

__CONSTEXPR static inline zx_time_t zx_time_from_timespec(struct timespec ts) {
    return zx_duration_from_timespec(ts);
}

__CONSTEXPR static inline struct timespec zx_timespec_from_time(zx_time_t time) {
    return zx_timespec_from_duration(time);
}

#endif  // __ZXRV_HAVE_TIMESPEC

// Unit conversions: plain arithmetic for constants (usable in constant
// expressions), the saturating functions above otherwise.
#define ZX_NSEC(n) (__ISCONSTANT(n) ? ((zx_duration_t)(1LL * (n))) : (zx_duration_from_nsec(n)))
#define ZX_USEC(n) (__ISCONSTANT(n) ? ((zx_duration_t)(1000LL * (n))) : (zx_duration_from_usec(n)))
#define ZX_MSEC(n) (__ISCONSTANT(n) ? ((zx_duration_t)(1000000LL * (n))) : (zx_duration_from_msec(n)))
#define ZX_SEC(n) (__ISCONSTANT(n) ? ((zx_duration_t)(1000000000LL * (n))) : (zx_duration_from_sec(n)))
#define ZX_MIN(n) (__ISCONSTANT(n) ? ((zx_duration_t)(60LL * 1000000000LL * (n))) : (zx_duration_from_min(n)))
#define ZX_HOUR(n) \
    (__ISCONSTANT(n) ? ((zx_duration_t)(3600LL * 1000000000LL * (n))) : (zx_duration_from_hour(n)))

__END_CDECLS

#endif  // SYSROOT_ZIRCON_TIME_H_
