// bench: instructions retired per system call, read with rdinstret (the
// kernel sets scounteren.IR). Meaningful under QEMU -icount shift=0 (tools/run
// --icount), where instret counts guest instructions exactly.
#include <stdio.h>
#include <zircon/syscalls.h>

#define N 100000

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static long bad_syscall(void) {
    register long a0 __asm__("a0") = 0;
    register long t0 __asm__("t0") = 1000000;  // past the table: ZX_ERR_BAD_SYSCALL
    __asm__ volatile("ecall" : "+r"(a0) : "r"(t0) : "memory");
    return a0;
}

int main(void) {
    uint64_t t0 = instret();
    for (int i = 0; i < N; i++) bad_syscall();
    uint64_t t1 = instret();
    printf("bench: null syscall (ZX_ERR_BAD_SYSCALL) round trip: %llu instructions\n",
           (unsigned long long)((t1 - t0) / N));

    zx_handle_t vmo, dup;
    if (zx_vmo_create(4096, 0, &vmo) != ZX_OK) return 1;
    t0 = instret();
    for (int i = 0; i < N; i++) {
        zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup);
        zx_handle_close(dup);
    }
    t1 = instret();
    printf("bench: zx_handle_duplicate + zx_handle_close: %llu instructions\n",
           (unsigned long long)((t1 - t0) / N));
    zx_handle_close(vmo);
    return 0;
}
