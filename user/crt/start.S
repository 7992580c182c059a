/* _start: the entry point of every user program (user/user.ld puts it
 * first in .text).
 *
 * The kernel or the launcher starts the first thread with (<zxrv/bootstrap.h>)
 *   a0 = the bootstrap channel handle, a1 = 0, sp = stack top (16-aligned),
 * every other register zero. We set gp (for linker relaxation) and tp
 * (picolibc's thread-local errno etc.: the main thread's TLS block is the
 * .tdata/.tbss image in place), clear fp and ra so backtraces end here, and
 * call __zxrv_start(a0), which never returns.
 */
    .section .text.init.enter, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    lla gp, __global_pointer$
    .option pop
    lla tp, __tls_base
    andi sp, sp, -16
    li s0, 0
    li ra, 0
    call __zxrv_start
    unimp
    .size _start, . - _start
