// init's interactive shell: what init offers on the console when the boot
// arguments have no init.run= word (tools/run with no arguments lands here).
//
// It starts the console driver, consoled (user/drivers/console/), with the
// console MMIO resource, the root resource and the first connection of the
// console protocol (<zxrv/console.h>), keeping the other end for itself.
// Then: a prompt ("zxrv> "), a line read through that connection (the
// driver echoes and edits lines: backspace, Ctrl-U, Ctrl-W, Ctrl-C; Ctrl-D on
// an empty line ends the shell), split into words (blanks separate them;
// '...' and "..." quote), and one of:
//   help           the commands
//   ls             the boot archive's files and sizes
//   ps             the job tree: every job and process with koid, state,
//                  threads and name (ZX_INFO_JOB_CHILDREN/PROCESSES,
//                  zx_object_get_child, ZX_PROP_NAME, ZX_INFO_PROCESS)
//   exit [N]       init exits with N (default 0): the kernel powers off
//   NAME ARGS...   runs NAME of the boot archive with those arguments and a
//                  console connection as its stdin (PA_HND(PA_FD, 0)), waits
//                  for it and prints "init: NAME exited with N" and init's
//                  leak check, as init.run= does; Ctrl-C kills it (consoled
//                  asserts ZX_USER_SIGNAL_1 on the shell's connection)
// When consoled cannot be started (no console resource, not in the archive),
// init lists the archive and exits 0, as it did before the shell existed.
//
// Boot argument consoled.stats: consoled prints, per receive interrupt, how
// long the packet took to reach it and the echo to be written.
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zxrv/bootstrap.h>
#include <zxrv/console.h>
#include <zxrv/cpio.h>
#include <zxrv/launch.h>

#include "init.h"

#define PROMPT "zxrv> "
#define LINE_MAX 512
#define MAX_ARGS 32
#define PS_MAX 64
#define PS_DEPTH 8
#define KEY_PROGRAM 0
#define KEY_CTRL_C 1

struct shell {
    zx_handle_t job, resource, bootfs;
    uint64_t size;
    zx_handle_t console;  // this shell's connection to consoled
    zx_handle_t port;     // termination packets of the program running
};

static zx_status_t vmo_reader(void *ctx, uint64_t offset, void *buf, size_t len) {
    return zx_vmo_read(*(zx_handle_t *)ctx, buf, offset, len);
}

// Starts consoled; *out_conn is the shell's end of the first connection.
static zx_status_t start_consoled(struct shell *sh, bool stats, zx_handle_t *out_conn) {
    zx_handle_t mmio = init_console_resource();
    if (mmio == ZX_HANDLE_INVALID) {
        printf("init: no console MMIO resource: no console input\n");
        return ZX_ERR_NOT_FOUND;
    }
    void *elf;
    size_t elf_len;
    if (init_read_program(sh->bootfs, sh->size, "consoled", false, &elf, &elf_len) != 0)
        return ZX_ERR_NOT_FOUND;
    zx_handle_t hs[3], near;
    uint32_t tags[3] = {PA_HND(ZXRV_PA_CONSOLE_MMIO, 0), PA_HND(PA_RESOURCE, 0), PA_HND(PA_USER0, 0)};
    zx_status_t st = zx_handle_duplicate(mmio, ZX_RIGHT_SAME_RIGHTS, &hs[0]);
    if (st == ZX_OK) {
        st = zx_handle_duplicate(sh->resource, ZX_RIGHT_SAME_RIGHTS, &hs[1]);
        if (st != ZX_OK) zx_handle_close(hs[0]);
    }
    if (st == ZX_OK) {
        st = zx_channel_create(0, &near, &hs[2]);
        if (st != ZX_OK) {
            zx_handle_close(hs[0]);
            zx_handle_close(hs[1]);
        }
    }
    if (st != ZX_OK) {
        free(elf);
        printf("init: consoled: %s\n", zx_status_get_string(st));
        return st;
    }
    const char *argv[] = {"consoled", "stats"};
    zx_handle_t proc;
    st = zxrv_launch(sh->job, "consoled", elf, elf_len, stats ? 2 : 1, argv, tags, hs, 3, &proc);
    free(elf);
    if (st != ZX_OK) {
        printf("init: consoled: launch failed: %s\n", zx_status_get_string(st));
        zx_handle_close(near);
        return st;
    }
    zx_handle_close(proc);  // it ends when its last connection closes
    // Wait until it serves (its start-up lines come before the first prompt).
    zx_signals_t got = 0;
    st = zx_object_wait_one(near, ZX_USER_SIGNAL_0 | ZX_CHANNEL_PEER_CLOSED, zx_deadline_after(ZX_SEC(10)), &got);
    if (!(got & ZX_USER_SIGNAL_0)) {
        printf("init: consoled did not start: %s\n", st != ZX_OK ? zx_status_get_string(st) : "it exited");
        zx_handle_close(near);
        return ZX_ERR_UNAVAILABLE;
    }
    *out_conn = near;
    return ZX_OK;
}

