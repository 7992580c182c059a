// __zxrv_start: from _start (start.S) to main and zx_process_exit.
//
// Keeps a copy of the initial thread-local data (for the threads of
// <threads.h>), then reads the one bootstrap message of <zxrv/bootstrap.h> into static buffers,
// checks every header field against what was actually received
// (zxrv_bootstrap_decode), closes the bootstrap channel, gives the handles to
// libzircon (<zircon/process.h>), runs constructors, builds argv and calls
// main. exit(main's value) runs atexit handlers and destructors, flushes
// stdout and calls zx_process_exit. A missing or malformed message is
// reported with zx_debug_write and ends the process with return code -1.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/bootstrap_msg.h>

#include "../libzircon/startup.h"
#include "crt.h"

extern int main(int argc, char **argv);
extern void __libc_init_array(void);

static _Alignas(8) uint8_t msg_bytes[ZXRV_BOOTSTRAP_MAX_BYTES];
static zx_handle_t msg_handles[ZXRV_BOOTSTRAP_MAX_HANDLES];
static uint32_t msg_tags[ZXRV_BOOTSTRAP_MAX_HANDLES];

static void put(const char *s) {
    (void)zx_debug_write(s, strlen(s));
}

// Writes "crt0: WHAT[: DETAIL][: status N]\n" and exits with -1. No stdio:
// it may be what is broken.
__attribute__((noreturn)) static void fail_detail(const char *what, const char *detail,
                                                  zx_status_t status, int with_status) {
    char num[16];
    char *p = num + sizeof num;
    *--p = '\0';
    if (with_status) {
        uint32_t v = status < 0 ? (uint32_t)0 - (uint32_t)status : (uint32_t)status;
        do {
            *--p = (char)('0' + v % 10u);
            v /= 10u;
        } while (v != 0);
        if (status < 0)
            *--p = '-';
    }
    put("crt0: ");
    put(what);
    if (detail != NULL) {
        put(": ");
        put(detail);
    }
    if (with_status) {
        put(": status ");
        put(p);
    }
    put("\n");
    zx_process_exit(-1);
}

__attribute__((noreturn)) static void fail(const char *what, zx_status_t status, int with_status) {
    fail_detail(what, NULL, status, with_status);
}

// Reads the message, waiting once if it has not arrived yet.
static void read_message(zx_handle_t ch, uint32_t *out_bytes, uint32_t *out_handles) {
    for (int attempt = 0;; attempt++) {
        uint32_t nb = 0, nh = 0;
        zx_status_t st = zx_channel_read(ch, 0, msg_bytes, msg_handles, sizeof msg_bytes,
                                         ZXRV_BOOTSTRAP_MAX_HANDLES, &nb, &nh);
        if (st == ZX_OK) {
            if (nb > sizeof msg_bytes || nh > ZXRV_BOOTSTRAP_MAX_HANDLES)
                fail("bad bootstrap message: kernel reported more than it could copy", st, 0);
            *out_bytes = nb;
            *out_handles = nh;
            return;
        }
        if (st == ZX_ERR_SHOULD_WAIT && attempt == 0) {
            zx_signals_t seen = 0;
            st = zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                    ZX_TIME_INFINITE, &seen);
            if (st != ZX_OK)
                fail("waiting for the bootstrap message failed", st, 1);
            continue;
        }
        if (st == ZX_ERR_BUFFER_TOO_SMALL)
            fail("bootstrap message larger than ZXRV_BOOTSTRAP_MAX_BYTES/MAX_HANDLES", st, 1);
        fail("reading the bootstrap message failed", st, 1);
    }
}

// The pristine .tdata for other threads' TLS blocks (user/user.ld), copied
// before this thread writes any thread-local variable of its own block.
extern char __tls_base[], __tdata_end[], __tdata_image[];

void __zxrv_start(zx_handle_t bootstrap) {
    memcpy(__tdata_image, __tls_base, (size_t)(__tdata_end - __tls_base));
    if (bootstrap == ZX_HANDLE_INVALID)
        fail("started without a bootstrap channel (a0 = 0)", ZX_OK, 0);

    uint32_t nbytes = 0, nhandles = 0;
    read_message(bootstrap, &nbytes, &nhandles);
    (void)zx_handle_close(bootstrap);

    zxrv_bootstrap_view_t view;
    const char *why = "";
    zx_status_t st = zxrv_bootstrap_decode(msg_bytes, nbytes, nhandles, &view, &why);
    if (st != ZX_OK)
        fail_detail("bad bootstrap message", why, st, 1);
    for (uint32_t i = 0; i < nhandles; i++)
        msg_tags[i] = zxrv_bootstrap_tag(&view, i);
    __zxrv_startup_handles_set(msg_handles, msg_tags, nhandles);
    // Mutexes (malloc's too) are marked with their owner's thread handle
    // (user/lib/mtx.c): before any lock is taken, this thread's mark.
    __zxrv_mutex_id = zx_thread_self() != ZX_HANDLE_INVALID ? zx_thread_self() : ZXRV_MUTEX_ID_NO_HANDLE;

    // argc <= args_len < ZXRV_BOOTSTRAP_MAX_BYTES, so this cannot overflow.
    const char **argv = malloc(((size_t)view.argc + 1) * sizeof *argv);
    if (argv == NULL)
        fail("no memory for argv", ZX_ERR_NO_MEMORY, 1);
    st = zxrv_bootstrap_argv(&view, argv, (size_t)view.argc + 1);
    if (st != ZX_OK)
        fail("building argv failed", st, 1);

    __libc_init_array();
    exit(main((int)view.argc, (char **)argv));
}
