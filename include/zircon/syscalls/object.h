// zx_object_get_info topics and structs, properties, task return codes,
// thread states. Names and values from Fuchsia's
// zircon/system/public/zircon/syscalls/object.h (misttech/mist-os @2b2b8bd;
// zircon-abi.md §6), except ZX_INFO_PROCESS_V1 and zx_info_process_v1_t: the
// topic and struct before RFC-0074 (docs/contribute/governance/rfcs/0074_*,
// the names its transition gave them), which current Fuchsia has dropped.
#ifndef SYSROOT_ZIRCON_SYSCALLS_OBJECT_H_
#define SYSROOT_ZIRCON_SYSCALLS_OBJECT_H_

#include <zircon/types.h>

__BEGIN_CDECLS

// Versioned topics: the version is in the upper 4 bits, counting from 0.
#define __ZX_INFO_TOPIC(t, v) ((zx_object_info_topic_t)((t) | ((v) << 28)))

typedef uint32_t zx_object_info_topic_t;
#define ZX_INFO_NONE ((zx_object_info_topic_t)0u)
#define ZX_INFO_HANDLE_VALID ((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC ((zx_object_info_topic_t)2u)  // zx_info_handle_basic_t[1]
#define ZX_INFO_PROCESS_V1 __ZX_INFO_TOPIC(3u, 0u)          // zx_info_process_v1_t[1]
#define ZX_INFO_PROCESS __ZX_INFO_TOPIC(3u, 1u)             // zx_info_process_t[1]
#define ZX_INFO_PROCESS_THREADS ((zx_object_info_topic_t)4u)  // zx_koid_t[n]
#define ZX_INFO_JOB_CHILDREN ((zx_object_info_topic_t)8u)     // zx_koid_t[n]
#define ZX_INFO_JOB_PROCESSES ((zx_object_info_topic_t)9u)    // zx_koid_t[n]
#define ZX_INFO_THREAD ((zx_object_info_topic_t)10u)          // zx_info_thread_t[1]
#define ZX_INFO_RESOURCE ((zx_object_info_topic_t)18u)     // zx_info_resource_t[1]
#define ZX_INFO_HANDLE_COUNT ((zx_object_info_topic_t)19u)  // zx_info_handle_count_t[1]
#define ZX_INFO_BTI ((zx_object_info_topic_t)20u)           // zx_info_bti_t[1]
#define ZX_INFO_VMO_V1 __ZX_INFO_TOPIC(23u, 0)              // zx_info_vmo_v1_t[1]
#define ZX_INFO_VMO_V2 __ZX_INFO_TOPIC(23u, 1)              // zx_info_vmo_v2_t[1]
#define ZX_INFO_VMO_V3 __ZX_INFO_TOPIC(23u, 2)              // zx_info_vmo_v3_t[1]
#define ZX_INFO_VMO __ZX_INFO_TOPIC(23u, 3)                 // zx_info_vmo_t[1]
#define ZX_INFO_JOB ((zx_object_info_topic_t)24u)           // zx_info_job_t[1]
#define ZX_INFO_TIMER ((zx_object_info_topic_t)25u)        // zx_info_timer_t[1]

// Return codes set when a task is killed.
#define ZX_TASK_RETCODE_SYSCALL_KILL ((int64_t)-1024)
#define ZX_TASK_RETCODE_OOM_KILL ((int64_t)-1025)
#define ZX_TASK_RETCODE_POLICY_KILL ((int64_t)-1026)
#define ZX_TASK_RETCODE_VDSO_KILL ((int64_t)-1027)
#define ZX_TASK_RETCODE_EXCEPTION_KILL ((int64_t)-1028)
#define ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL ((int64_t)-1029)

typedef struct zx_info_handle_basic {
    zx_koid_t koid;
    zx_rights_t rights;
    zx_obj_type_t type;
    zx_koid_t related_koid;  // the peer or parent, else 0
    uint32_t reserved;       // always 0
    uint8_t padding1[4];
} zx_info_handle_basic_t;

typedef struct zx_info_handle_count {
    uint32_t handle_count;  // the number of outstanding handles to the object
} zx_info_handle_count_t;

