// The RISC-V PLIC (see platform/plic.h). Register layout from the RISC-V
// PLIC specification (riscv-plic-spec 1.0.0): priority of source s at
// 4*s, enable bits of context c at 0x2000 + 0x80*c, threshold of context c at
// 0x200000 + 0x1000*c and its claim/complete register 4 bytes after it.
#include "platform/plic.h"

#include "kern/hart.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/spinlock.h"
#include "kern/timer.h"
#include "mm/kaspace.h"
#include "platform/dt.h"

#define PLIC_MAX_SOURCES 1024u
#define PLIC_ENABLE_BASE 0x2000u
#define PLIC_ENABLE_STRIDE 0x80u
#define PLIC_CONTEXT_BASE 0x200000u
#define PLIC_CONTEXT_STRIDE 0x1000u

struct plic_source {
    plic_handler_fn fn;
    void *arg;
    int hart;  // route: hart index, -1 when enabled nowhere
};

static volatile uint8_t *regs;
static uint32_t nsources;
static int ctx_of_hart[HART_MAX];  // supervisor context of each hart index, -1 if none
static uint64_t claims[HART_MAX];
static struct plic_source sources[PLIC_MAX_SOURCES];
static struct spinlock plic_lock = SPINLOCK_INIT("plic");
static uint64_t plic_base_pa;
static uint32_t plic_ncontexts;
static struct dt_plic_context scontexts[DT_MAX_CPUS];
static uint8_t default_mode[PLIC_MAX_SOURCES];  // ZX_INTERRUPT_MODE_* from the device tree, 0: none given
static unsigned n_scontexts;

static inline volatile uint32_t *reg32(uint64_t off) { return (volatile uint32_t *)(regs + off); }

static void set_enable(int ctx, uint32_t src, bool on) {
    volatile uint32_t *r = reg32(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (uint64_t)ctx + 4 * (src / 32));
    uint32_t bit = 1u << (src % 32);
    *r = on ? (*r | bit) : (*r & ~bit);
}

bool plic_present(void) { return regs != 0; }
uint32_t plic_sources(void) { return nsources; }

bool plic_hart_has_context(unsigned hart_index) {
    return regs && hart_index < HART_MAX && ctx_of_hart[hart_index] >= 0;
}

uint32_t plic_default_mode(uint32_t src) {
    if (src >= PLIC_MAX_SOURCES || default_mode[src] == 0) return ZX_INTERRUPT_MODE_LEVEL_HIGH;
    return default_mode[src];
}

void plic_mask(uint32_t src) {
    if (regs && src >= 1 && src <= nsources) *reg32(4 * (uint64_t)src) = 0;
}

void plic_unmask(uint32_t src) {
    if (regs && src >= 1 && src <= nsources) *reg32(4 * (uint64_t)src) = 1;
}

bool plic_init(const struct dt_info *dt) {
    for (unsigned i = 0; i < HART_MAX; i++) ctx_of_hart[i] = -1;
    const struct dt_plic *p = &dt->plic;
    if (!p->present || p->ndev == 0 || p->n_scontexts == 0) {
        kprintf("plic: %s; no device interrupts\n",
                !p->present ? "none in the device tree" : p->ndev == 0 ? "no riscv,ndev" : "no supervisor contexts");
        return false;
    }
    // Map what the driver touches: priorities, enables, and the contexts up
    // to the last one it uses (sifive_u's PLIC spans 64 MiB).
    uint32_t last = 0;
    for (unsigned i = 0; i < p->n_scontexts; i++)
        if (p->scontexts[i].index > last) last = p->scontexts[i].index;
    uint64_t span = PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ((uint64_t)last + 1);
    if (span > p->size) {
        kprintf("plic: context %u lies beyond its registers; no device interrupts\n", last);
        return false;
    }
    volatile uint8_t *r = ioremap(p->base, span);
    if (!r) {
        kprintf("plic: cannot map its registers; no device interrupts\n");
        return false;
    }
    regs = r;
    nsources = p->ndev < PLIC_MAX_SOURCES ? p->ndev : PLIC_MAX_SOURCES - 1;
    plic_base_pa = p->base;
    plic_ncontexts = p->n_contexts;
    for (unsigned i = 0; i < dt->n_mmio; i++)
        for (unsigned k = 0; k < dt->mmio[i].n_irqs; k++)
            if (dt->mmio[i].irqs[k] < PLIC_MAX_SOURCES)
                default_mode[dt->mmio[i].irqs[k]] = (uint8_t)dt->mmio[i].irq_modes[k];
    n_scontexts = p->n_scontexts;
    for (unsigned i = 0; i < n_scontexts; i++) scontexts[i] = p->scontexts[i];
    for (uint32_t s = 1; s <= nsources; s++) {
        *reg32(4 * (uint64_t)s) = 0;
        sources[s].hart = -1;
    }
    for (unsigned i = 0; i < p->n_scontexts; i++) {
        int ctx = (int)p->scontexts[i].index;
        for (uint32_t w = 0; w <= nsources / 32; w++)
            *reg32(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (uint64_t)ctx + 4 * w) = 0;
        *reg32(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (uint64_t)ctx) = 0;  // threshold
    }
    return true;
}