// One line from the console, without its '\n'. Returns false at end of file
// (Ctrl-D on an empty line) or when the driver is gone.
static bool read_line(struct shell *sh, char *line, size_t cap) {
    size_t len = 0;
    for (;;) {
        char buf[ZXRV_CONSOLE_MAX_READ];
        size_t n = 0;
        zx_status_t st = zxrv_console_read(sh->console, buf, sizeof buf, &n);
        if (st != ZX_OK) {
            printf("init: reading the console: %s\n", zx_status_get_string(st));
            return false;
        }
        if (n == 0) {  // end of file: an empty record ends the shell, else ends the line
            line[len] = 0;
            return len > 0;
        }
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                line[len] = 0;
                return true;
            }
            if (len + 1 < cap) line[len++] = buf[i];
        }
    }
}

// Splits line into words in place; returns how many (at most max). Blanks
// separate words, '...' and "..." quote (no escapes).
static int split(char *line, char **argv, int max) {
    int argc = 0;
    char *r = line, *w = line;
    for (;;) {
        while (*r == ' ' || *r == '\t') r++;
        if (!*r) break;
        if (argc == max) return -1;
        argv[argc++] = w;
        char quote = 0;
        while (*r && (quote || (*r != ' ' && *r != '\t'))) {
            if (!quote && (*r == '\'' || *r == '"')) {
                quote = *r++;
            } else if (quote && *r == quote) {
                quote = 0;
                r++;
            } else {
                *w++ = *r++;
            }
        }
        if (*r) r++;
        *w++ = 0;
    }
    return argc;
}

static void cmd_help(void) {
    printf("commands:\n"
           "  help          this list\n"
           "  ls            the programs of the boot archive\n"
           "  ps            jobs and processes (koid, state, threads, name)\n"
           "  exit [N]      power off (init exits with N, default 0)\n"
           "  NAME ARGS...  run NAME from the boot archive; its stdin is the console\n"
           "keys: Backspace, Ctrl-U (erase line), Ctrl-W (erase word), Ctrl-C (drop the line,\n"
           "      kill the program running), Ctrl-D (end of input); Ctrl-A X quits QEMU\n");
}

static void cmd_ls(struct shell *sh) {
    zxrv_cpio_t c;
    zxrv_cpio_entry_t e;
    const char *why = "";
    zx_status_t st;
    unsigned files = 0;
    zxrv_cpio_init(&c, vmo_reader, &sh->bootfs, sh->size);
    while ((st = zxrv_cpio_next(&c, &e, &why)) == ZX_OK) {
        printf("  %-24s %8" PRIu64 "\n", e.name, e.size);
        files++;
    }
    if (st != ZX_ERR_STOP)
        printf("ls: bad boot archive: %s (%s)\n", why, zx_status_get_string(st));
    else
        printf("%u files\n", files);
}

static void object_name(zx_handle_t h, char *name) {
    if (zx_object_get_property(h, ZX_PROP_NAME, name, ZX_MAX_NAME_LEN) != ZX_OK) strcpy(name, "?");
    name[ZX_MAX_NAME_LEN - 1] = 0;
}

static zx_koid_t koid_of(zx_handle_t h) {
    zx_info_handle_basic_t bi;
    return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &bi, sizeof bi, NULL, NULL) == ZX_OK ? bi.koid : 0;
}

static void ps_process(zx_handle_t proc, zx_koid_t koid, int depth) {
    char name[ZX_MAX_NAME_LEN], state[32];
    object_name(proc, name);
    zx_info_process_t pi;
    size_t threads = 0, avail = 0;
    zx_koid_t tk[1];
    if (zx_object_get_info(proc, ZX_INFO_PROCESS, &pi, sizeof pi, NULL, NULL) != ZX_OK)
        strcpy(state, "?");
    else if (pi.flags & ZX_INFO_PROCESS_FLAG_EXITED)
        snprintf(state, sizeof state, "exited %" PRId64, pi.return_code);
    else if (pi.flags & ZX_INFO_PROCESS_FLAG_STARTED)
        strcpy(state, "running");
    else
        strcpy(state, "new");
    if (zx_object_get_info(proc, ZX_INFO_PROCESS_THREADS, tk, sizeof tk, &threads, &avail) != ZX_OK) avail = 0;
    printf("%8" PRIu64 "  %-10s %7zu  %*s%s\n", koid, state, avail, 2 * depth, "", name);
}

