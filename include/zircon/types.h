// Zircon basic types (the subset grows with the implemented calls). Names and
// values from Fuchsia's zircon/system/public/zircon/types.h
// (chenhunghan/fuchsia-mirror @2762750a, misttech/mist-os; zircon-abi.md §3-7,
// §10). Time types live in <zircon/time.h>, page sizes in <zircon/limits.h>,
// resource kinds in <zircon/syscalls/resource.h>, as in Fuchsia.
#ifndef SYSROOT_ZIRCON_TYPES_H_
#define SYSROOT_ZIRCON_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/compiler.h>
#include <zircon/errors.h>
#include <zircon/limits.h>
#include <zircon/rights.h>
#include <zircon/time.h>

__BEGIN_CDECLS

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
typedef uint32_t zx_signals_t;
typedef uint32_t zx_obj_type_t;
typedef uintptr_t zx_paddr_t;
typedef uintptr_t zx_vaddr_t;
typedef uintptr_t zx_gpaddr_t;
typedef uint64_t zx_off_t;
typedef uint32_t zx_vm_option_t;

// Clock ids.
typedef uint32_t zx_clock_t;
#define ZX_CLOCK_MONOTONIC ((zx_clock_t)0)
#define ZX_CLOCK_BOOT ((zx_clock_t)1)

// zx_timer_create options: how the slack of zx_timer_set applies.
#define ZX_TIMER_SLACK_CENTER 0u
#define ZX_TIMER_SLACK_EARLY 1u
#define ZX_TIMER_SLACK_LATE 2u

// Kernel object ids use 63 bits; the first 1024 are reserved.
typedef uint64_t zx_koid_t;
#define ZX_KOID_INVALID ((uint64_t)0)
#define ZX_KOID_KERNEL ((uint64_t)1)
#define ZX_KOID_FIRST ((uint64_t)1024)

// Futexes (zircon-abi.md §15.5): an int, 4-byte aligned. User C code sees
// an atomic_int, as in Fuchsia's <zircon/types.h>; the kernel (and C++)
// plain int: "in kernel, the only operation done is a user_copy (of
// sizeof(int)) inside a lock; otherwise the futex address is treated as a key".
#if defined(__cplusplus) || defined(_KERNEL) || defined(_ZXRV_KERNEL) || defined(ZX_HOST_TEST)
typedef int zx_futex_t;
#else
#include <stdatomic.h>
typedef atomic_int zx_futex_t;
#endif
typedef int zx_futex_storage_t;

#define ZX_KOID_INVALID ((uint64_t)0)
#define ZX_HANDLE_INVALID ((zx_handle_t)0)
#define ZX_HANDLE_FIXED_BITS_MASK ((zx_handle_t)0x3)
#define ZX_MAX_NAME_LEN ((size_t)32u)

