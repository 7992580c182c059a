// zx_cache_flush (see sys/syscalls.def). Zircon answers it in its vDSO
// (zircon/kernel/lib/userabi/vdso/zx_cache_flush.cc) with the caller's own
// cache-maintenance instructions; here the kernel does it, since fence.i has
// to run where the kernel can see every hart (today only the boot hart runs:
// kern/hart.h; with more harts INSN needs a remote fence.i to each hart the
// process may run on).
//
// The harts this kernel runs on (QEMU's) keep data caches coherent with each
// other and with memory, and no board here has Zicbom, so DATA (with or
// without INVALIDATE) is a full fence: writes before the call are ordered
// before whatever follows it. INSN is fence.i: instruction fetches after the
// call see the stores before it.
#include "kern/printf.h"
#include "mm/addr.h"
#include "obj/vmar.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// Zircon's vDSO accepts exactly these combinations (INVALIDATE only with DATA).
static bool options_ok(uint32_t options) {
    switch (options) {
    case ZX_CACHE_FLUSH_INSN:
    case ZX_CACHE_FLUSH_DATA:
    case ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INSN:
    case ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INVALIDATE:
    case ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INVALIDATE | ZX_CACHE_FLUSH_INSN:
        return true;
    default:
        return false;
    }
}

// zx_status_t zx_cache_flush(const void* addr, size_t size, uint32_t options)
//
// Errors, in Zircon's order: options not one of the combinations above:
// INVALID_ARGS. Then the range: "If that range of memory is not readable,
// then the thread may fault as it would for a data read" (Zircon's
// cache_flush.md). A data read of such memory kills the process here (there
// are no exception handlers), so that is what happens, with the same report
// and return code (ZX_TASK_RETCODE_EXCEPTION_KILL). As for every pointer
// argument of this kernel, a range that is not inside the user half (NULL with
// a non-zero size among them) is INVALID_ARGS instead. Size 0 touches nothing.
zx_status_t sys_cache_flush(uptr_t addr, size_t size, uint32_t options) {
    if (!options_ok(options)) return ZX_ERR_INVALID_ARGS;
    if (size != 0) {
        if (!user_range_ok(addr.addr, size)) return ZX_ERR_INVALID_ARGS;
        struct process *p = process_current();
        // Nothing is read or faulted in: device registers see no access, and
        // a huge sparse mapping commits no pages.
        uint64_t bad = vmar_first_denied(p->root_vmar, addr.addr, size, ZX_VM_PERM_READ);
        if (bad != 0) {
            char name[ZX_MAX_NAME_LEN];
            object_get_name(&p->obj, name);
            kprintf("\nzxrv: process \"%s\" (koid %lu) killed: zx_cache_flush of memory it may not read\n", name,
                    p->obj.koid);
            kprintf("  range  %p + %#lx\n  page   %p (as a load page fault)\n", (void *)addr.addr, size,
                    (void *)bad);
            process_kill(p, ZX_TASK_RETCODE_EXCEPTION_KILL);
            return ZX_ERR_ACCESS_DENIED;  // never seen: the thread dies on its way out
        }
    }
    if (options & ZX_CACHE_FLUSH_DATA) __asm__ volatile("fence iorw, iorw" ::: "memory");
    if (options & ZX_CACHE_FLUSH_INSN) __asm__ volatile("fence.i" ::: "memory");
    return ZX_OK;
}