static void ps_job(zx_handle_t job, int depth) {
    char name[ZX_MAX_NAME_LEN];
    object_name(job, name);
    printf("%8" PRIu64 "  %-10s %7s  %*s%s (job)\n", koid_of(job), "job", "-", 2 * depth, "", name);
    zx_koid_t koids[PS_MAX];
    size_t n = 0, avail = 0;
    if (zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, &n, &avail) == ZX_OK) {
        for (size_t i = 0; i < n; i++) {
            zx_handle_t p;
            if (zx_object_get_child(job, koids[i], ZX_RIGHT_SAME_RIGHTS, &p) != ZX_OK) continue;  // gone meanwhile
            ps_process(p, koids[i], depth + 1);
            zx_handle_close(p);
        }
        if (avail > n) printf("%*s... and %zu more processes\n", 2 * depth + 10, "", avail - n);
    }
    if (depth + 1 >= PS_DEPTH) return;
    if (zx_object_get_info(job, ZX_INFO_JOB_CHILDREN, koids, sizeof koids, &n, &avail) == ZX_OK) {
        for (size_t i = 0; i < n; i++) {
            zx_handle_t j;
            if (zx_object_get_child(job, koids[i], ZX_RIGHT_SAME_RIGHTS, &j) != ZX_OK) continue;
            ps_job(j, depth + 1);
            zx_handle_close(j);
        }
        if (avail > n) printf("%*s... and %zu more jobs\n", 2 * depth + 10, "", avail - n);
    }
}

static void cmd_ps(struct shell *sh) {
    printf("%8s  %-10s %7s  %s\n", "KOID", "STATE", "THREADS", "NAME");
    ps_job(sh->job, 0);
}

// Runs argv[0] from the archive and waits for it.
static void cmd_run(struct shell *sh, int argc, char **argv) {
    zxrv_cpio_entry_t e;
    const char *why = "";
    if (zxrv_cpio_find(vmo_reader, &sh->bootfs, sh->size, argv[0], &e, &why) == ZX_ERR_NOT_FOUND) {
        printf("%s: not found (ls lists the programs)\n", argv[0]);
        return;
    }
    // A Ctrl-C typed before now is not for this program.
    (void)zx_object_signal(sh->console, ZX_USER_SIGNAL_1, 0);
    struct init_child c;
    if (init_start(sh->job, sh->resource, sh->bootfs, sh->size, argc, argv, sh->console, sh->port, KEY_PROGRAM,
                   &c) != 0)
        return;  // init_start said why
    bool armed = zx_object_wait_async(sh->console, sh->port, KEY_CTRL_C, ZX_USER_SIGNAL_1, 0) == ZX_OK;
    for (;;) {
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(sh->port, ZX_TIME_INFINITE, &pkt);
        if (st != ZX_OK) {
            printf("init: zx_port_wait: %s\n", zx_status_get_string(st));
            zx_task_kill(c.proc);
            zx_handle_close(c.proc);
            return;
        }
        if (pkt.key == KEY_PROGRAM) break;
        if (pkt.key == KEY_CTRL_C) {  // kill it; its termination packet follows
            armed = false;
            (void)zx_task_kill(c.proc);
        }
    }
    if (armed) (void)zx_port_cancel(sh->port, sh->console, KEY_CTRL_C);
    (void)zx_object_signal(sh->console, ZX_USER_SIGNAL_1, 0);
    (void)init_finish(sh->resource, &c, true);
}

int shell_main(zx_handle_t job, zx_handle_t resource, zx_handle_t bootfs, uint64_t size, int argc, char **argv) {
    struct shell sh = {job, resource, bootfs, size, ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    bool stats = false;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "consoled.stats")) stats = true;
    if (job == ZX_HANDLE_INVALID || start_consoled(&sh, stats, &sh.console) != ZX_OK)
        return init_list_archive(bootfs, size);
    zx_status_t st = zx_port_create(0, &sh.port);
    if (st != ZX_OK) {
        printf("init: zx_port_create: %s\n", zx_status_get_string(st));
        return 1;
    }
    printf("init: the shell is on the console (help lists the commands)\n");
    static char line[LINE_MAX];
    int rc = 0;
    for (;;) {
        printf(PROMPT);
        fflush(stdout);
        if (!read_line(&sh, line, sizeof line)) {
            printf("exit\n");
            break;
        }
        char *words[MAX_ARGS];
        int n = split(line, words, MAX_ARGS);
        if (n < 0) {
            printf("too many words (at most %d)\n", MAX_ARGS);
            continue;
        }
        if (n == 0) continue;
        if (!strcmp(words[0], "help")) {
            cmd_help();
        } else if (!strcmp(words[0], "ls")) {
            cmd_ls(&sh);
        } else if (!strcmp(words[0], "ps")) {
            cmd_ps(&sh);
        } else if (!strcmp(words[0], "exit")) {
            char *end = NULL;
            rc = n > 1 ? (int)strtol(words[1], &end, 0) : 0;
            if (n > 2 || (n > 1 && (*end || end == words[1]))) {
                printf("usage: exit [N]\n");
                continue;
            }
            break;
        } else {
            cmd_run(&sh, n, words);
        }
    }
    zx_handle_close(sh.port);
    zx_handle_close(sh.console);
    return rc;
}
