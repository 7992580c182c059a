// Private seam between crt0 (user/crt/start.c) and libzircon's
// <zircon/process.h> implementation (process.c). Not a public header.
#ifndef USER_LIBZIRCON_STARTUP_H_
#define USER_LIBZIRCON_STARTUP_H_

#include <stdint.h>
#include <zircon/types.h>

// Called once by crt0, before constructors and main, with the handles of the
// bootstrap message and their tags (n <= ZXRV_BOOTSTRAP_MAX_HANDLES; the
// caller checked). The first PROC_SELF, VMAR_ROOT, THREAD_SELF and
// JOB_DEFAULT handles are kept for zx_process_self() and friends; all the
// others wait for zx_take_startup_handle().
void __zxrv_startup_handles_set(const zx_handle_t *handles, const uint32_t *tags, uint32_t n);

// The calling thread's own handle, what zx_thread_self() returns (the first
// thread's from the bootstrap message; a thread started by thrd_create sets
// its own before running any user code). Static executables: local-exec.
extern _Thread_local zx_handle_t __zxrv_thread_handle __attribute__((tls_model("local-exec")));

// What the calling thread writes into a mutex word it owns (user/lib/mtx.c):
// its thread handle. A first thread started without a THREAD_SELF handle
// (a bare bootstrap message) has no handle to name: it uses
// ZXRV_MUTEX_ID_NO_HANDLE (low bits 11 like every handle; a waiter that
// names it as the futex's owner gets ZX_ERR_BAD_HANDLE, or in the unlikely
// case that it is also a live handle value, names that thread, and then
// waits without an owner or with a wrong one: the lock still works).
#define ZXRV_MUTEX_ID_NO_HANDLE ((zx_handle_t)0xfffffff3u)
extern _Thread_local zx_handle_t __zxrv_mutex_id __attribute__((tls_model("local-exec")));

#endif
