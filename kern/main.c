// Kernel main: from the boot hart's first C instruction to the idle loop.
//
// Order matters: SBI console, device tree, page allocator, final page
// tables, a guarded stack, then the DT console and everything else.
#include <stdint.h>

#include "boot/early.h"
#include "boot/layout.h"
#include "kern/bootargs.h"
#include "kern/console.h"
#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/sbi.h"
#include "kern/sched.h"
#include "kern/selftest.h"
#include "kern/shutdown.h"
#include "kern/smp.h"
#include "kern/lockdep.h"
#include "kern/string.h"
#include "kern/timer.h"
#include "kern/trap.h"
#include "kern/userboot.h"
#include "platform/devices.h"
#include "platform/plic.h"
#include "mm/aspace.h"
#include "mm/kaspace.h"
#include "mm/page_alloc.h"
#include "mm/kheap.h"
#include "mm/physmap.h"
#include "obj/handle.h"
#include "obj/resource.h"
#include "obj/signal.h"
#include "obj/timer.h"
#include "platform/board.h"
#include "platform/dt.h"

#define DTB_MAX_SIZE (2u << 20)

struct hart harts[HART_MAX];
static struct dt_info dt;
uint64_t boot_instret_entry;  // instret at the first kernel instruction (kern/userboot.c reads it)
static uint64_t boot_instret_kmain;
static uint64_t boot_load_pa, boot_dtb_pa;
static const char *svpbmt_note = "no";
static uint8_t emergency_stack[8192] __attribute__((aligned(16)));

extern char boot_stack_bottom[], boot_stack_top[];
extern char __kernel_start[], __text_end[], __rodata_end[], __data_start[], __bss_start[], __kernel_end[];
void call_on_stack(uint64_t top, void (*fn)(void));

static void kmain_on_kstack(void) __attribute__((noreturn));

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void read_device_tree(uint64_t dtb_pa) {
    uint64_t head;
    if (dtb_pa == 0 || (dtb_pa & 7)) panic("no usable device tree pointer in a1 (%p)", (void *)dtb_pa);
    const uint8_t *blob = physmap_va(pa(dtb_pa));
    if (probe_read_u64((uint64_t)blob, &head)) panic("device tree at %p is not readable", (void *)dtb_pa);
    uint32_t total = be32(blob + 4);
    if (total > DTB_MAX_SIZE) panic("device tree at %p: totalsize %u is over 2 MiB", (void *)dtb_pa, total);
    const char *why = "?";
    zx_status_t st = dt_parse(blob, total, &dt, &why);
    if (st != ZX_OK) panic("device tree at %p refused (%d): %s", (void *)dtb_pa, st, why);
}

void kmain(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa, uint64_t instret0) {
    boot_instret_kmain = csr_read_instret();
    boot_instret_entry = instret0;
    boot_load_pa = load_pa;
    boot_dtb_pa = dtb_pa;

    struct hart *h = &harts[0];
    h->hartid = (uint32_t)hartid;
    h->index = 0;
    h->start_state = HART_ONLINE;
    h->online = true;
    h->kstack_lo = (uint64_t)boot_stack_bottom;
    h->kstack_top = (uint64_t)boot_stack_top;
    h->emerg_top = (uint64_t)emergency_stack + sizeof(emergency_stack);
    __asm__ volatile("mv tp, %0" ::"r"(h));
    trap_init_hart();
    console_init_sbi();
    kprintf("\nzxrv: kernel entered on hart %lu, DTB at %p, image at %p\n", hartid, (void *)dtb_pa,
            (void *)load_pa);

    read_device_tree(dtb_pa);
    bootargs_set(dt.bootargs);
    shutdown_set_semihosting(bootarg_flag("semihosting"));

    uint64_t image_size = (uint64_t)__kernel_end - (uint64_t)__kernel_start;
    struct page_reservation extra[4] = {
        {load_pa, image_size, "kernel image"},
        {dtb_pa, dt.totalsize, "device tree blob"},
        {load_pa >= (2u << 20) ? load_pa - (2u << 20) : 0, load_pa >= (2u << 20) ? (2u << 20) : load_pa,
         "below the kernel (firmware)"},
        {dt.initrd_start, dt.initrd_end > dt.initrd_start ? dt.initrd_end - dt.initrd_start : 0, "boot archive (initrd)"},
    };
    page_alloc_init(&dt, extra, 4);
    page_cache_enable(true);
    kaspace_init(&dt, load_pa, dtb_pa);
    h->asid_bits = (uint8_t)kaspace_asid_bits();
    // Memory types before the first ioremap (the console's), so device
    // registers get IO. The harts started later have Svpbmt too (all usable
    // harts must), and OpenSBI sets PBMTE on each.
    if (board_all_harts_svpbmt(&dt, (unsigned)hartid))
        svpbmt_note = kaspace_enable_svpbmt() ? "yes" : "no (menvcfg.PBMTE left clear by the firmware)";

    uint64_t top, lo;
    if (kstack_alloc(&top, &lo) != ZX_OK) panic("no memory for the boot hart's kernel stack");
    h->kstack_top = top;
    h->kstack_lo = lo;
    call_on_stack(top, kmain_on_kstack);
    __builtin_unreachable();
}

