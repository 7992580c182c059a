// picolibc glue: stdin/stdout/stderr and _exit.
//
// stdout and stderr share one line buffer per thread (thread-local), so a
// thread's output stays in order and lines of different threads never mix:
// it is written with zx_debug_write (one call: the kernel writes it whole)
// at each '\n', when full, on fflush(), at thrd_exit and at exit. No lock is
// needed (picolibc's printf locks nothing around these streams). stdin
// always reads EOF (there is no input yet). _exit (called by exit() after
// atexit handlers and destructors, and by abort()) flushes the calling
// thread's buffer and ends the process with zx_process_exit; other threads'
// unfinished lines are lost, as with any buffered stdio.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zircon/syscalls.h>

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

static int in_get(FILE *f) {
    (void)f;
    return EOF;
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
