// zx_channel_* (see sys/syscalls.def).
//
// The order of checks and what is consumed when follow Zircon's
// lib/syscalls/channel.cc and object/user_handles.cc: options, then the
// channel handle, then the message (OUT_OF_RANGE, bytes), then the handles
// one by one (every entry tried, the first failure returned). The handles
// written are consumed whatever happens, except ZX_HANDLE_OP_DUPLICATE ones.
#include "kern/string.h"
#include "mm/kheap.h"
#include "obj/channel.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// ---- Handles going into a message ----------------------------------------

// The source handle of a write whose message never gets that far: close
// every handle named in the user array (dispositions: all but DUPLICATE
// ones), in chunks, as Zircon's RemoveUserHandles.
static void consume_user_handles(uptr_t handles, uint32_t num_handles, bool etc) {
    for (uint32_t off = 0; off < num_handles;) {
        uint32_t n = num_handles - off < CHANNEL_MAX_MSG_HANDLES ? num_handles - off : CHANNEL_MAX_MSG_HANDLES;
        if (etc) {
            zx_handle_disposition_t d[CHANNEL_MAX_MSG_HANDLES];
            if (copy_from_user(d, uptr_add(handles, (uint64_t)off * sizeof(*d)), n * sizeof(*d)) != ZX_OK) return;
            for (uint32_t i = 0; i < n; i++)
                if (d[i].operation != ZX_HANDLE_OP_DUPLICATE) handle_close(sys_handles(), d[i].handle);
        } else {
            zx_handle_t v[CHANNEL_MAX_MSG_HANDLES];
            if (copy_from_user(v, uptr_add(handles, (uint64_t)off * sizeof(*v)), n * sizeof(*v)) != ZX_OK) return;
            for (uint32_t i = 0; i < n; i++) handle_close(sys_handles(), v[i]);
        }
        off += n;
    }
}

// Zircon's common_handle_checks_locked: may `o` (held with `rights`) go into
// a message on channel `self`, as type `type` with `want` rights?
static zx_status_t transfer_checks(struct object *o, zx_rights_t rights, struct object *self, zx_obj_type_t type,
                                   zx_rights_t want) {
    if (!(rights & ZX_RIGHT_TRANSFER)) return ZX_ERR_ACCESS_DENIED;
    if (o == self) return ZX_ERR_NOT_SUPPORTED;
    if (type != ZX_OBJ_TYPE_NONE && object_type(o) != type) return ZX_ERR_WRONG_TYPE;
    if (want != ZX_RIGHT_SAME_RIGHTS && (rights & want) != want) return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
}

// One zx_handle_disposition_t: the in-flight handle for the message, or an
// error (then d->result is set). MOVE (and an unknown operation) always
// takes the source handle out of the table; DUPLICATE leaves it.
static zx_status_t take_disposition(zx_handle_disposition_t *d, struct object *self, struct channel_handle *out) {
    struct object *o = 0;
    zx_rights_t rights = 0;
    zx_status_t st;
    if (d->operation == ZX_HANDLE_OP_DUPLICATE) {
        st = sys_get(d->handle, ZX_OBJ_TYPE_NONE, 0, &o, &rights);
        if (st == ZX_OK) st = transfer_checks(o, rights, self, d->type, d->rights);
        if (st == ZX_OK && !(rights & ZX_RIGHT_DUPLICATE)) st = ZX_ERR_ACCESS_DENIED;
        if (st != ZX_OK) {
            if (o) object_unref(o);
        } else {
            object_handle_added(o);  // the duplicate, in flight
        }
    } else {
        st = sys_take_handle(d->handle, &o, &rights);
        if (st == ZX_OK) {
            st = d->operation == ZX_HANDLE_OP_MOVE ? transfer_checks(o, rights, self, d->type, d->rights)
                                                   : ZX_ERR_INVALID_ARGS;
            if (st != ZX_OK) sys_drop_taken(o);
        }
    }
    if (st != ZX_OK) {
        d->result = st;
        return st;
    }
    out->obj = o;
    out->rights = d->rights == ZX_RIGHT_SAME_RIGHTS ? rights : d->rights;
    return ZX_OK;
}

