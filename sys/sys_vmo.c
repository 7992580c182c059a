// zx_vmo_* (see sys/syscalls.def; the seed page for zx_vmo_create).
#include <zircon/syscalls/resource.h>

#include "kern/thread.h"
#include "obj/resource.h"
#include "obj/vmar.h"
#include "obj/vmo.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// The user side of zx_vmo_read/write. vmo_read/vmo_write copy under the
// VMO's lock, so the copies never resolve a fault (mm/usercopy.h): a fault
// ends the call with ZX_ERR_SHOULD_WAIT, the fault is resolved here with no
// lock held, and the call goes on from the last chunk that was copied whole.
// Another hart may unmap the buffer at any time, so this can repeat; each
// round makes progress unless the buffer is really bad (vmar_fault fails:
// ZX_ERR_INVALID_ARGS) or the thread is being killed.
struct user_buf {
    uptr_t base;
    size_t done;      // bytes finished in earlier rounds
    size_t progress;  // bytes finished in this round
    bool faulted;
    struct usercopy_fault fault;
};

static zx_status_t copy_out(void *ctx, size_t buf_off, void *kva, size_t n) {
    struct user_buf *b = ctx;
    zx_status_t st = copy_to_user_nofault(uptr_add(b->base, b->done + buf_off), kva, n, &b->fault);
    if (st == ZX_OK) b->progress = buf_off + n;
    b->faulted = st == ZX_ERR_SHOULD_WAIT;
    return st;
}

static zx_status_t copy_in(void *ctx, size_t buf_off, void *kva, size_t n) {
    struct user_buf *b = ctx;
    zx_status_t st = copy_from_user_nofault(kva, uptr_add(b->base, b->done + buf_off), n, &b->fault);
    if (st == ZX_OK) b->progress = buf_off + n;
    b->faulted = st == ZX_ERR_SHOULD_WAIT;
    return st;
}

