// User copies (see mm/usercopy.h).
#include "mm/usercopy.h"

#include "kern/hart.h"
#include "mm/aspace.h"

int64_t usercopy_asm(void *dst, const void *src, size_t n);

zx_status_t copy_from_user(void *dst, uptr_t src, size_t n) {
    if (n == 0) return ZX_OK;
    if (!user_range_ok(src.addr, n)) return ZX_ERR_INVALID_ARGS;
    return usercopy_asm(dst, (const void *)src.addr, n) == 0 ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

zx_status_t copy_to_user(uptr_t dst, const void *src, size_t n) {
    if (n == 0) return ZX_OK;
    if (!user_range_ok(dst.addr, n)) return ZX_ERR_INVALID_ARGS;
    return usercopy_asm((void *)dst.addr, src, n) == 0 ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

zx_status_t copy_string_from_user(char *dst, uptr_t src, size_t len, size_t max) {
    if (max == 0) return ZX_ERR_INVALID_ARGS;
    size_t n = len < max - 1 ? len : max - 1;
    zx_status_t st = copy_from_user(dst, src, n);
    if (st != ZX_OK) return st;
    dst[n] = 0;
    for (size_t i = 0; i < n; i++)
        if (!dst[i]) break;
    return ZX_OK;
}

zx_status_t copy_to_user_nofault(uptr_t dst, const void *src, size_t n, struct usercopy_fault *fault) {
    if (n == 0) return ZX_OK;
    if (!user_range_ok(dst.addr, n)) return ZX_ERR_INVALID_ARGS;
    struct hart *h = this_hart();
    h->usercopy_nofault = true;
    int64_t r = usercopy_asm((void *)dst.addr, src, n);
    h->usercopy_nofault = false;
    if (r == 0) return ZX_OK;
    fault->va = h->fault_tval;
    fault->cause = (uint64_t)-r;
    return ZX_ERR_SHOULD_WAIT;
}

zx_status_t copy_from_user_nofault(void *dst, uptr_t src, size_t n, struct usercopy_fault *fault) {
    if (n == 0) return ZX_OK;
    if (!user_range_ok(src.addr, n)) return ZX_ERR_INVALID_ARGS;
    struct hart *h = this_hart();
    h->usercopy_nofault = true;
    int64_t r = usercopy_asm(dst, (const void *)src.addr, n);
    h->usercopy_nofault = false;
    if (r == 0) return ZX_OK;
    fault->va = h->fault_tval;
    fault->cause = (uint64_t)-r;
    return ZX_ERR_SHOULD_WAIT;
}
