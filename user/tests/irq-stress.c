// irq-stress: interrupt objects raced on every hart, then a victim process
// killed while it holds them. init's leak check after the program shows
// pages, heap, objects and futex waiters back at the start.
//
// Concurrent phase (ROUNDS rounds): a pool of virtual interrupts, half of
// them bound to one port. Triggerers trigger random ones; a drainer takes
// packets and acks them; waiter threads sit in zx_interrupt_wait on the
// unbound ones; a binder binds and unbinds; a replacer destroys or closes
// interrupts (waiters and packets included) and makes new ones. Every
// status must be one Zircon allows for the race.
// Victim phase: a child process takes the PLIC source of QEMU virt's
// goldfish RTC (if the machine has one), binds it and a set of virtual
// interrupts to ports with packets queued and threads blocked in
// zx_interrupt_wait and zx_port_wait, and is killed; the source is then
// free and works for the parent.
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/devices.h>
#include <zxrv/launch.h>
#include <zxrv/testutil.h>

#define NIRQ 16
#define ROUNDS 3000

static zx_handle_t root, port;
static _Atomic zx_handle_t irqs[NIRQ];  // ZX_HANDLE_INVALID while being replaced
static atomic_int stop, failures;
static atomic_long triggers, packets, waits;

static void bad(const char *what, zx_status_t st) {
    printf("irq-stress: unexpected %s: %d\n", what, st);
    atomic_fetch_add(&failures, 1);
}

static unsigned rnd(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

// Statuses a call may see when the handle is being closed or destroyed under it.
static bool racy_ok(zx_status_t st) {
    return st == ZX_OK || st == ZX_ERR_BAD_HANDLE || st == ZX_ERR_CANCELED || st == ZX_ERR_BAD_STATE ||
           st == ZX_ERR_NOT_FOUND || st == ZX_ERR_ALREADY_BOUND || st == ZX_ERR_WRONG_TYPE;  // a reused handle value
}

static int triggerer(void *arg) {
    unsigned s = (unsigned)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        zx_handle_t h = atomic_load(&irqs[rnd(&s) % NIRQ]);
        zx_status_t st = zx_interrupt_trigger(h, 0, zx_clock_get_monotonic());
        if (!racy_ok(st)) bad("trigger", st);
        atomic_fetch_add(&triggers, 1);
    }
    return 0;
}

static int drainer(void *arg) {
    (void)arg;
    while (!atomic_load(&stop)) {
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(port, zx_deadline_after(ZX_MSEC(5)), &pkt);
        if (st == ZX_ERR_TIMED_OUT) continue;
        if (st != ZX_OK || pkt.type != ZX_PKT_TYPE_INTERRUPT) {
            bad("port_wait", st);
            continue;
        }
        atomic_fetch_add(&packets, 1);
        st = zx_interrupt_ack(atomic_load(&irqs[pkt.key % NIRQ]));
        if (!racy_ok(st)) bad("ack", st);
    }
    return 0;
}

static int waiter(void *arg) {
    unsigned s = (unsigned)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        zx_handle_t h = atomic_load(&irqs[rnd(&s) % NIRQ]);
        zx_time_t ts;
        zx_status_t st = zx_interrupt_wait(h, &ts);  // BAD_STATE when bound or another waits
        if (!racy_ok(st)) bad("wait", st);
        if (st == ZX_OK) atomic_fetch_add(&waits, 1);
        if (st != ZX_OK) zx_nanosleep(zx_deadline_after(ZX_USEC(50)));
    }
    return 0;
}

static int binder(void *arg) {
    unsigned s = (unsigned)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        unsigned i = rnd(&s) % NIRQ;
        zx_handle_t h = atomic_load(&irqs[i]);
        zx_status_t st = zx_interrupt_bind(h, port, i, rnd(&s) & 1 ? ZX_INTERRUPT_BIND : ZX_INTERRUPT_UNBIND);
        if (!racy_ok(st)) bad("bind", st);
        zx_nanosleep(zx_deadline_after(ZX_USEC(100)));
    }
    return 0;
}

// Replace interrupt i: destroy it (waiters and packets go) or just close it.
static void replace(unsigned i, bool destroy) {
    zx_handle_t old = atomic_exchange(&irqs[i], ZX_HANDLE_INVALID), h;
    if (destroy) {
        zx_status_t st = zx_interrupt_destroy(old);
        if (st != ZX_OK && st != ZX_ERR_NOT_FOUND) bad("destroy", st);
    }
    if (zx_handle_close(old) != ZX_OK) bad("close", ZX_ERR_BAD_HANDLE);
    zx_status_t st = zx_interrupt_create(root, 0, ZX_INTERRUPT_VIRTUAL, &h);
    if (st != ZX_OK) bad("create", st);
    if (i % 2 == 0) zx_interrupt_bind(h, port, i, 0);
    atomic_store(&irqs[i], h);
}