// Object types (zx_obj_type_t).
#define ZX_OBJ_TYPE_NONE ((zx_obj_type_t)0u)
#define ZX_OBJ_TYPE_PROCESS ((zx_obj_type_t)1u)
#define ZX_OBJ_TYPE_THREAD ((zx_obj_type_t)2u)
#define ZX_OBJ_TYPE_VMO ((zx_obj_type_t)3u)
#define ZX_OBJ_TYPE_CHANNEL ((zx_obj_type_t)4u)
#define ZX_OBJ_TYPE_EVENT ((zx_obj_type_t)5u)
#define ZX_OBJ_TYPE_PORT ((zx_obj_type_t)6u)
#define ZX_OBJ_TYPE_INTERRUPT ((zx_obj_type_t)9u)
#define ZX_OBJ_TYPE_PCI_DEVICE ((zx_obj_type_t)11u)
#define ZX_OBJ_TYPE_DEBUGLOG ((zx_obj_type_t)12u)
#define ZX_OBJ_TYPE_LOG ZX_OBJ_TYPE_DEBUGLOG
#define ZX_OBJ_TYPE_SOCKET ((zx_obj_type_t)14u)
#define ZX_OBJ_TYPE_RESOURCE ((zx_obj_type_t)15u)
#define ZX_OBJ_TYPE_EVENTPAIR ((zx_obj_type_t)16u)
#define ZX_OBJ_TYPE_JOB ((zx_obj_type_t)17u)
#define ZX_OBJ_TYPE_VMAR ((zx_obj_type_t)18u)
#define ZX_OBJ_TYPE_FIFO ((zx_obj_type_t)19u)
#define ZX_OBJ_TYPE_GUEST ((zx_obj_type_t)20u)
#define ZX_OBJ_TYPE_VCPU ((zx_obj_type_t)21u)
#define ZX_OBJ_TYPE_TIMER ((zx_obj_type_t)22u)
#define ZX_OBJ_TYPE_IOMMU ((zx_obj_type_t)23u)
#define ZX_OBJ_TYPE_BTI ((zx_obj_type_t)24u)
#define ZX_OBJ_TYPE_PROFILE ((zx_obj_type_t)25u)
#define ZX_OBJ_TYPE_PMT ((zx_obj_type_t)26u)
#define ZX_OBJ_TYPE_SUSPEND_TOKEN ((zx_obj_type_t)27u)
#define ZX_OBJ_TYPE_PAGER ((zx_obj_type_t)28u)
#define ZX_OBJ_TYPE_EXCEPTION ((zx_obj_type_t)29u)
#define ZX_OBJ_TYPE_CLOCK ((zx_obj_type_t)30u)
#define ZX_OBJ_TYPE_STREAM ((zx_obj_type_t)31u)
#define ZX_OBJ_TYPE_MSI ((zx_obj_type_t)32u)
#define ZX_OBJ_TYPE_IOB ((zx_obj_type_t)33u)
#define ZX_OBJ_TYPE_COUNTER ((zx_obj_type_t)34u)
#define ZX_OBJ_TYPE_UPPER_BOUND ((zx_obj_type_t)64u)

// Signals (zx_signals_t).
#define ZX_SIGNAL_NONE ((zx_signals_t)0u)
#define __ZX_OBJECT_SIGNAL_ALL ((zx_signals_t)0x00ffffffu)
#define ZX_USER_SIGNAL_ALL ((zx_signals_t)0xff000000u)
#define ZX_USER_SIGNAL_0 ((zx_signals_t)1u << 24)
#define ZX_USER_SIGNAL_1 ((zx_signals_t)1u << 25)
#define ZX_USER_SIGNAL_2 ((zx_signals_t)1u << 26)
#define ZX_USER_SIGNAL_3 ((zx_signals_t)1u << 27)
#define ZX_USER_SIGNAL_4 ((zx_signals_t)1u << 28)
#define ZX_USER_SIGNAL_5 ((zx_signals_t)1u << 29)
#define ZX_USER_SIGNAL_6 ((zx_signals_t)1u << 30)
#define ZX_USER_SIGNAL_7 ((zx_signals_t)1u << 31)
#define ZX_SIGNAL_HANDLE_CLOSED ((zx_signals_t)1u << 23)
#define ZX_TASK_TERMINATED ((zx_signals_t)1u << 3)
#define ZX_PROCESS_TERMINATED ZX_TASK_TERMINATED
#define ZX_THREAD_TERMINATED ZX_TASK_TERMINATED
#define ZX_JOB_TERMINATED ZX_TASK_TERMINATED
#define ZX_THREAD_RUNNING ((zx_signals_t)1u << 4)
#define ZX_THREAD_SUSPENDED ((zx_signals_t)1u << 5)
#define ZX_JOB_NO_JOBS ((zx_signals_t)1u << 4)
#define ZX_JOB_NO_PROCESSES ((zx_signals_t)1u << 5)
#define ZX_VMO_ZERO_CHILDREN ((zx_signals_t)1u << 3)
#define ZX_EVENT_SIGNALED ((zx_signals_t)1u << 3)
#define ZX_EVENTPAIR_SIGNALED ((zx_signals_t)1u << 3)
#define ZX_EVENTPAIR_PEER_CLOSED ((zx_signals_t)1u << 2)
#define ZX_TIMER_SIGNALED ((zx_signals_t)1u << 3)
#define ZX_CHANNEL_READABLE ((zx_signals_t)1u << 0)
#define ZX_CHANNEL_WRITABLE ((zx_signals_t)1u << 1)
#define ZX_CHANNEL_PEER_CLOSED ((zx_signals_t)1u << 2)
#define ZX_VIRTUAL_INTERRUPT_UNTRIGGERED ((zx_signals_t)1u << 4)

