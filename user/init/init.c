// init: the first user process.
//
// The kernel starts it (<zxrv/bootstrap.h>) with argv = "init" + the kernel
// command line words and the handles PA_JOB_DEFAULT (root job), PA_RESOURCE
// (root resource) and ZXRV_PA_BOOT_ARCHIVE (the boot archive: cpio "newc",
// read with zx_vmo_read), each with PA_HND argument 0.
//
// With a word init.run=NAME, init starts the archive's file NAME with
// argv = NAME + the words after that one (up to the next init.run= word: each
// starts one more program, all at once), and with duplicates of the root
// job (PA_JOB_DEFAULT), the root resource (PA_RESOURCE), the boot archive
// (ZXRV_PA_BOOT_ARCHIVE) and its console MMIO resource (ZXRV_PA_CONSOLE_MMIO).
// It is an event loop on one port: each program's ZX_PROCESS_TERMINATED comes
// as a packet (zx_object_wait_async), and init prints "init: NAME exited with
// N" as each ends (with the leak check when one program ran), then exits with
// the first nonzero N, else 0 (the kernel then powers off with it as the status).
// Without init.run=, it prints a banner and offers the interactive shell of
// shell.c on the console (which starts the console driver, consoled); where
// there is no console input (no console resource, or no consoled in the
// archive) it prints the archive's file list and exits 0 as before.
// Exit codes of its own: 1 bad archive or missing handle,
// 126 NAME could not be started, 127 NAME is not in the archive.
//
// init.c is the launcher and the event loop; shell.c uses its start/finish
// (init.h).
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/bootstrap.h>
#include <zxrv/console.h>
#include <zxrv/cpio.h>
#include <zxrv/kstats.h>
#include <zxrv/elf.h>
#include <zxrv/launch.h>

#include "init.h"

#define RUN_PREFIX "init.run="

static zx_status_t vmo_reader(void *ctx, uint64_t offset, void *buf, size_t len) {
    return zx_vmo_read(*(zx_handle_t *)ctx, buf, offset, len);
}

int init_list_archive(zx_handle_t bootfs, uint64_t size) {
    zxrv_cpio_t c;
    zxrv_cpio_entry_t e;
    const char *why = "";
    zx_status_t st;
    unsigned files = 0;
    zxrv_cpio_init(&c, vmo_reader, &bootfs, size);
    printf("init: boot archive (%" PRIu64 " bytes):\n", size);
    while ((st = zxrv_cpio_next(&c, &e, &why)) == ZX_OK) {
        printf("init:   %-24s %8" PRIu64 "\n", e.name, e.size);
        files++;
    }
    if (st != ZX_ERR_STOP) {
        printf("init: bad boot archive: %s (%s)\n", why, zx_status_get_string(st));
        return 1;
    }
    printf("init: %u files\n", files);
    return 0;
}

// Reads the file into memory and checks it is a program we can load.
int init_read_program(zx_handle_t bootfs, uint64_t size, const char *name, bool list_missing, void **out_buf,
                      size_t *out_len) {
    zxrv_cpio_entry_t e;
    const char *why = "";
    zx_status_t st = zxrv_cpio_find(vmo_reader, &bootfs, size, name, &e, &why);
    if (st == ZX_ERR_NOT_FOUND) {
        printf("init: %s: not in the boot archive\n", name);
        if (list_missing) (void)init_list_archive(bootfs, size);
        return 127;
    }
    if (st != ZX_OK) {
        printf("init: bad boot archive: %s (%s)\n", why, zx_status_get_string(st));
        return 1;
    }
    if ((e.mode & ZXRV_CPIO_MODE_TYPE_MASK) != ZXRV_CPIO_MODE_REGULAR) {
        printf("init: %s: not a regular file (mode 0%" PRIo32 ")\n", name, e.mode);
        return 126;
    }
    if (e.size > SIZE_MAX) {
        printf("init: %s: too large\n", name);
        return 126;
    }
    void *buf = malloc(e.size > 0 ? (size_t)e.size : 1);
    if (buf == NULL) {
        printf("init: %s: no memory for %" PRIu64 " bytes (init's heap is too small)\n", name, e.size);
        return 126;
    }
    st = zx_vmo_read(bootfs, buf, e.data_offset, (size_t)e.size);
    if (st != ZX_OK) {
        printf("init: %s: reading it failed: %s\n", name, zx_status_get_string(st));
        free(buf);
        return 1;
    }
    zxrv_elf_image_t img;
    st = zxrv_elf_check(buf, (size_t)e.size, ZXRV_USER_BASE, ZXRV_USER_END, &img, &why);
    if (st != ZX_OK) {
        printf("init: %s: cannot load: %s (%s)\n", name, why, zx_status_get_string(st));
        free(buf);
        return 126;
    }
    *out_buf = buf;
    *out_len = (size_t)e.size;
    return 0;
}

