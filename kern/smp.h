// Harts: bring-up through SBI HSM and inter-hart requests through SBI IPI.
//
// The boot hart (slot 0, any hart id) starts every other hart that
// board_hart_usable() accepts, one at a time, and waits for each to come
// online (a bounded wait: a hart that fails to start or does not come up is
// reported and skipped, never fatal). A started hart sets up its own trap
// vector, sscratch/tp, timer and idle thread and enters the scheduler.
//
// IPIs: smp_send_ipi sets request bits in the target's mailbox (struct
// hart.ipi_pending) and sends an SBI IPI; the target's supervisor software
// interrupt handler (smp_handle_ipi) takes them all at once. Kernel code
// runs with interrupts off, so a request is seen when the target returns to
// user mode or idles; an IPI to a hart in wfi wakes it.
#ifndef KERN_SMP_H
#define KERN_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "kern/hart.h"
#include "platform/dt.h"

// Start the other harts (boot hart, after the kernel's page table, the
// allocator, the boot hart's timer and the scheduler are up). Returns the
// number of harts online.
unsigned smp_start_harts(const struct dt_info *dt);
// The narrowest ASID width of the harts online (each probes its own).
unsigned smp_asid_bits(void);
// "4 (0,1,2,3)": for the banner.
void smp_describe(char *buf, unsigned size);

void smp_send_ipi(unsigned index, uint32_t request);
// Send `request` to every online hart in the bit mask of hart indices.
void smp_send_ipi_mask(uint64_t index_mask, uint32_t request);
// The software-interrupt handler (kern/trap.c). Returns the requests taken.
uint32_t smp_handle_ipi(void);
// Stop every other hart (panic): they park with interrupts off.
void smp_stop_others(void);

// Bit mask of the indices of the harts online, and how many.
uint64_t smp_online_mask(void);
unsigned smp_online_count(void);
// IPIs taken by all harts together (a counter for tests).
uint64_t smp_ipis_received(void);
#endif
