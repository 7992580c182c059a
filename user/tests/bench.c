// bench: instructions retired per system call, read with rdinstret (the
// kernel sets scounteren.IR). Meaningful under QEMU -icount shift=0 (tools/run
// --icount), where instret counts guest instructions exactly.
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>

#define N 100000
#define M 10000

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

// The server side of the zx_channel_call round trip: echo each request.
static int call_server(void *arg) {
    zx_handle_t ch = (zx_handle_t)(uintptr_t)arg;
    uint64_t msg[2];
    uint32_t nb, nh;
    for (;;) {
        if (zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, NULL) != ZX_OK)
            break;
        if (zx_channel_read(ch, 0, msg, NULL, sizeof msg, 0, &nb, &nh) != ZX_OK) break;
        zx_channel_write(ch, 0, msg, nb, NULL, 0);
    }
    zx_handle_close(ch);
    return 0;
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

    // The seed calls (averaged over M calls each).
    t0 = instret();
    for (int i = 0; i < M; i++) {
        zx_vmo_create(4096, 0, &vmo);
        zx_handle_close(vmo);
    }
    t1 = instret();
    printf("bench: zx_vmo_create(4096) + zx_handle_close: %llu instructions\n", (unsigned long long)((t1 - t0) / M));

    static char buf[1 << 20];
    zx_vmo_create(1 << 20, 0, &vmo);
    zx_vmo_write(vmo, buf, 0, sizeof buf);  // commit once
    t0 = instret();
    for (int i = 0; i < M; i++) zx_vmo_write(vmo, buf, 0, 4096);
    t1 = instret();
    printf("bench: zx_vmo_write 4 KiB: %llu instructions\n", (unsigned long long)((t1 - t0) / M));
    t0 = instret();
    for (int i = 0; i < 100; i++) zx_vmo_write(vmo, buf, 0, sizeof buf);
    t1 = instret();
    printf("bench: zx_vmo_write 1 MiB: %llu instructions\n", (unsigned long long)((t1 - t0) / 100));
    zx_handle_close(vmo);

    // Demand-zero faults: touch each page of a fresh mapping once.
    zx_vaddr_t addr;
    zx_vmo_create((uint64_t)M * 4096, 0, &vmo);
    zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, (uint64_t)M * 4096, &addr);
    t0 = instret();
    for (int i = 0; i < M; i++) *(volatile char *)(addr + (uint64_t)i * 4096) = 1;
    t1 = instret();
    printf("bench: demand-zero page fault: %llu instructions\n", (unsigned long long)((t1 - t0) / M));
    zx_vmar_unmap(zx_vmar_root_self(), addr, (uint64_t)M * 4096);
    zx_handle_close(vmo);

    zx_handle_t child;
    zx_vmo_create(4096, 0, &vmo);
    zx_vmo_write(vmo, buf, 0, 4096);
    t0 = instret();
    for (int i = 0; i < M; i++) {
        if (zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &child) != ZX_OK) break;
        zx_handle_close(child);
    }
    t1 = instret();
    printf("bench: zx_vmo_create_child snapshot (1 committed page) + close: %llu instructions\n",
           (unsigned long long)((t1 - t0) / M));
    zx_handle_close(vmo);

    // A snapshot of 256 committed pages (shared, not copied) + close, and the
    // copy-on-write fault: the first write to a page shared with a snapshot.
    const uint64_t big = 256 * 4096;
    zx_vmo_create(big, 0, &vmo);
    zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, big, NULL, 0);
    t0 = instret();
    for (int i = 0; i < M / 10; i++) {
        if (zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, big, &child) != ZX_OK) break;
        zx_handle_close(child);
    }
    t1 = instret();
    printf("bench: zx_vmo_create_child snapshot (256 committed pages) + close: %llu instructions\n",
           (unsigned long long)((t1 - t0) / (M / 10)));
    zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, big, &child);
    zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, child, 0, big, &addr);
    t0 = instret();
    for (int i = 0; i < 256; i++) *(volatile char *)(addr + (uint64_t)i * 4096) = 1;
    t1 = instret();
    printf("bench: copy-on-write fault (write to a shared page): %llu instructions\n",
           (unsigned long long)((t1 - t0) / 256));
    zx_vmar_unmap(zx_vmar_root_self(), addr, big);
    zx_handle_close(child);
    zx_handle_close(vmo);

    // C11 mutexes on futexes: the uncontended lock + unlock makes no system
    // call. The loop's own cost (an empty loop) is subtracted.
    mtx_t m;
    mtx_init(&m, mtx_plain);
    t0 = instret();
    for (int i = 0; i < N; i++) __asm__ volatile("" ::: "memory");
    t1 = instret();
    uint64_t loop = t1 - t0;
    t0 = instret();
    for (int i = 0; i < N; i++) {
        mtx_lock(&m);
        mtx_unlock(&m);
    }
    t1 = instret();
    printf("bench: uncontended mtx_lock + mtx_unlock: %llu instructions\n",
           (unsigned long long)((t1 - t0 - loop) / N));
    zx_futex_t f = 0;
    t0 = instret();
    for (int i = 0; i < N; i++) zx_futex_wake(&f, 1);
    t1 = instret();
    printf("bench: zx_futex_wake (no waiter): %llu instructions\n", (unsigned long long)((t1 - t0) / N));
    t0 = instret();
    for (int i = 0; i < N; i++) zx_futex_wait(&f, 1, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    t1 = instret();
    printf("bench: zx_futex_wait (value mismatch): %llu instructions\n", (unsigned long long)((t1 - t0) / N));

    // Setting a timer (far away, so it never fires) and cancelling it: the
    // kernel timer goes on and off this hart's deadline queue.
    zx_handle_t timer;
    if (zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer) != ZX_OK) return 1;
    zx_time_t far = zx_deadline_after(ZX_SEC(3600));
    t0 = instret();
    for (int i = 0; i < M; i++) {
        zx_timer_set(timer, far, 0);
        zx_timer_cancel(timer);
    }
    t1 = instret();
    printf("bench: zx_timer_set + zx_timer_cancel: %llu instructions\n", (unsigned long long)((t1 - t0) / M));
    zx_handle_close(timer);
    // A small message through a channel within one process: write 8 bytes
    // on one end, read them on the other.
    zx_handle_t ch0, ch1;
    if (zx_channel_create(0, &ch0, &ch1) == ZX_OK) {
        uint64_t msg = 0x1122334455667788ull, got = 0;
        uint32_t nb, nh;
        t0 = instret();
        for (int i = 0; i < N; i++) {
            zx_channel_write(ch0, 0, &msg, sizeof msg, NULL, 0);
            zx_channel_read(ch1, 0, &got, NULL, sizeof got, 0, &nb, &nh);
        }
        t1 = instret();
        printf("bench: zx_channel_write + zx_channel_read (8 bytes): %llu instructions\n",
               (unsigned long long)((t1 - t0) / N));
        zx_handle_close(ch0);
        zx_handle_close(ch1);
    }

    // zx_channel_call round trip to a server thread of the same process on
    // the same hart: call (write, block), server wakes, reads, writes the
    // reply (which wakes the caller), waits again.
    if (zx_channel_create(0, &ch0, &ch1) == ZX_OK) {
        thrd_t srv;
        if (thrd_create(&srv, call_server, (void *)(uintptr_t)ch1) == thrd_success) {
            uint64_t req[2] = {0, 42}, rep[2];
            uint32_t nb, nh;
            zx_channel_call_args_t args = {.wr_bytes = req, .wr_num_bytes = sizeof req,
                                           .rd_bytes = rep, .rd_num_bytes = sizeof rep};
            zx_channel_call(ch0, 0, ZX_TIME_INFINITE, &args, &nb, &nh);  // the server is up
            t0 = instret();
            for (int i = 0; i < M; i++) zx_channel_call(ch0, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
            t1 = instret();
            printf("bench: zx_channel_call round trip (16 bytes, server thread on the same hart): %llu instructions\n",
                   (unsigned long long)((t1 - t0) / M));
            zx_handle_close(ch0);
            thrd_join(srv, NULL);
        } else {
            zx_handle_close(ch0);
            zx_handle_close(ch1);
        }
    }

    zx_handle_t rsrc = zx_take_startup_handle(PA_HND(ZXRV_PA_CONSOLE_MMIO, 0));
    zx_info_resource_t ri;
    if (rsrc != ZX_HANDLE_INVALID && zx_object_get_info(rsrc, ZX_INFO_RESOURCE, &ri, sizeof ri, NULL, NULL) == ZX_OK) {
        t0 = instret();
        for (int i = 0; i < M; i++) {
            zx_vmo_create_physical(rsrc, ri.base & ~4095ull, 4096, &vmo);
            zx_handle_close(vmo);
        }
        t1 = instret();
        printf("bench: zx_vmo_create_physical + close: %llu instructions\n", (unsigned long long)((t1 - t0) / M));
    }
    return 0;
}