// An MMIO resource for the kernel console's UART, made from the root
// resource with the kernel's "zxrv.console=BASE:SIZE:SHIFT:WIDTH:COMPAT" word
// (hex base and size). Its name is "COMPAT/SHIFT/WIDTH" so that a driver
// (user/uartdrv) knows how to talk to it. ZX_HANDLE_INVALID if unavailable.
static zx_handle_t console_rsrc = ZX_HANDLE_INVALID;

zx_handle_t init_console_resource(void) { return console_rsrc; }

static void make_console_resource(zx_handle_t root, int argc, char **argv) {
    static const char prefix[] = "zxrv.console=";
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], prefix, sizeof prefix - 1) != 0) continue;
        char *p = argv[i] + sizeof prefix - 1, *end;
        uint64_t base = strtoull(p, &end, 16);
        if (*end != ':') return;
        uint64_t size = strtoull(end + 1, &end, 16);
        if (*end != ':') return;
        unsigned long shift = strtoul(end + 1, &end, 10);
        if (*end != ':') return;
        unsigned long width = strtoul(end + 1, &end, 10);
        if (*end != ':') return;
        char name[ZX_MAX_NAME_LEN];
        int n = snprintf(name, sizeof name, "%s/%lu/%lu", end + 1, shift, width);
        if (n < 0 || (size_t)n >= sizeof name) return;
        zx_status_t st = zx_resource_create(root, ZX_RSRC_KIND_MMIO, base, size, name, strlen(name), &console_rsrc);
        if (st != ZX_OK) printf("init: no console MMIO resource: %s\n", zx_status_get_string(st));
        return;
    }
}

// Duplicates of the handles the program gets besides its own three.
static int dup_handles(zx_handle_t job, zx_handle_t resource, zx_handle_t bootfs, zx_handle_t *out,
                       uint32_t *tags, uint32_t *out_n) {
    const zx_handle_t src[4] = {job, resource, bootfs, console_rsrc};
    const uint32_t src_tags[4] = {PA_HND(PA_JOB_DEFAULT, 0), PA_HND(PA_RESOURCE, 0), PA_HND(ZXRV_PA_BOOT_ARCHIVE, 0),
                                  PA_HND(ZXRV_PA_CONSOLE_MMIO, 0)};
    uint32_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (src[i] == ZX_HANDLE_INVALID)
            continue;  // not given to init: not passed on (reported at start)
        zx_status_t st = zx_handle_duplicate(src[i], ZX_RIGHT_SAME_RIGHTS, &out[n]);
        if (st != ZX_OK) {
            printf("init: duplicating handle %d failed: %s\n", i, zx_status_get_string(st));
            for (uint32_t j = 0; j < n; j++)
                (void)zx_handle_close(out[j]);
            return 1;
        }
        tags[n++] = src_tags[i];
    }
    *out_n = n;
    return 0;
}

// The leak check around a program counts every page the kernel hands out
// meanwhile, init's own included: init's heap and stack grow on first touch.
// So before the first program, init touches the heap it will need (malloc
// then reuses that memory) and a stack depth beyond what launching takes:
// after that, launching and waiting commit nothing new in init.
#define WARM_HEAP (1024 * 1024)
#define WARM_STACK (64 * 1024)

static void __attribute__((noinline)) warm_stack(void) {
    volatile char deep[WARM_STACK];
    for (size_t i = 0; i < sizeof deep; i += 4096) deep[i] = 0;
}

static void warm_up(void) {
    char *heap = malloc(WARM_HEAP);
    if (heap != NULL) {
        for (size_t i = 0; i < WARM_HEAP; i += 4096) ((volatile char *)heap)[i] = 0;
        free(heap);
    }
    warm_stack();
}

#define MAX_CHILDREN 8

