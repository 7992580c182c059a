// zx_object_get_info: one record per topic, or an array of koids for the
// enumerating topics (see sys/syscalls.def). Rights as Zircon's
// lib/syscalls/object.cc: HANDLE_BASIC none, PROCESS_THREADS, JOB_CHILDREN
// and JOB_PROCESSES need ENUMERATE, every other topic INSPECT.
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/devices.h>
#include <zxrv/kstats.h>

#include "kern/sched.h"
#include "kern/string.h"
#include "kern/timer.h"
#include "mm/kheap.h"
#include "kern/smp.h"
#include "mm/aspace.h"
#include "mm/page_alloc.h"
#include "kern/hart.h"
#include "platform/devices.h"
#include "platform/plic.h"
#include "obj/bti.h"
#include "obj/channel.h"
#include "obj/event.h"
#include "obj/futex.h"
#include "obj/job.h"
#include "obj/resource.h"
#include "obj/signal.h"
#include "obj/timer.h"
#include "obj/vmar.h"
#include "obj/vmo.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// Write one record: BUFFER_TOO_SMALL (actual 0, avail 1) if it does not fit.
static zx_status_t single_record(const void *rec, size_t size, uptr_t buffer, size_t buffer_size, uptr_t actual,
                                 uptr_t avail) {
    size_t n_actual = buffer_size >= size ? 1 : 0, n_avail = 1;
    if (n_actual && copy_to_user(buffer, rec, size) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (!uptr_is_null(actual) && copy_to_user(actual, &n_actual, sizeof(n_actual)) != ZX_OK)
        return ZX_ERR_INVALID_ARGS;
    if (!uptr_is_null(avail) && copy_to_user(avail, &n_avail, sizeof(n_avail)) != ZX_OK)
        return ZX_ERR_INVALID_ARGS;
    return n_actual ? ZX_OK : ZX_ERR_BUFFER_TOO_SMALL;
}

static zx_koid_t related_koid(struct object *o) {
    switch (object_type(o)) {
    case ZX_OBJ_TYPE_PROCESS: return ((struct process *)o)->job->obj.koid;
    case ZX_OBJ_TYPE_THREAD: return ((struct thread_obj *)o)->proc->obj.koid;
    case ZX_OBJ_TYPE_JOB: {
        struct job *j = (struct job *)o;
        return j->parent ? j->parent->obj.koid : 0;
    }
    // Peered objects: the peer's koid, also after the peer is gone (Zircon's
    // PeeredDispatcher::get_related_koid).
    case ZX_OBJ_TYPE_CHANNEL: return ((struct channel *)o)->peer_koid;
    case ZX_OBJ_TYPE_EVENTPAIR: return ((struct eventpair *)o)->peer_koid;
    default: return 0;
    }
}

static size_t vmo_info_size(uint32_t topic) {
    switch (topic) {
    case ZX_INFO_VMO_V1: return sizeof(zx_info_vmo_v1_t);
    case ZX_INFO_VMO_V2: return sizeof(zx_info_vmo_v2_t);
    case ZX_INFO_VMO_V3: return sizeof(zx_info_vmo_v3_t);
    case ZX_INFO_VMO: return sizeof(zx_info_vmo_t);
    default: return 0;
    }
}

// ZX_INFO_PROCESS (zx_info_process_t) and its predecessor ZX_INFO_PROCESS_V1
// (zx_info_process_v1_t: the same facts as three bools, no start time).
static zx_status_t process_info(struct process *p, uint32_t topic, uptr_t buffer, size_t buffer_size,
                                uptr_t actual, uptr_t avail) {
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    bool started = p->state != PROCESS_INITIAL, exited = p->state == PROCESS_DEAD;
    int64_t return_code = exited ? p->return_code : 0;
    zx_time_t start_time = started ? p->start_time : 0;
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (topic == ZX_INFO_PROCESS_V1) {
        zx_info_process_v1_t v1;
        memset(&v1, 0, sizeof(v1));
        v1.return_code = return_code;
        v1.started = started;
        v1.exited = exited;
        return single_record(&v1, sizeof(v1), buffer, buffer_size, actual, avail);
    }
    zx_info_process_t info;
    memset(&info, 0, sizeof(info));
    info.return_code = return_code;
    info.start_time = start_time;
    info.flags = (started ? ZX_INFO_PROCESS_FLAG_STARTED : 0) | (exited ? ZX_INFO_PROCESS_FLAG_EXITED : 0);
    return single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
}

// An array of `count` records of `size` bytes: as many as fit go to the
// buffer, *actual gets how many were written and *avail how many there are;
// ZX_OK even when the buffer is too small (Zircon's PROCESS_THREADS and JOB_*
// topics).
static zx_status_t record_array(const void *recs, size_t size, size_t count, uptr_t buffer, size_t buffer_size,
                                uptr_t actual, uptr_t avail) {
    size_t n = buffer_size / size;
    if (n > count) n = count;
    if (n && copy_to_user(buffer, recs, n * size) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (!uptr_is_null(actual) && copy_to_user(actual, &n, sizeof(n)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    if (!uptr_is_null(avail) && copy_to_user(avail, &count, sizeof(count)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
}

// The same for koids; frees `koids`.
static zx_status_t koid_array(zx_koid_t *koids, size_t count, uptr_t buffer, size_t buffer_size, uptr_t actual,
                              uptr_t avail) {
    zx_status_t st = record_array(koids, sizeof(zx_koid_t), count, buffer, buffer_size, actual, avail);
    kfree(koids);
    return st;
}

// The private ZXRV_INFO_* topics answer on the root resource only.
static bool is_root_resource(struct object *o) {
    return object_type(o) == ZX_OBJ_TYPE_RESOURCE && ((struct resource *)o)->kind == ZX_RSRC_KIND_ROOT;
}

static zx_rights_t topic_rights(uint32_t topic) {
    switch (topic) {
    case ZX_INFO_HANDLE_BASIC: return 0;
    case ZX_INFO_PROCESS_THREADS:
    case ZX_INFO_JOB_CHILDREN:
    case ZX_INFO_JOB_PROCESSES: return ZX_RIGHT_ENUMERATE;
    default: return SYS_RIGHTS_object_get_info_handle;
    }
}

// zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer,
//                                size_t buffer_size, size_t* actual, size_t* avail)
zx_status_t sys_object_get_info(zx_handle_t handle, uint32_t topic, uptr_t buffer, size_t buffer_size,
                                uptr_t actual, uptr_t avail) {
    struct object *o;
    zx_rights_t rights;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, topic_rights(topic), &o, &rights);
    if (st != ZX_OK) return st;
    zx_obj_type_t type = object_type(o);
    if (topic == ZX_INFO_HANDLE_BASIC) {
        // `reserved` is 0, as Fuchsia's sys_object_get_info writes it.
        zx_info_handle_basic_t info = {o->koid, rights, type, related_koid(o), 0, {0}};
        st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
    } else if (topic == ZX_INFO_PROCESS || topic == ZX_INFO_PROCESS_V1) {
        st = type == ZX_OBJ_TYPE_PROCESS
                 ? process_info((struct process *)o, topic, buffer, buffer_size, actual, avail)
                 : ZX_ERR_WRONG_TYPE;
    } else if (vmo_info_size(topic)) {
        if (type != ZX_OBJ_TYPE_VMO) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            struct vmo *v = (struct vmo *)o;
            struct vmo_info vi;
            vmo_get_info(v, &vi);
            zx_info_vmo_t info;
            memset(&info, 0, sizeof(info));
            info.koid = o->koid;
            object_get_name(o, info.name);
            info.size_bytes = vi.size_bytes;
            info.parent_koid = vi.parent_koid;
            info.num_children = vi.num_children;
            info.num_mappings = vi.num_mappings;
            info.share_count = vi.num_mappings;
            info.flags = vi.flags | ZX_INFO_VMO_VIA_HANDLE;  // VMO_INFO_* use the ZX_INFO_VMO_* bits
            info.committed_bytes = vi.committed_bytes;
            info.populated_bytes = vi.committed_bytes;
            info.committed_private_bytes = vi.private_bytes;
            info.populated_private_bytes = vi.private_bytes;
            info.committed_scaled_bytes = vi.scaled_bytes;
            info.populated_scaled_bytes = vi.scaled_bytes;
            info.committed_fractional_scaled_bytes = vi.scaled_frac;
            info.populated_fractional_scaled_bytes = vi.scaled_frac;
            info.metadata_bytes = vi.metadata_bytes;
            info.handle_rights = rights;
            info.cache_policy = vi.cache_policy;
            st = single_record(&info, vmo_info_size(topic), buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZX_INFO_PROCESS_THREADS) {
        zx_koid_t *koids;
        size_t count;
        if (type != ZX_OBJ_TYPE_PROCESS) st = ZX_ERR_WRONG_TYPE;
        else st = process_thread_koids((struct process *)o, &koids, &count);
        if (st == ZX_OK) st = koid_array(koids, count, buffer, buffer_size, actual, avail);
    } else if (topic == ZX_INFO_JOB_CHILDREN || topic == ZX_INFO_JOB_PROCESSES) {
        zx_koid_t *koids;
        size_t count;
        if (type != ZX_OBJ_TYPE_JOB) st = ZX_ERR_WRONG_TYPE;
        else st = job_child_koids((struct job *)o, topic == ZX_INFO_JOB_CHILDREN, &koids, &count);
        if (st == ZX_OK) st = koid_array(koids, count, buffer, buffer_size, actual, avail);
    } else if (topic == ZX_INFO_THREAD) {
        if (type != ZX_OBJ_TYPE_THREAD) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            zx_info_thread_t info;
            memset(&info, 0, sizeof(info));
            info.state = thread_obj_state((struct thread_obj *)o);
            // Any hart (no profiles here): the harts online.
            for (uint32_t i = 0; i < smp_online_count() && i < ZX_CPU_SET_MAX_CPUS; i++)
                info.cpu_affinity_mask.mask[i / ZX_CPU_SET_BITS_PER_WORD] |= 1ull << (i % ZX_CPU_SET_BITS_PER_WORD);
            st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZX_INFO_JOB) {
        if (type != ZX_OBJ_TYPE_JOB) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            struct job *j = (struct job *)o;
            zx_info_job_t info;
            memset(&info, 0, sizeof(info));
            uint64_t f = spin_lock_irqsave(&j->obj.lock);
            info.exited = j->state != JOB_READY;  // KILLING or DEAD, as Zircon's GetInfo
            info.return_code = info.exited ? j->return_code : 0;
            spin_unlock_irqrestore(&j->obj.lock, f);
            st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZX_INFO_HANDLE_COUNT) {
        zx_info_handle_count_t info = {__atomic_load_n(&o->handle_count, __ATOMIC_ACQUIRE)};
        st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
    } else if (topic == ZX_INFO_RESOURCE) {
        if (type != ZX_OBJ_TYPE_RESOURCE) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            struct resource *r = (struct resource *)o;
            zx_info_resource_t info;
            memset(&info, 0, sizeof(info));
            info.kind = r->kind;
            info.flags = r->flags;
            info.base = r->base;
            info.size = r->size;
            object_get_name(o, info.name);
            st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZX_INFO_BTI) {
        if (type != ZX_OBJ_TYPE_BTI) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            zx_info_bti_t info;
            bti_get_info((struct bti *)o, &info);
            st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZX_INFO_TIMER) {
        if (type != ZX_OBJ_TYPE_TIMER) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            zx_info_timer_t info;
            timer_obj_get_info((struct timer_obj *)o, &info);
            st = single_record(&info, sizeof(info), buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZXRV_INFO_DEVICES) {
        if (!is_root_resource(o)) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            size_t count;
            const zxrv_device_info_t *list = devices_list(&count);
            st = record_array(list, sizeof(*list), count, buffer, buffer_size, actual, avail);
        }
    } else if (topic == ZXRV_INFO_KERNEL_STATS) {
        if (!is_root_resource(o)) {
            st = ZX_ERR_WRONG_TYPE;
        } else {
            struct kheap_stats hs;
            kheap_stats(&hs);
            zxrv_kernel_stats_t ks = {
                page_free_count(), page_buddy()->total_pages, object_live_count(),
                hs.live_bytes, hs.live_blocks, timer_ticks(), sched_context_switches(), vmar_fault_count(),
                hs.slab_pages, futex_waiters(), smp_online_count(), sched_migrations(), smp_ipis_received(),
                aspace_asid_rollovers(), 0,
            };
            for (unsigned h = 0; h < HART_MAX; h++) ks.irq_claims += plic_claims(h);
            st = single_record(&ks, sizeof(ks), buffer, buffer_size, actual, avail);
        }
    } else {
        st = ZX_ERR_NOT_SUPPORTED;
    }
    object_unref(o);
    return st;
}

