// Hart bring-up and IPIs (see kern/smp.h).
//
// Hart slots: harts[0] is the boot hart; the others get 1, 2, ... in
// device-tree order as they come online. A slot's stacks come from
// kstack_alloc (guard page below each): the hart's first stack becomes its
// idle thread's stack, and a second one is the emergency stack that the trap
// entry switches to when a kernel stack overflows.
// Locking: none. hart_count and each slot are written by the boot hart
// before the started hart reads them (the HSM start orders them), and
// `online` is a release/acquire flag.
#include "kern/smp.h"

#include "kern/panic.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/sbi.h"
#include "kern/sched.h"
#include "kern/string.h"
#include "kern/timer.h"
#include "kern/trap.h"
#include "mm/aspace.h"
#include "mm/kaspace.h"
#include "platform/board.h"
#include "platform/plic.h"

extern char secondary_entry[];
extern char __kernel_start[];
extern uint64_t kernel_satp;
extern uint64_t kernel_load_pa;

unsigned hart_count = 1;  // slots used (harts[0 .. hart_count)); online ones in online_mask
static uint64_t online_mask = 1;

#define START_TIMEOUT_MS 2000  // generous: QEMU harts are host threads on a possibly busy host

uint64_t smp_online_mask(void) { return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE); }

unsigned smp_online_count(void) {
    unsigned n = 0;
    for (uint64_t m = smp_online_mask(); m; m &= m - 1) n++;
    return n;
}

uint64_t smp_ipis_received(void) {
    uint64_t n = 0;
    for (unsigned i = 0; i < hart_count; i++) n += __atomic_load_n(&harts[i].ipis_received, __ATOMIC_RELAXED);
    return n;
}