static int run_concurrent(void) {
    if (zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port) != ZX_OK) return 1;
    for (unsigned i = 0; i < NIRQ; i++) {
        zx_handle_t h;
        if (zx_interrupt_create(root, 0, ZX_INTERRUPT_VIRTUAL, &h) != ZX_OK) return 1;
        if (i % 2 == 0 && zx_interrupt_bind(h, port, i, 0) != ZX_OK) return 1;
        atomic_store(&irqs[i], h);
    }
    thrd_t t[8];
    int n = 0;
    thrd_create(&t[n++], triggerer, (void *)1);
    thrd_create(&t[n++], triggerer, (void *)2);
    thrd_create(&t[n++], drainer, NULL);
    thrd_create(&t[n++], waiter, (void *)3);
    thrd_create(&t[n++], waiter, (void *)4);
    thrd_create(&t[n++], binder, (void *)5);
    unsigned s = 6;
    for (int r = 0; r < ROUNDS; r++) {
        replace(rnd(&s) % NIRQ, rnd(&s) & 1);
        if (r % 16 == 0) zx_nanosleep(zx_deadline_after(ZX_USEC(200)));
    }
    atomic_store(&stop, 1);
    // Waiters may sit in zx_interrupt_wait: destroying every interrupt releases them.
    for (unsigned i = 0; i < NIRQ; i++) zx_interrupt_destroy(atomic_load(&irqs[i]));
    for (int i = 0; i < n; i++) thrd_join(t[i], NULL);
    for (unsigned i = 0; i < NIRQ; i++) zx_handle_close(atomic_load(&irqs[i]));
    zx_handle_close(port);
    printf("irq-stress: %d replacements; %ld triggers, %ld port packets, %ld waits returned\n", ROUNDS,
           (long)atomic_load(&triggers), (long)atomic_load(&packets), (long)atomic_load(&waits));
    return atomic_load(&failures) ? 1 : 0;
}

// ---- the victim ----

static bool rtc_irq(uint32_t *irq, uint64_t *base) {
    static zxrv_device_info_t devs[128];
    size_t actual = 0;
    if (zx_object_get_info(root, ZXRV_INFO_DEVICES, devs, sizeof devs, &actual, NULL) != ZX_OK) return false;
    for (size_t i = 0; i < actual; i++)
        if (!strcmp(devs[i].compatible, "google,goldfish-rtc") && devs[i].irq_count) {
            *irq = devs[i].irqs[0];
            *base = devs[i].base;
            return true;
        }
    return false;
}

static int blocked_waiter(void *arg) {
    zx_interrupt_wait((zx_handle_t)(uintptr_t)arg, NULL);
    return 0;
}

static int blocked_port_waiter(void *arg) {
    zx_port_packet_t pkt;
    for (;;) zx_port_wait((zx_handle_t)(uintptr_t)arg, ZX_TIME_INFINITE, &pkt);
    return 0;
}

static int victim(void) {
    zx_handle_t ch = zx_take_startup_handle(PA_HND(PA_USER0, 0)), vport, h;
    if (zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &vport) != ZX_OK) return 1;
    uint32_t irq;
    uint64_t base;
    if (rtc_irq(&irq, &base)) {
        if (zx_interrupt_create(root, irq, 0, &h) != ZX_OK) return 2;
        if (zx_interrupt_bind(h, vport, 1000, 0) != ZX_OK) return 3;
    }
    thrd_t t;
    for (int i = 0; i < 8; i++) {
        if (zx_interrupt_create(root, 0, ZX_INTERRUPT_VIRTUAL, &h) != ZX_OK) return 4;
        if (i < 4) {
            zx_interrupt_bind(h, vport, (uint64_t)i, 0);
            zx_interrupt_trigger(h, 0, 1);  // a packet queued, never read
        } else {
            thrd_create(&t, blocked_waiter, (void *)(uintptr_t)h);
        }
    }
    zx_handle_t vport2;
    zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &vport2);
    thrd_create(&t, blocked_port_waiter, (void *)(uintptr_t)vport2);
    zx_nanosleep(zx_deadline_after(ZX_MSEC(20)));  // let the threads block
    zx_channel_write(ch, 0, "ready", 5, NULL, 0);
    for (;;) zx_nanosleep(ZX_TIME_INFINITE);
}

static int run_victim(void) {
    zx_handle_t ch, theirs, rdup, proc;
    if (zx_channel_create(0, &ch, &theirs) != ZX_OK) return 1;
    if (zx_handle_duplicate(root, ZX_RIGHT_SAME_RIGHTS, &rdup) != ZX_OK) return 1;
    size_t len = 0;
    void *elf = zxrv_load_program("irq-stress", &len);
    if (!elf) return 1;
    const char *argv[] = {"irq-stress", "victim"};
    uint32_t tags[2] = {PA_HND(PA_USER0, 0), PA_HND(PA_RESOURCE, 0)};
    zx_handle_t hs[2] = {theirs, rdup};
    zx_status_t st = zxrv_launch(zx_job_default(), "irq-stress-victim", elf, len, 2, argv, tags, hs, 2, &proc);
    free(elf);
    if (st != ZX_OK) return 1;
    st = zx_object_wait_one(ch, ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(30)), NULL);
    if (st != ZX_OK) bad("victim ready", st);
    if (zx_task_kill(proc) != ZX_OK) bad("kill", ZX_ERR_INTERNAL);
    st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(30)), NULL);
    if (st != ZX_OK) bad("victim terminated", st);
    zx_handle_close(proc);
    zx_handle_close(ch);
    uint32_t irq;
    uint64_t base;
    if (rtc_irq(&irq, &base)) {  // the source is free again
        zx_handle_t h;
        st = zx_interrupt_create(root, irq, 0, &h);
        if (st != ZX_OK) bad("re-create the victim's source", st);
        else zx_handle_close(h);
        printf("irq-stress: victim killed holding PLIC source %u, 8 virtual interrupts, queued packets and"
               " blocked waiters; the source is free again\n", irq);
    } else {
        printf("irq-stress: victim killed holding 8 virtual interrupts, queued packets and blocked waiters\n");
    }
    return atomic_load(&failures) ? 1 : 0;
}

int main(int argc, char **argv) {
    root = zxrv_root_resource();
    if (argc > 1 && !strcmp(argv[1], "victim")) return victim();
    if (run_concurrent() != 0) return 1;
    return run_victim();
}