// zx_object_wait_many: one item per handle (MO types.h@04f93c7).
#define ZX_WAIT_MANY_MAX_ITEMS ((size_t)64)
typedef struct zx_wait_item {
    zx_handle_t handle;
    zx_signals_t waitfor;
    zx_signals_t pending;
} zx_wait_item_t;
// Channels (MO types.h@04f93c7): options, limits, and the argument types of
// zx_channel_read_etc, zx_channel_write_etc and zx_channel_call(_etc).
#define ZX_CHANNEL_READ_MAY_DISCARD ((uint32_t)1u)
#define ZX_CHANNEL_WRITE_USE_IOVEC ((uint32_t)2u)
#define ZX_CHANNEL_MAX_MSG_BYTES ((uint32_t)65536u)
#define ZX_CHANNEL_MAX_MSG_HANDLES ((uint32_t)64u)
#define ZX_CHANNEL_MAX_MSG_IOVECS ((uint32_t)8192u)

typedef struct zx_channel_iovec {
    const void* buffer;
    uint32_t capacity;
    uint32_t reserved;
} zx_channel_iovec_t;

typedef struct zx_handle_info {
    zx_handle_t handle;
    zx_obj_type_t type;
    zx_rights_t rights;
    uint32_t unused;
} zx_handle_info_t;

typedef uint32_t zx_handle_op_t;
#define ZX_HANDLE_OP_MOVE ((zx_handle_op_t)0u)
#define ZX_HANDLE_OP_DUPLICATE ((zx_handle_op_t)1u)

typedef struct zx_handle_disposition {
    zx_handle_op_t operation;
    zx_handle_t handle;
    zx_obj_type_t type;
    zx_rights_t rights;
    zx_status_t result;
} zx_handle_disposition_t;

typedef uint32_t zx_txid_t;

typedef struct zx_channel_call_args {
    const void* wr_bytes;
    const zx_handle_t* wr_handles;
    void* rd_bytes;
    zx_handle_t* rd_handles;
    uint32_t wr_num_bytes;
    uint32_t wr_num_handles;
    uint32_t rd_num_bytes;
    uint32_t rd_num_handles;
} zx_channel_call_args_t;

typedef struct zx_channel_call_etc_args {
    const void* wr_bytes;
    zx_handle_disposition_t* wr_handles;
    void* rd_bytes;
    zx_handle_info_t* rd_handles;
    uint32_t wr_num_bytes;
    uint32_t wr_num_handles;
    uint32_t rd_num_bytes;
    uint32_t rd_num_handles;
} zx_channel_call_etc_args_t;

// zx_vmo_create options.
#define ZX_VMO_RESIZABLE ((uint32_t)1u << 1)
#define ZX_VMO_DISCARDABLE ((uint32_t)1u << 2)
#define ZX_VMO_TRAP_DIRTY ((uint32_t)1u << 3)
#define ZX_VMO_UNBOUNDED ((uint32_t)1u << 4)

// zx_vmo_op_range operations.
#define ZX_VMO_OP_COMMIT 1u
#define ZX_VMO_OP_DECOMMIT 2u
#define ZX_VMO_OP_LOCK 3u
#define ZX_VMO_OP_UNLOCK 4u
#define ZX_VMO_OP_CACHE_SYNC 6u
#define ZX_VMO_OP_CACHE_INVALIDATE 7u
#define ZX_VMO_OP_CACHE_CLEAN 8u
#define ZX_VMO_OP_CACHE_CLEAN_INVALIDATE 9u
#define ZX_VMO_OP_ZERO 10u
#define ZX_VMO_OP_TRY_LOCK 11u
#define ZX_VMO_OP_DONT_NEED 12u
#define ZX_VMO_OP_ALWAYS_NEED 13u
#define ZX_VMO_OP_PREFETCH 14u