static bool hart_is_online(uint32_t hartid) {
    uint64_t online = smp_online_mask();
    for (unsigned i = 0; i < hart_count; i++)
        if (harts[i].hartid == hartid) return (online >> i) & 1;
    return false;
}

static void print_banner(void) {
    struct buddy *b = page_buddy();
    kprintf("\nzxrv 0.1.0: a Zircon-style microkernel for RISC-V (RV64, Sv39)\n");
    kprintf("model:      %s\n", dt.model[0] ? dt.model : "(none)");
    char online[128];
    smp_describe(online, sizeof(online));
    kprintf("boot hart:  %u\n", this_hart()->hartid);
    kprintf("harts:      %s\n", online);
    for (unsigned i = 0; i < dt.n_cpus; i++) {
        const struct dt_cpu *c = &dt.cpus[i];
        const char *state = c->hartid == this_hart()->hartid ? "running (boot)"
                            : hart_is_online(c->hartid)     ? "running"
                                                            : board_hart_state(c);
        kprintf("  hart %-3u %-8s %-12s %s\n", c->hartid, c->okay ? "okay" : "disabled",
                c->mmu_type[0] ? c->mmu_type : "no-mmu", state);
        kprintf("           isa %s\n", c->isa);
    }
    kprintf("timebase:   %lu Hz\n", dt.timebase_frequency);
    kprintf("bootargs:   \"%s\"\n", dt.bootargs);
    kprintf("console:    %s (stdout-path %s)\n", console_driver_name(),
            dt.stdout_path[0] ? dt.stdout_path : "(none)");
    kprintf("memory:\n");
    for (unsigned i = 0; i < dt.n_memory; i++)
        kprintf("  [%p, %p) %lu MiB\n", (void *)dt.memory[i].base,
                (void *)(dt.memory[i].base + dt.memory[i].size), dt.memory[i].size >> 20);
    kprintf("reserved:\n");
    for (unsigned i = 0; i < page_reserved_count; i++)
        kprintf("  [%p, %p) %s\n", (void *)page_reserved[i].base,
                (void *)(page_reserved[i].base + page_reserved[i].size), page_reserved[i].what);
    kprintf("mmio resource map (%u ranges%s):\n", dt.n_mmio, dt.truncated ? ", TRUNCATED" : "");
    for (unsigned i = 0; i < dt.n_mmio; i++) {
        const struct dt_mmio *m = &dt.mmio[i];
        char irqs[48] = "";
        unsigned n = 0;
        for (unsigned k = 0; k < m->n_irqs && n < sizeof(irqs); k++)
            n += (unsigned)ksnprintf(irqs + n, sizeof(irqs) - n, "%s%u", k ? "," : " irq ", m->irqs[k]);
        kprintf("  [%p, %p) %-28s %s%s%s\n", (void *)m->base, (void *)(m->base + m->size), m->path,
                m->compatible, (m->flags & DT_MMIO_INTC) ? " [intc]" : "", irqs);
    }
    char plic[128];
    plic_describe(plic, sizeof(plic));
    kprintf("interrupts: %s\n", plic);
    kprintf("free pages: %lu (%lu MiB); blocks by order:", buddy_free_pages(b), buddy_free_pages(b) >> 8);
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) kprintf(" %u:%lu", o, buddy_free_blocks(b, o));
    kprintf("\n");
    uint64_t ks = (uint64_t)__kernel_start;
    kprintf("kernel:     pa %p, text %lu KiB, rodata %lu KiB, data %lu KiB, bss %lu KiB\n",
            (void *)boot_load_pa, ((uint64_t)__text_end - ks) >> 10,
            ((uint64_t)__rodata_end - (uint64_t)__text_end) >> 10,
            ((uint64_t)__bss_start - (uint64_t)__data_start) >> 10,
            ((uint64_t)__kernel_end - (uint64_t)__bss_start) >> 10);
    kprintf("paging:     Sv39, %u ASID bits (%u used), kernel ASID 0; stack guard below %p\n", smp_asid_bits(),
            aspace_asid_bits(),
            (void *)this_hart()->kstack_lo);
    kprintf("svpbmt:     %s\n", svpbmt_note);
    kprintf("timer:      %s at %u Hz on each hart, and a deadline queue of kernel timers per hart\n", timer_method(),
            timer_hz());
    kprintf("timers:     a timer object is %lu bytes (a %lu-byte heap block), its kernel timer included\n",
            (unsigned long)sizeof(struct timer_obj), (unsigned long)kheap_block_size(sizeof(struct timer_obj)));
    kprintf("lockdep:    %s\n", lockdep_active() ? "on (lock order checked)" : "off");
    kprintf("shutdown:   %s\n", shutdown_method());
    uint64_t now = csr_read_instret();
    kprintf("boot:       instret %lu from kernel entry to banner, %lu before the kernel"
            " (instructions under -icount; host time otherwise)\n",
            now - boot_instret_entry, boot_instret_entry);
}

