// zx_object_* but zx_object_get_info (sys/sys_info.c) and the waits
// (sys/sys_wait.c, sys/sys_port.c); see sys/syscalls.def.
#include <zircon/syscalls/object.h>

#include "obj/job.h"
#include "obj/signal.h"
#include "obj/vmo.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_status_t zx_object_get_property(zx_handle_t handle, uint32_t property, void* value, size_t value_size)
zx_status_t sys_object_get_property(zx_handle_t handle, uint32_t property, uptr_t value, size_t value_size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_object_get_property_handle, &o, 0);
    if (st != ZX_OK) return st;
    if (property == ZX_PROP_NAME) {
        char name[ZX_MAX_NAME_LEN];
        if (value_size < ZX_MAX_NAME_LEN) {
            st = ZX_ERR_BUFFER_TOO_SMALL;
        } else {
            object_get_name(o, name);
            st = copy_to_user(value, name, ZX_MAX_NAME_LEN);
        }
    } else if (property == ZX_PROP_VMO_CONTENT_SIZE) {
        if (object_type(o) != ZX_OBJ_TYPE_VMO) {
            st = ZX_ERR_WRONG_TYPE;
        } else if (value_size < sizeof(uint64_t)) {
            st = ZX_ERR_BUFFER_TOO_SMALL;
        } else {
            uint64_t cs = vmo_get_content_size((struct vmo *)o);
            st = copy_to_user(value, &cs, sizeof(cs));
        }
    } else {
        st = ZX_ERR_INVALID_ARGS;
    }
    object_unref(o);
    return st;
}

// zx_status_t zx_object_set_property(zx_handle_t handle, uint32_t property, const void* value, size_t value_size)
zx_status_t sys_object_set_property(zx_handle_t handle, uint32_t property, uptr_t value, size_t value_size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_object_set_property_handle, &o, 0);
    if (st != ZX_OK) return st;
    if (property == ZX_PROP_NAME) {
        char name[ZX_MAX_NAME_LEN];
        size_t n = value_size < ZX_MAX_NAME_LEN - 1 ? value_size : ZX_MAX_NAME_LEN - 1;
        st = copy_from_user(name, value, n);
        if (st == ZX_OK) object_set_name(o, name, n);
    } else if (property == ZX_PROP_VMO_CONTENT_SIZE) {
        uint64_t cs;
        if (object_type(o) != ZX_OBJ_TYPE_VMO)
            st = ZX_ERR_WRONG_TYPE;
        else if (value_size < sizeof(cs))
            st = ZX_ERR_BUFFER_TOO_SMALL;
        else if (copy_from_user(&cs, value, sizeof(cs)) != ZX_OK)
            st = ZX_ERR_INVALID_ARGS;
        else
            st = vmo_set_content_size_checked((struct vmo *)o, cs);
    } else {
        st = ZX_ERR_INVALID_ARGS;
    }
    object_unref(o);
    return st;
}

// zx_status_t zx_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights, zx_handle_t* out)
zx_status_t sys_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights, uptr_t out) {
    struct object *o;
    zx_rights_t parent_rights;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_object_get_child_handle, &o, &parent_rights);
    if (st != ZX_OK) return st;
    // As Zircon: SAME_RIGHTS gives the parent handle's rights; otherwise
    // the rights asked for must be a subset of them.
    if (rights == ZX_RIGHT_SAME_RIGHTS) rights = parent_rights;
    else if ((parent_rights & rights) != rights) st = ZX_ERR_ACCESS_DENIED;
    struct object *child = 0;
    if (st == ZX_OK) {
        if (object_type(o) == ZX_OBJ_TYPE_PROCESS) {
            struct thread_obj *t = process_lookup_thread((struct process *)o, koid);
            child = t ? &t->obj : 0;
        } else if (object_type(o) == ZX_OBJ_TYPE_JOB) {
            struct job *j = job_lookup_job((struct job *)o, koid);
            child = j ? &j->obj : 0;
            if (!child) {
                struct process *p = job_lookup_process((struct job *)o, koid);
                child = p ? &p->obj : 0;
            }
        } else {
            st = ZX_ERR_WRONG_TYPE;
        }
        if (st == ZX_OK && !child) st = ZX_ERR_NOT_FOUND;
    }
    if (child) {
        st = sys_give_handle(child, rights, out);
        object_unref(child);
    }
    object_unref(o);
    return st;
}
