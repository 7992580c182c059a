// picolibc glue: stdin/stdout/stderr, read() and _exit.
//
// stdout and stderr share one line buffer per thread (thread-local), so a
// thread's output stays in order and lines of different threads never mix:
// it is written with zx_debug_write (one call: the kernel writes it whole)
// at each '\n', when full, on fflush(), at thrd_exit and at exit. No lock is
// needed (picolibc's printf locks nothing around these streams).
//
// stdin (getchar, fgets, scanf...) and read(0, ...) read the console through
// the handle PA_HND(PA_FD, 0), a connection of the console protocol
// (<zxrv/console.h>) that init's shell gives the programs it runs; without
// one, stdin is at end of file at once. The console is line-buffered by its
// driver (it echoes and edits the line): a read returns at most one line,
// once Enter is pressed, and 0 bytes (EOF) for Ctrl-D on an empty line.
// Before waiting for input, the calling thread's pending output (a prompt
// without '\n') is written out. stdin's buffer is the process's, under a
// mutex. Other descriptors: read() fails with EBADF.
//
// _exit (called by exit() after atexit handlers and destructors, and by
// abort()) flushes the calling thread's buffer and ends the process with
// zx_process_exit; other threads' unfinished lines are lost, as with any
// buffered stdio.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zxrv/console.h>

#include "crt.h"

#define LINE_MAX_BYTES 256u

static _Thread_local char line[LINE_MAX_BYTES];
static _Thread_local size_t line_len;

void __zxrv_stdio_flush(void) {
    if (line_len > 0) {
        (void)zx_debug_write(line, line_len);
        line_len = 0;
    }
}

static int out_put(char c, FILE *f) {
    (void)f;
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof line)
        __zxrv_stdio_flush();
    return (unsigned char)c;
}

static int out_flush(FILE *f) {
    (void)f;
    __zxrv_stdio_flush();
    return 0;
}

// stdin: bytes of the last console reply not yet handed out.
static mtx_t in_lock;  // zero-filled: a plain mutex
static struct {
    zx_handle_t conn;
    int state;  // 0: handle not taken yet, 1: open, 2: none (or broken): EOF
    uint8_t buf[ZXRV_CONSOLE_MAX_READ];
    size_t pos, len;
} in;

// With in_lock held: refills the buffer. 1 bytes came, 0 end of file, -1 error.
static int in_fill_locked(void) {
    if (in.state == 0) {
        in.conn = zx_take_startup_handle(PA_HND(PA_FD, 0));
        in.state = in.conn != ZX_HANDLE_INVALID ? 1 : 2;
    }
    if (in.state != 1) return 0;
    __zxrv_stdio_flush();
    size_t n = 0;
    zx_status_t st = zxrv_console_read(in.conn, in.buf, sizeof in.buf, &n);
    if (st != ZX_OK) return st == ZX_ERR_PEER_CLOSED ? 0 : -1;
    in.pos = 0;
    in.len = n;
    return n > 0 ? 1 : 0;
}

static int in_get(FILE *f) {
    (void)f;
    mtx_lock(&in_lock);
    int r = in.pos < in.len ? 1 : in_fill_locked();
    int c = r > 0 ? in.buf[in.pos++] : EOF;
    mtx_unlock(&in_lock);
    return c;
}

ssize_t read(int fd, void *buf, size_t count) {
    if (fd != 0) {
        errno = EBADF;
        return -1;
    }
    if (count == 0) return 0;
    mtx_lock(&in_lock);
    int r = in.pos < in.len ? 1 : in_fill_locked();
    size_t n = 0;
    if (r > 0) {
        n = in.len - in.pos < count ? in.len - in.pos : count;
        memcpy(buf, in.buf + in.pos, n);
        in.pos += n;
    }
    mtx_unlock(&in_lock);
    if (r < 0) {
        errno = EIO;
        return -1;
    }
    return (ssize_t)n;
}

static FILE out_file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE err_file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE in_file = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);

FILE *const stdout = &out_file;
FILE *const stderr = &err_file;
FILE *const stdin = &in_file;

void _exit(int status) {
    __zxrv_stdio_flush();
    zx_process_exit(status);
}