void plic_hart_init(void) {
    if (!regs) return;
    struct hart *h = this_hart();
    int ctx = -1;
    for (unsigned i = 0; i < n_scontexts; i++)
        if (scontexts[i].hartid == h->hartid) ctx = (int)scontexts[i].index;
    if (ctx < 0) return;
    __atomic_store_n(&ctx_of_hart[h->index], ctx, __ATOMIC_RELEASE);
    *reg32(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (uint64_t)ctx) = 0;
    csr_set_sie(SIE_SEIE);
}

static int pick_hart(unsigned want) {
    if (want < HART_MAX && ctx_of_hart[want] >= 0) return (int)want;
    for (unsigned h = 0; h < hart_count; h++)
        if (ctx_of_hart[h] >= 0) return (int)h;
    return -1;
}

zx_status_t plic_register(uint32_t src, plic_handler_fn fn, void *arg, unsigned hart_index) {
    if (!regs) return ZX_ERR_NOT_SUPPORTED;
    if (src < 1 || src > nsources) return ZX_ERR_OUT_OF_RANGE;
    int h = pick_hart(hart_index);
    if (h < 0) return ZX_ERR_NOT_SUPPORTED;
    uint64_t f = spin_lock_irqsave(&plic_lock);
    if (sources[src].fn) {
        spin_unlock_irqrestore(&plic_lock, f);
        return ZX_ERR_ALREADY_BOUND;
    }
    plic_mask(src);
    sources[src].fn = fn;
    sources[src].arg = arg;
    sources[src].hart = h;
    set_enable(ctx_of_hart[h], src, true);
    spin_unlock_irqrestore(&plic_lock, f);
    return ZX_OK;
}

void plic_unregister(uint32_t src) {
    if (!regs || src < 1 || src > nsources) return;
    uint64_t f = spin_lock_irqsave(&plic_lock);
    plic_mask(src);
    if (sources[src].hart >= 0) set_enable(ctx_of_hart[sources[src].hart], src, false);
    sources[src].fn = 0;
    sources[src].arg = 0;
    sources[src].hart = -1;
    spin_unlock_irqrestore(&plic_lock, f);
}

zx_status_t plic_route(uint32_t src, unsigned hart_index) {
    if (!regs || src < 1 || src > nsources) return ZX_ERR_OUT_OF_RANGE;
    if (hart_index >= HART_MAX || ctx_of_hart[hart_index] < 0) return ZX_ERR_INVALID_ARGS;
    uint64_t f = spin_lock_irqsave(&plic_lock);
    zx_status_t st = ZX_OK;
    int old = sources[src].hart;
    if (!sources[src].fn) {
        st = ZX_ERR_BAD_STATE;
    } else if (old != (int)hart_index) {
        // Enable on the new context first: a request pending meanwhile is
        // claimed by one of the two, never lost.
        set_enable(ctx_of_hart[hart_index], src, true);
        if (old >= 0) set_enable(ctx_of_hart[old], src, false);
        sources[src].hart = (int)hart_index;
    }
    spin_unlock_irqrestore(&plic_lock, f);
    return st;
}

int plic_route_of(uint32_t src) {
    if (!regs || src < 1 || src > nsources) return -1;
    return __atomic_load_n(&sources[src].hart, __ATOMIC_RELAXED);
}

void plic_handle_irq(void) {
    if (!regs) return;
    unsigned me = this_hart()->index;
    int ctx = ctx_of_hart[me];
    if (ctx < 0) return;
    volatile uint32_t *claim = reg32(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (uint64_t)ctx + 4);
    for (;;) {
        uint32_t src = *claim;
        if (src == 0) return;  // nothing (left) pending for this context
        zx_time_t now = (zx_time_t)timer_now_ns();
        __atomic_fetch_add(&claims[me], 1, __ATOMIC_RELAXED);
        if (src > nsources) {
            *claim = src;
            continue;
        }
        plic_mask(src);
        *claim = src;  // complete: the gateway may forward the next request (masked until unmasked)
        uint64_t f = spin_lock_irqsave(&plic_lock);
        bool keep_masked = true;  // a source without a handler stays masked
        if (sources[src].fn) keep_masked = sources[src].fn(sources[src].arg, src, now);
        if (!keep_masked && sources[src].fn) plic_unmask(src);
        spin_unlock_irqrestore(&plic_lock, f);
    }
}

uint64_t plic_claims(unsigned hart_index) {
    return hart_index < HART_MAX ? __atomic_load_n(&claims[hart_index], __ATOMIC_RELAXED) : 0;
}

void plic_describe(char *buf, unsigned cap) {
    if (!regs) {
        ksnprintf(buf, cap, "none (no device interrupts)");
        return;
    }
    unsigned n = 0;
    for (unsigned h = 0; h < hart_count; h++)
        if (ctx_of_hart[h] >= 0) n++;
    ksnprintf(buf, cap, "PLIC at %p, %u sources, %u contexts (%u supervisor contexts of harts here)",
              (void *)plic_base_pa, nsources, plic_ncontexts, n);
}