// The buffer of zx_vmo_op_range() with ZX_VMO_OP_LOCK: the locked range, and
// the part of it that had been discarded before the lock (0, 0 if none).
typedef struct zx_vmo_lock_state {
    uint64_t offset;
    uint64_t size;
    uint64_t discarded_offset;
    uint64_t discarded_size;
} zx_vmo_lock_state_t;

// CPU sets (MO types.h @04f93c7): CPU N is in the set when bit N % 64 of
// mask[N / 64] is set.
#define ZX_CPU_SET_MAX_CPUS 512
#define ZX_CPU_SET_BITS_PER_WORD 64

typedef struct zx_cpu_set {
    uint64_t mask[ZX_CPU_SET_MAX_CPUS / ZX_CPU_SET_BITS_PER_WORD];
} zx_cpu_set_t;

// zx_vmar_op_range operations (each the same number as its ZX_VMO_OP_*).
#define ZX_VMAR_OP_COMMIT ((uint32_t)1u)
#define ZX_VMAR_OP_DECOMMIT ((uint32_t)2u)
#define ZX_VMAR_OP_MAP_RANGE ((uint32_t)3u)
#define ZX_VMAR_OP_ZERO ((uint32_t)10u)
#define ZX_VMAR_OP_DONT_NEED ((uint32_t)12u)
#define ZX_VMAR_OP_ALWAYS_NEED ((uint32_t)13u)
#define ZX_VMAR_OP_PREFETCH ((uint32_t)14u)

// zx_vmo_create_child options.
#define ZX_VMO_CHILD_SNAPSHOT ((uint32_t)1u << 0)
#define ZX_VMO_CHILD_RESIZABLE ((uint32_t)1u << 2)
#define ZX_VMO_CHILD_SLICE ((uint32_t)1u << 3)
#define ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE ((uint32_t)1u << 4)
#define ZX_VMO_CHILD_NO_WRITE ((uint32_t)1u << 5)
#define ZX_VMO_CHILD_REFERENCE ((uint32_t)1u << 6)
#define ZX_VMO_CHILD_SNAPSHOT_MODIFIED ((uint32_t)1u << 7)

// Cache policies.
#define ZX_CACHE_POLICY_CACHED 0u
#define ZX_CACHE_POLICY_UNCACHED 1u
#define ZX_CACHE_POLICY_UNCACHED_DEVICE 2u
#define ZX_CACHE_POLICY_WRITE_COMBINING 3u
#define ZX_CACHE_POLICY_MASK 3u

// zx_interrupt_create options and zx_interrupt_bind options (MO types.h@04f93c7).
#define ZX_INTERRUPT_REMAP_IRQ ((uint32_t)0x1u)
#define ZX_INTERRUPT_MODE_DEFAULT ((uint32_t)0u << 1)
#define ZX_INTERRUPT_MODE_EDGE_LOW ((uint32_t)1u << 1)
#define ZX_INTERRUPT_MODE_EDGE_HIGH ((uint32_t)2u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_LOW ((uint32_t)3u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_HIGH ((uint32_t)4u << 1)
#define ZX_INTERRUPT_MODE_EDGE_BOTH ((uint32_t)5u << 1)
#define ZX_INTERRUPT_MODE_MASK ((uint32_t)0xe)
#define ZX_INTERRUPT_VIRTUAL ((uint32_t)0x10)
#define ZX_INTERRUPT_TIMESTAMP_MONO ((uint32_t)1u << 6)
#define ZX_INTERRUPT_BIND ((uint32_t)0x0u)
#define ZX_INTERRUPT_UNBIND ((uint32_t)0x1u)
#define ZX_INTERRUPT_SLOT_USER ((uint32_t)62u)
#define ZX_INTERRUPT_MAX_SLOTS ((uint32_t)62u)