// Fill m's handles from the user array (Zircon's msg_put_handles): every
// entry is tried and the first failure returned; failed entries stay NULL in
// m. For dispositions, on failure the array goes back to the user with the
// per-entry results.
static zx_status_t put_handles(struct channel_msg *m, uptr_t handles, uint32_t n, bool etc, struct object *self) {
    zx_status_t st = ZX_OK;
    if (etc) {
        zx_handle_disposition_t d[CHANNEL_MAX_MSG_HANDLES];
        if (copy_from_user(d, handles, n * sizeof(*d)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
        for (uint32_t i = 0; i < n; i++) {
            zx_status_t hs = take_disposition(&d[i], self, &m->handles[i]);
            if (hs != ZX_OK && st == ZX_OK) st = hs;
        }
        if (st != ZX_OK && copy_to_user(handles, d, n * sizeof(*d)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
        return st;
    }
    zx_handle_t v[CHANNEL_MAX_MSG_HANDLES];
    if (copy_from_user(v, handles, n * sizeof(*v)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    for (uint32_t i = 0; i < n; i++) {
        struct object *o;
        zx_rights_t r;
        zx_status_t hs = sys_take_handle(v[i], &o, &r);
        if (hs == ZX_OK) {
            hs = transfer_checks(o, r, self, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
            if (hs == ZX_OK) {
                m->handles[i].obj = o;
                m->handles[i].rights = r;
            } else {
                sys_drop_taken(o);
            }
        }
        if (hs != ZX_OK && st == ZX_OK) st = hs;
    }
    return st;
}

// Build the message of a write or call: options checked by the caller, the
// channel `co` looked up. On failure every user handle is consumed and
// *out is NULL.
static zx_status_t build_msg(struct object *co, uptr_t bytes, uint32_t num_bytes, uptr_t handles,
                             uint32_t num_handles, bool etc, uint32_t min_bytes, struct channel_msg **out) {
    *out = 0;
    zx_status_t st = ZX_OK;
    struct channel_msg *m = 0;
    if (num_bytes > CHANNEL_MAX_MSG_BYTES || num_handles > CHANNEL_MAX_MSG_HANDLES)
        st = ZX_ERR_OUT_OF_RANGE;
    else if (!(m = channel_msg_alloc(num_bytes, num_handles)))
        st = ZX_ERR_NO_MEMORY;
    else if (num_bytes && copy_from_user(m->bytes, bytes, num_bytes) != ZX_OK)
        st = ZX_ERR_INVALID_ARGS;
    else if (num_bytes < min_bytes)
        st = ZX_ERR_INVALID_ARGS;
    if (st != ZX_OK) {
        if (m) channel_msg_free(m);
        consume_user_handles(handles, num_handles, etc);
        return st;
    }
    if (num_handles) {
        st = put_handles(m, handles, num_handles, etc, co);
        if (st != ZX_OK) {
            channel_msg_free(m);  // closes the handles it took
            return st;
        }
    }
    *out = m;
    return ZX_OK;
}

// zx_status_t zx_channel_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1)
zx_status_t sys_channel_create(uint32_t options, uptr_t out0, uptr_t out1) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    zx_status_t pst = sys_check_policy(ZX_POL_NEW_CHANNEL);
    if (pst != ZX_OK) return pst;
    struct channel *a, *b;
    zx_status_t st = channel_create_pair(&a, &b);
    if (st != ZX_OK) return st;
    return sys_give_peer_pair(&a->obj, &b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, out0, out1);
}

// Options of a write or call: ZX_CHANNEL_WRITE_USE_IOVEC is Zircon's, but
// not implemented here (ZX_ERR_NOT_SUPPORTED); any other bit is invalid.
static zx_status_t write_options(uint32_t options) {
    if (options & ~ZX_CHANNEL_WRITE_USE_IOVEC) return ZX_ERR_INVALID_ARGS;
    return options ? ZX_ERR_NOT_SUPPORTED : ZX_OK;
}

static zx_status_t channel_write_common(zx_handle_t handle, uint32_t options, uptr_t bytes, uint32_t num_bytes,
                                        uptr_t handles, uint32_t num_handles, bool etc) {
    struct object *co = 0;
    zx_status_t st = write_options(options);
    if (st == ZX_OK) st = sys_get(handle, ZX_OBJ_TYPE_CHANNEL, SYS_RIGHTS_channel_write_handle, &co, 0);
    if (st != ZX_OK) {
        consume_user_handles(handles, num_handles, etc);
        return st;
    }
    struct channel_msg *m;
    st = build_msg(co, bytes, num_bytes, handles, num_handles, etc, 0, &m);
    if (st == ZX_OK) {
        st = channel_write((struct channel *)co, m);
        if (st != ZX_OK) channel_msg_free(m);
    }
    object_unref(co);
    return st;
}

// zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes, uint32_t num_bytes,
//                              const zx_handle_t* handles, uint32_t num_handles)
zx_status_t sys_channel_write(zx_handle_t handle, uint32_t options, uptr_t bytes, uint32_t num_bytes,
                              uptr_t handles, uint32_t num_handles) {
    return channel_write_common(handle, options, bytes, num_bytes, handles, num_handles, false);
}

// zx_status_t zx_channel_write_etc(zx_handle_t handle, uint32_t options, const void* bytes, uint32_t num_bytes,
//                                  zx_handle_disposition_t* handles, uint32_t num_handles)
zx_status_t sys_channel_write_etc(zx_handle_t handle, uint32_t options, uptr_t bytes, uint32_t num_bytes,
                                  uptr_t handles, uint32_t num_handles) {
    return channel_write_common(handle, options, bytes, num_bytes, handles, num_handles, true);
}

// ---- Handles coming out of a message -------------------------------------

// Copy m's bytes to `bytes` and install its handles in the calling process,
// their values (or zx_handle_info_t with `etc`) to `handles`. On failure the
// handles installed are closed again and the rest dropped with m.
static zx_status_t copy_out_msg(struct channel_msg *m, uptr_t bytes, uptr_t handles, bool etc) {
    if (m->nbytes && copy_to_user(bytes, m->bytes, m->nbytes) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (!m->nhandles) return ZX_OK;
    zx_handle_info_t info[CHANNEL_MAX_MSG_HANDLES];
    zx_handle_t values[CHANNEL_MAX_MSG_HANDLES];
    uint32_t installed = 0;
    zx_status_t st = ZX_OK;
    for (; installed < m->nhandles; installed++) {
        struct channel_handle *h = &m->handles[installed];
        zx_obj_type_t type = object_type(h->obj);
        st = sys_install_taken(sys_handles(), h->obj, h->rights, &values[installed]);
        h->obj = 0;
        if (st != ZX_OK) break;
        info[installed] = (zx_handle_info_t){values[installed], type, h->rights, 0};
    }
    if (st == ZX_OK) {
        st = etc ? copy_to_user(handles, info, m->nhandles * sizeof(info[0]))
                 : copy_to_user(handles, values, m->nhandles * sizeof(values[0]));
        if (st != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    }
    if (st != ZX_OK)
        for (uint32_t i = 0; i < installed; i++) handle_close(sys_handles(), values[i]);
    return st;
}

static zx_status_t channel_read_common(zx_handle_t handle, uint32_t options, uptr_t bytes, uptr_t handles,
                                       uint32_t num_bytes, uint32_t num_handles, uptr_t actual_bytes,
                                       uptr_t actual_handles, bool etc) {
    struct object *co;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_CHANNEL, SYS_RIGHTS_channel_read_handle, &co, 0);
    if (st != ZX_OK) return st;
    if (options & ~ZX_CHANNEL_READ_MAY_DISCARD) {
        object_unref(co);
        return ZX_ERR_NOT_SUPPORTED;
    }
    struct channel_msg *m = 0;
    uint32_t nb = 0, nh = 0;
    st = channel_read((struct channel *)co, num_bytes, num_handles, options & ZX_CHANNEL_READ_MAY_DISCARD, &m, &nb,
                      &nh);
    object_unref(co);
    if (st != ZX_OK && st != ZX_ERR_BUFFER_TOO_SMALL) return st;
    // The sizes go out first, also when the message does not fit.
    zx_status_t cst = ZX_OK;
    if (!uptr_is_null(actual_bytes)) cst = copy_to_user(actual_bytes, &nb, sizeof(nb));
    if (cst == ZX_OK && !uptr_is_null(actual_handles)) cst = copy_to_user(actual_handles, &nh, sizeof(nh));
    if (cst != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = copy_out_msg(m, bytes, handles, etc);
    if (m) channel_msg_free(m);  // closes any handles not installed (and a discarded message's)
    return st;
}

// zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles,
//                             uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes,
//                             uint32_t* actual_handles)
zx_status_t sys_channel_read(zx_handle_t handle, uint32_t options, uptr_t bytes, uptr_t handles,
                             uint32_t num_bytes, uint32_t num_handles, uptr_t actual_bytes, uptr_t actual_handles) {
    return channel_read_common(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes,
                               actual_handles, false);
}

// zx_status_t zx_channel_read_etc(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_info_t* handles,
//                                 uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes,
//                                 uint32_t* actual_handles)
zx_status_t sys_channel_read_etc(zx_handle_t handle, uint32_t options, uptr_t bytes, uptr_t handles,
                                 uint32_t num_bytes, uint32_t num_handles, uptr_t actual_bytes,
                                 uptr_t actual_handles) {
    return channel_read_common(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes,
                               actual_handles, true);
}

// ---- zx_channel_call ------------------------------------------------------

// Both argument structs have the same layout; only the handle arrays' types differ.
_Static_assert(sizeof(zx_channel_call_args_t) == sizeof(zx_channel_call_etc_args_t), "call args layouts");

static zx_status_t channel_call_common(zx_handle_t handle, uint32_t options, zx_time_t deadline, uptr_t user_args,
                                       uptr_t actual_bytes, uptr_t actual_handles, bool etc) {
    zx_channel_call_args_t args;
    if (copy_from_user(&args, user_args, sizeof(args)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    uptr_t wr_bytes = {(uint64_t)(uintptr_t)args.wr_bytes}, wr_handles = {(uint64_t)(uintptr_t)args.wr_handles};
    uptr_t rd_bytes = {(uint64_t)(uintptr_t)args.rd_bytes}, rd_handles = {(uint64_t)(uintptr_t)args.rd_handles};
    struct object *co = 0;
    zx_status_t st = write_options(options);
    if (st == ZX_OK) st = sys_get(handle, ZX_OBJ_TYPE_CHANNEL, SYS_RIGHTS_channel_call_handle, &co, 0);
    if (st != ZX_OK) {
        consume_user_handles(wr_handles, args.wr_num_handles, etc);
        return st;
    }
    struct channel_msg *m, *reply = 0;
    st = build_msg(co, wr_bytes, args.wr_num_bytes, wr_handles, args.wr_num_handles, etc, sizeof(zx_txid_t), &m);
    if (st == ZX_OK) st = channel_call((struct channel *)co, m, deadline, &reply);
    object_unref(co);
    if (st != ZX_OK) return st;
    // The reply: sizes first; one that does not fit is discarded.
    uint32_t nb = reply->nbytes, nh = reply->nhandles;
    if (uptr_is_null(actual_bytes) || copy_to_user(actual_bytes, &nb, sizeof(nb)) != ZX_OK ||
        uptr_is_null(actual_handles) || copy_to_user(actual_handles, &nh, sizeof(nh)) != ZX_OK)
        st = ZX_ERR_INVALID_ARGS;
    else if (nb > args.rd_num_bytes || nh > args.rd_num_handles)
        st = ZX_ERR_BUFFER_TOO_SMALL;
    else
        st = copy_out_msg(reply, rd_bytes, rd_handles, etc);
    channel_msg_free(reply);
    return st;
}

// zx_status_t zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline,
//                             const zx_channel_call_args_t* args, uint32_t* actual_bytes, uint32_t* actual_handles)
zx_status_t sys_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline, uptr_t args,
                             uptr_t actual_bytes, uptr_t actual_handles) {
    return channel_call_common(handle, options, deadline, args, actual_bytes, actual_handles, false);
}

// zx_status_t zx_channel_call_etc(zx_handle_t handle, uint32_t options, zx_time_t deadline,
//                                 zx_channel_call_etc_args_t* args, uint32_t* actual_bytes,
//                                 uint32_t* actual_handles)
zx_status_t sys_channel_call_etc(zx_handle_t handle, uint32_t options, zx_time_t deadline, uptr_t args,
                                 uptr_t actual_bytes, uptr_t actual_handles) {
    return channel_call_common(handle, options, deadline, args, actual_bytes, actual_handles, true);
}
