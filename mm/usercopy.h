// The only way the kernel touches user memory.
//
// Each copy checks that the whole range lies in the user half, then copies
// with sstatus.SUM set for the copy alone. A fault on a page the process has
// mapped but not yet touched is resolved by the page-fault handler and the
// copy goes on; any other fault ends the copy with ZX_ERR_INVALID_ARGS (never
// a kernel panic).
#ifndef MM_USERCOPY_H
#define MM_USERCOPY_H

#include <stddef.h>
#include <zircon/types.h>

#include "sys/uptr.h"

zx_status_t copy_from_user(void *dst, uptr_t src, size_t n);
zx_status_t copy_to_user(uptr_t dst, const void *src, size_t n);
// Copy a user string of at most max-1 bytes (stopping at a NUL) and NUL-terminate.
zx_status_t copy_string_from_user(char *dst, uptr_t src, size_t len, size_t max);
#endif
