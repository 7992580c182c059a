// Sv39 page tables (see mm/pt.h).
//
// Virtual address (canonical: bits 63..39 are copies of bit 38):
//
//    63         39 38      30 29      21 20      12 11           0
//   +-------------+----------+----------+----------+--------------+
//   | sign (= 38) |  VPN[2]  |  VPN[1]  |  VPN[0]  |    offset    |
//   +-------------+----------+----------+----------+--------------+
//                   level 2    level 1    level 0
//                   (root)
//   A leaf at level 2 maps 1 GiB, at level 1 2 MiB, at level 0 4 KiB.
//   Lower half: 0 .. 0x0000003fffffffff; upper half: 0xffffffc000000000 .. ~0.
//
// PTE: 63 N (0) | 62..61 PBMT | 60..54 reserved (0) | 53..10 PPN | 9..8 RSW | D A G U X W R V
//
// Invariants (whenever pt->lock is free):
//   - A valid entry is either a leaf (R or X set) or a pointer to the next
//     table (V only: R, W, X, U, G, A, D clear, as the spec requires of
//     non-leaf entries). Level-0 entries are never pointers.
//   - A leaf at level L maps a block of 4 KiB << 9L whose VA and PA are both
//     aligned to that size.
//   - Leaves carry V | A | D always (D on read-only leaves too: harmless, and
//     cores without hardware A/D updating then never fault on them), R/W/X,
//     U and G from the PT_* flags; never W without R, never W with X.
//   - PBMT (Svpbmt memory type) is NC or IO only in leaves, only from PT_NC /
//     PT_IO, and only while pt_svpbmt(); otherwise it is 0 everywhere (the
//     bits are reserved without Svpbmt, and in non-leaf entries always).
//   - Every table except the root holds at least one valid entry: a table
//     that becomes empty is unlinked and freed. The root lives until
//     pt_destroy.
//   - pt->tables == 1 (root) + the number of tables reachable from the root,
//     and these are exactly the frames this pt holds from pt->alloc.
//   - Table memory is only touched through physmap_va(); a frame is zeroed
//     (or completely filled) before it is linked, and never touched after it
//     is returned to the allocator.
//
// Prepare, then commit: every operation first validates its arguments and
// walks the range without writing anything, finding what would fail
// (ALREADY_EXISTS, NOT_FOUND) and counting the tables it will need (missing
// intermediate tables for pt_map, tables to split partly covered large
// leaves for pt_unmap/pt_protect). It then allocates exactly that many
// frames into a private chain (linked through the frames' own first word;
// they are not reachable by any walker). If an allocation fails, the chain
// is returned to the allocator and the call fails with nothing changed. Only
// then does the commit walk modify live entries; it cannot fail.
//
// TLB (mm/tlb.h; sfence.vma semantics of the privileged spec):
//   - invalid -> valid (new leaves, new tables linked into invalid entries):
//     no fence, so pt_map never fences. The spec lets this fence be lazy:
//     without Svvptc a hart may still take one spurious page fault on the
//     new mapping, after which the fault handler must sfence.vma and retry.
//   - A changed or removed leaf is recorded; at the end of the operation
//     (before the lock is dropped) up to PT_FLUSH_PAGES leaves are fenced one
//     by one with tlb_flush_page(pt, va), more with tlb_flush_pt(pt).
//   - A changed non-leaf entry (a leaf split into a table, a table unlinked)
//     needs a fence with rs1 = x0: tlb_flush_pt(pt).
//   - Every fence reaches every hart that may cache the table's entries
//     (mm/tlb.h: pt->harts, through SBI RFENCE), before the lock is dropped.
//   - If any leaf changed by the operation is (or becomes) global, the
//     fence must not be ASID-specific: tlb_flush_all().
//   - Unlinked tables are returned to the allocator only after that fence
//     (a walker may still hold the old pointer until then); they are batched
//     PT_FREE_BATCH at a time, fencing whenever the batch is full.
//
// Locking: pt->lock (spin_lock_irqsave) is held by every public function
// except pt_init (nothing to race with yet) and pt_satp (reads root and
// asid, which never change after pt_init). Lock order: pt->lock, then the
// allocator's lock (alloc/free are called with pt->lock held). The tlb_*
// functions take no lock.
#include "mm/pt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/addr.h"
#include "mm/physmap.h"
#include "mm/tlb.h"

