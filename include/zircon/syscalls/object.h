// zx_object_get_info topics and structs, properties, task return codes.
// Values from zircon/system/public/zircon/syscalls/object.h (zircon-abi.md §6;
// ZX_INFO_PROCESS and the ZX_TASK_RETCODE_* values from the same header as
// stored for vsrinivas/fuchsia, with the zx_info_process_t layout of
// RFC-0074: return_code, start_time, flags).
#ifndef SYSROOT_ZIRCON_SYSCALLS_OBJECT_H_
#define SYSROOT_ZIRCON_SYSCALLS_OBJECT_H_

#include <zircon/types.h>

typedef uint32_t zx_object_info_topic_t;
#define __ZX_INFO_TOPIC(t, v) ((zx_object_info_topic_t)((t) | ((v) << 28)))

#define ZX_INFO_NONE ((zx_object_info_topic_t)0u)
#define ZX_INFO_HANDLE_VALID ((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC ((zx_object_info_topic_t)2u)  // zx_info_handle_basic_t[1]
#define ZX_INFO_PROCESS ((zx_object_info_topic_t)3u)       // zx_info_process_t[1]
#define ZX_INFO_RESOURCE ((zx_object_info_topic_t)18u)     // zx_info_resource_t[1]
#define ZX_INFO_VMO_V1 __ZX_INFO_TOPIC(23u, 0)
#define ZX_INFO_VMO_V2 __ZX_INFO_TOPIC(23u, 1)
#define ZX_INFO_VMO_V3 __ZX_INFO_TOPIC(23u, 2)
#define ZX_INFO_VMO __ZX_INFO_TOPIC(23u, 3)  // zx_info_vmo_t[1]

typedef uint32_t zx_obj_props_t;
#define ZX_OBJ_PROP_NONE ((zx_obj_props_t)0u)
#define ZX_OBJ_PROP_WAITABLE ((zx_obj_props_t)1u)

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
    zx_koid_t related_koid;
    zx_obj_props_t props;
    uint8_t padding1[4];
} zx_info_handle_basic_t;

#define ZX_INFO_PROCESS_FLAG_STARTED (1u << 0)
#define ZX_INFO_PROCESS_FLAG_EXITED (1u << 1)
#define ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED (1u << 2)

typedef struct zx_info_process {
    int64_t return_code;  // valid when flags has ZX_INFO_PROCESS_FLAG_EXITED
    zx_time_t start_time;  // valid when flags has ZX_INFO_PROCESS_FLAG_STARTED
    uint32_t flags;
    uint8_t padding1[4];
} zx_info_process_t;

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

typedef struct zx_info_resource {
    uint32_t kind;
    uint32_t flags;
    uint64_t base;
    size_t size;
    char name[ZX_MAX_NAME_LEN];
} zx_info_resource_t;

// Object properties.
#define ZX_PROP_NAME 3u
#define ZX_PROP_VMO_CONTENT_SIZE 17u

#endif  // SYSROOT_ZIRCON_SYSCALLS_OBJECT_H_
