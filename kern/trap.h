// Trap frames and the trap dispatcher.
#ifndef KERN_TRAP_H
#define KERN_TRAP_H

#define TRAP_FRAME_SIZE (36 * 8)
#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE (34 * 8)
#define TF_STVAL (35 * 8)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

// x[0] holds nothing (x0 is zero); x[i] is register xi as it was at the trap.
struct trap_frame {
    uint64_t x[32];
    uint64_t sepc, sstatus, scause, stval;
};
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap.S frame layout");
_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "trap.S frame layout");
_Static_assert(offsetof(struct trap_frame, stval) == TF_STVAL, "trap.S frame layout");

void trap_init_hart(void);
void trap_handle(struct trap_frame *tf);
const char *trap_cause_name(uint64_t scause);
void trap_dump_frame(const struct trap_frame *tf);

// Read 8 bytes at addr, surviving a fault: ZX_OK, or the scause of the fault
// as a negative number. Used by self-tests and the backtrace walker.
int64_t probe_read_u64(uint64_t addr, uint64_t *out);
int64_t probe_write_u64(uint64_t addr, uint64_t v);
#endif
#endif
