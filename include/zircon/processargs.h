// Process start-up arguments: the handle info values that say what each
// start-up handle is. Names and values from Fuchsia's
// zircon/system/public/zircon/processargs.h (chenhunghan/fuchsia-mirror
// @2762750a, gnoliyil/fuchsia).
//
// zxrv's start-up message is its own (<zxrv/bootstrap.h>), not the
// ZX_PROCARGS_PROTOCOL message below, but each handle it carries is tagged
// with a PA_HND() value as on Fuchsia, so zx_take_startup_handle() (see
// <zircon/process.h>) takes the same numbers. <zxrv/bootstrap.h> lists the
// types zxrv adds, in a range this file leaves free.
#ifndef SYSROOT_ZIRCON_PROCESSARGS_H_
#define SYSROOT_ZIRCON_PROCESSARGS_H_

#include <stdint.h>
#include <zircon/compiler.h>
#include <zircon/types.h>

__BEGIN_CDECLS

// Fuchsia's start-up message: this header, then the handle info array
// (one uint32_t per handle), argument, environment and name strings.
#define ZX_PROCARGS_PROTOCOL ((uint32_t)0x4150585du)  // "MXPA"
#define ZX_PROCARGS_VERSION ((uint32_t)0x0001000u)

typedef struct zx_proc_args zx_proc_args_t;

struct zx_proc_args {
    uint32_t protocol;
    uint32_t version;
    uint32_t handle_info_off;  // from the message start
    uint32_t args_off;         // NUL-terminated UTF-8 strings, args_num of them
    uint32_t args_num;
    uint32_t environ_off;      // "NAME=VALUE" strings, environ_num of them
    uint32_t environ_num;
    uint32_t names_off;        // names of PA_NS_* entries (indexed by PA_HND_ARG)
    uint32_t names_num;
};

// A handle info value: a type (PA_*) in bits 0-7 and an argument in bits 16-31.
#define PA_HND(type, arg) (((type) & 0xFF) | (((arg) & 0xFFFF) << 16))
#define PA_HND_TYPE(n) ((n) & 0xFF)
#define PA_HND_ARG(n) (((n) >> 16) & 0xFFFF)

// Core runtime handles.
#define PA_PROC_SELF 0x01u    // the process itself
#define PA_THREAD_SELF 0x02u  // its initial thread
#define PA_JOB_DEFAULT 0x03u  // a job to create child processes in
#define PA_VMAR_ROOT 0x04u    // the root of its address space
#define PA_VMAR_LOADED 0x05u  // the VMAR the program image was loaded into

// Loader service and VMOs.
#define PA_LDSVC_LOADER 0x10u
#define PA_VMO_VDSO 0x11u
#define PA_VMO_STACK 0x13u
#define PA_VMO_EXECUTABLE 0x14u
#define PA_VMO_BOOTDATA 0x1Au
#define PA_VMO_BOOTFS 0x1Bu
#define PA_VMO_KERNEL_FILE 0x1Cu
#define PA_VMO_COMPONENT_CONFIG 0x1Du

// Namespace directories (the argument indexes the name table).
#define PA_NS_DIR 0x20u

// File descriptors (the argument is the descriptor number).
#define PA_FD 0x30u

// Component lifecycle and outgoing directory.
#define PA_LIFECYCLE 0x3Au
#define PA_DIRECTORY_REQUEST 0x3Bu
#define PA_ESCROWED_DICTIONARY 0x3Cu  // Fuchsia: API level HEAD only
#define PA_LOG_SINK 0x3Du             // Fuchsia: API level 32 and up

// A resource: the root resource where Fuchsia's userboot passes one (its
// standalone core tests take it as PA_HND(PA_RESOURCE, 0)).
#define PA_RESOURCE 0x3Fu

// Clocks.
#define PA_CLOCK_UTC 0x40u

// Resources of one kind each (the kind's root resource on Fuchsia).
#define PA_MMIO_RESOURCE 0x50
#define PA_IRQ_RESOURCE 0x51
#define PA_IOPORT_RESOURCE 0x52
#define PA_SMC_RESOURCE 0x53
#define PA_SYSTEM_RESOURCE 0x54

// For programs' own use.
#define PA_USER0 0xF0u
#define PA_USER1 0xF1u
#define PA_USER2 0xF2u

__END_CDECLS

#endif  // SYSROOT_ZIRCON_PROCESSARGS_H_