// Start one program and ask for a packet on `port` (key `key`) when it
// terminates. With a console connection, the program also gets a new
// connection to the console driver as its stdin, PA_HND(PA_FD, 0) (made after
// the leak check's first count, so that it is accounted to the program).
int init_start(zx_handle_t job, zx_handle_t resource, zx_handle_t bootfs, uint64_t size, int argc, char **argv,
               zx_handle_t console, zx_handle_t port, uint64_t key, struct init_child *c) {
    const char *name = argv[0];
    void *elf = NULL;
    size_t elf_len = 0;
    int rc = init_read_program(bootfs, size, name, true, &elf, &elf_len);
    if (rc != 0)
        return rc;

    // The leak check: what the kernel holds before the launch and after the
    // process is gone (pages outside the heap, heap blocks, objects).
    c->name = name;
    c->stats = zx_object_get_info(resource, ZXRV_INFO_KERNEL_STATS, &c->before, sizeof c->before, NULL, NULL) == ZX_OK;

    zx_handle_t handles[5];
    uint32_t tags[5], n = 0;
    if (dup_handles(job, resource, bootfs, handles, tags, &n) != 0) {
        free(elf);
        return 1;
    }
    if (console != ZX_HANDLE_INVALID) {
        zx_status_t st = zxrv_console_clone(console, &handles[n]);
        if (st != ZX_OK) {
            printf("init: %s: no console connection for its stdin: %s\n", name, zx_status_get_string(st));
            for (uint32_t j = 0; j < n; j++)
                (void)zx_handle_close(handles[j]);
            free(elf);
            return 1;
        }
        tags[n++] = PA_HND(PA_FD, 0);
    }
    c->proc = ZX_HANDLE_INVALID;
    zx_status_t st = zxrv_launch(job, name, elf, elf_len, argc, (const char *const *)argv, tags,
                                 handles, n, &c->proc);
    free(elf);
    if (st != ZX_OK) {
        printf("init: %s: launch failed: %s\n", name, zx_status_get_string(st));
        return 126;
    }
    st = zx_object_wait_async(c->proc, port, key, ZX_PROCESS_TERMINATED, 0);
    if (st != ZX_OK) {
        printf("init: %s: zx_object_wait_async failed: %s\n", name, zx_status_get_string(st));
        zx_task_kill(c->proc);
        zx_handle_close(c->proc);
        return 1;
    }
    return 0;
}

// The program of `c` terminated: report its exit (and, when it ran alone, what
// it left behind). Returns its return code, or 1 when that cannot be read.
int init_finish(zx_handle_t resource, struct init_child *c, bool leak_check) {
    const char *name = c->name;
    zx_info_process_t info;
    memset(&info, 0, sizeof info);
    zx_status_t st = zx_object_get_info(c->proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL);
    (void)zx_handle_close(c->proc);
    c->proc = ZX_HANDLE_INVALID;
    if (st != ZX_OK) {
        printf("init: %s: ZX_INFO_PROCESS failed: %s\n", name, zx_status_get_string(st));
        return 1;
    }
    if (!(info.flags & ZX_INFO_PROCESS_FLAG_EXITED)) {
        printf("init: %s: terminated but ZX_INFO_PROCESS says it has not exited (flags 0x%" PRIx32 ")\n",
               name, info.flags);
        return 1;
    }
    printf("init: %s exited with %" PRId64 "\n", name, info.return_code);
    // On several harts the process's last thread may still be on its way
    // out on another hart when TERMINATED is seen (its stack and struct are
    // freed once that hart has switched away, its objects as their last
    // references go): wait up to a second for the counts to settle. A real
    // leak does not.
    bool stats = c->stats && leak_check;
    zxrv_kernel_stats_t after, before = c->before;
    int64_t pages = 0, blocks = 0, objects = 0, waiters = 0;
    for (int tries = 0; stats && tries < 200; tries++) {
        if (tries) zx_nanosleep(zx_deadline_after(ZX_MSEC(5)));
        if (zx_object_get_info(resource, ZXRV_INFO_KERNEL_STATS, &after, sizeof after, NULL, NULL) != ZX_OK) {
            stats = false;
            break;
        }
        pages = (int64_t)(before.free_pages + before.slab_pages) - (int64_t)(after.free_pages + after.slab_pages);
        blocks = (int64_t)after.heap_blocks - (int64_t)before.heap_blocks;
        objects = (int64_t)after.live_objects - (int64_t)before.live_objects;
        waiters = (int64_t)after.futex_waiters - (int64_t)before.futex_waiters;
        if (!pages && !blocks && !objects && !waiters) break;
    }
    if (stats) {
        if (pages || blocks || objects || waiters)
            printf("init: %s left behind %" PRId64 " pages, %" PRId64 " heap blocks, %" PRId64 " objects, %" PRId64
                   " futex waiters\n", name, pages, blocks, objects, waiters);
        else
            printf("init: %s left nothing behind\n", name);
    }
    return (int)info.return_code;
}