// Bus Transaction Initiator options: zx_bti_pin (MO types.h@04f93c7).
#define ZX_BTI_PERM_READ ((uint32_t)1u << 0)
#define ZX_BTI_PERM_WRITE ((uint32_t)1u << 1)
#define ZX_BTI_PERM_EXECUTE ((uint32_t)1u << 2)
#define ZX_BTI_COMPRESS ((uint32_t)1u << 3)
#define ZX_BTI_CONTIGUOUS ((uint32_t)1u << 4)

// zx_cache_flush options (Zircon's zircon/types.h).
#define ZX_CACHE_FLUSH_INSN ((uint32_t)1u << 0)
#define ZX_CACHE_FLUSH_DATA ((uint32_t)1u << 1)
#define ZX_CACHE_FLUSH_INVALIDATE ((uint32_t)1u << 2)

// VMAR map options (zx_vm_option_t).
#define ZX_VM_PERM_READ ((zx_vm_option_t)1u << 0)
#define ZX_VM_PERM_WRITE ((zx_vm_option_t)1u << 1)
#define ZX_VM_PERM_EXECUTE ((zx_vm_option_t)1u << 2)
#define ZX_VM_COMPACT ((zx_vm_option_t)1u << 3)
#define ZX_VM_SPECIFIC ((zx_vm_option_t)1u << 4)
#define ZX_VM_SPECIFIC_OVERWRITE ((zx_vm_option_t)1u << 5)
#define ZX_VM_CAN_MAP_SPECIFIC ((zx_vm_option_t)1u << 6)
#define ZX_VM_CAN_MAP_READ ((zx_vm_option_t)1u << 7)
#define ZX_VM_CAN_MAP_WRITE ((zx_vm_option_t)1u << 8)
#define ZX_VM_CAN_MAP_EXECUTE ((zx_vm_option_t)1u << 9)
#define ZX_VM_MAP_RANGE ((zx_vm_option_t)1u << 10)
#define ZX_VM_REQUIRE_NON_RESIZABLE ((zx_vm_option_t)1u << 11)
#define ZX_VM_ALLOW_FAULTS ((zx_vm_option_t)1u << 12)
#define ZX_VM_OFFSET_IS_UPPER_LIMIT ((zx_vm_option_t)1u << 13)
#define ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED ((zx_vm_option_t)1u << 14)
#define ZX_VM_FAULT_BEYOND_STREAM_SIZE ((zx_vm_option_t)1u << 15)
#define ZX_VM_ALIGN_BASE 24
#define ZX_VM_ALIGN_1KB ((zx_vm_option_t)10u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_2KB ((zx_vm_option_t)11u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_4KB ((zx_vm_option_t)12u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_8KB ((zx_vm_option_t)13u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_16KB ((zx_vm_option_t)14u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_32KB ((zx_vm_option_t)15u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_64KB ((zx_vm_option_t)16u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_128KB ((zx_vm_option_t)17u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_256KB ((zx_vm_option_t)18u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_512KB ((zx_vm_option_t)19u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_1MB ((zx_vm_option_t)20u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_2MB ((zx_vm_option_t)21u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_4MB ((zx_vm_option_t)22u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_8MB ((zx_vm_option_t)23u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_16MB ((zx_vm_option_t)24u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_32MB ((zx_vm_option_t)25u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_64MB ((zx_vm_option_t)26u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_128MB ((zx_vm_option_t)27u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_256MB ((zx_vm_option_t)28u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_512MB ((zx_vm_option_t)29u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_1GB ((zx_vm_option_t)30u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_2GB ((zx_vm_option_t)31u << ZX_VM_ALIGN_BASE)
#define ZX_VM_ALIGN_4GB ((zx_vm_option_t)32u << ZX_VM_ALIGN_BASE)

__END_CDECLS

#endif  // SYSROOT_ZIRCON_TYPES_H_