// ZX_INFO_PROCESS. (Fuchsia writes these flags as C++ functional casts,
// `zx_info_process_flags_t (1u << 0)`, which C does not accept; same values.)
typedef uint32_t zx_info_process_flags_t;
#define ZX_INFO_PROCESS_FLAG_STARTED ((zx_info_process_flags_t)(1u << 0))
#define ZX_INFO_PROCESS_FLAG_EXITED ((zx_info_process_flags_t)(1u << 1))
#define ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED ((zx_info_process_flags_t)(1u << 2))

typedef struct zx_info_process {
    int64_t return_code;  // valid when flags has ZX_INFO_PROCESS_FLAG_EXITED
    zx_time_t start_time;  // zx_process_start's monotonic time; valid with ..._STARTED
    zx_info_process_flags_t flags;
    uint8_t padding1[4];
} zx_info_process_t;

// ZX_INFO_PROCESS_V1 (topic 3), the struct before RFC-0074.
typedef struct zx_info_process_v1 {
    int64_t return_code;  // valid when exited
    bool started;
    bool exited;
    bool debugger_attached;
    uint8_t padding1[5];
} zx_info_process_v1_t;

typedef struct zx_info_job {
    int64_t return_code;  // valid when exited
    bool exited;
    bool kill_on_oom;
    bool debugger_attached;
    uint8_t padding1[5];
} zx_info_job_t;

// ZX_INFO_VMO flags.
#define ZX_INFO_VMO_TYPE_PAGED (1u << 0)
#define ZX_INFO_VMO_TYPE_PHYSICAL (0u << 0)
#define ZX_INFO_VMO_TYPE(flags) ((flags) & (1u << 0))
#define ZX_INFO_VMO_RESIZABLE (1u << 1)
#define ZX_INFO_VMO_IS_COW_CLONE (1u << 2)
#define ZX_INFO_VMO_VIA_HANDLE (1u << 3)
#define ZX_INFO_VMO_VIA_MAPPING (1u << 4)
#define ZX_INFO_VMO_PAGER_BACKED (1u << 5)
#define ZX_INFO_VMO_CONTIGUOUS (1u << 6)
#define ZX_INFO_VMO_DISCARDABLE (1u << 7)
#define ZX_INFO_VMO_IMMUTABLE (1u << 8)
#define ZX_INFO_VMO_VIA_IOB_HANDLE (1u << 9)

typedef struct zx_info_vmo {
    zx_koid_t koid;
    char name[ZX_MAX_NAME_LEN];
    uint64_t size_bytes;
    zx_koid_t parent_koid;
    size_t num_children;
    size_t num_mappings;
    size_t share_count;
    uint32_t flags;
    uint8_t padding1[4];
    uint64_t committed_bytes;
    zx_rights_t handle_rights;
    uint32_t cache_policy;
    uint64_t metadata_bytes;
    uint64_t committed_change_events;
    uint64_t populated_bytes;
    uint64_t committed_private_bytes;
    uint64_t populated_private_bytes;
    uint64_t committed_scaled_bytes;
    uint64_t populated_scaled_bytes;
    uint64_t committed_fractional_scaled_bytes;
    uint64_t populated_fractional_scaled_bytes;
} zx_info_vmo_t;

// The earlier versions of zx_info_vmo_t: each a prefix of the next.
typedef struct zx_info_vmo_v3 {
    zx_koid_t koid;
    char name[ZX_MAX_NAME_LEN];
    uint64_t size_bytes;
    zx_koid_t parent_koid;
    size_t num_children;
    size_t num_mappings;
    size_t share_count;
    uint32_t flags;
    uint8_t padding1[4];
    uint64_t committed_bytes;
    zx_rights_t handle_rights;
    uint32_t cache_policy;
    uint64_t metadata_bytes;
    uint64_t committed_change_events;
    uint64_t populated_bytes;
} zx_info_vmo_v3_t;

typedef struct zx_info_vmo_v2 {
    zx_koid_t koid;
    char name[ZX_MAX_NAME_LEN];
    uint64_t size_bytes;
    zx_koid_t parent_koid;
    size_t num_children;
    size_t num_mappings;
    size_t share_count;
    uint32_t flags;
    uint8_t padding1[4];
    uint64_t committed_bytes;
    zx_rights_t handle_rights;
    uint32_t cache_policy;
    uint64_t metadata_bytes;
    uint64_t committed_change_events;
} zx_info_vmo_v2_t;

