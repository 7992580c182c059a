// The handles a process was given at start. Declarations as in Fuchsia's
// zircon/system/public/zircon/process.h (gnoliyil/fuchsia), without its
// Clang-only handle annotations.
#ifndef SYSROOT_ZIRCON_PROCESS_H_
#define SYSROOT_ZIRCON_PROCESS_H_

#include <stdint.h>
#include <zircon/compiler.h>
#include <zircon/types.h>

__BEGIN_CDECLS

// The handle given at start with handle info `hnd_info` (a PA_HND() value of
// <zircon/processargs.h>), removed from the start-up set so that the caller
// owns it; ZX_HANDLE_INVALID if there is none (left). The runtime keeps the
// PA_PROC_SELF, PA_VMAR_ROOT, PA_THREAD_SELF and PA_JOB_DEFAULT handles for
// the calls below: do not close those.
zx_handle_t zx_take_startup_handle(uint32_t hnd_info);

zx_handle_t _zx_thread_self(void);
zx_handle_t zx_thread_self(void);

zx_handle_t _zx_process_self(void);
zx_handle_t zx_process_self(void);

zx_handle_t _zx_vmar_root_self(void);
zx_handle_t zx_vmar_root_self(void);

zx_handle_t _zx_job_default(void);
zx_handle_t zx_job_default(void);

__END_CDECLS

#endif  // SYSROOT_ZIRCON_PROCESS_H_
