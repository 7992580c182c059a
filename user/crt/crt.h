// Private declarations shared by the crt0 files (user/crt/).
#ifndef USER_CRT_CRT_H_
#define USER_CRT_CRT_H_

#include <zircon/types.h>

// Writes out whatever stdout/stderr hold for the calling thread (stdio.c).
void __zxrv_stdio_flush(void);

// Called by _start (start.S) with the bootstrap channel; never returns.
__attribute__((noreturn)) void __zxrv_start(zx_handle_t bootstrap);

#endif
