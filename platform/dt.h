// What the kernel learns from the flattened device tree.
//
// dt_parse() validates the blob completely (platform/fdt.c) before reading
// anything, and every later read is bounds checked, so a hostile or truncated
// blob is refused with a message and never read out of bounds.
//
// The MMIO resource map is the sorted, non-overlapping list of physical ranges
// that device nodes occupy, their `reg` translated to CPU physical addresses
// through every ancestor's `ranges` (a node whose ancestor has no `ranges` is
// not memory mapped and is left out). RAM (/memory), /memreserve/ and
// /reserved-memory ranges (firmware) are cut out of it; overlapping device
// ranges are merged into one entry that keeps the first node's path.
// It later decides what zx_vmo_create_physical may grant.
#ifndef PLATFORM_DT_H
#define PLATFORM_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#define DT_MAX_MEM 16
#define DT_MAX_RESERVED 32
#define DT_MAX_CPUS 32
#define DT_MAX_MMIO 128
#define DT_PATH_LEN 96
#define DT_COMPAT_LEN 48
#define DT_NAME_LEN 64
#define DT_MAX_IRQS 4  // interrupts kept per device node

struct dt_range {
    uint64_t base, size;
};

struct dt_reserved {
    uint64_t base, size;
    char name[DT_NAME_LEN];  // "/memreserve/" or the /reserved-memory child's node name
};

struct dt_cpu {
    uint32_t hartid;          // from `reg`
    bool okay;                // `status` absent or "okay"
    char isa[DT_NAME_LEN * 2];  // `riscv,isa` (truncated to fit, NUL terminated)
    char mmu_type[24];        // `mmu-type` ("riscv,sv39"...), "" if absent
    bool svpbmt;              // Svpbmt: "_svpbmt" in the whole `riscv,isa`, or
                              // "svpbmt" in the `riscv,isa-extensions` list
};

#define DT_MMIO_INTC 0x1u  // node is an interrupt controller (PLIC, CLINT, ACLINT, APLIC, IMSIC)

struct dt_mmio {
    uint64_t base, size;
    uint32_t flags;                // DT_MMIO_*
    char path[DT_PATH_LEN];        // full node path, e.g. "/soc/serial@10000000"
    char compatible[DT_COMPAT_LEN];  // first `compatible` string, "" if none
    // The node's interrupts at the PLIC (dt_info.plic), from `interrupts`
    // (its `interrupt-parent`, inherited from the nearest ancestor that has
    // one) or `interrupts-extended`; specifiers for other controllers are
    // skipped. Modes are ZX_INTERRUPT_MODE_*: the PLIC's one-cell specifiers
    // are level-high; a second cell is read as Linux's IRQ_TYPE_* flags.
    uint32_t n_irqs;
    uint32_t irqs[DT_MAX_IRQS];
    uint32_t irq_modes[DT_MAX_IRQS];
};

// The platform-level interrupt controller (the first available node that is
// "riscv,plic0" or "sifive,plic-1.0.0") and its supervisor-mode contexts:
// entry i of `interrupts-extended` is context i; it belongs to the hart whose
// cpu node holds the referenced interrupt controller, and it is a
// supervisor context when its cause is 9 (supervisor external interrupt).
struct dt_plic_context {
    uint32_t hartid;
    uint32_t index;  // context number at the PLIC
};
struct dt_plic {
    bool present;
    uint64_t base, size;
    uint32_t ndev;  // `riscv,ndev`: sources 1..ndev
    uint32_t n_contexts;  // all contexts (M and S), for the register span
    uint32_t n_scontexts;
    struct dt_plic_context scontexts[DT_MAX_CPUS];
    char path[DT_PATH_LEN];
};

// The console named by /chosen/stdout-path (empty compatible if none/unknown).
struct dt_console {
    uint64_t base, size;
    uint32_t reg_shift;     // `reg-shift`, default 0
    uint32_t reg_io_width;  // `reg-io-width`, default 1
    uint32_t clock_frequency;
    char compatible[DT_COMPAT_LEN];  // first compatible of the stdout node
};

struct dt_info {
    uint32_t totalsize;          // header totalsize of the blob
    char model[DT_NAME_LEN];     // root `model`, "" if absent
    char bootargs[256];          // /chosen `bootargs`
    char stdout_path[DT_PATH_LEN];  // /chosen `stdout-path` (without ":options")
    uint64_t initrd_start, initrd_end;  // /chosen linux,initrd-start/-end, 0 if absent
    uint64_t timebase_frequency;        // /cpus `timebase-frequency` (or the cpu node's)
    struct dt_range memory[DT_MAX_MEM];
    unsigned n_memory;
    struct dt_reserved reserved[DT_MAX_RESERVED];
    unsigned n_reserved;
    struct dt_cpu cpus[DT_MAX_CPUS];
    unsigned n_cpus;
    struct dt_mmio mmio[DT_MAX_MMIO];
    unsigned n_mmio;
    struct dt_console console;
    struct dt_plic plic;
    uint64_t poweroff_base;  // reg base of a "sifive,test0"-compatible node, 0 if none
    bool truncated;          // some table above was full and entries were dropped
};

// Validate the blob at `blob` (which may be read for at most `avail` bytes) and
// fill `out`. ZX_ERR_INVALID_ARGS / ZX_ERR_IO_DATA_INTEGRITY / ZX_ERR_OUT_OF_RANGE
// on a bad blob, with *why pointing to a static message.
//
// `avail` is how many bytes at `blob` the caller vouches are mapped and
// readable; the header's totalsize must not exceed it and nothing past
// totalsize is ever read. A caller that does not know the size may pass the
// header's own totalsize once it has capped it (kern/main.c: <= 2 MiB) and
// made sure that much is mapped. `why` may be NULL; on failure *out is all
// zero. The interpretation rules (cells, ranges, status, merging, cutting,
// saturation) are listed at the top of platform/dt.c.
zx_status_t dt_parse(const void *blob, size_t avail, struct dt_info *out, const char **why);

// True if the riscv,isa string `isa` lists multi-letter extension `ext`
// (after an '_', up to the next '_' or the end).
bool isa_has_ext(const char *isa, const char *ext);

#endif
