// <zircon/process.h>: the handles a process received at start.
//
// crt0 hands over the bootstrap message's handles once, before main. As
// Fuchsia's runtime does, the first handle of each of the types PA_PROC_SELF,
// PA_VMAR_ROOT, PA_THREAD_SELF and PA_JOB_DEFAULT (whatever the PA_HND
// argument) is kept for the zx_*_self()/zx_job_default() getters (the process
// must not close those); every other handle sits in a table until
// zx_take_startup_handle() hands it, once, to its new owner.
// The table is filled before main, while only the first thread exists.
// zx_thread_self() is per thread: the first thread's handle comes from the
// message, every thread the C11 library starts sets its own (thrd.c).
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zxrv/bootstrap.h>

#include "startup.h"

static zx_handle_t proc_self, vmar_root, job_default;
_Thread_local zx_handle_t __zxrv_thread_handle;
_Thread_local zx_handle_t __zxrv_mutex_id;
static zx_handle_t table_handles[ZXRV_BOOTSTRAP_MAX_HANDLES];
static uint32_t table_tags[ZXRV_BOOTSTRAP_MAX_HANDLES];
static uint32_t table_count;

static int keep(zx_handle_t *slot, zx_handle_t h) {
    if (*slot != ZX_HANDLE_INVALID)
        return 0;
    *slot = h;
    return 1;
}

void __zxrv_startup_handles_set(const zx_handle_t *handles, const uint32_t *tags, uint32_t n) {
    if (n > ZXRV_BOOTSTRAP_MAX_HANDLES)
        n = ZXRV_BOOTSTRAP_MAX_HANDLES;  // crt0 checked; never trust the caller
    for (uint32_t i = 0; i < n; i++) {
        int kept = 0;
        switch (PA_HND_TYPE(tags[i])) {
        case PA_PROC_SELF: kept = keep(&proc_self, handles[i]); break;
        case PA_VMAR_ROOT: kept = keep(&vmar_root, handles[i]); break;
        case PA_THREAD_SELF: kept = keep(&__zxrv_thread_handle, handles[i]); break;
        case PA_JOB_DEFAULT: kept = keep(&job_default, handles[i]); break;
        default: break;
        }
        if (!kept) {
            table_handles[table_count] = handles[i];
            table_tags[table_count] = tags[i];
            table_count++;
        }
    }
}

zx_handle_t zx_process_self(void) {
    return proc_self;
}

zx_handle_t zx_vmar_root_self(void) {
    return vmar_root;
}

zx_handle_t zx_thread_self(void) {
    return __zxrv_thread_handle;
}

zx_handle_t zx_job_default(void) {
    return job_default;
}

zx_handle_t zx_take_startup_handle(uint32_t hnd_info) {
    for (uint32_t i = 0; i < table_count; i++) {
        if (table_tags[i] == hnd_info && table_handles[i] != ZX_HANDLE_INVALID) {
            zx_handle_t h = table_handles[i];
            table_handles[i] = ZX_HANDLE_INVALID;
            return h;
        }
    }
    return ZX_HANDLE_INVALID;
}

// The _zx_ names of <zircon/process.h>, as Fuchsia's has them.
zx_handle_t _zx_process_self(void) __attribute__((alias("zx_process_self")));
zx_handle_t _zx_vmar_root_self(void) __attribute__((alias("zx_vmar_root_self")));
zx_handle_t _zx_thread_self(void) __attribute__((alias("zx_thread_self")));
zx_handle_t _zx_job_default(void) __attribute__((alias("zx_job_default")));