// The event loop: one port; every program started has a wait_async on it for
// ZX_PROCESS_TERMINATED (key = its index). Each packet is one program's end.
// Returns the first nonzero return code, else 0.
static int run_all(zx_handle_t job, zx_handle_t resource, zx_handle_t bootfs, uint64_t size, int nprog,
                   int *argcs, char ***argvs) {
    zx_handle_t port;
    zx_status_t st = zx_port_create(0, &port);
    if (st != ZX_OK) {
        printf("init: zx_port_create failed: %s\n", zx_status_get_string(st));
        return 1;
    }
    struct init_child children[MAX_CHILDREN];
    int running = 0, rc = 0;
    for (int i = 0; i < nprog; i++) {
        int r = init_start(job, resource, bootfs, size, argcs[i], argvs[i], ZX_HANDLE_INVALID, port, (uint64_t)i,
                           &children[i]);
        if (r != 0) {
            children[i].proc = ZX_HANDLE_INVALID;
            if (!rc) rc = r;
            continue;
        }
        running++;
    }
    // The kernel's counters are global: the leak check means something only
    // when one program runs.
    bool leak_check = nprog == 1;
    while (running > 0) {
        zx_port_packet_t pkt;
        st = zx_port_wait(port, ZX_TIME_INFINITE, &pkt);
        if (st != ZX_OK) {
            printf("init: zx_port_wait failed: %s\n", zx_status_get_string(st));
            rc = rc ? rc : 1;
            break;
        }
        if (pkt.type != ZX_PKT_TYPE_SIGNAL_ONE || pkt.key >= (uint64_t)nprog ||
            !(pkt.signal.observed & ZX_PROCESS_TERMINATED) || children[pkt.key].proc == ZX_HANDLE_INVALID) {
            printf("init: unexpected packet (type %" PRIu32 ", key %" PRIu64 ")\n", pkt.type, pkt.key);
            continue;
        }
        int r = init_finish(resource, &children[pkt.key], leak_check);
        if (r != 0 && !rc) rc = r;
        running--;
    }
    zx_handle_close(port);
    return rc;
}

int main(int argc, char **argv) {
    zx_handle_t job = zx_job_default();
    zx_handle_t resource = zx_take_startup_handle(PA_HND(PA_RESOURCE, 0));
    zx_handle_t bootfs = zx_take_startup_handle(PA_HND(ZXRV_PA_BOOT_ARCHIVE, 0));
    if (resource != ZX_HANDLE_INVALID) make_console_resource(resource, argc, argv);
    warm_up();

    int run_at = -1;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], RUN_PREFIX, strlen(RUN_PREFIX)) == 0) {
            run_at = i;
            break;
        }
    }
    if (run_at < 0)
        printf("init: zxrv user space is up (%d boot arguments)\n", argc > 0 ? argc - 1 : 0);
    if (job == ZX_HANDLE_INVALID)
        printf("init: warning: no root job handle (PA_JOB_DEFAULT)\n");
    if (resource == ZX_HANDLE_INVALID)
        printf("init: warning: no root resource handle (PA_RESOURCE)\n");
    if (bootfs == ZX_HANDLE_INVALID) {
        printf("init: no boot archive handle (ZXRV_PA_BOOT_ARCHIVE)\n");
        return 1;
    }
    uint64_t size = 0;
    zx_status_t st = zx_vmo_get_size(bootfs, &size);
    if (st != ZX_OK) {
        printf("init: zx_vmo_get_size on the boot archive failed: %s\n", zx_status_get_string(st));
        return 1;
    }

    if (run_at < 0)
        return shell_main(job, resource, bootfs, size, argc, argv);

    // One program per init.run=NAME word; its argv is NAME and the words up
    // to the next init.run= word.
    int argcs[MAX_CHILDREN], nprog = 0;
    char **argvs[MAX_CHILDREN];
    for (int i = run_at; i < argc; i++) {
        if (strncmp(argv[i], RUN_PREFIX, strlen(RUN_PREFIX)) != 0) {
            if (nprog) argcs[nprog - 1]++;
            continue;
        }
        if (nprog == MAX_CHILDREN) {
            printf("init: more than %d init.run= words\n", MAX_CHILDREN);
            return 126;
        }
        argv[i] += strlen(RUN_PREFIX);
        if (argv[i][0] == '\0') {
            printf("init: init.run= names no program\n");
            return 127;
        }
        argvs[nprog] = argv + i;
        argcs[nprog++] = 1;
    }
    if (job == ZX_HANDLE_INVALID) {
        printf("init: cannot start %s without a job\n", argvs[0][0]);
        return 126;
    }
    return run_all(job, resource, bootfs, size, nprog, argcs, argvs);
}