typedef struct zx_info_vmo_v1 {
    zx_koid_t koid;
    char name[ZX_MAX_NAME_LEN];
    uint64_t size_bytes;
    zx_koid_t parent_koid;
    size_t num_children;
    size_t num_mappings;
    size_t share_count;
    uint32_t flags;
    uint8_t padding1[4];
    uint64_t committed_bytes;
    zx_rights_t handle_rights;
    uint32_t cache_policy;
} zx_info_vmo_v1_t;

typedef struct zx_info_resource {
    uint32_t kind;
    uint32_t flags;
    uint64_t base;
    size_t size;
    char name[ZX_MAX_NAME_LEN];
} zx_info_resource_t;

typedef struct zx_info_timer {
    uint32_t options;    // as passed to zx_timer_create
    zx_clock_t clock_id; // the timeline the timer runs on
    zx_time_t deadline;  // when it fires next; 0 when not set
    zx_duration_t slack; // the slack it was set with; 0 when not set
} zx_info_timer_t;

typedef struct zx_info_bti {
    // zx_bti_pin returns addresses in chunks of at least this many bytes
    // (the chunk size of ZX_BTI_COMPRESS).
    uint64_t minimum_contiguity;
    // The bytes of device address space the BTI can reach.
    uint64_t aspace_size;
    // PMTs alive (quarantined ones included).
    uint64_t pmo_count;
    // PMTs closed without zx_pmt_unpin, still pinned.
    uint64_t quarantine_count;
} zx_info_bti_t;

// Object properties.
#define ZX_PROP_NAME ((uint32_t)3u)
#define ZX_PROP_VMO_CONTENT_SIZE 17u

// Thread states (zx_info_thread_t.state). BLOCKED never comes alone: the
// BLOCKED_* values say what the thread waits in.
typedef uint32_t zx_thread_state_t;
#define ZX_THREAD_STATE_NEW ((zx_thread_state_t)0x0000u)
#define ZX_THREAD_STATE_RUNNING ((zx_thread_state_t)0x0001u)
#define ZX_THREAD_STATE_SUSPENDED ((zx_thread_state_t)0x0002u)
#define ZX_THREAD_STATE_BLOCKED ((zx_thread_state_t)0x0003u)
#define ZX_THREAD_STATE_DYING ((zx_thread_state_t)0x0004u)
#define ZX_THREAD_STATE_DEAD ((zx_thread_state_t)0x0005u)
#define ZX_THREAD_STATE_BLOCKED_EXCEPTION ((zx_thread_state_t)0x0103u)
#define ZX_THREAD_STATE_BLOCKED_SLEEPING ((zx_thread_state_t)0x0203u)
#define ZX_THREAD_STATE_BLOCKED_FUTEX ((zx_thread_state_t)0x0303u)
#define ZX_THREAD_STATE_BLOCKED_PORT ((zx_thread_state_t)0x0403u)
#define ZX_THREAD_STATE_BLOCKED_CHANNEL ((zx_thread_state_t)0x0503u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_ONE ((zx_thread_state_t)0x0603u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_MANY ((zx_thread_state_t)0x0703u)
#define ZX_THREAD_STATE_BLOCKED_INTERRUPT ((zx_thread_state_t)0x0803u)
#define ZX_THREAD_STATE_BLOCKED_PAGER ((zx_thread_state_t)0x0903u)
// The basic state of a possibly more precise one.
#define ZX_THREAD_STATE_BASIC(n) ((n) & 0xff)

typedef struct zx_info_thread {
    zx_thread_state_t state;               // one of ZX_THREAD_STATE_*
    uint32_t wait_exception_channel_type;  // ZX_EXCEPTION_CHANNEL_TYPE_* (no exceptions here: 0)
    zx_cpu_set_t cpu_affinity_mask;        // the harts the thread may run on
} zx_info_thread_t;

__END_CDECLS

#endif  // SYSROOT_ZIRCON_SYSCALLS_OBJECT_H_
