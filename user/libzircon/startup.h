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

#endif
