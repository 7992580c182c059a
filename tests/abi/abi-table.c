// The ABI table: every value of include/zircon/ and every struct layout,
// compared at compile time with the number read from Fuchsia, the Fuchsia
// file named above each group. The right-hand sides are literals on purpose:
// a header that changes a value fails the build here (tests/abi/README.md;
// tests/host/user/check_abi_table.py checks that every value-macro of
// include/zircon/ is in this file and that a wrong value does fail).
//
// Repositories: MO = misttech/mist-os, MF = misttech/fuchsia, GN =
// gnoliyil/fuchsia, CM = chenhunghan/fuchsia-mirror (@2762750a); paths under
// zircon/system/public/zircon/ unless a full path is given.
#include <stddef.h>
#include <stdint.h>
#include <zircon/errors.h>
#include <zircon/limits.h>
#include <zircon/processargs.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zircon/time.h>
#include <zircon/types.h>
#include <zxrv/bootstrap.h>

#define ABI_EQ(name, value) _Static_assert((name) == (value), #name " must be " #value)
#define ABI_SIZE(type, bytes) _Static_assert(sizeof(type) == (bytes), "sizeof(" #type ") must be " #bytes)
#define ABI_OFF(type, field, at) \
    _Static_assert(offsetof(type, field) == (at), "offsetof(" #type ", " #field ") must be " #at)
// is_signed: 1 signed, 0 unsigned (all ones is above 0 only when unsigned).
#define ABI_INT(type, bytes, is_signed)                                                         \
    _Static_assert(sizeof(type) == (bytes) && (((type)~(type)0 > (type)0) == !(is_signed)),     \
                   #type " must be a " #bytes "-byte integer, signed: " #is_signed)

// --- errors.h (GN @26dba52e, generated from zircon/vdso/errors.fidl) ---
ABI_EQ(ZX_OK, 0);
ABI_EQ(ZX_ERR_INTERNAL, -1);
ABI_EQ(ZX_ERR_NOT_SUPPORTED, -2);
ABI_EQ(ZX_ERR_NO_RESOURCES, -3);
ABI_EQ(ZX_ERR_NO_MEMORY, -4);
ABI_EQ(ZX_ERR_INTERNAL_INTR_RETRY, -6);
ABI_EQ(ZX_ERR_INVALID_ARGS, -10);
ABI_EQ(ZX_ERR_BAD_HANDLE, -11);
ABI_EQ(ZX_ERR_WRONG_TYPE, -12);
ABI_EQ(ZX_ERR_BAD_SYSCALL, -13);
ABI_EQ(ZX_ERR_OUT_OF_RANGE, -14);
ABI_EQ(ZX_ERR_BUFFER_TOO_SMALL, -15);
ABI_EQ(ZX_ERR_BAD_STATE, -20);
ABI_EQ(ZX_ERR_TIMED_OUT, -21);
ABI_EQ(ZX_ERR_SHOULD_WAIT, -22);
ABI_EQ(ZX_ERR_CANCELED, -23);
ABI_EQ(ZX_ERR_PEER_CLOSED, -24);
ABI_EQ(ZX_ERR_NOT_FOUND, -25);
ABI_EQ(ZX_ERR_ALREADY_EXISTS, -26);
ABI_EQ(ZX_ERR_ALREADY_BOUND, -27);
ABI_EQ(ZX_ERR_UNAVAILABLE, -28);
ABI_EQ(ZX_ERR_ACCESS_DENIED, -30);
ABI_EQ(ZX_ERR_IO, -40);
ABI_EQ(ZX_ERR_IO_REFUSED, -41);
ABI_EQ(ZX_ERR_IO_DATA_INTEGRITY, -42);
ABI_EQ(ZX_ERR_IO_DATA_LOSS, -43);
ABI_EQ(ZX_ERR_IO_NOT_PRESENT, -44);
ABI_EQ(ZX_ERR_IO_OVERRUN, -45);
ABI_EQ(ZX_ERR_IO_MISSED_DEADLINE, -46);
ABI_EQ(ZX_ERR_IO_INVALID, -47);
ABI_EQ(ZX_ERR_BAD_PATH, -50);
ABI_EQ(ZX_ERR_NOT_DIR, -51);
ABI_EQ(ZX_ERR_NOT_FILE, -52);
ABI_EQ(ZX_ERR_FILE_BIG, -53);
ABI_EQ(ZX_ERR_NO_SPACE, -54);
ABI_EQ(ZX_ERR_NOT_EMPTY, -55);
ABI_EQ(ZX_ERR_STOP, -60);
ABI_EQ(ZX_ERR_NEXT, -61);
ABI_EQ(ZX_ERR_ASYNC, -62);
ABI_EQ(ZX_ERR_PROTOCOL_NOT_SUPPORTED, -70);
ABI_EQ(ZX_ERR_ADDRESS_UNREACHABLE, -71);
ABI_EQ(ZX_ERR_ADDRESS_IN_USE, -72);
ABI_EQ(ZX_ERR_NOT_CONNECTED, -73);
ABI_EQ(ZX_ERR_CONNECTION_REFUSED, -74);
ABI_EQ(ZX_ERR_CONNECTION_RESET, -75);
ABI_EQ(ZX_ERR_CONNECTION_ABORTED, -76);
ABI_EQ(ZX_ERR_INTERNAL_INTR_KILLED, -502);

// --- rights.h (MO @805bafa) ---
ABI_INT(zx_rights_t, 4, 0);
ABI_EQ(ZX_RIGHT_NONE, 0x0u);
ABI_EQ(ZX_RIGHT_DUPLICATE, 0x1u);
ABI_EQ(ZX_RIGHT_TRANSFER, 0x2u);
ABI_EQ(ZX_RIGHT_READ, 0x4u);
ABI_EQ(ZX_RIGHT_WRITE, 0x8u);
ABI_EQ(ZX_RIGHT_EXECUTE, 0x10u);
ABI_EQ(ZX_RIGHT_MAP, 0x20u);
ABI_EQ(ZX_RIGHT_GET_PROPERTY, 0x40u);
ABI_EQ(ZX_RIGHT_SET_PROPERTY, 0x80u);
ABI_EQ(ZX_RIGHT_ENUMERATE, 0x100u);
ABI_EQ(ZX_RIGHT_DESTROY, 0x200u);
ABI_EQ(ZX_RIGHT_SET_POLICY, 0x400u);
ABI_EQ(ZX_RIGHT_GET_POLICY, 0x800u);
ABI_EQ(ZX_RIGHT_SIGNAL, 0x1000u);
ABI_EQ(ZX_RIGHT_SIGNAL_PEER, 0x2000u);
ABI_EQ(ZX_RIGHT_WAIT, 0x4000u);
ABI_EQ(ZX_RIGHT_INSPECT, 0x8000u);
ABI_EQ(ZX_RIGHT_MANAGE_JOB, 0x10000u);
ABI_EQ(ZX_RIGHT_MANAGE_PROCESS, 0x20000u);
ABI_EQ(ZX_RIGHT_MANAGE_THREAD, 0x40000u);
ABI_EQ(ZX_RIGHT_APPLY_PROFILE, 0x80000u);
ABI_EQ(ZX_RIGHT_MANAGE_SOCKET, 0x100000u);
ABI_EQ(ZX_RIGHT_OP_CHILDREN, 0x200000u);
ABI_EQ(ZX_RIGHT_RESIZE, 0x400000u);
ABI_EQ(ZX_RIGHT_ATTACH_VMO, 0x800000u);
ABI_EQ(ZX_RIGHT_MANAGE_VMO, 0x1000000u);
ABI_EQ(ZX_RIGHT_SAME_RIGHTS, 0x80000000u);
ABI_EQ(ZX_RIGHTS_BASIC, 0xc003u);
ABI_EQ(ZX_RIGHTS_IO, 0xcu);
ABI_EQ(ZX_RIGHTS_PROPERTY, 0xc0u);
ABI_EQ(ZX_RIGHTS_POLICY, 0xc00u);
ABI_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, 0xf00eu);
ABI_EQ(ZX_DEFAULT_EVENT_RIGHTS, 0xd003u);
ABI_EQ(ZX_DEFAULT_EVENTPAIR_RIGHTS, 0xf003u);
ABI_EQ(ZX_DEFAULT_TIMER_RIGHTS, 0xd00bu);
ABI_EQ(ZX_DEFAULT_JOB_RIGHTS, 0x7dfcfu);
ABI_EQ(ZX_DEFAULT_PROCESS_RIGHTS, 0x6d3cfu);
ABI_EQ(ZX_DEFAULT_RESOURCE_RIGHTS, 0x800bu);
ABI_EQ(ZX_DEFAULT_THREAD_RIGHTS, 0x4d2cfu);
ABI_EQ(ZX_DEFAULT_VMAR_RIGHTS, 0x208003u);
ABI_EQ(ZX_DEFAULT_PORT_RIGHTS, 0x800fu);  // MO rights.h@42b0a09
ABI_EQ(ZX_DEFAULT_VMO_RIGHTS, 0xd0efu);

// --- types.h (CM; MO @687f9a1 for the same values) ---
ABI_INT(zx_status_t, 4, 1);
ABI_INT(zx_handle_t, 4, 0);
ABI_INT(zx_signals_t, 4, 0);
ABI_INT(zx_obj_type_t, 4, 0);
ABI_INT(zx_clock_t, 4, 0);
ABI_INT(zx_koid_t, 8, 0);
ABI_INT(zx_paddr_t, 8, 0);
ABI_INT(zx_vaddr_t, 8, 0);
ABI_INT(zx_gpaddr_t, 8, 0);
ABI_INT(zx_off_t, 8, 0);
ABI_INT(zx_vm_option_t, 4, 0);
ABI_EQ(ZX_HANDLE_INVALID, 0u);
ABI_EQ(ZX_HANDLE_FIXED_BITS_MASK, 0x3u);
ABI_EQ(ZX_MAX_NAME_LEN, 32u);
ABI_EQ(ZX_CLOCK_MONOTONIC, 0u);
ABI_EQ(ZX_CLOCK_BOOT, 1u);
ABI_EQ(ZX_TIMER_SLACK_CENTER, 0u);
ABI_EQ(ZX_TIMER_SLACK_EARLY, 1u);
ABI_EQ(ZX_TIMER_SLACK_LATE, 2u);
ABI_EQ(ZX_KOID_INVALID, 0u);
ABI_EQ(ZX_KOID_KERNEL, 1u);
ABI_EQ(ZX_KOID_FIRST, 1024u);
ABI_EQ(ZX_OBJ_TYPE_NONE, 0u);
ABI_EQ(ZX_OBJ_TYPE_PROCESS, 1u);
ABI_EQ(ZX_OBJ_TYPE_THREAD, 2u);
ABI_EQ(ZX_OBJ_TYPE_VMO, 3u);
ABI_EQ(ZX_OBJ_TYPE_CHANNEL, 4u);
ABI_EQ(ZX_OBJ_TYPE_EVENT, 5u);
ABI_EQ(ZX_OBJ_TYPE_PORT, 6u);
ABI_EQ(ZX_OBJ_TYPE_INTERRUPT, 9u);
ABI_EQ(ZX_OBJ_TYPE_PCI_DEVICE, 11u);
ABI_EQ(ZX_OBJ_TYPE_DEBUGLOG, 12u);
ABI_EQ(ZX_OBJ_TYPE_LOG, 12u);
ABI_EQ(ZX_OBJ_TYPE_SOCKET, 14u);
ABI_EQ(ZX_OBJ_TYPE_RESOURCE, 15u);
ABI_EQ(ZX_OBJ_TYPE_EVENTPAIR, 16u);
ABI_EQ(ZX_OBJ_TYPE_JOB, 17u);
ABI_EQ(ZX_OBJ_TYPE_VMAR, 18u);
ABI_EQ(ZX_OBJ_TYPE_FIFO, 19u);
ABI_EQ(ZX_OBJ_TYPE_GUEST, 20u);
ABI_EQ(ZX_OBJ_TYPE_VCPU, 21u);
ABI_EQ(ZX_OBJ_TYPE_TIMER, 22u);
ABI_EQ(ZX_OBJ_TYPE_IOMMU, 23u);
ABI_EQ(ZX_OBJ_TYPE_BTI, 24u);
ABI_EQ(ZX_OBJ_TYPE_PROFILE, 25u);
ABI_EQ(ZX_OBJ_TYPE_PMT, 26u);
ABI_EQ(ZX_OBJ_TYPE_SUSPEND_TOKEN, 27u);
ABI_EQ(ZX_OBJ_TYPE_PAGER, 28u);
ABI_EQ(ZX_OBJ_TYPE_EXCEPTION, 29u);
ABI_EQ(ZX_OBJ_TYPE_CLOCK, 30u);
ABI_EQ(ZX_OBJ_TYPE_STREAM, 31u);
ABI_EQ(ZX_OBJ_TYPE_MSI, 32u);
ABI_EQ(ZX_OBJ_TYPE_IOB, 33u);
ABI_EQ(ZX_OBJ_TYPE_COUNTER, 34u);
ABI_EQ(ZX_OBJ_TYPE_UPPER_BOUND, 64u);
ABI_EQ(ZX_SIGNAL_NONE, 0u);
ABI_EQ(__ZX_OBJECT_SIGNAL_ALL, 0x00ffffffu);
ABI_EQ(ZX_USER_SIGNAL_ALL, 0xff000000u);
ABI_EQ(ZX_USER_SIGNAL_0, 0x01000000u);
ABI_EQ(ZX_USER_SIGNAL_1, 0x02000000u);
ABI_EQ(ZX_USER_SIGNAL_2, 0x04000000u);
ABI_EQ(ZX_USER_SIGNAL_3, 0x08000000u);
ABI_EQ(ZX_USER_SIGNAL_4, 0x10000000u);
ABI_EQ(ZX_USER_SIGNAL_5, 0x20000000u);
ABI_EQ(ZX_USER_SIGNAL_6, 0x40000000u);
ABI_EQ(ZX_USER_SIGNAL_7, 0x80000000u);
ABI_EQ(ZX_SIGNAL_HANDLE_CLOSED, 0x00800000u);
ABI_EQ(ZX_TASK_TERMINATED, 0x8u);
ABI_EQ(ZX_PROCESS_TERMINATED, 0x8u);
ABI_EQ(ZX_THREAD_TERMINATED, 0x8u);
ABI_EQ(ZX_JOB_TERMINATED, 0x8u);
ABI_EQ(ZX_THREAD_RUNNING, 0x10u);
ABI_EQ(ZX_THREAD_SUSPENDED, 0x20u);
ABI_EQ(ZX_JOB_NO_JOBS, 0x10u);
ABI_EQ(ZX_JOB_NO_PROCESSES, 0x20u);
ABI_EQ(ZX_VMO_ZERO_CHILDREN, 0x8u);
ABI_EQ(ZX_EVENT_SIGNALED, 0x8u);
ABI_EQ(ZX_EVENTPAIR_SIGNALED, 0x8u);
ABI_EQ(ZX_EVENTPAIR_PEER_CLOSED, 0x4u);
ABI_EQ(ZX_TIMER_SIGNALED, 0x8u);
ABI_EQ(ZX_CHANNEL_READABLE, 0x1u);
ABI_EQ(ZX_CHANNEL_WRITABLE, 0x2u);
ABI_EQ(ZX_CHANNEL_PEER_CLOSED, 0x4u);
ABI_EQ(ZX_VMO_RESIZABLE, 0x2u);
ABI_EQ(ZX_VMO_DISCARDABLE, 0x4u);
ABI_EQ(ZX_VMO_TRAP_DIRTY, 0x8u);
ABI_EQ(ZX_VMO_UNBOUNDED, 0x10u);
ABI_EQ(ZX_VMO_OP_COMMIT, 1u);
ABI_EQ(ZX_VMO_OP_DECOMMIT, 2u);
ABI_EQ(ZX_VMO_OP_LOCK, 3u);
ABI_EQ(ZX_VMO_OP_UNLOCK, 4u);
ABI_EQ(ZX_VMO_OP_CACHE_SYNC, 6u);
ABI_EQ(ZX_VMO_OP_CACHE_INVALIDATE, 7u);
ABI_EQ(ZX_VMO_OP_CACHE_CLEAN, 8u);
ABI_EQ(ZX_VMO_OP_CACHE_CLEAN_INVALIDATE, 9u);
ABI_EQ(ZX_VMO_OP_ZERO, 10u);
ABI_EQ(ZX_VMO_OP_TRY_LOCK, 11u);
ABI_EQ(ZX_VMO_OP_DONT_NEED, 12u);
ABI_EQ(ZX_VMO_OP_ALWAYS_NEED, 13u);
ABI_EQ(ZX_VMO_OP_PREFETCH, 14u);
ABI_SIZE(zx_vmo_lock_state_t, 32);
ABI_OFF(zx_vmo_lock_state_t, offset, 0);
ABI_OFF(zx_vmo_lock_state_t, size, 8);
ABI_OFF(zx_vmo_lock_state_t, discarded_offset, 16);
ABI_OFF(zx_vmo_lock_state_t, discarded_size, 24);
ABI_EQ(ZX_VMAR_OP_COMMIT, 1u);
ABI_EQ(ZX_VMAR_OP_DECOMMIT, 2u);
ABI_EQ(ZX_VMAR_OP_MAP_RANGE, 3u);
ABI_EQ(ZX_VMAR_OP_ZERO, 10u);
ABI_EQ(ZX_VMAR_OP_DONT_NEED, 12u);
ABI_EQ(ZX_VMAR_OP_ALWAYS_NEED, 13u);
ABI_EQ(ZX_VMAR_OP_PREFETCH, 14u);
ABI_EQ(ZX_VMO_CHILD_SNAPSHOT, 0x1u);
ABI_EQ(ZX_VMO_CHILD_RESIZABLE, 0x4u);
ABI_EQ(ZX_VMO_CHILD_SLICE, 0x8u);
ABI_EQ(ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0x10u);
ABI_EQ(ZX_VMO_CHILD_NO_WRITE, 0x20u);
ABI_EQ(ZX_VMO_CHILD_REFERENCE, 0x40u);
ABI_EQ(ZX_VMO_CHILD_SNAPSHOT_MODIFIED, 0x80u);
ABI_EQ(ZX_CACHE_POLICY_CACHED, 0u);
ABI_EQ(ZX_CACHE_POLICY_UNCACHED, 1u);
ABI_EQ(ZX_CACHE_POLICY_UNCACHED_DEVICE, 2u);
ABI_EQ(ZX_CACHE_POLICY_WRITE_COMBINING, 3u);
ABI_EQ(ZX_CACHE_POLICY_MASK, 3u);
ABI_EQ(ZX_CACHE_FLUSH_INSN, 0x1u);
ABI_EQ(ZX_CACHE_FLUSH_DATA, 0x2u);
ABI_EQ(ZX_CACHE_FLUSH_INVALIDATE, 0x4u);
ABI_EQ(ZX_VM_PERM_READ, 0x1u);
ABI_EQ(ZX_VM_PERM_WRITE, 0x2u);
ABI_EQ(ZX_VM_PERM_EXECUTE, 0x4u);
ABI_EQ(ZX_VM_COMPACT, 0x8u);
ABI_EQ(ZX_VM_SPECIFIC, 0x10u);
ABI_EQ(ZX_VM_SPECIFIC_OVERWRITE, 0x20u);
ABI_EQ(ZX_VM_CAN_MAP_SPECIFIC, 0x40u);
ABI_EQ(ZX_VM_CAN_MAP_READ, 0x80u);
ABI_EQ(ZX_VM_CAN_MAP_WRITE, 0x100u);
ABI_EQ(ZX_VM_CAN_MAP_EXECUTE, 0x200u);
ABI_EQ(ZX_VM_MAP_RANGE, 0x400u);
ABI_EQ(ZX_VM_REQUIRE_NON_RESIZABLE, 0x800u);
ABI_EQ(ZX_VM_ALLOW_FAULTS, 0x1000u);
ABI_EQ(ZX_VM_OFFSET_IS_UPPER_LIMIT, 0x2000u);
ABI_EQ(ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED, 0x4000u);
ABI_EQ(ZX_VM_FAULT_BEYOND_STREAM_SIZE, 0x8000u);
ABI_EQ(ZX_VM_ALIGN_BASE, 24);
ABI_EQ(ZX_VM_ALIGN_1KB, 0x0a000000u);
ABI_EQ(ZX_VM_ALIGN_2KB, 0x0b000000u);
ABI_EQ(ZX_VM_ALIGN_4KB, 0x0c000000u);
ABI_EQ(ZX_VM_ALIGN_8KB, 0x0d000000u);
ABI_EQ(ZX_VM_ALIGN_16KB, 0x0e000000u);
ABI_EQ(ZX_VM_ALIGN_32KB, 0x0f000000u);
ABI_EQ(ZX_VM_ALIGN_64KB, 0x10000000u);
ABI_EQ(ZX_VM_ALIGN_128KB, 0x11000000u);
ABI_EQ(ZX_VM_ALIGN_256KB, 0x12000000u);
ABI_EQ(ZX_VM_ALIGN_512KB, 0x13000000u);
ABI_EQ(ZX_VM_ALIGN_1MB, 0x14000000u);
ABI_EQ(ZX_VM_ALIGN_2MB, 0x15000000u);
ABI_EQ(ZX_VM_ALIGN_4MB, 0x16000000u);
ABI_EQ(ZX_VM_ALIGN_8MB, 0x17000000u);
ABI_EQ(ZX_VM_ALIGN_16MB, 0x18000000u);
ABI_EQ(ZX_VM_ALIGN_32MB, 0x19000000u);
ABI_EQ(ZX_VM_ALIGN_64MB, 0x1a000000u);
ABI_EQ(ZX_VM_ALIGN_128MB, 0x1b000000u);
ABI_EQ(ZX_VM_ALIGN_256MB, 0x1c000000u);
ABI_EQ(ZX_VM_ALIGN_512MB, 0x1d000000u);
ABI_EQ(ZX_VM_ALIGN_1GB, 0x1e000000u);
ABI_EQ(ZX_VM_ALIGN_2GB, 0x1f000000u);
ABI_EQ(ZX_VM_ALIGN_4GB, 0x20000000u);

// --- time.h (MO @9517f88) ---
ABI_INT(zx_time_t, 8, 1);
ABI_INT(zx_duration_t, 8, 1);
ABI_INT(zx_ticks_t, 8, 1);
ABI_INT(zx_instant_mono_t, 8, 1);
ABI_INT(zx_instant_mono_ticks_t, 8, 1);
ABI_INT(zx_duration_mono_t, 8, 1);
ABI_INT(zx_duration_mono_ticks_t, 8, 1);
ABI_INT(zx_instant_boot_t, 8, 1);
ABI_INT(zx_instant_boot_ticks_t, 8, 1);
ABI_INT(zx_duration_boot_t, 8, 1);
ABI_INT(zx_duration_boot_ticks_t, 8, 1);
ABI_EQ(ZX_TIME_INFINITE, 0x7fffffffffffffffll);
ABI_EQ(ZX_TIME_INFINITE_PAST, -0x7fffffffffffffffll - 1);
ABI_EQ(ZX_NSEC(7), 7);
ABI_EQ(ZX_USEC(7), 7000);
ABI_EQ(ZX_MSEC(7), 7000000);
ABI_EQ(ZX_SEC(7), 7000000000ll);
ABI_EQ(ZX_MIN(7), 420000000000ll);
ABI_EQ(ZX_HOUR(7), 25200000000000ll);

// --- limits.h (MO @2b2b8bd, the riscv64 branch) ---
ABI_EQ(ZX_PAGE_SHIFT, 12u);
ABI_EQ(ZX_PAGE_SIZE, 4096u);
ABI_EQ(ZX_PAGE_MASK, 4095u);
ABI_EQ(ZX_MIN_PAGE_SHIFT, 12u);
ABI_EQ(ZX_MAX_PAGE_SHIFT, 21u);
ABI_EQ(ZX_MIN_PAGE_SIZE, 4096u);
ABI_EQ(ZX_MAX_PAGE_SIZE, 0x200000u);

// --- types.h (MO @04f93c7): CPU sets ---
ABI_EQ(ZX_CPU_SET_MAX_CPUS, 512);
ABI_EQ(ZX_CPU_SET_BITS_PER_WORD, 64);
ABI_SIZE(zx_cpu_set_t, 64);
ABI_OFF(zx_cpu_set_t, mask, 0);

// --- syscalls/object.h (MO @2b2b8bd) ---
ABI_INT(zx_object_info_topic_t, 4, 0);
ABI_INT(zx_info_process_flags_t, 4, 0);
ABI_INT(zx_thread_state_t, 4, 0);
ABI_EQ(__ZX_INFO_TOPIC(23u, 3u), 0x30000017u);
ABI_EQ(ZX_INFO_NONE, 0u);
ABI_EQ(ZX_INFO_HANDLE_VALID, 1u);
ABI_EQ(ZX_INFO_HANDLE_BASIC, 2u);
ABI_EQ(ZX_INFO_PROCESS, 0x10000003u);
ABI_EQ(ZX_INFO_RESOURCE, 18u);
ABI_EQ(ZX_INFO_TIMER, 25u);
ABI_EQ(ZX_INFO_VMO_V1, 0x17u);
ABI_EQ(ZX_INFO_VMO_V2, 0x10000017u);
ABI_EQ(ZX_INFO_VMO_V3, 0x20000017u);
ABI_EQ(ZX_INFO_VMO, 0x30000017u);
ABI_EQ(ZX_INFO_PROCESS_THREADS, 4u);
ABI_EQ(ZX_INFO_JOB_CHILDREN, 8u);
ABI_EQ(ZX_INFO_JOB_PROCESSES, 9u);
ABI_EQ(ZX_INFO_THREAD, 10u);
ABI_EQ(ZX_INFO_HANDLE_COUNT, 19u);
ABI_EQ(ZX_INFO_JOB, 24u);
ABI_SIZE(zx_info_handle_count_t, 4);
ABI_OFF(zx_info_handle_count_t, handle_count, 0);
ABI_SIZE(zx_info_job_t, 16);
ABI_OFF(zx_info_job_t, return_code, 0);
ABI_OFF(zx_info_job_t, exited, 8);
ABI_OFF(zx_info_job_t, kill_on_oom, 9);
ABI_OFF(zx_info_job_t, debugger_attached, 10);
ABI_OFF(zx_info_job_t, padding1, 11);
ABI_SIZE(zx_info_thread_t, 72);
ABI_OFF(zx_info_thread_t, state, 0);
ABI_OFF(zx_info_thread_t, wait_exception_channel_type, 4);
ABI_OFF(zx_info_thread_t, cpu_affinity_mask, 8);
ABI_EQ(ZX_TASK_RETCODE_SYSCALL_KILL, -1024);
ABI_EQ(ZX_TASK_RETCODE_OOM_KILL, -1025);
ABI_EQ(ZX_TASK_RETCODE_POLICY_KILL, -1026);
ABI_EQ(ZX_TASK_RETCODE_VDSO_KILL, -1027);
ABI_EQ(ZX_TASK_RETCODE_EXCEPTION_KILL, -1028);
ABI_EQ(ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL, -1029);
ABI_SIZE(zx_info_handle_basic_t, 32);
ABI_OFF(zx_info_handle_basic_t, koid, 0);
ABI_OFF(zx_info_handle_basic_t, rights, 8);
ABI_OFF(zx_info_handle_basic_t, type, 12);
ABI_OFF(zx_info_handle_basic_t, related_koid, 16);
ABI_OFF(zx_info_handle_basic_t, reserved, 24);
ABI_OFF(zx_info_handle_basic_t, padding1, 28);
ABI_EQ(ZX_INFO_PROCESS_FLAG_STARTED, 0x1u);
ABI_EQ(ZX_INFO_PROCESS_FLAG_EXITED, 0x2u);
ABI_EQ(ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED, 0x4u);
ABI_SIZE(zx_info_process_t, 24);
ABI_OFF(zx_info_process_t, return_code, 0);
ABI_OFF(zx_info_process_t, start_time, 8);
ABI_OFF(zx_info_process_t, flags, 16);
ABI_OFF(zx_info_process_t, padding1, 20);
ABI_EQ(ZX_INFO_VMO_TYPE_PAGED, 0x1u);
ABI_EQ(ZX_INFO_VMO_TYPE_PHYSICAL, 0x0u);
ABI_EQ(ZX_INFO_VMO_TYPE(0xffu), 0x1u);
ABI_EQ(ZX_INFO_VMO_RESIZABLE, 0x2u);
ABI_EQ(ZX_INFO_VMO_IS_COW_CLONE, 0x4u);
ABI_EQ(ZX_INFO_VMO_VIA_HANDLE, 0x8u);
ABI_EQ(ZX_INFO_VMO_VIA_MAPPING, 0x10u);
ABI_EQ(ZX_INFO_VMO_PAGER_BACKED, 0x20u);
ABI_EQ(ZX_INFO_VMO_CONTIGUOUS, 0x40u);
ABI_EQ(ZX_INFO_VMO_DISCARDABLE, 0x80u);
ABI_EQ(ZX_INFO_VMO_IMMUTABLE, 0x100u);
ABI_EQ(ZX_INFO_VMO_VIA_IOB_HANDLE, 0x200u);
ABI_SIZE(zx_info_vmo_t, 176);
ABI_OFF(zx_info_vmo_t, name, 8);
ABI_OFF(zx_info_vmo_t, size_bytes, 40);
ABI_OFF(zx_info_vmo_t, parent_koid, 48);
ABI_OFF(zx_info_vmo_t, num_children, 56);
ABI_OFF(zx_info_vmo_t, num_mappings, 64);
ABI_OFF(zx_info_vmo_t, share_count, 72);
ABI_OFF(zx_info_vmo_t, flags, 80);
ABI_OFF(zx_info_vmo_t, committed_bytes, 88);
ABI_OFF(zx_info_vmo_t, handle_rights, 96);
ABI_OFF(zx_info_vmo_t, cache_policy, 100);
ABI_OFF(zx_info_vmo_t, metadata_bytes, 104);
ABI_OFF(zx_info_vmo_t, committed_change_events, 112);
ABI_OFF(zx_info_vmo_t, populated_bytes, 120);
ABI_OFF(zx_info_vmo_t, committed_private_bytes, 128);
ABI_OFF(zx_info_vmo_t, populated_private_bytes, 136);
ABI_OFF(zx_info_vmo_t, committed_scaled_bytes, 144);
ABI_OFF(zx_info_vmo_t, populated_scaled_bytes, 152);
ABI_OFF(zx_info_vmo_t, committed_fractional_scaled_bytes, 160);
ABI_OFF(zx_info_vmo_t, populated_fractional_scaled_bytes, 168);
ABI_SIZE(zx_info_vmo_v3_t, 128);
ABI_OFF(zx_info_vmo_v3_t, populated_bytes, 120);
ABI_SIZE(zx_info_vmo_v2_t, 120);
ABI_OFF(zx_info_vmo_v2_t, committed_change_events, 112);
ABI_SIZE(zx_info_vmo_v1_t, 104);
ABI_OFF(zx_info_vmo_v1_t, cache_policy, 100);
ABI_SIZE(zx_info_resource_t, 56);
ABI_OFF(zx_info_resource_t, kind, 0);
ABI_OFF(zx_info_resource_t, flags, 4);
ABI_OFF(zx_info_resource_t, base, 8);
ABI_OFF(zx_info_resource_t, size, 16);
ABI_OFF(zx_info_resource_t, name, 24);
ABI_SIZE(zx_info_timer_t, 24);
ABI_OFF(zx_info_timer_t, options, 0);
ABI_OFF(zx_info_timer_t, clock_id, 4);
ABI_OFF(zx_info_timer_t, deadline, 8);
ABI_OFF(zx_info_timer_t, slack, 16);
ABI_EQ(ZX_PROP_NAME, 3u);
ABI_EQ(ZX_PROP_VMO_CONTENT_SIZE, 17u);
ABI_EQ(ZX_THREAD_STATE_NEW, 0x0000u);
ABI_EQ(ZX_THREAD_STATE_RUNNING, 0x0001u);
ABI_EQ(ZX_THREAD_STATE_SUSPENDED, 0x0002u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED, 0x0003u);
ABI_EQ(ZX_THREAD_STATE_DYING, 0x0004u);
ABI_EQ(ZX_THREAD_STATE_DEAD, 0x0005u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_EXCEPTION, 0x0103u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_SLEEPING, 0x0203u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_FUTEX, 0x0303u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_PORT, 0x0403u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_CHANNEL, 0x0503u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_WAIT_ONE, 0x0603u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_WAIT_MANY, 0x0703u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_INTERRUPT, 0x0803u);
ABI_EQ(ZX_THREAD_STATE_BLOCKED_PAGER, 0x0903u);
ABI_EQ(ZX_THREAD_STATE_BASIC(0x0903u), 0x0003u);

// --- RFC-0074 (docs/contribute/governance/rfcs/0074_*): topic 3 before it
// was versioned, and its struct; no longer in Fuchsia's object.h ---
ABI_EQ(ZX_INFO_PROCESS_V1, 3u);
ABI_SIZE(zx_info_process_v1_t, 16);
ABI_OFF(zx_info_process_v1_t, return_code, 0);
ABI_OFF(zx_info_process_v1_t, started, 8);
ABI_OFF(zx_info_process_v1_t, exited, 9);
ABI_OFF(zx_info_process_v1_t, debugger_attached, 10);
ABI_OFF(zx_info_process_v1_t, padding1, 11);

// --- syscalls/port.h (MO @6de6535; ZX_WAIT_ASYNC_BOOT_TIMESTAMP: MO zircon/vdso/object.fidl@63051ec) ---
ABI_EQ(ZX_WAIT_ASYNC_ONCE, 0u);
ABI_EQ(ZX_WAIT_ASYNC_TIMESTAMP, 1u);
ABI_EQ(ZX_WAIT_ASYNC_EDGE, 2u);
ABI_EQ(ZX_WAIT_ASYNC_BOOT_TIMESTAMP, 4u);
ABI_EQ(ZX_PKT_TYPE_USER, 0x00u);
ABI_EQ(ZX_PKT_TYPE_SIGNAL_ONE, 0x01u);
ABI_EQ(ZX_PKT_TYPE_GUEST_BELL, 0x03u);
ABI_EQ(ZX_PKT_TYPE_GUEST_MEM, 0x04u);
ABI_EQ(ZX_PKT_TYPE_GUEST_IO, 0x05u);
ABI_EQ(ZX_PKT_TYPE_GUEST_VCPU, 0x06u);
ABI_EQ(ZX_PKT_TYPE_INTERRUPT, 0x07u);
ABI_EQ(ZX_PKT_TYPE_PAGE_REQUEST, 0x09u);
ABI_EQ(ZX_PORT_BIND_TO_INTERRUPT, 1u);
ABI_EQ(ZX_PKT_IS_USER(0u), 1);
ABI_EQ(ZX_PKT_IS_SIGNAL_ONE(1u), 1);
ABI_EQ(ZX_PKT_IS_GUEST_BELL(3u), 1);
ABI_EQ(ZX_PKT_IS_GUEST_MEM(4u), 1);
ABI_EQ(ZX_PKT_IS_GUEST_IO(5u), 1);
ABI_EQ(ZX_PKT_IS_GUEST_VCPU(6u), 1);
ABI_EQ(ZX_PKT_IS_INTERRUPT(7u), 1);
ABI_EQ(ZX_PKT_IS_PAGE_REQUEST(9u), 1);
ABI_EQ(ZX_PKT_IS_USER(1u), 0);
ABI_EQ(ZX_PKT_GUEST_VCPU_INTERRUPT, 0u);
ABI_EQ(ZX_PKT_GUEST_VCPU_STARTUP, 1u);
ABI_EQ(ZX_PKT_GUEST_VCPU_EXIT, 2u);
ABI_EQ(ZX_PAGER_VMO_READ, 0u);
ABI_EQ(ZX_PAGER_VMO_COMPLETE, 1u);
ABI_EQ(ZX_PAGER_VMO_DIRTY, 2u);
ABI_SIZE(zx_packet_user_t, 32);
ABI_SIZE(zx_packet_signal_t, 32);
ABI_SIZE(zx_packet_guest_bell_t, 32);
ABI_SIZE(zx_packet_guest_mem_t, 32);
ABI_SIZE(zx_packet_guest_io_t, 32);
ABI_SIZE(zx_packet_guest_vcpu_t, 32);
ABI_SIZE(zx_packet_interrupt_t, 32);
ABI_SIZE(zx_packet_page_request_t, 32);
ABI_SIZE(zx_packet_processor_power_level_transition_request_t, 32);
ABI_SIZE(zx_port_packet_t, 48);
ABI_OFF(zx_port_packet_t, key, 0);
ABI_OFF(zx_port_packet_t, type, 8);
ABI_OFF(zx_port_packet_t, status, 12);
ABI_OFF(zx_port_packet_t, user, 16);
ABI_OFF(zx_port_packet_t, signal, 16);
ABI_OFF(zx_packet_signal_t, trigger, 0);
ABI_OFF(zx_packet_signal_t, observed, 4);
ABI_OFF(zx_packet_signal_t, count, 8);
ABI_OFF(zx_packet_signal_t, timestamp, 16);
ABI_OFF(zx_packet_signal_t, reserved1, 24);
ABI_OFF(zx_packet_interrupt_t, timestamp, 0);
ABI_OFF(zx_packet_page_request_t, offset, 8);

// --- types.h: zx_object_wait_many (MO @04f93c7) ---
ABI_EQ(ZX_WAIT_MANY_MAX_ITEMS, 64u);
ABI_SIZE(zx_wait_item_t, 12);
ABI_OFF(zx_wait_item_t, handle, 0);
ABI_OFF(zx_wait_item_t, waitfor, 4);
ABI_OFF(zx_wait_item_t, pending, 8);

// --- syscalls/resource.h (MO @450094e) ---
ABI_INT(zx_rsrc_kind_t, 4, 0);
ABI_INT(zx_rsrc_flags_t, 4, 0);
ABI_INT(zx_rsrc_system_base_t, 8, 0);
ABI_EQ(ZX_RSRC_KIND_MMIO, 0u);
ABI_EQ(ZX_RSRC_KIND_IRQ, 1u);
ABI_EQ(ZX_RSRC_KIND_IOPORT, 2u);
ABI_EQ(ZX_RSRC_KIND_ROOT, 3u);
ABI_EQ(ZX_RSRC_KIND_SMC, 4u);
ABI_EQ(ZX_RSRC_KIND_SYSTEM, 5u);
ABI_EQ(ZX_RSRC_KIND_COUNT, 6u);
ABI_EQ(ZX_RSRC_FLAG_EXCLUSIVE, 0x00010000u);
ABI_EQ(ZX_RSRC_FLAGS_MASK, 0x00010000u);
ABI_EQ(ZX_RSRC_EXTRACT_KIND(0x12345678u), 0x5678u);
ABI_EQ(ZX_RSRC_EXTRACT_FLAGS(0x12345678u), 0x12340000u);
ABI_EQ(ZX_RSRC_SYSTEM_HYPERVISOR_BASE, 0u);
ABI_EQ(ZX_RSRC_SYSTEM_VMEX_BASE, 1u);
ABI_EQ(ZX_RSRC_SYSTEM_DEBUG_BASE, 2u);
ABI_EQ(ZX_RSRC_SYSTEM_INFO_BASE, 3u);
ABI_EQ(ZX_RSRC_SYSTEM_CPU_BASE, 4u);
ABI_EQ(ZX_RSRC_SYSTEM_POWER_BASE, 5u);
ABI_EQ(ZX_RSRC_SYSTEM_MEXEC_BASE, 6u);
ABI_EQ(ZX_RSRC_SYSTEM_ENERGY_INFO_BASE, 7u);
ABI_EQ(ZX_RSRC_SYSTEM_IOMMU_BASE, 8u);
ABI_EQ(ZX_RSRC_SYSTEM_FRAMEBUFFER_BASE, 9u);
ABI_EQ(ZX_RSRC_SYSTEM_PROFILE_BASE, 10u);
ABI_EQ(ZX_RSRC_SYSTEM_MSI_BASE, 11u);
ABI_EQ(ZX_RSRC_SYSTEM_DEBUGLOG_BASE, 12u);
ABI_EQ(ZX_RSRC_SYSTEM_STALL_BASE, 13u);
ABI_EQ(ZX_RSRC_SYSTEM_COUNT, 14u);

// --- syscalls/policy.h (MF @9573155) ---
ABI_EQ(ZX_JOB_POL_RELATIVE, 0u);
ABI_EQ(ZX_JOB_POL_ABSOLUTE, 1u);
ABI_EQ(ZX_JOB_POL_BASIC_V1, 0u);
ABI_EQ(ZX_JOB_POL_BASIC_V2, 0x01000000u);
ABI_EQ(ZX_JOB_POL_BASIC, 0u);
ABI_EQ(ZX_JOB_POL_TIMER_SLACK, 1u);
ABI_EQ(ZX_POL_BAD_HANDLE, 0u);
ABI_EQ(ZX_POL_WRONG_OBJECT, 1u);
ABI_EQ(ZX_POL_VMAR_WX, 2u);
ABI_EQ(ZX_POL_NEW_ANY, 3u);
ABI_EQ(ZX_POL_NEW_VMO, 4u);
ABI_EQ(ZX_POL_NEW_CHANNEL, 5u);
ABI_EQ(ZX_POL_NEW_EVENT, 6u);
ABI_EQ(ZX_POL_NEW_EVENTPAIR, 7u);
ABI_EQ(ZX_POL_NEW_PORT, 8u);
ABI_EQ(ZX_POL_NEW_SOCKET, 9u);
ABI_EQ(ZX_POL_NEW_FIFO, 10u);
ABI_EQ(ZX_POL_NEW_TIMER, 11u);
ABI_EQ(ZX_POL_NEW_PROCESS, 12u);
ABI_EQ(ZX_POL_NEW_PROFILE, 13u);
ABI_EQ(ZX_POL_NEW_PAGER, 14u);
ABI_EQ(ZX_POL_AMBIENT_MARK_VMO_EXEC, 15u);
ABI_EQ(ZX_POL_NEW_IOB, 16u);
ABI_EQ(ZX_POL_NEW_SAMPLER, 17u);
ABI_EQ(ZX_POL_ACTION_ALLOW, 0u);
ABI_EQ(ZX_POL_ACTION_DENY, 1u);
ABI_EQ(ZX_POL_ACTION_ALLOW_EXCEPTION, 2u);
ABI_EQ(ZX_POL_ACTION_DENY_EXCEPTION, 3u);
ABI_EQ(ZX_POL_ACTION_KILL, 4u);
ABI_EQ(ZX_POL_OVERRIDE_ALLOW, 0u);
ABI_EQ(ZX_POL_OVERRIDE_DENY, 1u);
ABI_SIZE(zx_policy_basic_v1_t, 8);
ABI_SIZE(zx_policy_basic_t, 8);
ABI_OFF(zx_policy_basic_v1_t, policy, 4);
ABI_SIZE(zx_policy_basic_v2_t, 12);
ABI_OFF(zx_policy_basic_v2_t, action, 4);
ABI_OFF(zx_policy_basic_v2_t, flags, 8);
ABI_SIZE(zx_policy_timer_slack_t, 16);
ABI_OFF(zx_policy_timer_slack_t, default_mode, 8);

// --- processargs.h (CM; GN @26dba52e for the same values) ---
ABI_EQ(ZX_PROCARGS_PROTOCOL, 0x4150585du);
ABI_EQ(ZX_PROCARGS_VERSION, 0x0001000u);
ABI_SIZE(zx_proc_args_t, 36);
ABI_OFF(zx_proc_args_t, handle_info_off, 8);
ABI_OFF(zx_proc_args_t, names_num, 32);
ABI_EQ(PA_HND(0x30u, 3u), 0x00030030u);
ABI_EQ(PA_HND(0x1f0u, 0x1ffffu), 0xffff00f0u);  // both parts masked
ABI_EQ(PA_HND_TYPE(0x00030030u), 0x30u);
ABI_EQ(PA_HND_ARG(0x00030030u), 3u);
ABI_EQ(PA_PROC_SELF, 0x01u);
ABI_EQ(PA_THREAD_SELF, 0x02u);
ABI_EQ(PA_JOB_DEFAULT, 0x03u);
ABI_EQ(PA_VMAR_ROOT, 0x04u);
ABI_EQ(PA_VMAR_LOADED, 0x05u);
ABI_EQ(PA_LDSVC_LOADER, 0x10u);
ABI_EQ(PA_VMO_VDSO, 0x11u);
ABI_EQ(PA_VMO_STACK, 0x13u);
ABI_EQ(PA_VMO_EXECUTABLE, 0x14u);
ABI_EQ(PA_VMO_BOOTDATA, 0x1au);
ABI_EQ(PA_VMO_BOOTFS, 0x1bu);
ABI_EQ(PA_VMO_KERNEL_FILE, 0x1cu);
ABI_EQ(PA_VMO_COMPONENT_CONFIG, 0x1du);
ABI_EQ(PA_NS_DIR, 0x20u);
ABI_EQ(PA_FD, 0x30u);
ABI_EQ(PA_LIFECYCLE, 0x3au);
ABI_EQ(PA_DIRECTORY_REQUEST, 0x3bu);
ABI_EQ(PA_ESCROWED_DICTIONARY, 0x3cu);
ABI_EQ(PA_LOG_SINK, 0x3du);
ABI_EQ(PA_RESOURCE, 0x3fu);
ABI_EQ(PA_CLOCK_UTC, 0x40u);
ABI_EQ(PA_MMIO_RESOURCE, 0x50);
ABI_EQ(PA_IRQ_RESOURCE, 0x51);
ABI_EQ(PA_IOPORT_RESOURCE, 0x52);
ABI_EQ(PA_SMC_RESOURCE, 0x53);
ABI_EQ(PA_SYSTEM_RESOURCE, 0x54);
ABI_EQ(PA_USER0, 0xf0u);
ABI_EQ(PA_USER1, 0xf1u);
ABI_EQ(PA_USER2, 0xf2u);

// --- zxrv's own handle types (<zxrv/bootstrap.h>): not Fuchsia's, but in
// the range processargs.h leaves free, between PA_SYSTEM_RESOURCE and PA_USER0 ---
ABI_EQ(ZXRV_PA_BOOT_ARCHIVE, 0xe0u);
ABI_EQ(ZXRV_PA_CONSOLE_MMIO, 0xe1u);
_Static_assert(ZXRV_PA_BOOT_ARCHIVE > PA_SYSTEM_RESOURCE && ZXRV_PA_CONSOLE_MMIO < PA_USER0,
               "zxrv's handle types stay in the range processargs.h leaves free");
