// What init.c (the launcher and event loop) offers shell.c (the interactive
// shell), and the shell's entry point.
#ifndef USER_INIT_INIT_H_
#define USER_INIT_INIT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>
#include <zxrv/kstats.h>

// A program init started and is waiting for.
struct init_child {
    const char *name;
    zx_handle_t proc;
    zxrv_kernel_stats_t before;  // for the leak check
    bool stats;
};

// Prints the boot archive's files ("init:   NAME SIZE"); 0, or 1 if it is bad.
int init_list_archive(zx_handle_t bootfs, uint64_t size);

// Reads program `name` of the archive into a malloc'd buffer and checks it is
// an ELF file init can load. 0 on success, else init's exit code for it (127
// not in the archive, after listing the archive if list_missing; 126 cannot
// be loaded; 1 bad archive), with the reason printed.
int init_read_program(zx_handle_t bootfs, uint64_t size, const char *name, bool list_missing, void **out_buf,
                      size_t *out_len);

// The console UART's MMIO resource init made (ZX_HANDLE_INVALID if none).
zx_handle_t init_console_resource(void);

// Starts argv[0] of the archive with argv, the handles every program gets
// from init, and (when `console` is a console connection) a clone of it as
// PA_HND(PA_FD, 0); a packet with `key` comes on `port` when it terminates.
// 0 or an exit code as above (the reason printed).
int init_start(zx_handle_t job, zx_handle_t resource, zx_handle_t bootfs, uint64_t size, int argc, char **argv,
               zx_handle_t console, zx_handle_t port, uint64_t key, struct init_child *c);

// After its termination packet: prints "init: NAME exited with N" and, if
// leak_check, what it left behind; closes the process handle. Returns N.
int init_finish(zx_handle_t resource, struct init_child *c, bool leak_check);

// The interactive shell (shell.c): init's main without init.run=. Returns
// init's exit code.
int shell_main(zx_handle_t job, zx_handle_t resource, zx_handle_t bootfs, uint64_t size, int argc, char **argv);

#endif