#define PT_ENTRIES 512u
#define PT_TOP_LEVEL 2
#define PT_FLUSH_PAGES 16u  // above this many changed leaves, fence the whole ASID
#define PT_FREE_BATCH 16u   // unlinked tables waiting for the fence

#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_MASK (((1ull << 44) - 1) << PTE_PPN_SHIFT)  // PPN: bits 53..10
#define PTE_LEAF_BITS (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A | PTE_D | PTE_PBMT_MASK)
#define PA_LIMIT (1ull << 56)  // Sv39 physical addresses are 56 bits

#define PT_KNOWN_FLAGS (PT_READ | PT_WRITE | PT_EXEC | PT_USER | PT_GLOBAL | PT_SMALL | PT_NC | PT_IO)

static bool svpbmt;  // PT_NC / PT_IO reach the PTEs (pt_set_svpbmt)

// ---- entries ----------------------------------------------------------------

static inline uint64_t level_size(int lvl) { return 1ull << (PAGE_SHIFT + 9 * lvl); }
static inline unsigned vpn(uint64_t v, int lvl) { return (unsigned)(v >> (PAGE_SHIFT + 9 * lvl)) & 511u; }

static inline uint64_t pte_load(const uint64_t *e) { return __atomic_load_n(e, __ATOMIC_RELAXED); }
// Release: a table's contents are written before the entry that publishes it.
static inline void pte_store(uint64_t *e, uint64_t v) { __atomic_store_n(e, v, __ATOMIC_RELEASE); }