static zx_status_t vmo_rw_user(struct vmo *v, uptr_t buffer, uint64_t offset, size_t len, bool read) {
    struct user_buf b = {buffer, 0, 0, false, {0, 0}};
    for (;;) {
        b.progress = 0;
        b.faulted = false;
        zx_status_t st = read ? vmo_read(v, offset + b.done, len - b.done, copy_out, &b)
                              : vmo_write(v, offset + b.done, len - b.done, copy_in, &b);
        if (st != ZX_ERR_SHOULD_WAIT || !b.faulted) return st;
        b.done += b.progress;
        if (thread_current()->kill_pending) return ZX_ERR_CANCELED;  // it dies on its way out
        if (vmar_fault(process_current()->root_vmar, b.fault.va, b.fault.cause) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    }
}

// The VMO first, in Zircon's order (VmObjectPaged::ReadWriteInternalLocked):
// offset + len overflowing (OUT_OF_RANGE), a cache policy other than CACHED
// (BAD_STATE), past the size (OUT_OF_RANGE); then the user buffer
// (INVALID_ARGS); then fault the buffer in, because the copy runs under the
// VMO's lock and cannot resolve faults itself (vmo_rw_user does, between
// rounds; faulting in first makes that rare). Physical VMOs: vmo_read/write
// refuse. The policy is read before the copy, not under the
// VMO lock; it changes nothing in the page tables here, so a concurrent
// zx_vmo_set_cache_policy cannot make the copy unsafe. A write first gives
// the VMO its own copy of the pages it shares copy-on-write: that unmaps
// them, so it must come before the buffer is faulted in.
static zx_status_t check_buffer(struct vmo *v, uptr_t buffer, uint64_t offset, size_t len, bool kernel_writes) {
    uint64_t size = vmo_get_size(v);
    bool in_range = offset <= size && len <= size - offset;
    if (vmo_is_physical(v)) {
        if (!in_range) return ZX_ERR_NOT_SUPPORTED;
    } else {
        if (offset > UINT64_MAX - len) return ZX_ERR_OUT_OF_RANGE;
        if (vmo_get_cache_policy(v) != ZX_CACHE_POLICY_CACHED) return ZX_ERR_BAD_STATE;
        if (!in_range) return ZX_ERR_OUT_OF_RANGE;
    }
    if (len && !user_range_ok(buffer.addr, len)) return ZX_ERR_INVALID_ARGS;
    if (len && !vmo_is_physical(v)) {
        zx_status_t st = kernel_writes ? ZX_OK : vmo_unshare(v, offset, len);
        if (st != ZX_OK) return st;
        vmar_prefault(process_current()->root_vmar, buffer.addr, len, kernel_writes);
    }
    return ZX_OK;
}

// zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out)
zx_status_t sys_vmo_create(uint64_t size, uint32_t options, uptr_t out) {
    // "Caller job policy must allow ZX_POL_NEW_VMO."
    zx_status_t st = sys_check_policy(ZX_POL_NEW_VMO);
    if (st != ZX_OK) return st;
    // "Cannot be used in conjunction with ZX_VMO_RESIZABLE."
    if ((options & ZX_VMO_RESIZABLE) && (options & ZX_VMO_UNBOUNDED)) return ZX_ERR_INVALID_ARGS;
    // Anything else unknown (bit 0, TRAP_DIRTY which is for pager VMOs only): INVALID_ARGS.
    if (options & ~(ZX_VMO_RESIZABLE | ZX_VMO_DISCARDABLE | ZX_VMO_UNBOUNDED)) return ZX_ERR_INVALID_ARGS;
    // "The size of the VMO will be rounded up to the next system page size
    // boundary"; "ZX_VMO_UNBOUNDED ... initialized to the largest possible size.
    // Size argument sets the stream size only."
    uint64_t vmo_size;
    if (options & ZX_VMO_UNBOUNDED) {
        if (size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
        vmo_size = VMO_MAX_SIZE;
    } else {
        if (size > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
        vmo_size = page_round_up(size);
        if (vmo_size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    }
    struct vmo *v;
    st = vmo_create(vmo_size, size, options, &v);
    if (st != ZX_OK) return st;
    zx_rights_t rights = ZX_DEFAULT_VMO_RIGHTS | ((options & ZX_VMO_RESIZABLE) ? ZX_RIGHT_RESIZE : 0);
    st = sys_give_handle(&v->obj, rights, out);
    object_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_create_contiguous(zx_handle_t bti, size_t size, uint32_t alignment_log2,
//                                      zx_handle_t* out)
// Zircon's order (driver.cc): size 0, then the alignment (0 means a page;
// below a page or >= 64: INVALID_ARGS), the job policy, the BTI (MAP), the
// size rounded to pages (OUT_OF_RANGE past the largest VMO); then the run
// (obj/vmo.h: at most 4 MiB here, else NO_MEMORY). Rights: a VMO's default.
zx_status_t sys_vmo_create_contiguous(zx_handle_t bti, size_t size, uint32_t alignment_log2, uptr_t out) {
    if (size == 0) return ZX_ERR_INVALID_ARGS;
    if (alignment_log2 == 0) alignment_log2 = PAGE_SHIFT;
    if (alignment_log2 < PAGE_SHIFT || alignment_log2 >= 64) return ZX_ERR_INVALID_ARGS;
    zx_status_t st = sys_check_policy(ZX_POL_NEW_VMO);
    if (st != ZX_OK) return st;
    struct object *b;
    st = sys_get(bti, ZX_OBJ_TYPE_BTI, SYS_RIGHTS_vmo_create_contiguous_bti, &b, 0);
    if (st != ZX_OK) return st;
    object_unref(b);
    if (size > UINT64_MAX - PAGE_MASK || page_round_up(size) > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    struct vmo *v;
    st = vmo_create_contiguous(page_round_up(size), alignment_log2, &v);
    if (st != ZX_OK) return st;
    vmo_set_content_size(v, size);
    st = sys_give_handle(&v->obj, ZX_DEFAULT_VMO_RIGHTS, out);
    object_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset,
//                                uint64_t size, zx_handle_t* out)
zx_status_t sys_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset, uint64_t size, uptr_t out) {
    zx_status_t st = sys_check_policy(ZX_POL_NEW_VMO);
    if (st != ZX_OK) return st;
    struct object *o;
    zx_rights_t rights;
    st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_create_child_handle, &o, &rights);
    if (st != ZX_OK) return st;
    struct vmo *child;
    st = vmo_create_child((struct vmo *)o, options, offset, size, &child);
    object_unref(o);
    if (st != ZX_OK) return st;
    // Child rights (zircon-abi.md §12): the parent's without RESIZE, plus
    // GET/SET_PROPERTY, RESIZE if the child is resizable; then, as Zircon's
    // sys_vmo_create_child (mist-os): NO_WRITE drops WRITE and nothing else (a
    // NO_WRITE snapshot keeps EXECUTE); otherwise snapshots of the three kinds
    // lose EXECUTE and gain WRITE.
    zx_rights_t cr = (rights & ~ZX_RIGHT_RESIZE) | ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;
    if (options & ZX_VMO_CHILD_RESIZABLE) cr |= ZX_RIGHT_RESIZE;
    if (options & ZX_VMO_CHILD_NO_WRITE)
        cr &= ~ZX_RIGHT_WRITE;
    else if (options &
             (ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | ZX_VMO_CHILD_SNAPSHOT_MODIFIED))
        cr = (cr & ~ZX_RIGHT_EXECUTE) | ZX_RIGHT_WRITE;
    st = sys_give_handle(&child->obj, cr, out);
    object_unref(&child->obj);
    return st;
}

// zx_status_t zx_vmo_set_size(zx_handle_t handle, uint64_t size)
zx_status_t sys_vmo_set_size(zx_handle_t handle, uint64_t size) {
    struct object *o;
    zx_rights_t rights;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_set_size_handle, &o, &rights);
    if (st != ZX_OK) return st;
    struct vmo *v = (struct vmo *)o;
    if ((v->options & ZX_VMO_RESIZABLE) && !(rights & ZX_RIGHT_RESIZE)) st = ZX_ERR_ACCESS_DENIED;
    if (st == ZX_OK) st = vmo_set_size(v, size);
    object_unref(o);
    return st;
}

// ZX_VMO_OP_PREFETCH after the READ right, as Zircon. A physical VMO
// (VmObjectPhysical::PrefetchRange): the exact range must lie in the VMO,
// else OUT_OF_RANGE. A paged one (VmObjectPaged::PrefetchRange): the range
// rounded out to pages (offset + size or its round-up overflowing:
// OUT_OF_RANGE) must lie in the VMO (GetCowRangeSizeCheckLocked), else
// OUT_OF_RANGE. Then Zircon pages in from a pager or decompresses pages; there
// is neither here, so a valid prefetch has nothing left to do.
static zx_status_t prefetch_range(struct vmo *v, uint64_t offset, uint64_t size) {
    uint64_t vmo_size = vmo_get_size(v);
    if (vmo_is_physical(v)) return offset <= vmo_size && size <= vmo_size - offset ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
    if (offset > UINT64_MAX - size) return ZX_ERR_OUT_OF_RANGE;
    uint64_t end = offset + size;
    if (end > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
    // The rounded start is below the rounded end, so the range is inside the
    // VMO exactly when its rounded end is.
    return page_round_up(end) <= vmo_size ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
}

// zx_status_t zx_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset, uint64_t size,
//                             void* buffer, size_t buffer_size)
zx_status_t sys_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset, uint64_t size, uptr_t buffer,
                             size_t buffer_size) {
    struct object *o;
    zx_rights_t rights;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, 0, &o, &rights);
    if (st != ZX_OK) return st;
    struct vmo *v = (struct vmo *)o;
    bool in_range = offset <= vmo_get_size(v) && size <= vmo_get_size(v) - offset;
    switch (op) {
    case ZX_VMO_OP_COMMIT:
    case ZX_VMO_OP_DECOMMIT:
    case ZX_VMO_OP_ZERO:
        if (!(rights & ZX_RIGHT_WRITE)) {
            st = ZX_ERR_ACCESS_DENIED;
        } else if (op == ZX_VMO_OP_COMMIT) {
            st = vmo_commit(v, offset, size);
        } else if (op == ZX_VMO_OP_DECOMMIT) {
            st = vmo_decommit(v, offset, size);  // Zircon's checks and their order: obj/vmo.h
        } else {
            st = vmo_zero(v, offset, size);
        }
        break;
    case ZX_VMO_OP_LOCK:
    case ZX_VMO_OP_TRY_LOCK: {
        if (!(rights & (ZX_RIGHT_READ | ZX_RIGHT_WRITE))) {
            st = ZX_ERR_ACCESS_DENIED;
            break;
        }
        // As Zircon (VmObjectDispatcher::RangeOp): lock first (not discardable,
        // range, ...), then the lock-state buffer; a bad buffer undoes the lock.
        zx_vmo_lock_state_t ls;
        st = vmo_lock(v, offset, size, op == ZX_VMO_OP_TRY_LOCK, &ls);
        if (st == ZX_OK && op == ZX_VMO_OP_LOCK &&
            (buffer_size < sizeof(ls) || copy_to_user(buffer, &ls, sizeof(ls)) != ZX_OK)) {
            vmo_unlock(v, offset, size);
            st = ZX_ERR_INVALID_ARGS;
        }
        break;
    }
    case ZX_VMO_OP_UNLOCK:
        st = (rights & (ZX_RIGHT_READ | ZX_RIGHT_WRITE)) ? vmo_unlock(v, offset, size) : ZX_ERR_ACCESS_DENIED;
        break;
    case ZX_VMO_OP_CACHE_SYNC:
    case ZX_VMO_OP_CACHE_INVALIDATE:
    case ZX_VMO_OP_CACHE_CLEAN:
    case ZX_VMO_OP_CACHE_CLEAN_INVALIDATE:
        // The harts this kernel runs on keep caches coherent with each other
        // and with DMA-less MMIO: after the checks there is nothing to do.
        // Zircon (VmObject::CacheOp): length 0 is INVALID_ARGS, before the range.
        if (!(rights & ZX_RIGHT_READ) || (op == ZX_VMO_OP_CACHE_INVALIDATE && !(rights & ZX_RIGHT_WRITE)))
            st = ZX_ERR_ACCESS_DENIED;
        else if (size == 0)
            st = ZX_ERR_INVALID_ARGS;
        else if (!in_range)
            st = ZX_ERR_OUT_OF_RANGE;
        break;
    case ZX_VMO_OP_ALWAYS_NEED:
    case ZX_VMO_OP_DONT_NEED:
        // Zircon (VmObjectDispatcher::RangeOp) asks for no right here. The
        // hints only steer the reclamation of pager-backed pages:
        // VmObjectPaged::HintRange returns ZX_OK for any other VMO before it
        // looks at the range, and physical VMOs take VmObject's default
        // (hinting "trivially succeeds"). There is no pager here.
        break;
    case ZX_VMO_OP_PREFETCH:
        st = (rights & ZX_RIGHT_READ) ? prefetch_range(v, offset, size) : ZX_ERR_ACCESS_DENIED;
        break;
    default:
        st = ZX_ERR_INVALID_ARGS;
    }
    object_unref(o);
    return st;
}

// zx_status_t zx_vmo_set_cache_policy(zx_handle_t handle, uint32_t cache_policy)
zx_status_t sys_vmo_set_cache_policy(zx_handle_t handle, uint32_t cache_policy) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_set_cache_policy_handle, &o, 0);
    if (st != ZX_OK) return st;
    st = vmo_set_cache_policy((struct vmo *)o, cache_policy);
    object_unref(o);
    return st;
}

// zx_status_t zx_vmo_read(zx_handle_t handle, void* buffer, uint64_t offset, size_t buffer_size)
zx_status_t sys_vmo_read(zx_handle_t handle, uptr_t buffer, uint64_t offset, size_t buffer_size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_read_handle, &o, 0);
    if (st != ZX_OK) return st;
    st = check_buffer((struct vmo *)o, buffer, offset, buffer_size, true);
    if (st == ZX_OK) st = vmo_rw_user((struct vmo *)o, buffer, offset, buffer_size, true);
    object_unref(o);
    return st;
}

// zx_status_t zx_vmo_write(zx_handle_t handle, const void* buffer, uint64_t offset, size_t buffer_size)
zx_status_t sys_vmo_write(zx_handle_t handle, uptr_t buffer, uint64_t offset, size_t buffer_size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_write_handle, &o, 0);
    if (st != ZX_OK) return st;
    st = check_buffer((struct vmo *)o, buffer, offset, buffer_size, false);
    if (st == ZX_OK) st = vmo_rw_user((struct vmo *)o, buffer, offset, buffer_size, false);
    object_unref(o);
    return st;
}

// zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t* size)
zx_status_t sys_vmo_get_size(zx_handle_t handle, uptr_t size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_get_size_handle, &o, 0);
    if (st != ZX_OK) return st;
    uint64_t s = vmo_get_size((struct vmo *)o);
    object_unref(o);
    return copy_to_user(size, &s, sizeof(s));
}

// zx_status_t zx_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, zx_handle_t* out)
// As Fuchsia's sys_vmo_replace_as_executable: vmex must be a VMEX resource, a
// ZX_RSRC_KIND_SYSTEM resource covering ZX_RSRC_SYSTEM_VMEX_BASE (or the root
// resource); ZX_HANDLE_INVALID stands for one where the job policy
// ZX_POL_AMBIENT_MARK_VMO_EXEC allows it. Once `handle` names an object it is
// consumed, whatever happens: not a VMO is ZX_ERR_BAD_HANDLE, then vmex's
// error (a non-resource ZX_ERR_WRONG_TYPE, another SYSTEM resource
// ZX_ERR_OUT_OF_RANGE, another kind ZX_ERR_WRONG_TYPE) is returned.
zx_status_t sys_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, uptr_t out) {
    zx_status_t vmex_st;
    if (vmex != ZX_HANDLE_INVALID) {
        struct object *r;
        vmex_st = sys_get(vmex, ZX_OBJ_TYPE_RESOURCE, 0, &r, 0);
        if (vmex_st == ZX_OK) {
            vmex_st = resource_validate_ranged((struct resource *)r, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_VMEX_BASE, 1);
            object_unref(r);
        }
    } else {
        vmex_st = sys_check_policy(ZX_POL_AMBIENT_MARK_VMO_EXEC);
    }
    struct object *o;
    zx_rights_t have;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, 0, &o, &have);
    if (st != ZX_OK) return st;
    bool is_vmo = object_type(o) == ZX_OBJ_TYPE_VMO;
    object_unref(o);
    if (!is_vmo || vmex_st != ZX_OK) {
        handle_close(sys_handles(), handle);
        return is_vmo ? vmex_st : ZX_ERR_BAD_HANDLE;
    }
    zx_handle_t nh;
    st = handle_replace(sys_handles(), handle, have | ZX_RIGHT_EXECUTE, &nh);
    if (st != ZX_OK) return st;
    return sys_publish_handle(nh, out);
}
