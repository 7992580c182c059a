// Self-test of the PLIC (platform/plic.h) with a real device: the console
// UART can raise its interrupt on demand. An ns16550's "transmitter holding
// register empty" interrupt (IER bit 1) asserts at once while the
// transmitter is idle; a sifive,uart0's TX watermark interrupt (ie bit 0)
// asserts while the TX FIFO holds fewer than txctrl.txcnt entries. The
// handler turns the interrupt off again in the UART, so each request gives
// one claim. The test takes the interrupt on the boot hart, then routes the
// source to another hart and takes it there: claim, complete, masking and
// routing all run through the real controller.
#include "kern/selftest.h"

#include "kern/hart.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/smp.h"
#include "kern/string.h"
#include "kern/timer.h"
#include "mm/kaspace.h"
#include "platform/dt.h"
#include "platform/plic.h"

struct uart_irq {
    volatile uint8_t *regs;
    bool sifive;
    unsigned shift, width;
    uint64_t hits[HART_MAX];
};

static void uart_irq_set(struct uart_irq *u, bool on) {
    if (u->sifive) {
        volatile uint32_t *txctrl = (volatile uint32_t *)(u->regs + 0x08), *ie = (volatile uint32_t *)(u->regs + 0x10);
        if (on) *txctrl = (*txctrl & ~(7u << 16)) | (1u << 16);  // txcnt 1: pending while the FIFO is empty
        *ie = on ? (*ie | 1u) : (*ie & ~1u);
        return;
    }
    volatile uint8_t *ier = u->regs + (1u << u->shift);
    uint8_t v = on ? 0x02 : 0x00;  // ETBEI only; the kernel console polls
    if (u->width == 4)
        *(volatile uint32_t *)ier = v;
    else
        *ier = v;
}

static bool uart_irq_handler(void *arg, uint32_t src, zx_time_t ts) {
    (void)src;
    (void)ts;
    struct uart_irq *u = arg;
    uart_irq_set(u, false);
    __atomic_fetch_add(&u->hits[this_hart()->index], 1, __ATOMIC_RELAXED);
    return false;  // the line is low again: unmask
}

// Wait (with interrupts on, as the self-tests run) for hits[h] to reach n.
static bool wait_hits(struct uart_irq *u, unsigned h, uint64_t n) {
    uint64_t end = timer_now_ns() + 500000000ull;
    while (__atomic_load_n(&u->hits[h], __ATOMIC_RELAXED) < n)
        if (timer_now_ns() > end) return false;
    return true;
}

bool selftest_plic(const struct dt_info *dt) {
    static struct uart_irq u;
    memset(&u, 0, sizeof(u));
    const struct dt_console *c = &dt->console;
    uint32_t src = 0;
    for (unsigned i = 0; i < dt->n_mmio; i++)
        if (dt->mmio[i].base == c->base && dt->mmio[i].n_irqs) src = dt->mmio[i].irqs[0];
    u.sifive = !strcmp(c->compatible, "sifive,uart0");
    if (!plic_present() || !src || !c->base || (!u.sifive && strcmp(c->compatible, "ns16550a"))) {
        kprintf("    no PLIC or no console interrupt to test with: skipped\n");
        return true;
    }
    u.shift = c->reg_shift;
    u.width = c->reg_io_width;
    u.regs = ioremap(c->base, 0x100);
    if (!u.regs) return false;
    unsigned me = this_hart()->index;
    if (plic_register(src, uart_irq_handler, &u, me) != ZX_OK) return false;
    bool ok = plic_route_of(src) == (int)me;
    plic_unmask(src);
    uart_irq_set(&u, true);
    ok = ok && wait_hits(&u, me, 1);
    kprintf("    source %u on hart %u: %s\n", src, me, ok ? "taken" : "NOT taken");
    // Move it to every other online hart with a context, one after the other.
    uint64_t online = smp_online_mask();
    unsigned moved = 0;
    for (unsigned h = 0; ok && h < hart_count; h++) {
        if (h == me || !((online >> h) & 1) || !plic_hart_has_context(h)) continue;
        uint64_t before_me = u.hits[me];
        ok = plic_route(src, h) == ZX_OK && plic_route_of(src) == (int)h;
        uart_irq_set(&u, true);
        ok = ok && wait_hits(&u, h, 1) && u.hits[me] == before_me;
        kprintf("    moved to hart %u: %s\n", h, ok ? "taken there" : "NOT taken there");
        moved++;
    }
    if (!moved) kprintf("    one hart with a supervisor context: routing not exercised\n");
    // Masked: a request stays pending and is not taken until unmasked.
    if (ok) {
        unsigned h = (unsigned)plic_route_of(src);
        uint64_t before = u.hits[h];
        plic_mask(src);
        uart_irq_set(&u, true);
        uint64_t t = timer_now_ns() + 20000000ull;
        while (timer_now_ns() < t) continue;
        ok = u.hits[h] == before;
        plic_unmask(src);
        ok = ok && wait_hits(&u, h, before + 1);
        kprintf("    masked source held back, then taken on unmask: %s\n", ok ? "yes" : "NO");
    }
    uart_irq_set(&u, false);
    plic_unregister(src);
    return ok;
}