static inline bool pte_valid(uint64_t e) { return (e & PTE_V) != 0; }
static inline bool pte_is_leaf(uint64_t e) { return (e & PTE_RWX) != 0; }
// A valid entry at level lvl that maps memory (level 0 holds nothing else).
static inline bool pte_leaf_at(uint64_t e, int lvl) { return lvl == 0 || pte_is_leaf(e); }
static inline uint64_t pte_pa(uint64_t e) { return ((e & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << PAGE_SHIFT; }
static inline uint64_t pte_make(uint64_t p, uint64_t bits) { return ((p >> PAGE_SHIFT) << PTE_PPN_SHIFT) | bits; }
static inline uint64_t pte_table(paddr_t t) { return pte_make(pa_val(t), PTE_V); }

static inline uint64_t *table_va(paddr_t t) { return (uint64_t *)physmap_va(t); }
static inline uint64_t *pte_next(uint64_t e) { return table_va(pa(pte_pa(e))); }

static inline uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static uint64_t leaf_bits(unsigned flags) {
    uint64_t b = PTE_V | PTE_A | PTE_D;
    if (flags & PT_READ) b |= PTE_R;
    if (flags & PT_WRITE) b |= PTE_W;
    if (flags & PT_EXEC) b |= PTE_X;
    if (flags & PT_USER) b |= PTE_U;
    if (flags & PT_GLOBAL) b |= PTE_G;
    if (svpbmt && (flags & PT_NC)) b |= PTE_PBMT_NC;
    if (svpbmt && (flags & PT_IO)) b |= PTE_PBMT_IO;
    return b;
}

static unsigned leaf_flags(uint64_t e) {
    unsigned f = 0;
    if (e & PTE_R) f |= PT_READ;
    if (e & PTE_W) f |= PT_WRITE;
    if (e & PTE_X) f |= PT_EXEC;
    if (e & PTE_U) f |= PT_USER;
    if (e & PTE_G) f |= PT_GLOBAL;
    if ((e & PTE_PBMT_MASK) == PTE_PBMT_NC) f |= PT_NC;
    if ((e & PTE_PBMT_MASK) == PTE_PBMT_IO) f |= PT_IO;
    return f;
}

static bool table_empty(const uint64_t *t) {
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        if (pte_valid(pte_load(&t[i]))) return false;
    return true;
}

// ---- argument checks ----------------------------------------------------------

// Bits 63..38 all equal.
static inline bool canonical(uint64_t v) {
    uint64_t top = v >> 38;
    return top == 0 || top == (1ull << 26) - 1;
}

// [v, v+len) page aligned, non-empty, not wrapping, inside one canonical half.
// On success *last is the last byte of the range (inclusive: a range may end
// at 2^64).
static bool range_ok(uint64_t v, uint64_t len, uint64_t *last) {
    if (len == 0 || !is_page_aligned(v) || !is_page_aligned(len)) return false;
    uint64_t l = v + (len - 1);
    if (l < v) return false;  // wraps
    if (!canonical(v) || !canonical(l) || (v >> 38) != (l >> 38)) return false;
    *last = l;
    return true;
}

static bool flags_ok(unsigned flags) {
    if (flags & ~PT_KNOWN_FLAGS) return false;
    if (!(flags & (PT_READ | PT_EXEC))) return false;
    if ((flags & PT_WRITE) && !(flags & PT_READ)) return false;
    if ((flags & PT_WRITE) && (flags & PT_EXEC)) return false;  // W^X
    if ((flags & PT_NC) && (flags & PT_IO)) return false;
    return true;
}

// Base VA of the root's entry 0 for the half holding v (0, or the sign-extended 0xffffff8000000000).
static inline uint64_t root_base(uint64_t v) { return v & ~((1ull << 39) - 1); }

// ---- prepared frames and the commit state --------------------------------------

struct commit {
    struct pt *pt;
    paddr_t spare;   // chain of prepared frames: head, next in each frame's first word
    uint64_t nspare;
    uint64_t pages[PT_FLUSH_PAGES];  // changed leaves (any VA inside each), to fence
    unsigned npages;
    bool many;     // more than PT_FLUSH_PAGES leaves changed
    bool global;   // a changed leaf was or became global
    bool nonleaf;  // a non-leaf entry changed
    paddr_t freed[PT_FREE_BATCH];  // unlinked tables, returned after the fence
    unsigned nfreed;
};

static void spares_release(struct commit *c) {
    const struct pt_allocator *a = c->pt->alloc;
    while (c->nspare) {
        paddr_t f = c->spare;
        c->spare = pa(*table_va(f));
        c->nspare--;
        a->free(a->ctx, f);
    }
}

// Allocate n frames into the chain; on failure return them all.
static zx_status_t spares_get(struct commit *c, uint64_t n) {
    const struct pt_allocator *a = c->pt->alloc;
    while (c->nspare < n) {
        paddr_t f;
        if (a->alloc(a->ctx, &f) != ZX_OK) {
            spares_release(c);
            return ZX_ERR_NO_MEMORY;
        }
        *table_va(f) = pa_val(c->spare);
        c->spare = f;
        c->nspare++;
    }
    return ZX_OK;
}

// A prepared frame, not yet zeroed. The plan guarantees there is one.
static paddr_t spare_take(struct commit *c) {
    paddr_t f = c->spare;
    c->spare = pa(*table_va(f));
    c->nspare--;
    return f;
}

static void commit_init(struct commit *c, struct pt *pt) {
    memset(c, 0, sizeof(*c));
    c->pt = pt;
}

// Fence everything recorded so far, then return the unlinked tables.
// `global` stays set for the rest of the operation: a table unlinked later
// may have been walked for a global leaf removed before this fence.
static void commit_flush(struct commit *c) {
    if (c->global)
        tlb_flush_all();
    else if (c->nonleaf || c->many)
        tlb_flush_pt(c->pt);
    else
        for (unsigned i = 0; i < c->npages; i++) tlb_flush_page(c->pt, va(c->pages[i]));
    const struct pt_allocator *a = c->pt->alloc;
    for (unsigned i = 0; i < c->nfreed; i++) a->free(a->ctx, c->freed[i]);
    c->npages = 0;
    c->nfreed = 0;
    c->many = c->nonleaf = false;
}

static void commit_end(struct commit *c) {
    if (c->npages || c->many || c->nonleaf || c->nfreed) commit_flush(c);
    spares_release(c);  // none left unless plan and commit disagree
}

// Leaf `old` covering VA v changed (to `new`, 0 if removed).
static void note_leaf(struct commit *c, uint64_t v, uint64_t old, uint64_t new) {
    if ((old | new) & PTE_G) c->global = true;
    if (c->npages < PT_FLUSH_PAGES)
        c->pages[c->npages++] = v;
    else
        c->many = true;
}

// The entry pointing to table t was cleared: t goes back after the next fence.
static void note_table_freed(struct commit *c, paddr_t t) {
    c->nonleaf = true;
    c->pt->tables--;
    if (c->nfreed == PT_FREE_BATCH) commit_flush(c);
    c->freed[c->nfreed++] = t;
}

// Replace the leaf *slot at level lvl (>= 1) with a table of 512 leaves of the
// next level down: same flags, same translation. Returns the new table.
static paddr_t split_leaf(struct commit *c, uint64_t *slot, int lvl, uint64_t e) {
    paddr_t t = spare_take(c);
    uint64_t *nt = table_va(t);
    uint64_t step = (level_size(lvl - 1) >> PAGE_SHIFT) << PTE_PPN_SHIFT;
    for (unsigned j = 0; j < PT_ENTRIES; j++) nt[j] = e + (uint64_t)j * step;
    pte_store(slot, pte_table(t));
    c->pt->tables++;
    c->nonleaf = true;
    if (e & PTE_G) c->global = true;
    return t;
}

// Number of tables needed to split a leaf at level lvl covering
// [eb, eb + size) so that [s, l] (inside it) is made of whole leaves.
static uint64_t split_need(int lvl, uint64_t eb, uint64_t s, uint64_t l) {
    uint64_t el = eb + (level_size(lvl) - 1);
    if (s == eb && l == el) return 0;
    uint64_t sub = level_size(lvl - 1);  // lvl >= 1: level-0 leaves are always covered whole
    uint64_t b1 = s & ~(sub - 1), b2 = l & ~(sub - 1);
    uint64_t n = 1 + split_need(lvl - 1, b1, s, min_u64(l, b1 + (sub - 1)));
    if (b2 != b1) n += split_need(lvl - 1, b2, b2, l);
    return n;
}

// ---- pt_map -------------------------------------------------------------------

struct map_args {
    uint64_t off;   // pa - va (mod 2^64)
    uint64_t bits;  // leaf PTE bits
    bool small;
};

// Does a leaf at level lvl fit the whole entry [eb, el], given the piece [s, l]?
static inline bool leaf_fits(const struct map_args *m, int lvl, uint64_t eb, uint64_t s, uint64_t l) {
    if (lvl == 0) return true;
    if (m->small) return false;
    uint64_t size = level_size(lvl);
    return s == eb && l == eb + (size - 1) && ((eb + m->off) & (size - 1)) == 0;
}

// Check [s, l] against table t at level lvl (NULL: a table this call will
// create, all invalid) and count the tables the commit will create.
static zx_status_t map_plan(const uint64_t *t, int lvl, uint64_t base, uint64_t s, uint64_t l,
                            const struct map_args *m, uint64_t *need) {
    uint64_t size = level_size(lvl);
    for (unsigned i = vpn(s, lvl), last = vpn(l, lvl); i <= last; i++) {
        uint64_t eb = base + (uint64_t)i * size;
        uint64_t ps = max_u64(s, eb), pl = min_u64(l, eb + (size - 1));
        uint64_t e = t ? pte_load(&t[i]) : 0;
        if (pte_valid(e)) {
            // A leaf, or a table (never empty) that a leaf here would replace.
            if (pte_leaf_at(e, lvl) || leaf_fits(m, lvl, eb, ps, pl)) return ZX_ERR_ALREADY_EXISTS;
            zx_status_t st = map_plan(pte_next(e), lvl - 1, eb, ps, pl, m, need);
            if (st != ZX_OK) return st;
        } else if (!leaf_fits(m, lvl, eb, ps, pl)) {
            (*need)++;
            zx_status_t st = map_plan(NULL, lvl - 1, eb, ps, pl, m, need);
            if (st != ZX_OK) return st;
        }
    }
    return ZX_OK;
}

static void map_commit(struct commit *c, uint64_t *t, int lvl, uint64_t base, uint64_t s, uint64_t l,
                       const struct map_args *m) {
    uint64_t size = level_size(lvl);
    for (unsigned i = vpn(s, lvl), last = vpn(l, lvl); i <= last; i++) {
        uint64_t eb = base + (uint64_t)i * size;
        uint64_t ps = max_u64(s, eb), pl = min_u64(l, eb + (size - 1));
        uint64_t e = pte_load(&t[i]);
        if (pte_valid(e)) {
            map_commit(c, pte_next(e), lvl - 1, eb, ps, pl, m);  // a table (checked by the plan)
        } else if (leaf_fits(m, lvl, eb, ps, pl)) {
            pte_store(&t[i], pte_make(eb + m->off, m->bits));
        } else {
            // Fill the new table completely, then publish it.
            paddr_t nt = spare_take(c);
            memset(table_va(nt), 0, PAGE_SIZE);
            map_commit(c, table_va(nt), lvl - 1, eb, ps, pl, m);
            pte_store(&t[i], pte_table(nt));
            c->pt->tables++;
        }
    }
}

// ---- pt_unmap / pt_protect ---------------------------------------------------------

// protect: require every page mapped, skip leaves already carrying `bits`.
static zx_status_t change_plan(const uint64_t *t, int lvl, uint64_t base, uint64_t s, uint64_t l, bool protect,
                               uint64_t bits, uint64_t *need) {
    uint64_t size = level_size(lvl);
    for (unsigned i = vpn(s, lvl), last = vpn(l, lvl); i <= last; i++) {
        uint64_t eb = base + (uint64_t)i * size;
        uint64_t ps = max_u64(s, eb), pl = min_u64(l, eb + (size - 1));
        uint64_t e = pte_load(&t[i]);
        if (!pte_valid(e)) {
            if (protect) return ZX_ERR_NOT_FOUND;
        } else if (pte_leaf_at(e, lvl)) {
            if (!(protect && (e & PTE_LEAF_BITS) == bits)) *need += split_need(lvl, eb, ps, pl);
        } else {
            zx_status_t st = change_plan(pte_next(e), lvl - 1, eb, ps, pl, protect, bits, need);
            if (st != ZX_OK) return st;
        }
    }
    return ZX_OK;
}

static void unmap_commit(struct commit *c, uint64_t *t, int lvl, uint64_t base, uint64_t s, uint64_t l) {
    uint64_t size = level_size(lvl);
    for (unsigned i = vpn(s, lvl), last = vpn(l, lvl); i <= last; i++) {
        uint64_t eb = base + (uint64_t)i * size;
        uint64_t ps = max_u64(s, eb), pl = min_u64(l, eb + (size - 1));
        uint64_t e = pte_load(&t[i]);
        if (!pte_valid(e)) continue;
        paddr_t child;
        if (pte_leaf_at(e, lvl)) {
            if (ps == eb && pl == eb + (size - 1)) {
                pte_store(&t[i], 0);
                note_leaf(c, eb, e, 0);
                continue;
            }
            child = split_leaf(c, &t[i], lvl, e);
        } else {
            child = pa(pte_pa(e));
        }
        unmap_commit(c, table_va(child), lvl - 1, eb, ps, pl);
        if (table_empty(table_va(child))) {
            pte_store(&t[i], 0);
            note_table_freed(c, child);
        }
    }
}

static void protect_commit(struct commit *c, uint64_t *t, int lvl, uint64_t base, uint64_t s, uint64_t l,
                           uint64_t bits) {
    uint64_t size = level_size(lvl);
    for (unsigned i = vpn(s, lvl), last = vpn(l, lvl); i <= last; i++) {
        uint64_t eb = base + (uint64_t)i * size;
        uint64_t ps = max_u64(s, eb), pl = min_u64(l, eb + (size - 1));
        uint64_t e = pte_load(&t[i]);  // valid (checked by the plan)
        paddr_t child;
        if (pte_leaf_at(e, lvl)) {
            if ((e & PTE_LEAF_BITS) == bits) continue;
            if (ps == eb && pl == eb + (size - 1)) {
                uint64_t ne = (e & ~PTE_LEAF_BITS) | bits;
                pte_store(&t[i], ne);
                note_leaf(c, eb, e, ne);
                continue;
            }
            child = split_leaf(c, &t[i], lvl, e);
        } else {
            child = pa(pte_pa(e));
        }
        protect_commit(c, table_va(child), lvl - 1, eb, ps, pl, bits);
    }
}

// ---- public functions ---------------------------------------------------------------

zx_status_t pt_init(struct pt *pt, const struct pt_allocator *alloc, uint16_t asid) {
    paddr_t root;
    if (alloc->alloc(alloc->ctx, &root) != ZX_OK) return ZX_ERR_NO_MEMORY;
    memset(table_va(root), 0, PAGE_SIZE);
    spin_init(&pt->lock, "pt");
    pt->root = root;
    pt->asid = asid;
    pt->harts = 0;
    pt->kernel = false;
    pt->alloc = alloc;
    pt->tables = 1;
    return ZX_OK;
}

static bool has_global(const uint64_t *t, int lvl) {
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = pte_load(&t[i]);
        if (!pte_valid(e)) continue;
        if (pte_leaf_at(e, lvl)) {
            if (e & PTE_G) return true;
        } else if (has_global(pte_next(e), lvl - 1)) {
            return true;
        }
    }
    return false;
}

static void free_tables(struct pt *pt, paddr_t t, int lvl) {
    const uint64_t *tv = table_va(t);
    if (lvl > 0)
        for (unsigned i = 0; i < PT_ENTRIES; i++) {
            uint64_t e = pte_load(&tv[i]);
            if (pte_valid(e) && !pte_is_leaf(e)) free_tables(pt, pa(pte_pa(e)), lvl - 1);
        }
    pt->alloc->free(pt->alloc->ctx, t);
    pt->tables--;
}

void pt_destroy(struct pt *pt) {
    uint64_t irq = spin_lock_irqsave(&pt->lock);
    // Walkers and TLBs may still hold pointers into these tables (tagged with
    // this ASID, or global): fence before the frames go back.
    if (has_global(table_va(pt->root), PT_TOP_LEVEL))
        tlb_flush_all();
    else
        tlb_flush_pt(pt);
    free_tables(pt, pt->root, PT_TOP_LEVEL);
    pt->root = pa(0);
    spin_unlock_irqrestore(&pt->lock, irq);
}

zx_status_t pt_map(struct pt *pt, vaddr_t v, paddr_t p, size_t len, unsigned flags) {
    uint64_t s = va_val(v), pv = pa_val(p), l;
    if (!range_ok(s, len, &l) || !flags_ok(flags)) return ZX_ERR_INVALID_ARGS;
    if (!is_page_aligned(pv) || pv >= PA_LIMIT || len > PA_LIMIT - pv) return ZX_ERR_INVALID_ARGS;
    struct map_args m = {pv - s, leaf_bits(flags), (flags & PT_SMALL) != 0};

    uint64_t irq = spin_lock_irqsave(&pt->lock);
    uint64_t *root = table_va(pt->root);
    uint64_t need = 0;
    struct commit c;
    commit_init(&c, pt);
    zx_status_t st = map_plan(root, PT_TOP_LEVEL, root_base(s), s, l, &m, &need);
    if (st == ZX_OK) st = spares_get(&c, need);
    if (st == ZX_OK) {
        map_commit(&c, root, PT_TOP_LEVEL, root_base(s), s, l, &m);
        commit_end(&c);  // nothing to fence: only invalid entries became valid
    }
    spin_unlock_irqrestore(&pt->lock, irq);
    return st;
}

static zx_status_t change(struct pt *pt, uint64_t s, uint64_t l, bool protect, uint64_t bits) {
    uint64_t irq = spin_lock_irqsave(&pt->lock);
    uint64_t *root = table_va(pt->root);
    uint64_t need = 0;
    struct commit c;
    commit_init(&c, pt);
    zx_status_t st = change_plan(root, PT_TOP_LEVEL, root_base(s), s, l, protect, bits, &need);
    if (st == ZX_OK) st = spares_get(&c, need);
    if (st == ZX_OK) {
        if (protect)
            protect_commit(&c, root, PT_TOP_LEVEL, root_base(s), s, l, bits);
        else
            unmap_commit(&c, root, PT_TOP_LEVEL, root_base(s), s, l);
        commit_end(&c);
    }
    spin_unlock_irqrestore(&pt->lock, irq);
    return st;
}

zx_status_t pt_unmap(struct pt *pt, vaddr_t v, size_t len) {
    uint64_t s = va_val(v), l;
    if (!range_ok(s, len, &l)) return ZX_ERR_INVALID_ARGS;
    return change(pt, s, l, false, 0);
}

zx_status_t pt_protect(struct pt *pt, vaddr_t v, size_t len, unsigned flags) {
    uint64_t s = va_val(v), l;
    if (!range_ok(s, len, &l) || !flags_ok(flags)) return ZX_ERR_INVALID_ARGS;
    return change(pt, s, l, true, leaf_bits(flags));
}

zx_status_t pt_lookup(struct pt *pt, vaddr_t v, paddr_t *out_pa, unsigned *out_flags, size_t *out_leaf) {
    uint64_t x = va_val(v);
    if (!canonical(x)) return ZX_ERR_NOT_FOUND;
    zx_status_t st = ZX_ERR_NOT_FOUND;
    uint64_t irq = spin_lock_irqsave(&pt->lock);
    const uint64_t *t = table_va(pt->root);
    for (int lvl = PT_TOP_LEVEL; lvl >= 0; lvl--) {
        uint64_t e = pte_load(&t[vpn(x, lvl)]);
        if (!pte_valid(e)) break;
        if (pte_is_leaf(e)) {
            uint64_t size = level_size(lvl);
            if (out_pa) *out_pa = pa(pte_pa(e) + (x & (size - 1)));
            if (out_flags) *out_flags = leaf_flags(e);
            if (out_leaf) *out_leaf = (size_t)size;
            st = ZX_OK;
            break;
        }
        if (lvl == 0) break;  // a pointer at level 0: never written by this module
        t = pte_next(e);
    }
    spin_unlock_irqrestore(&pt->lock, irq);
    return st;
}

uint64_t pt_satp(const struct pt *pt) {
    return (8ull << 60) | ((uint64_t)pt->asid << 44) | (pa_val(pt->root) >> PAGE_SHIFT);
}

void pt_set_svpbmt(bool on) { svpbmt = on; }
bool pt_svpbmt(void) { return svpbmt; }

// Zircon's riscv64 MMU code maps CACHED to PMA, UNCACHED and WRITE_COMBINING
// to NC, UNCACHED_DEVICE to IO; its arm64 code maps CACHED to Normal
// cacheable, WRITE_COMBINING to Normal non-cacheable (the NC of arm64),
// UNCACHED_DEVICE to Device-nGnRE and UNCACHED to Strongly-ordered
// (Device-nGnRnE, its strictest type). UNCACHED here follows arm64, to IO:
// physical VMOs start UNCACHED and zx_vmo_create_physical only grants device
// ranges, so a driver that maps registers without choosing UNCACHED_DEVICE
// (user/uartdrv) must not get NC, which lets the hart read speculatively
// (a UART's receive register loses a byte) and merge or reorder stores; the
// Svpbmt chapter itself warns that a driver relying on I/O ordering breaks
// under NC. Programs that use UNCACHED for memory shared with a
// non-coherent device lose only speed, and nothing that works on arm64
// (where such memory already faults on misaligned accesses) breaks.
unsigned pt_cache_policy_flags(uint32_t policy) {
    switch (policy) {
    case ZX_CACHE_POLICY_CACHED: return 0;
    case ZX_CACHE_POLICY_WRITE_COMBINING: return PT_NC;
    default: return PT_IO;  // UNCACHED, UNCACHED_DEVICE (and nothing else exists)
    }
}
