// Starting a program from an ELF image in memory: a new process in a job,
// its segments loaded, a stack, the first thread, and the bootstrap message
// of <zxrv/bootstrap.h> (argv and handles). See user/lib/launch.c.
#ifndef ZXRV_LAUNCH_H_
#define ZXRV_LAUNCH_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

// The user half of an Sv39 address space. A new process's root VMAR is
// ASSUMED to start at ZXRV_USER_BASE and end at ZXRV_USER_END: zx_vmar_map's
// vmar_offset is relative to the VMAR's base, and ZX_INFO_VMAR (which would
// tell the base) is not implemented. This is the only place the assumption
// is written down; the launcher checks that each ZX_VM_SPECIFIC mapping came
// back at the address it asked for.
#define ZXRV_USER_BASE ((uint64_t)0x1000u)
#define ZXRV_USER_END ((uint64_t)0x4000000000u)

// Size of the first thread's stack (a VMO mapped read/write anywhere).
#define ZXRV_LAUNCH_STACK_SIZE ((size_t)256u * 1024u)

// Starts the ELF executable `elf` (elf_size bytes) as a new process named
// `name` in `job`, with arguments argv[0..argc) and, after the three handles
// every process gets (PROC_SELF, VMAR_ROOT, THREAD_SELF), the caller's
// `nhandles` handles with their tags (PA_HND() values, <zxrv/bootstrap.h>).
//
// On ZX_OK, *out_process is the new, running process (the caller owns this
// handle; wait for ZX_PROCESS_TERMINATED on it and read ZX_INFO_PROCESS).
//
// Handle ownership: `job` is borrowed (never closed). The caller's
// `handles` are ALWAYS consumed, success or failure: on success they belong
// to the new process; on any error they have been closed (or were consumed
// by a failed zx_channel_write, which closes them too). Never use or close
// them after the call. (The one exception: handles == NULL with
// nhandles > 0 fails with ZX_ERR_INVALID_ARGS and has nothing to consume.)
// Nothing else leaks on error: every handle the
// launcher created is closed, and a process that was never started dies with
// its last handle.
//
// Errors: ZX_ERR_INVALID_ARGS (NULL name/elf/out_process, argc < 0, a NULL
// argv string, tags NULL with nhandles > 0), ZX_ERR_BAD_HANDLE (an invalid
// handle in `handles`), ZX_ERR_OUT_OF_RANGE (message or handle count over
// the <zxrv/bootstrap.h> limits), zxrv_elf_check's errors for a bad image,
// ZX_ERR_NO_MEMORY, or the status of the failing system call.
zx_status_t zxrv_launch(zx_handle_t job, const char *name, const void *elf, size_t elf_size,
                        int argc, const char *const *argv, const uint32_t *tags,
                        const zx_handle_t *handles, uint32_t nhandles, zx_handle_t *out_process);

#endif
