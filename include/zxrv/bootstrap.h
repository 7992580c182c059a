// How a process receives its arguments and handles at start (this kernel's
// own convention, in the spirit of Fuchsia's processargs).
//
// A new process's first thread starts at its entry point with
//   a0 = a channel handle (the bootstrap channel), a1 = 0,
//   sp = the top of a stack its creator mapped.
// The bootstrap channel holds one message: a zxrv_bootstrap_t header,
// followed by `handle_count` uint32_t handle tags (ZXRV_HND_*), followed by
// `argc` NUL-terminated argument strings (args_len bytes in all). The message
// carries the handles, in tag order. crt0 (user/) reads it, keeps the handles
// for zx_process_self() and friends (<zircon/process.h>), and calls main().
//
// The kernel starts `init` this way, with the tags PROC_SELF, VMAR_ROOT,
// THREAD_SELF, JOB_DEFAULT, RESOURCE_ROOT and BOOTFS_VMO and argv = "init",
// "zxrv.console=BASE:SIZE:SHIFT:WIDTH:COMPAT" (hex base and size of the
// /chosen/stdout-path UART, when the device tree names one), then the words
// of the kernel command line.
#ifndef ZXRV_BOOTSTRAP_H_
#define ZXRV_BOOTSTRAP_H_

#include <stdint.h>

#define ZXRV_BOOTSTRAP_MAGIC 0x7a787276u  // "zxrv"
#define ZXRV_BOOTSTRAP_VERSION 1u
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

#define ZXRV_HND_PROC_SELF 1u
#define ZXRV_HND_VMAR_ROOT 2u
#define ZXRV_HND_THREAD_SELF 3u
#define ZXRV_HND_JOB_DEFAULT 4u
#define ZXRV_HND_RESOURCE_ROOT 5u
#define ZXRV_HND_BOOTFS_VMO 6u   // the boot archive (cpio "newc"), read-only
#define ZXRV_HND_CONSOLE_MMIO 7u // init -> programs: an MMIO resource for the console UART,
                                 // named "COMPAT/REG_SHIFT/REG_IO_WIDTH"
#define ZXRV_HND_USER0 16u       // first tag free for programs' own use

#endif