static void kmain_on_kstack(void) {
    board_attach_console(&dt);
    board_attach_poweroff(&dt);

    char ld[8];
    lockdep_init(!(bootarg_value("lockdep", ld, sizeof(ld)) && !strcmp(ld, "off")));

    unsigned hz = (unsigned)bootarg_uint("timer.hz", 100);
    bool sstc = true;  // Sstc only if every hart we run on has it
    for (unsigned i = 0; i < dt.n_cpus; i++)
        if (board_hart_usable(&dt.cpus[i]) && !board_hart_has_ext(&dt, dt.cpus[i].hartid, "sstc")) sstc = false;
    if (!timer_init(dt.timebase_frequency, hz, sstc) && !timer_init(dt.timebase_frequency, 100, sstc))
        panic("timer: no usable timebase-frequency in the device tree");
    csr_write_scounteren(0x7);  // user mode may read cycle, time and instret
    sched_init_hart();
    csr_set_sie(SIE_SSIE);  // IPIs
    plic_init(&dt);
    plic_hart_init();  // device interrupts (sie.SEIE)
    smp_start_harts(&dt);
    // ASIDs: the narrowest width of the harts online, or fewer (asid.bits).
    // No address space exists yet.
    unsigned asid_bits = smp_asid_bits();
    uint64_t want = bootarg_uint("asid.bits", asid_bits);
    aspace_init(want < asid_bits ? (unsigned)want : asid_bits);
    irq_enable();

    print_banner();
    (void)boot_instret_kmain;
    (void)boot_dtb_pa;

    if (bootarg_flag("test")) {
        int failed = selftest_run(&dt);
        kprintf("timer ticks so far: %lu\n", timer_ticks());
        machine_exit(failed ? 1 : 0);
    }
    char what[16];
    if (bootarg_value("panic", what, sizeof(what))) selftest_provoke_panic(what);
    if (bootarg_flag("poweroff")) {
        kprintf("poweroff requested after %lu timer ticks\n", timer_ticks());
        machine_exit(0);
    }
    irq_disable();  // the kernel runs with interrupts off outside the idle loop
    handle_gone_hook = object_handle_gone;  // closing a handle cancels its waits
    resource_init_from_dt(&dt);  // the root filter: what MMIO and IRQ resources may grant
    devices_init(&dt);           // ZXRV_INFO_DEVICES
    if (dt.initrd_end > dt.initrd_start) {
        userboot_start(&dt, dt.bootargs);
    } else {
        kprintf("zxrv: no boot archive (-initrd): nothing to run; idling.\n");
    }
    sched_run_idle();
}
