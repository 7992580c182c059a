// The only way the kernel touches user memory.
//
// Each copy checks that the whole range lies in the user half, then copies
// with sstatus.SUM set for the copy alone. A fault on a page the process has
// mapped but not yet touched is resolved by the page-fault handler and the
// copy goes on (so these must run with no spinlock held: lockdep checks);
// any other fault ends the copy with ZX_ERR_INVALID_ARGS (never a kernel
// panic).
#ifndef MM_USERCOPY_H
#define MM_USERCOPY_H

#include <stddef.h>
#include <zircon/types.h>

#include "sys/uptr.h"

zx_status_t copy_from_user(void *dst, uptr_t src, size_t n);
zx_status_t copy_to_user(uptr_t dst, const void *src, size_t n);
// For copies that must run under a spinlock (zx_vmo_read/write copy under
// the VMO's lock): a fault is never resolved here (resolving takes VMAR and
// VMO locks: lock order, and the very VMO's lock when the buffer maps it).
// Instead ZX_ERR_SHOULD_WAIT with the faulting address and scause in
// *fault: the caller drops its locks, resolves the fault (vmar_fault) and
// retries. Other errors as above. Some bytes may have been copied.
struct usercopy_fault {
    uint64_t va, cause;
};
zx_status_t copy_to_user_nofault(uptr_t dst, const void *src, size_t n, struct usercopy_fault *fault);
zx_status_t copy_from_user_nofault(void *dst, uptr_t src, size_t n, struct usercopy_fault *fault);
// Copy a user string of at most max-1 bytes (stopping at a NUL) and NUL-terminate.
zx_status_t copy_string_from_user(char *dst, uptr_t src, size_t len, size_t max);
#endif
