// Handles every process is given at start (see <zxrv/bootstrap.h>).
#ifndef SYSROOT_ZIRCON_PROCESS_H_
#define SYSROOT_ZIRCON_PROCESS_H_

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

zx_handle_t zx_process_self(void);
zx_handle_t zx_vmar_root_self(void);
zx_handle_t zx_thread_self(void);
zx_handle_t zx_job_default(void);

// The handle given with tag `tag` at start, removed from the table (so the
// caller owns it), or ZX_HANDLE_INVALID.
zx_handle_t zx_take_startup_handle(uint32_t tag);

#ifdef __cplusplus
}
#endif

#endif
