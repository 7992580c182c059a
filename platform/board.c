// Board-specific choices made from the device tree (see platform/board.h).
#include "platform/board.h"

#include "kern/console.h"
#include "kern/printf.h"
#include "kern/sbi.h"
#include "kern/shutdown.h"
#include "kern/string.h"
#include "mm/kaspace.h"
#include "platform/uart.h"

static struct console_driver board_console;

void board_attach_console(const struct dt_info *dt) {
    const struct dt_console *c = &dt->console;
    zx_status_t (*attach)(const struct dt_console *, volatile void *, struct console_driver *) = 0;
    if (!strcmp(c->compatible, "ns16550a") || !strcmp(c->compatible, "ns16550"))
        attach = ns16550_attach;
    else if (!strcmp(c->compatible, "sifive,uart0"))
        attach = sifive_uart_attach;
    if (!attach || c->size == 0) {
        kprintf("console: no driver for \"%s\" (stdout-path \"%s\"); staying on %s\n", c->compatible,
                dt->stdout_path, console_driver_name());
        return;
    }
    void *regs = ioremap(c->base, c->size);
    if (!regs) {
        kprintf("console: cannot map %s registers at %p\n", c->compatible, (void *)c->base);
        return;
    }
    if (attach(c, regs, &board_console) != ZX_OK) {
        kprintf("console: %s at %p has unsupported parameters\n", c->compatible, (void *)c->base);
        return;
    }
    console_set_driver(&board_console);
}

void board_attach_poweroff(const struct dt_info *dt) {
    if (!dt->poweroff_base) return;
    void *regs = ioremap(dt->poweroff_base, 4);
    if (regs) shutdown_set_test_device(regs);
}

const char *board_hart_state(const struct dt_cpu *c) {
    if (!c->okay) return "not usable";
    if (!c->mmu_type[0]) return "no MMU, never started";
    if (!board_hart_usable(c)) return "no Sv39 MMU or no A extension, never started";
    switch (sbi_hart_status(c->hartid)) {
    case 0: return "started (not by us!)";
    case 1: return "stopped, parked in firmware";
    case 2: return "start pending";
    case 3: return "stop pending";
    case 4: return "suspended";
    default: return "unknown (no SBI HSM)";
    }
}

bool board_hart_usable(const struct dt_cpu *c) {
    if (!c->okay) return false;
    if (strcmp(c->mmu_type, "riscv,sv39") && strcmp(c->mmu_type, "riscv,sv48") && strcmp(c->mmu_type, "riscv,sv57"))
        return false;
    // rv64 with the A extension (spinlocks and the page counters are atomics):
    // the single letters run from "rv64" to the first '_' (or the end).
    if (strncmp(c->isa, "rv64", 4) != 0) return false;
    for (const char *p = c->isa + 4; *p && *p != '_'; p++)
        if (*p == 'a' || *p == 'g') return true;
    return false;
}

bool board_hart_has_ext(const struct dt_info *dt, unsigned hartid, const char *ext) {
    for (unsigned i = 0; i < dt->n_cpus; i++)
        if (dt->cpus[i].hartid == hartid) return isa_has_ext(dt->cpus[i].isa, ext);
    return false;
}

bool board_all_harts_svpbmt(const struct dt_info *dt, unsigned boot_hartid) {
    bool boot = false;
    for (unsigned i = 0; i < dt->n_cpus; i++) {
        const struct dt_cpu *c = &dt->cpus[i];
        if (c->hartid == boot_hartid) boot = c->svpbmt;
        if (c->okay && c->mmu_type[0] && !c->svpbmt) return false;
    }
    return boot;
}