// Runs on the new hart, on its stack, with the kernel's table and tp set
// (boot/head.S secondary_high). The start handshake is one compare-and-swap
// each way: the hart moves its slot from STARTING to ONLINE, the boot hart
// from STARTING to ABANDONED when it gives up waiting; whichever comes
// second loses, and an abandoned hart parks for good.
__attribute__((noreturn)) void smp_secondary_main(struct hart *h) {
    uint32_t expect = HART_STARTING;
    if (!__atomic_compare_exchange_n(&h->start_state, &expect, HART_ONLINE, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        for (;;) wfi();
    trap_init_hart();
    h->asid_bits = (uint8_t)kaspace_probe_asid_bits();
    timer_init_hart();
    csr_write_scounteren(0x7);  // user mode may read cycle, time and instret
    sched_init_hart();
    csr_set_sie(SIE_SSIE);
    plic_hart_init();
    __atomic_fetch_or(&online_mask, 1ull << h->index, __ATOMIC_RELEASE);
    __atomic_store_n(&h->online, true, __ATOMIC_RELEASE);
    sched_run_idle();
}

static bool wait_online(struct hart *h) {
    uint64_t hz = timer_timebase_hz();
    uint64_t t0 = csr_read_time(), limit = hz / 1000 * START_TIMEOUT_MS;
    for (;;) {
        if (__atomic_load_n(&h->online, __ATOMIC_ACQUIRE)) return true;
        if (csr_read_time() - t0 > limit) {
            uint32_t expect = HART_STARTING;
            if (__atomic_compare_exchange_n(&h->start_state, &expect, HART_ABANDONED, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE))
                return false;
            // It came online just now: wait for it to finish setting up.
        }
    }
}

unsigned smp_asid_bits(void) {
    uint64_t online = smp_online_mask();
    unsigned bits = harts[0].asid_bits;
    for (unsigned i = 1; i < hart_count; i++)
        if ((online >> i) & 1 && harts[i].asid_bits < bits) bits = harts[i].asid_bits;
    return bits;
}

unsigned smp_start_harts(const struct dt_info *dt) {
    kernel_satp = pt_satp(kaspace_pt());
    uint64_t entry_pa = (uint64_t)secondary_entry - (uint64_t)__kernel_start + kernel_load_pa;
    for (unsigned i = 0; i < dt->n_cpus; i++) {
        const struct dt_cpu *c = &dt->cpus[i];
        if (c->hartid == harts[0].hartid || !board_hart_usable(c)) continue;
        if (hart_count == HART_MAX) {
            kprintf("smp: hart %u: more than %u harts, not started\n", c->hartid, HART_MAX);
            continue;
        }
        struct hart *h = &harts[hart_count];
        memset(h, 0, sizeof(*h));
        h->hartid = c->hartid;
        h->index = hart_count;
        h->start_state = HART_STARTING;
        uint64_t etop, elo;
        if (kstack_alloc(&h->kstack_top, &h->kstack_lo) != ZX_OK) {
            kprintf("smp: hart %u: no memory for its stack, not started\n", c->hartid);
            continue;
        }
        if (kstack_alloc(&etop, &elo) != ZX_OK) {
            kprintf("smp: hart %u: no memory for its emergency stack, not started\n", c->hartid);
            kstack_free(h->kstack_lo);
            continue;
        }
        h->emerg_top = etop;
        long err = sbi_hart_start(c->hartid, entry_pa, (uint64_t)h);
        if (err) {
            kprintf("smp: hart %u: SBI hart_start failed (error %ld), skipped\n", c->hartid, err);
            kstack_free(h->kstack_lo);
            kstack_free(elo);
            continue;
        }
        if (!wait_online(h)) {
            // It may still enter later, find its slot abandoned and park: the
            // slot and its stacks are never reused.
            kprintf("smp: hart %u: did not come online within %u ms, skipped\n", c->hartid, START_TIMEOUT_MS);
        }
        hart_count++;
    }
    return smp_online_count();
}

void smp_describe(char *buf, unsigned size) {
    unsigned n = 0;
    char tmp[16];
    uint64_t online = smp_online_mask();
    unsigned count = smp_online_count();
    n += (unsigned)ksnprintf(buf, size, "%u online (hart id", count);
    for (unsigned i = 0, k = 0; i < hart_count && n < size; i++) {
        if (!(online & (1ull << i))) continue;
        ksnprintf(tmp, sizeof(tmp), "%s%u", k++ ? ", " : count > 1 ? "s " : " ", harts[i].hartid);
        n += (unsigned)ksnprintf(buf + n, size - n, "%s", tmp);
    }
    if (n < size) ksnprintf(buf + n, size - n, ")");
}

void smp_send_ipi(unsigned index, uint32_t request) {
    struct hart *h = &harts[index];
    __atomic_fetch_or(&h->ipi_pending, request, __ATOMIC_RELEASE);
    if (h == this_hart()) {
        csr_set_sip(SIE_SSIE);  // a local request: pend the interrupt ourselves
        return;
    }
    sbi_send_ipi(1, h->hartid);
}

void smp_send_ipi_mask(uint64_t index_mask, uint32_t request) {
    index_mask &= smp_online_mask();
    for (unsigned i = 0; index_mask; i++, index_mask >>= 1)
        if (index_mask & 1) smp_send_ipi(i, request);
}

uint32_t smp_handle_ipi(void) {
    struct hart *h = this_hart();
    csr_clear_sip(SIE_SSIE);
    uint32_t req = __atomic_exchange_n(&h->ipi_pending, 0, __ATOMIC_ACQUIRE);
    h->ipis_received++;
    if (req & IPI_STOP)
        for (;;) wfi();
    if (req & IPI_TLB_FLUSH) aspace_flush_after_rollover();
    if (req & IPI_RESCHED) h->need_resched = true;
    return req;
}

void smp_stop_others(void) {
    struct hart *me = this_hart();
    uint64_t online = smp_online_mask();
    for (unsigned i = 0; i < hart_count; i++)
        if (&harts[i] != me && (online & (1ull << i))) {
            __atomic_fetch_or(&harts[i].ipi_pending, IPI_STOP, __ATOMIC_RELEASE);
            sbi_send_ipi(1, harts[i].hartid);
        }
}
