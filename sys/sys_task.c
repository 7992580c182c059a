// Jobs, processes, threads and killing them (see sys/syscalls.def).
#include <zircon/syscalls/object.h>

#include "kern/sched.h"
#include "kern/string.h"
#include "obj/process.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

#define ZX_DEFAULT_ROOT_VMAR_RIGHTS \
    (ZX_DEFAULT_VMAR_RIGHTS | ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_EXECUTE | ZX_RIGHT_MAP)

// zx_status_t zx_job_create(zx_handle_t parent_job, uint32_t options, zx_handle_t* out)
zx_status_t sys_job_create(zx_handle_t parent_job, uint32_t options, uptr_t out) {
    struct object *o;
    zx_status_t st = sys_get(parent_job, ZX_OBJ_TYPE_JOB, SYS_RIGHTS_job_create_parent_job, &o, 0);
    if (st != ZX_OK) return st;
    struct job *j = 0;
    if (options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = job_create((struct job *)o, &j);
    if (st == ZX_OK) {
        st = sys_give_handle(&j->obj, ZX_DEFAULT_JOB_RIGHTS, out);
        object_unref(&j->obj);
    }
    object_unref(o);
    return st;
}

// zx_status_t zx_job_set_policy(zx_handle_t handle, uint32_t options, uint32_t topic,
//                               const void* policy, uint32_t count)
zx_status_t sys_job_set_policy(zx_handle_t handle, uint32_t options, uint32_t topic, uptr_t policy, uint32_t count) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_JOB, SYS_RIGHTS_job_set_policy_handle, &o, 0);
    if (st != ZX_OK) return st;
    uint32_t entries[JOB_POL_COUNT][3];
    if (options != ZX_JOB_POL_RELATIVE && options != ZX_JOB_POL_ABSOLUTE) st = ZX_ERR_INVALID_ARGS;
    else if (topic != ZX_JOB_POL_BASIC_V1 && topic != ZX_JOB_POL_BASIC_V2) st = topic == ZX_JOB_POL_TIMER_SLACK ? ZX_ERR_NOT_SUPPORTED : ZX_ERR_INVALID_ARGS;
    else if (count == 0) st = ZX_ERR_INVALID_ARGS;
    else if (count > JOB_POL_COUNT) st = ZX_ERR_OUT_OF_RANGE;
    for (uint32_t i = 0; st == ZX_OK && i < count; i++) {
        if (topic == ZX_JOB_POL_BASIC_V1) {
            zx_policy_basic_v1_t e;
            if (copy_from_user(&e, uptr_add(policy, i * sizeof(e)), sizeof(e)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
            entries[i][0] = e.condition;
            entries[i][1] = e.policy;
            entries[i][2] = ZX_POL_OVERRIDE_DENY;  // v1 policies cannot be overridden below
        } else {
            zx_policy_basic_v2_t e;
            if (copy_from_user(&e, uptr_add(policy, i * sizeof(e)), sizeof(e)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
            entries[i][0] = e.condition;
            entries[i][1] = e.action;
            entries[i][2] = e.flags;
        }
    }
    if (st == ZX_OK) st = job_set_basic_policy((struct job *)o, options == ZX_JOB_POL_ABSOLUTE, entries, count);
    object_unref(o);
    return st;
}

static zx_status_t copy_name(uptr_t name, size_t name_size, char buf[ZX_MAX_NAME_LEN], size_t *len) {
    size_t n = name_size < ZX_MAX_NAME_LEN - 1 ? name_size : ZX_MAX_NAME_LEN - 1;
    if (copy_from_user(buf, name, n) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    buf[n] = 0;
    *len = strnlen(buf, n);
    return ZX_OK;
}

// zx_status_t zx_process_create(zx_handle_t job, const char* name, size_t name_size, uint32_t options,
//                               zx_handle_t* proc_handle, zx_handle_t* vmar_handle)
zx_status_t sys_process_create(zx_handle_t job, uptr_t name, size_t name_size, uint32_t options,
                               uptr_t proc_handle, uptr_t vmar_handle) {
    struct object *o;
    zx_status_t st = sys_get(job, ZX_OBJ_TYPE_JOB, SYS_RIGHTS_process_create_job, &o, 0);
    if (st != ZX_OK) return st;
    char buf[ZX_MAX_NAME_LEN];
    size_t len = 0;
    struct process *p = 0;
    if (options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = sys_check_policy(ZX_POL_NEW_PROCESS);
    if (st == ZX_OK) st = copy_name(name, name_size, buf, &len);
    if (st == ZX_OK) st = process_create((struct job *)o, buf, len, &p);
    object_unref(o);
    if (st != ZX_OK) return st;
    st = sys_give_handle_pair(&p->obj, ZX_DEFAULT_PROCESS_RIGHTS, proc_handle, &p->root_vmar->obj,
                              ZX_DEFAULT_ROOT_VMAR_RIGHTS, vmar_handle);
    object_unref(&p->obj);
    return st;
}

// zx_status_t zx_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry,
//                              zx_vaddr_t stack, zx_handle_t arg1, uintptr_t arg2)
zx_status_t sys_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry, zx_vaddr_t stack,
                              zx_handle_t arg1, uintptr_t arg2) {
    // arg1 leaves the caller first: transferred on success, closed on failure.
    struct object *a1 = 0;
    zx_rights_t a1_rights = 0;
    zx_status_t st = ZX_OK;
    if (arg1 != ZX_HANDLE_INVALID) {
        struct object *probe;
        zx_rights_t r;
        st = sys_get(arg1, ZX_OBJ_TYPE_NONE, 0, &probe, &r);
        if (st != ZX_OK) return st;
        object_unref(probe);
        st = sys_take_handle(arg1, &a1, &a1_rights);
        if (st != ZX_OK) return st;
        if (!(a1_rights & SYS_RIGHTS_process_start_arg1)) st = ZX_ERR_ACCESS_DENIED;
    }
    struct object *po = 0, *to = 0;
    if (st == ZX_OK) st = sys_get(handle, ZX_OBJ_TYPE_PROCESS, SYS_RIGHTS_process_start_handle, &po, 0);
    if (st == ZX_OK) st = sys_get(thread, ZX_OBJ_TYPE_THREAD, SYS_RIGHTS_process_start_thread, &to, 0);
    struct process *p = (struct process *)po;
    struct thread_obj *t = (struct thread_obj *)to;
    if (st == ZX_OK && t->proc != p) st = ZX_ERR_ACCESS_DENIED;
    if (st == ZX_OK && (!user_range_ok(entry, 1))) st = ZX_ERR_INVALID_ARGS;
    zx_handle_t child_value = ZX_HANDLE_INVALID;
    if (st == ZX_OK && a1) {
        st = sys_install_taken(&p->handles, a1, a1_rights, &child_value);
        a1 = 0;
    }
    if (st == ZX_OK) {
        st = thread_obj_start(t, entry, stack, child_value, arg2, true);
        if (st != ZX_OK && child_value) handle_close(&p->handles, child_value);
    }
    if (a1) sys_drop_taken(a1);
    if (po) object_unref(po);
    if (to) object_unref(to);
    return st;
}

// void zx_process_exit(int64_t retcode)
void sys_process_exit(int64_t retcode) {
    process_kill(process_current(), retcode);
    thread_exit();
}

// zx_status_t zx_thread_create(zx_handle_t process, const char* name, size_t name_size,
//                              uint32_t options, zx_handle_t* out)
zx_status_t sys_thread_create(zx_handle_t process, uptr_t name, size_t name_size, uint32_t options, uptr_t out) {
    struct object *o;
    zx_status_t st = sys_get(process, ZX_OBJ_TYPE_PROCESS, SYS_RIGHTS_thread_create_process, &o, 0);
    if (st != ZX_OK) return st;
    char buf[ZX_MAX_NAME_LEN];
    size_t len = 0;
    struct thread_obj *t = 0;
    if (options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = copy_name(name, name_size, buf, &len);
    if (st == ZX_OK) st = thread_obj_create((struct process *)o, buf, len, &t);
    if (st == ZX_OK) {
        st = sys_give_handle(&t->obj, ZX_DEFAULT_THREAD_RIGHTS, out);
        object_unref(&t->obj);
    }
    object_unref(o);
    return st;
}

// zx_status_t zx_thread_start(zx_handle_t handle, zx_vaddr_t thread_entry, zx_vaddr_t stack,
//                             uintptr_t arg1, uintptr_t arg2)
zx_status_t sys_thread_start(zx_handle_t handle, zx_vaddr_t thread_entry, zx_vaddr_t stack, uintptr_t arg1,
                             uintptr_t arg2) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_THREAD, SYS_RIGHTS_thread_start_handle, &o, 0);
    if (st != ZX_OK) return st;
    if (!user_range_ok(thread_entry, 1)) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = thread_obj_start((struct thread_obj *)o, thread_entry, stack, arg1, arg2, false);
    object_unref(o);
    return st;
}

// void zx_thread_exit(void)
void sys_thread_exit(void) { thread_exit(); }

// zx_status_t zx_thread_legacy_yield(uint32_t options)
zx_status_t sys_thread_legacy_yield(uint32_t options) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    sched_yield();
    return ZX_OK;
}

// zx_status_t zx_task_kill(zx_handle_t handle)
zx_status_t sys_task_kill(zx_handle_t handle) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_task_kill_handle, &o, 0);
    if (st != ZX_OK) return st;
    switch (object_type(o)) {
    case ZX_OBJ_TYPE_PROCESS:
        process_kill((struct process *)o, ZX_TASK_RETCODE_SYSCALL_KILL);
        break;
    case ZX_OBJ_TYPE_THREAD: {
        struct thread_obj *t = (struct thread_obj *)o;
        uint64_t f = spin_lock_irqsave(&t->proc->obj.lock);
        if (t->kt) {
            uint64_t sf = sched_lock_irqsave();
            t->kt->kill_pending = true;
            sched_interrupt_locked(t->kt);
            sched_unlock_irqrestore(sf);
        }
        spin_unlock_irqrestore(&t->proc->obj.lock, f);
        break;
    }
    case ZX_OBJ_TYPE_JOB:
        job_kill((struct job *)o, ZX_TASK_RETCODE_SYSCALL_KILL);
        break;
    default:
        st = ZX_ERR_WRONG_TYPE;
    }
    object_unref(o);
    return st;
}
