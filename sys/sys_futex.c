// Futexes (see sys/syscalls.def and obj/futex.h). The wrapper already
// checked each pointer: non-NULL, inside the user half, 4-byte aligned for a
// zx_futex_t (ZX_ERR_INVALID_ARGS otherwise, as Zircon's ValidateFutexPointer).
// Here: the named owner is looked up, then obj/futex.c does the rest.
#include "obj/futex.h"
#include "obj/process.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

static struct thread_obj *current_thread_obj(void) { return thread_current()->owner; }

// Zircon's ValidateFutexOwner: ZX_HANDLE_INVALID names no owner; else the
// handle must be a thread (any rights): ZX_ERR_BAD_HANDLE, ZX_ERR_WRONG_TYPE;
// of the caller's process and started: ZX_ERR_INVALID_ARGS. A thread that is
// dead or dying is accepted and names no owner. The status is reported by
// obj/futex.c only after the futex value compared equal. On return *out holds
// a reference to the thread (or is NULL); the caller drops it.
static zx_status_t owner_lookup(zx_handle_t h, struct thread_obj **out) {
    *out = 0;
    if (h == ZX_HANDLE_INVALID) return ZX_OK;
    struct object *o;
    zx_status_t st = sys_get(h, ZX_OBJ_TYPE_THREAD, ZX_RIGHT_NONE, &o, 0);
    if (st != ZX_OK) return st;
    struct thread_obj *t = (struct thread_obj *)o;
    struct process *p = t->proc;
    if (p != process_current()) {
        object_unref(o);
        return ZX_ERR_INVALID_ARGS;
    }
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    bool started = t->state != UTHREAD_NEW;
    bool dying = t->state == UTHREAD_DEAD || !t->kt || t->kt->kill_pending;
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (!started) {
        object_unref(o);
        return ZX_ERR_INVALID_ARGS;
    }
    if (dying) {
        object_unref(o);
        return ZX_OK;
    }
    *out = t;
    return ZX_OK;
}

static struct futex_thread *owner_ft(struct thread_obj *t) { return t ? &t->futex : 0; }

// zx_status_t zx_futex_wait(const zx_futex_t* value_ptr, zx_futex_t current_value,
//                           zx_handle_t new_futex_owner, zx_time_t deadline)
zx_status_t sys_futex_wait(uptr_t value_ptr, zx_futex_t current_value, zx_handle_t new_futex_owner,
                           zx_time_t deadline) {
    struct thread_obj *owner;
    zx_status_t owner_status = owner_lookup(new_futex_owner, &owner);
    struct process *p = process_current();
    thread_obj_set_blocked(ZX_THREAD_STATE_BLOCKED_FUTEX);
    zx_status_t st = futex_wait(&p->futex, &current_thread_obj()->futex, value_ptr.addr, current_value,
                                owner_ft(owner), owner_status, deadline);
    thread_obj_set_blocked(0);
    if (owner) object_unref(&owner->obj);
    return st;
}

// zx_status_t zx_futex_wake(const zx_futex_t* value_ptr, uint32_t wake_count)
zx_status_t sys_futex_wake(uptr_t value_ptr, uint32_t wake_count) {
    return futex_wake(&process_current()->futex, value_ptr.addr, wake_count, false, 0);
}

static zx_status_t requeue(uptr_t value_ptr, uint32_t wake_count, zx_futex_t current_value, uptr_t requeue_ptr,
                           uint32_t requeue_count, zx_handle_t new_requeue_owner, bool single_owner) {
    // Zircon checks both pointers and their difference before the owner.
    if (value_ptr.addr == requeue_ptr.addr) return ZX_ERR_INVALID_ARGS;
    struct thread_obj *owner;
    zx_status_t owner_status = owner_lookup(new_requeue_owner, &owner);
    zx_status_t st = futex_requeue(&process_current()->futex, value_ptr.addr, wake_count, current_value,
                                   requeue_ptr.addr, requeue_count, owner_ft(owner), owner_status, single_owner);
    if (owner) object_unref(&owner->obj);
    return st;
}

// zx_status_t zx_futex_requeue(const zx_futex_t* value_ptr, uint32_t wake_count, zx_futex_t current_value,
//                              const zx_futex_t* requeue_ptr, uint32_t requeue_count,
//                              zx_handle_t new_requeue_owner)
zx_status_t sys_futex_requeue(uptr_t value_ptr, uint32_t wake_count, zx_futex_t current_value, uptr_t requeue_ptr,
                              uint32_t requeue_count, zx_handle_t new_requeue_owner) {
    return requeue(value_ptr, wake_count, current_value, requeue_ptr, requeue_count, new_requeue_owner, false);
}

// zx_status_t zx_futex_wake_single_owner(const zx_futex_t* value_ptr)
zx_status_t sys_futex_wake_single_owner(uptr_t value_ptr) {
    return futex_wake(&process_current()->futex, value_ptr.addr, 1, true, 0);
}

// zx_status_t zx_futex_requeue_single_owner(const zx_futex_t* value_ptr, zx_futex_t current_value,
//                                           const zx_futex_t* requeue_ptr, uint32_t requeue_count,
//                                           zx_handle_t new_requeue_owner)
zx_status_t sys_futex_requeue_single_owner(uptr_t value_ptr, zx_futex_t current_value, uptr_t requeue_ptr,
                                           uint32_t requeue_count, zx_handle_t new_requeue_owner) {
    return requeue(value_ptr, 1, current_value, requeue_ptr, requeue_count, new_requeue_owner, true);
}

// zx_status_t zx_futex_get_owner(const zx_futex_t* value_ptr, zx_koid_t* koid)
zx_status_t sys_futex_get_owner(uptr_t value_ptr, uptr_t koid) {
    zx_koid_t k;
    zx_status_t st = futex_get_owner(&process_current()->futex, value_ptr.addr, &k);
    if (st != ZX_OK) return st;
    return copy_to_user(koid, &k, sizeof k);
}
