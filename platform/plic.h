// The platform-level interrupt controller (RISC-V PLIC: "riscv,plic0",
// "sifive,plic-1.0.0"), as the device tree describes it (platform/dt.h,
// struct dt_plic).
//
// The kernel drives only the supervisor contexts of the harts it runs on.
// Every source starts masked (priority 0) and enabled on no context. A
// source with a handler is enabled on exactly one hart's context (its route)
// and can be moved to another; masking is done with its priority (0 =
// masked, 1 = live), so moving and masking never race with each other.
//
// The trap path (plic_handle_irq, for a supervisor external interrupt)
// claims a source, masks it, completes it at once and calls its handler with
// the claim's timestamp. The handler says whether the source stays masked:
// a level-triggered source stays masked until its owner unmasks it
// (zx_interrupt_ack or zx_interrupt_wait), so a driver that never acks
// cannot storm the kernel; an edge-triggered one is unmasked right away.
//
// Locking: plic_lock (a leaf below nothing but the scheduler lock) guards
// the handler table and the enable bits; handlers run with it held, so once
// plic_unregister returns the handler is not running and never will. Never
// call plic_register/unregister/route with the scheduler lock held (the
// handlers take it). plic_mask and plic_unmask are single register writes
// and take no lock: they may be called anywhere.
#ifndef PLATFORM_PLIC_H
#define PLATFORM_PLIC_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

struct dt_info;

// Returns true to leave the source masked (level), false to unmask it now.
typedef bool (*plic_handler_fn)(void *arg, uint32_t src, zx_time_t timestamp);

// Map the PLIC, mask every source, disable it on every supervisor context
// and note which context belongs to which hart. On the boot hart, before the
// others start. False (with the reason printed) if there is no usable PLIC.
bool plic_init(const struct dt_info *dt);
// This hart: threshold 0 on its supervisor context, and sie.SEIE.
void plic_hart_init(void);
bool plic_present(void);
// Sources are 1..plic_sources().
uint32_t plic_sources(void);
// The hart index (kern/hart.h) of `hartid` has a supervisor context.
bool plic_hart_has_context(unsigned hart_index);

// Attach fn(arg) to `src`, routed to hart `hart_index` (or the first hart
// with a context if that one has none), masked. ZX_ERR_OUT_OF_RANGE for a
// source the PLIC does not have, ZX_ERR_ALREADY_BOUND if it has a handler,
// ZX_ERR_NOT_SUPPORTED without a PLIC.
zx_status_t plic_register(uint32_t src, plic_handler_fn fn, void *arg, unsigned hart_index);
// Mask `src`, disable it everywhere and detach its handler; waits for a
// handler running on another hart to return.
void plic_unregister(uint32_t src);
// Move `src` to hart `hart_index`. ZX_ERR_INVALID_ARGS if that hart has no
// context, ZX_ERR_BAD_STATE if src has no handler.
zx_status_t plic_route(uint32_t src, unsigned hart_index);
// The hart index src is routed to, or -1.
int plic_route_of(uint32_t src);
// ZX_INTERRUPT_MODE_* the device tree gives `src` (level high if no node
// names it: the PLIC's gateways are level-sensitive).
uint32_t plic_default_mode(uint32_t src);
void plic_mask(uint32_t src);
void plic_unmask(uint32_t src);

// The trap path: claim and dispatch every pending source of this hart.
void plic_handle_irq(void);
// Interrupts claimed on hart `hart_index` since boot (spurious ones included).
uint64_t plic_claims(unsigned hart_index);
// What the banner prints: "riscv,plic0 at 0x0c000000, 95 sources, 4 contexts".
void plic_describe(char *buf, unsigned cap);

#endif
