// Sv39 page tables: map, unmap, protect and lookup.
//
//   VA bits: 38..30 VPN[2] | 29..21 VPN[1] | 20..12 VPN[0] | 11..0 offset
//   Leaves: 1 GiB at level 2, 2 MiB at level 1, 4 KiB at level 0.
//
// Tables are 4 KiB frames obtained from a pt_allocator and reached through
// physmap_va(); intermediate tables are freed when they become empty (never
// the root). Leaves are written with A and D set (cores may not set them in
// hardware) and V. pt functions fence the TLB themselves through mm/tlb.h;
// callers never issue sfence.vma.
//
// Every operation validates first and then commits: on any error the tables
// are exactly as before and no table frame is leaked.
//
// Locking: pt->lock guards the tables; every public function takes it.
// Lock order: pt lock, then the allocator's lock.
#ifndef MM_PT_H
#define MM_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "mm/addr.h"

// Mapping flags (the module translates them to PTE bits).
#define PT_READ 0x01u
#define PT_WRITE 0x02u
#define PT_EXEC 0x04u
#define PT_USER 0x08u
#define PT_GLOBAL 0x10u
#define PT_SMALL 0x20u  // pt_map only: use 4 KiB leaves even where larger fit
// Memory type (Svpbmt, at most one of the two; neither: the platform's PMAs).
// Honoured only after pt_set_svpbmt(true); otherwise dropped, so the PTE's
// PBMT bits stay zero as they must without Svpbmt (or with menvcfg.PBMTE
// clear), and pt_lookup reports what the PTE holds.
#define PT_NC 0x40u  // non-cacheable, idempotent, weakly ordered main memory
#define PT_IO 0x80u  // non-cacheable, non-idempotent, strongly ordered I/O

#define PT_SIZE_4K (1ull << 12)
#define PT_SIZE_2M (1ull << 21)
#define PT_SIZE_1G (1ull << 30)

// Sv39 PTE bits.
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PBMT_NC (1ull << 61)  // Svpbmt: bits 62..61 of a leaf, 0 = PMA, 3 reserved
#define PTE_PBMT_IO (2ull << 61)
#define PTE_PBMT_MASK (3ull << 61)

struct pt_allocator {
    // Return one 4 KiB frame (contents need not be zero) or an error.
    zx_status_t (*alloc)(void *ctx, paddr_t *out);
    void (*free)(void *ctx, paddr_t p);
    void *ctx;
};

struct pt {
    struct spinlock lock;
    paddr_t root;
    // The ASID in satp for this table. A user table's may change when the
    // ASID generation rolls over (mm/aspace.c); read it atomically.
    uint16_t asid;
    bool kernel;     // the kernel's table (global leaves): fences go to every hart
    uint64_t harts;  // hart indices that may cache its entries (mm/aspace.c; atomic)
    const struct pt_allocator *alloc;
    uint64_t tables;  // table frames in use, the root included
};

// Allocate and zero a root table. ZX_ERR_NO_MEMORY on failure.
zx_status_t pt_init(struct pt *pt, const struct pt_allocator *alloc, uint16_t asid);

// Free every table frame (not the mapped frames). The pt is unusable afterwards.
void pt_destroy(struct pt *pt);

// Map [v, v+len) to [p, p+len). v, p, len page aligned, len > 0, v canonical
// Sv39 and the range not wrapping; flags must include PT_READ or PT_EXEC (or both),
// never PT_WRITE without PT_READ, never PT_WRITE with PT_EXEC (W^X), never
// PT_NC with PT_IO.
// Uses the largest leaf whose size divides v, p and the remaining length, unless
// PT_SMALL. Errors: ZX_ERR_INVALID_ARGS (bad args), ZX_ERR_ALREADY_EXISTS (some
// page of the range is already mapped), ZX_ERR_NO_MEMORY. On error nothing changes.
zx_status_t pt_map(struct pt *pt, vaddr_t v, paddr_t p, size_t len, unsigned flags);

// Unmap [v, v+len); holes are skipped. A large leaf only partly covered is split
// first (which may need tables: ZX_ERR_NO_MEMORY, nothing changed). Tables left
// empty are freed. ZX_ERR_INVALID_ARGS for misaligned/non-canonical ranges.
zx_status_t pt_unmap(struct pt *pt, vaddr_t v, size_t len);

// Change the flags of every page in [v, v+len) (same flag rules as pt_map,
// PT_SMALL ignored; the memory type is replaced too, so pass it again). Large
// leaves partly covered are split. ZX_ERR_NOT_FOUND if any page in the range
// is unmapped (nothing changed).
zx_status_t pt_protect(struct pt *pt, vaddr_t v, size_t len, unsigned flags);

// Translate v. ZX_ERR_NOT_FOUND if unmapped. Any out pointer may be NULL.
// *out_pa is the exact physical address of v (offset included); *out_flags the
// PT_* flags of the leaf; *out_leaf its size.
zx_status_t pt_lookup(struct pt *pt, vaddr_t v, paddr_t *out_pa, unsigned *out_flags,
                      size_t *out_leaf);

// The satp value that activates this table (mode Sv39, asid, root PPN).
uint64_t pt_satp(const struct pt *pt);

// Whether PT_NC / PT_IO reach the PTEs (default false). Set once at boot,
// before any mapping that asks for a memory type, when every hart has Svpbmt
// and the firmware enabled it (mm/kaspace.c); the host tests flip it freely.
void pt_set_svpbmt(bool on);
bool pt_svpbmt(void);

// The memory-type flag for a VMO cache policy (ZX_CACHE_POLICY_*) in a user
// mapping: CACHED -> none (PMA), WRITE_COMBINING -> PT_NC, UNCACHED and
// UNCACHED_DEVICE -> PT_IO (the reasons are at the definition, mm/pt.c).
unsigned pt_cache_policy_flags(uint32_t policy);

#endif
