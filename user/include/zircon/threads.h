// <zircon/threads.h>: the Zircon side of C11 threads (as Fuchsia's).
#ifndef ZIRCON_THREADS_H_
#define ZIRCON_THREADS_H_

#include <threads.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// The zx_handle_t of the thread. It is still owned by the C11 thread and
// will not persist after the thread exits and is joined or detached: callers
// that want the handle to outlive the thread must duplicate it.
zx_handle_t thrd_get_zx_handle(thrd_t t);

// Converts a threads.h status value to a zx_status_t.
static inline zx_status_t thrd_status_to_zx_status(int thrd_status) {
    switch (thrd_status) {
    case thrd_success: return ZX_OK;
    case thrd_nomem: return ZX_ERR_NO_MEMORY;
    case thrd_timedout: return ZX_ERR_TIMED_OUT;
    case thrd_busy: return ZX_ERR_SHOULD_WAIT;
    default:
    case thrd_error: return ZX_ERR_INTERNAL;
    }
}

#ifdef __cplusplus
}
#endif

#endif  // ZIRCON_THREADS_H_
