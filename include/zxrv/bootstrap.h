// How a process receives its arguments and handles at start (this kernel's
// own message, in the spirit of Fuchsia's processargs; the handle tags are
// Fuchsia's, from <zircon/processargs.h>).
//
// A new process's first thread starts at its entry point with
//   a0 = a channel handle (the bootstrap channel), a1 = 0,
//   sp = the top of a stack its creator mapped.
// The bootstrap channel holds one message: a zxrv_bootstrap_t header,
// followed by `handle_count` uint32_t handle tags, followed by `argc`
// NUL-terminated argument strings (args_len bytes in all). The message
// carries the handles, in tag order. crt0 (user/) reads it, keeps the handles
// for zx_process_self() and friends (<zircon/process.h>), and calls main().
//
// A tag is a handle info value, PA_HND(type, arg): Fuchsia's PA_* types where
// Fuchsia has one for the handle, and the ZXRV_PA_* types below otherwise.
// Every process started by the kernel or by zxrv_launch gets
//   PA_HND(PA_PROC_SELF, 0), PA_HND(PA_VMAR_ROOT, 0), PA_HND(PA_THREAD_SELF, 0).
// The kernel starts `init` with those and
//   PA_HND(PA_JOB_DEFAULT, 0)          the root job
//   PA_HND(PA_RESOURCE, 0)             the root resource (as Fuchsia's userboot
//                                      passes it to its standalone tests)
//   PA_HND(ZXRV_PA_BOOT_ARCHIVE, 0)    the boot archive, a read-only VMO
// and argv = "init", "zxrv.console=BASE:SIZE:SHIFT:WIDTH:COMPAT" (hex base and
// size of the /chosen/stdout-path UART, when the device tree names one), then
// the words of the kernel command line. init passes on duplicates of the last
// three, plus PA_HND(ZXRV_PA_CONSOLE_MMIO, 0), to the programs it runs.
#ifndef ZXRV_BOOTSTRAP_H_
#define ZXRV_BOOTSTRAP_H_

#include <stdint.h>
#include <zircon/processargs.h>

#define ZXRV_BOOTSTRAP_MAGIC 0x7a787276u  // "zxrv"
#define ZXRV_BOOTSTRAP_VERSION 2u  // 2: the tags are PA_HND() values
#define ZXRV_BOOTSTRAP_MAX_BYTES 65536u
#define ZXRV_BOOTSTRAP_MAX_HANDLES 64u

typedef struct zxrv_bootstrap {
    uint32_t magic;
    uint32_t version;
    uint32_t argc;
    uint32_t handle_count;
    uint32_t handle_tags_off;  // offset of the uint32_t tags from the message start
    uint32_t args_off;         // offset of the argument strings
    uint32_t args_len;         // total bytes of the argument strings
    uint32_t reserved;
} zxrv_bootstrap_t;

// zxrv's own handle types. Fuchsia's processargs.h defines no type between
// PA_SYSTEM_RESOURCE (0x54) and PA_USER0 (0xF0); zxrv uses 0xE0..0xEF.
//
// The boot archive is a cpio "newc" archive, not Fuchsia's bootfs image, so
// it does not go as PA_VMO_BOOTFS. The console resource is an MMIO resource
// for the console UART alone, named "COMPAT/REG_SHIFT/REG_IO_WIDTH", not the
// MMIO root resource that PA_MMIO_RESOURCE carries on Fuchsia.
#define ZXRV_PA_BOOT_ARCHIVE 0xE0u
#define ZXRV_PA_CONSOLE_MMIO 0xE1u

#endif
