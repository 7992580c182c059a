// What differs between boards, decided from the device tree: which console
// driver to use, the power-off device, hart states and ISA extensions.
#ifndef PLATFORM_BOARD_H
#define PLATFORM_BOARD_H

#include <stdbool.h>

#include "platform/dt.h"

// Map the /chosen/stdout-path UART and switch the console to it; stay on
// the SBI console (with a message) if it is missing or unsupported.
void board_attach_console(const struct dt_info *dt);
// Map a "sifive,test0" device for machine_exit(), if the DT has one.
void board_attach_poweroff(const struct dt_info *dt);
// "stopped (parked)", "started", ... from SBI HSM for a hart that is not ours.
const char *board_hart_state(const struct dt_cpu *c);
// True if the kernel may run on this hart: `status` okay (or absent), an
// `mmu-type` of riscv,sv39, sv48 or sv57 (an MMU with satp implies S-mode)
// and a `riscv,isa` of rv64 with the A extension. The E51 monitor core of
// the FU540/FU740 (no mmu-type) is never usable.
bool board_hart_usable(const struct dt_cpu *c);
// True if hart `hartid`'s riscv,isa string lists multi-letter extension `ext`.
bool board_hart_has_ext(const struct dt_info *dt, unsigned hartid, const char *ext);
// True if every hart the kernel may run on (status okay, with an MMU) has
// Svpbmt, the boot hart among them: one page-table format for all of them.
bool board_all_harts_svpbmt(const struct dt_info *dt, unsigned boot_hartid);
#endif
