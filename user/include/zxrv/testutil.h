// Helpers shared by the test programs (user/lib/testutil.c): programs from
// the boot archive, waiting for a process, and the kernel's counters.
#ifndef ZXRV_TESTUTIL_H_
#define ZXRV_TESTUTIL_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>
#include <zxrv/kstats.h>

// Read program `name` from the boot archive (the PA_HND(ZXRV_PA_BOOT_ARCHIVE, 0) startup handle)
// into a malloc'ed buffer; NULL if absent.
void *zxrv_load_program(const char *name, size_t *out_len);
// Wait for a process to terminate and return its return code (INT64_MIN on error).
int64_t zxrv_wait_exit(zx_handle_t proc);
// The boot archive startup handle (ZXRV_PA_BOOT_ARCHIVE; taken once, shared by these helpers).
zx_handle_t zxrv_bootfs_vmo(void);
// The root resource startup handle (taken once, shared by these helpers).
zx_handle_t zxrv_root_resource(void);
// The kernel counters, through the root resource startup handle.
zx_status_t zxrv_kernel_stats(zxrv_kernel_stats_t *out);
// Threads blocked in zx_futex_wait now (all processes); UINT64_MAX if the
// counters cannot be read.
uint64_t zxrv_futex_waiters(void);
// The koid of the object behind a handle (ZX_INFO_HANDLE_BASIC); 0 on error.
zx_koid_t zxrv_koid_of(zx_handle_t h);
#endif
