// VMARs and lazy mapping (see obj/vmar.h).
//
// Invariants: mappings are page aligned, inside [base, base+size), disjoint
// and sorted; each holds a VMO reference and counts in vmo->mappings; a page
// is present in the page table only inside a mapping, with that mapping's
// permissions.
//
// Back-links: a mapping is on its VMO's map_list exactly while it is on its
// VMAR's list; both lists change under the VMAR lock, map_list also under the
// VMO lock (VMAR lock, then VMO lock). vmar_destroy unlinks every mapping
// before it destroys the address space, so vmar_unmap_vmo_pages never reaches
// a freed page table.
#include "obj/vmar.h"

#include "kern/riscv.h"
#include "mm/kheap.h"
#include "mm/tlb.h"

#define VMAR_ANYWHERE_HINT 0x0000002000000000ull  // first-fit search starts here

static void vmar_object_destroy(struct object *o) {
    struct vmar *v = (struct vmar *)o;
    vmar_destroy(v);
    kfree(v);
}

const struct object_ops vmar_ops = {ZX_OBJ_TYPE_VMAR, "vmar", vmar_object_destroy, 0};

zx_status_t vmar_create_root(struct vmar **out) {
    struct vmar *v = kzalloc(sizeof(*v));
    if (!v) return ZX_ERR_NO_MEMORY;
    zx_status_t st = aspace_create(&v->aspace);
    if (st != ZX_OK) {
        kfree(v);
        return st;
    }
    object_init(&v->obj, &vmar_ops);
    v->base = USER_ASPACE_BASE;
    v->size = USER_ASPACE_TOP - USER_ASPACE_BASE;
    *out = v;
    return ZX_OK;
}

// Put m on its VMO's map_list. Caller holds m->vmar's lock.
static void vmo_link(struct vmar_mapping *m) {
    uint64_t f = spin_lock_irqsave(&m->vmo->obj.lock);
    m->vmo_next = m->vmo->map_list;
    m->vmo->map_list = m;
    spin_unlock_irqrestore(&m->vmo->obj.lock, f);
}

// Take m off its VMO's map_list. Caller holds m->vmar's lock.
static void vmo_unlink(struct vmar_mapping *m) {
    uint64_t f = spin_lock_irqsave(&m->vmo->obj.lock);
    for (struct vmar_mapping **p = &m->vmo->map_list; *p; p = &(*p)->vmo_next) {
        if (*p == m) {
            *p = m->vmo_next;
            break;
        }
    }
    m->vmo_next = 0;
    spin_unlock_irqrestore(&m->vmo->obj.lock, f);
}

static unsigned pt_flags_for(uint32_t perms, uint32_t cache_policy) {
    unsigned f = PT_USER | pt_cache_policy_flags(cache_policy);  // a memory type, with Svpbmt
    if (perms & ZX_VM_PERM_READ) f |= PT_READ;
    if (perms & ZX_VM_PERM_WRITE) f |= PT_WRITE;
    if (perms & ZX_VM_PERM_EXECUTE) f |= PT_EXEC;
    return f;
}

static bool overlaps(const struct vmar *v, uint64_t base, uint64_t len) {
    for (const struct vmar_mapping *m = v->maps; m; m = m->next)
        if (base < m->base + m->len && m->base < base + len) return true;
    return false;
}

static bool find_gap(const struct vmar *v, uint64_t len, uint64_t *out) {
    uint64_t end = v->base + v->size;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t cur = pass == 0 ? VMAR_ANYWHERE_HINT : v->base;
        for (const struct vmar_mapping *m = v->maps; m; m = m->next) {
            if (m->base + m->len <= cur) continue;
            if (m->base >= cur && m->base - cur >= len) break;
            cur = m->base + m->len;
        }
        if (cur < end && end - cur >= len) {
            *out = cur;
            return true;
        }
    }
    return false;
}

// One page of a ZX_VM_MAP_RANGE mapping (under its VMAR's lock and its
// VMO's: the flags were worked out before, the VMO lock is not recursive).
struct map_range {
    struct vmar_mapping *m;
    unsigned flags;
};

static void map_range_page(void *ctx, uint64_t rel, paddr_t page, bool writable) {
    const struct map_range *r = ctx;
    unsigned flags = writable ? r->flags : r->flags & ~PT_WRITE;
    (void)pt_map(&r->m->vmar->aspace->pt, va(r->m->base + rel), page, PAGE_SIZE, flags);
}

zx_status_t vmar_map(struct vmar *v, uint32_t options, uint64_t vmar_offset, struct vmo *vmo,
                     uint64_t vmo_offset, uint64_t len, uint32_t max_perms, uint64_t *out_addr) {
    const uint32_t perms = options & (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE);
    const uint32_t known = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE | ZX_VM_SPECIFIC |
                           ZX_VM_REQUIRE_NON_RESIZABLE | ZX_VM_ALLOW_FAULTS | ZX_VM_MAP_RANGE;
    if (options & ~known) return ZX_ERR_INVALID_ARGS;
    if ((perms & ZX_VM_PERM_WRITE) && !(perms & ZX_VM_PERM_READ)) return ZX_ERR_INVALID_ARGS;
    if ((perms & ZX_VM_PERM_WRITE) && (perms & ZX_VM_PERM_EXECUTE)) return ZX_ERR_ACCESS_DENIED;  // W^X
    // As Zircon's VmAddressRegionDispatcher::Map, before the range checks:
    // REQUIRE_NON_RESIZABLE refuses a resizable VMO; a discardable VMO (its
    // pages may go away under the mapping) needs ALLOW_FAULTS. Resizable VMOs
    // do not need ALLOW_FAULTS (Zircon does not ask for it yet either).
    // Both properties are fixed when the VMO is created.
    if ((options & ZX_VM_REQUIRE_NON_RESIZABLE) && (vmo->options & ZX_VMO_RESIZABLE)) return ZX_ERR_NOT_SUPPORTED;
    if (!(options & ZX_VM_ALLOW_FAULTS) && vmo->discardable) return ZX_ERR_NOT_SUPPORTED;
    if (len == 0 || !is_page_aligned(vmo_offset)) return ZX_ERR_INVALID_ARGS;
    if (len > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
    len = page_round_up(len);
    if (vmo_offset > UINT64_MAX - len) return ZX_ERR_OUT_OF_RANGE;
    bool specific = options & ZX_VM_SPECIFIC;
    if (!specific && vmar_offset != 0) return ZX_ERR_INVALID_ARGS;
    if (specific && !is_page_aligned(vmar_offset)) return ZX_ERR_INVALID_ARGS;

    struct vmar_mapping *nm = kzalloc(sizeof(*nm));
    if (!nm) return ZX_ERR_NO_MEMORY;
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st = ZX_OK;
    uint64_t base = 0;
    if (!v->aspace) {
        st = ZX_ERR_BAD_STATE;
    } else if (specific) {
        if (vmar_offset >= v->size || len > v->size - vmar_offset)
            st = ZX_ERR_INVALID_ARGS;
        else if (overlaps(v, v->base + vmar_offset, len))
            st = ZX_ERR_ALREADY_EXISTS;
        base = v->base + vmar_offset;
    } else if (!find_gap(v, len, &base)) {
        st = ZX_ERR_NO_RESOURCES;
    }
    if (st != ZX_OK) {
        spin_unlock_irqrestore(&v->obj.lock, f);
        kfree(nm);
        return st;
    }
    object_ref(&vmo->obj);
    __atomic_fetch_add(&vmo->mappings, 1, __ATOMIC_RELAXED);
    *nm = (struct vmar_mapping){.base = base, .len = len, .vmo = vmo, .vmo_offset = vmo_offset,
                                .perms = perms, .max_perms = max_perms, .vmar = v};
    vmo_link(nm);
    struct vmar_mapping **p = &v->maps;
    while (*p && (*p)->base < base) p = &(*p)->next;
    nm->next = *p;
    *p = nm;
    v->nmaps++;
    // ZX_VM_MAP_RANGE: map what the VMO has now (committing nothing); a
    // page-table allocation that fails only leaves a page to a later fault.
    if (options & ZX_VM_MAP_RANGE) {
        struct map_range r = {nm, pt_flags_for(perms, vmo_get_cache_policy(vmo)) | PT_SMALL};
        vmo_for_each_page(vmo, vmo_offset, len, map_range_page, &r);
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    *out_addr = base;
    return ZX_OK;
}

static void mapping_release(struct vmar_mapping *m) {
    if (__atomic_sub_fetch(&m->vmo->mappings, 1, __ATOMIC_ACQ_REL) == 0) vmo_release_if_unreachable(m->vmo);
    object_unref(&m->vmo->obj);
    kfree(m);
}

uint64_t vmar_first_denied(struct vmar *v, uint64_t addr, uint64_t len, uint32_t perms) {
    uint64_t page = page_round_down(addr), end = addr + len;  // the caller checked for overflow
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    for (const struct vmar_mapping *m = v->maps; m && page < end; m = m->next) {
        uint64_t mend = m->base + m->len;
        if (mend <= page) continue;
        if (m->base > page || (m->perms & perms) != perms) break;  // a gap, or not allowed
        // Only the pages of m inside its VMO's size (a fault beyond it fails).
        uint64_t size = vmo_get_size(m->vmo);
        uint64_t inside = size > m->vmo_offset ? size - m->vmo_offset : 0;
        uint64_t limit = inside < m->len ? m->base + inside : mend;
        if (page >= limit) break;
        page = limit;
        if (limit < mend) break;
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    return page < end ? page : 0;
}

// Split mapping m at `at` (m->base < at < its end): m keeps [base, at), the
// spare record becomes [at, end) right after it, with its own VMO reference.
// VMAR lock held.
static void split_at(struct vmar *v, struct vmar_mapping *m, uint64_t at, struct vmar_mapping *spare) {
    uint64_t mend = m->base + m->len;
    *spare = *m;
    spare->base = at;
    spare->len = mend - at;
    spare->vmo_offset = m->vmo_offset + (at - m->base);
    object_ref(&m->vmo->obj);
    __atomic_fetch_add(&m->vmo->mappings, 1, __ATOMIC_RELAXED);
    m->len = at - m->base;
    m->next = spare;
    spare->vmo_next = 0;
    spare->unmap_pass = 0;
    vmo_link(spare);
    v->nmaps++;
}

// Whether [addr, end) is covered by mappings without a gap (NOT_FOUND) whose
// max_perms allow `perms` (ACCESS_DENIED). VMAR lock held.
static zx_status_t protect_check(const struct vmar *v, uint64_t addr, uint64_t end, uint32_t perms) {
    uint64_t cur = addr;
    for (const struct vmar_mapping *m = v->maps; m && cur < end; m = m->next) {
        if (m->base + m->len <= cur) continue;
        if (m->base > cur) return ZX_ERR_NOT_FOUND;
        if (perms & ~m->max_perms) return ZX_ERR_ACCESS_DENIED;
        cur = m->base + m->len;
    }
    return cur < end ? ZX_ERR_NOT_FOUND : ZX_OK;
}

zx_status_t vmar_protect(struct vmar *v, uint32_t perms, uint64_t addr, uint64_t len) {
    const uint32_t all = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE;
    if ((perms & ~all) || ((perms & ZX_VM_PERM_WRITE) && !(perms & ZX_VM_PERM_READ))) return ZX_ERR_INVALID_ARGS;
    if (!is_page_aligned(addr) || len == 0 || len > UINT64_MAX - PAGE_MASK) return ZX_ERR_INVALID_ARGS;
    len = page_round_up(len);
    if (addr < v->base || addr - v->base >= v->size || len > v->size - (addr - v->base))
        return ZX_ERR_INVALID_ARGS;
    if ((perms & ZX_VM_PERM_WRITE) && (perms & ZX_VM_PERM_EXECUTE)) return ZX_ERR_ACCESS_DENIED;  // W^X
    uint64_t end = addr + len;
    // Up to two splits (at addr and at end): their records first.
    struct vmar_mapping *spare[2] = {kzalloc(sizeof(struct vmar_mapping)), kzalloc(sizeof(struct vmar_mapping))};
    if (!spare[0] || !spare[1]) {
        kfree(spare[0]);
        kfree(spare[1]);
        return ZX_ERR_NO_MEMORY;
    }
    unsigned used = 0;
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st = v->aspace ? protect_check(v, addr, end, perms) : ZX_ERR_BAD_STATE;
    for (struct vmar_mapping *m = v->maps; st == ZX_OK && m && m->base < end; m = m->next) {
        if (m->base + m->len <= addr) continue;
        if (m->base < addr) {  // starts before: split, the rest is the next record
            split_at(v, m, addr, spare[used++]);
            continue;
        }
        if (m->base + m->len > end) split_at(v, m, end, spare[used++]);
        m->perms = perms;
    }
    // The page tables lose the range; faults map it again with the new
    // permissions (shared copy-on-write pages still read-only).
    if (st == ZX_OK) (void)pt_unmap(&v->aspace->pt, va(addr), len);
    spin_unlock_irqrestore(&v->obj.lock, f);
    for (unsigned i = used; i < 2; i++) kfree(spare[i]);
    return st;
}

zx_status_t vmar_unmap(struct vmar *v, uint64_t addr, uint64_t len) {
    if (!is_page_aligned(addr) || len == 0) return ZX_ERR_INVALID_ARGS;
    if (len > UINT64_MAX - PAGE_MASK) return ZX_ERR_INVALID_ARGS;
    len = page_round_up(len);
    if (addr < v->base || addr - v->base >= v->size || len > v->size - (addr - v->base))
        return ZX_ERR_INVALID_ARGS;
    uint64_t end = addr + len;
    // A split needs one new mapping record: allocate it before touching anything.
    struct vmar_mapping *spare = kzalloc(sizeof(*spare));
    if (!spare) return ZX_ERR_NO_MEMORY;
    struct vmar_mapping *freed = 0;
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    if (!v->aspace) {
        spin_unlock_irqrestore(&v->obj.lock, f);
        kfree(spare);
        return ZX_ERR_BAD_STATE;
    }
    bool found = false;
    for (struct vmar_mapping **p = &v->maps; *p;) {
        struct vmar_mapping *m = *p;
        uint64_t mend = m->base + m->len;
        if (mend <= addr || m->base >= end) {
            p = &m->next;
            continue;
        }
        found = true;
        uint64_t cut_lo = m->base > addr ? m->base : addr;
        uint64_t cut_hi = mend < end ? mend : end;
        pt_unmap(&v->aspace->pt, va(cut_lo), cut_hi - cut_lo);
        if (cut_lo == m->base && cut_hi == mend) {  // whole mapping
            vmo_unlink(m);
            *p = m->next;
            m->next = freed;
            freed = m;
            v->nmaps--;
            continue;
        }
        if (cut_lo == m->base) {  // head removed
            m->vmo_offset += cut_hi - m->base;
            m->len = mend - cut_hi;
            m->base = cut_hi;
        } else if (cut_hi == mend) {  // tail removed
            m->len = cut_lo - m->base;
        } else {  // middle removed: split at its end, then the tail of m goes
            split_at(v, m, cut_hi, spare);
            spare = 0;
            m->len = cut_lo - m->base;
        }
        p = &m->next;
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    while (freed) {
        struct vmar_mapping *n = freed->next;
        mapping_release(freed);
        freed = n;
    }
    kfree(spare);
    return found ? ZX_OK : ZX_ERR_NOT_FOUND;
}

void vmar_destroy(struct vmar *v) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    struct vmar_mapping *maps = v->maps;
    for (struct vmar_mapping *m = maps; m; m = m->next) vmo_unlink(m);
    struct aspace *as = v->aspace;
    v->maps = 0;
    v->nmaps = 0;
    v->aspace = 0;
    spin_unlock_irqrestore(&v->obj.lock, f);
    if (as) aspace_destroy(as);  // frees the tables; the VMO pages stay with their VMOs
    while (maps) {
        struct vmar_mapping *n = maps->next;
        mapping_release(maps);
        maps = n;
    }
}

// Fault in [addr, addr+len) before a kernel copy that will run under a VMO
// lock (zx_vmo_read/write). Only an optimisation: another hart may unmap
// in between, so that copy does not resolve faults but reports them, and
// its caller resolves them and retries (sys/sys_vmo.c vmo_rw_user). Pages
// already mapped with the needed access are skipped; failures are left for
// the copy to report.
void vmar_prefault(struct vmar *v, uint64_t addr, uint64_t len, bool write) {
    if (len == 0 || addr + len < addr) return;
    unsigned need = write ? (PT_READ | PT_WRITE) : PT_READ;
    for (uint64_t page = page_round_down(addr); page < addr + len; page += PAGE_SIZE) {
        unsigned flags;
        struct aspace *as = v->aspace;
        if (as && pt_lookup(&as->pt, va(page), 0, &flags, 0) == ZX_OK && (flags & need) == need) continue;
        if (vmar_fault(v, page, write ? EXC_STORE_PAGE_FAULT : EXC_LOAD_PAGE_FAULT) != ZX_OK) return;
    }
}

static uint64_t faults_handled;
uint64_t vmar_fault_count(void) { return __atomic_load_n(&faults_handled, __ATOMIC_RELAXED); }

// A write to a page the VMO shares copy-on-write: vmo_get_page says
// SHOULD_WAIT; the VMAR lock is dropped, vmo_unshare gives the VMO its own
// copy (and takes the shared page out of every mapping of the VMO, which
// needs the VMAR locks), and the fault starts over. Any other fault maps the
// page; a shared one read-only whatever the mapping allows. A PTE already
// present (a read-only shared page, or a stale TLB entry) is replaced.
zx_status_t vmar_fault(struct vmar *v, uint64_t addr, uint64_t cause) {
    uint32_t need;
    switch (cause) {
    case EXC_LOAD_PAGE_FAULT: need = ZX_VM_PERM_READ; break;
    case EXC_STORE_PAGE_FAULT: need = ZX_VM_PERM_WRITE; break;
    case EXC_INST_PAGE_FAULT: need = ZX_VM_PERM_EXECUTE; break;
    default: return ZX_ERR_ACCESS_DENIED;
    }
    uint64_t page = page_round_down(addr);
    for (;;) {
        uint64_t f = spin_lock_irqsave(&v->obj.lock);
        struct vmar_mapping *m = v->maps;
        while (m && !(page >= m->base && page < m->base + m->len)) m = m->next;
        if (!m || !v->aspace) {
            spin_unlock_irqrestore(&v->obj.lock, f);
            return ZX_ERR_NOT_FOUND;
        }
        if ((m->perms & need) != need) {
            spin_unlock_irqrestore(&v->obj.lock, f);
            return ZX_ERR_ACCESS_DENIED;
        }
        uint64_t off = m->vmo_offset + (page - m->base);
        unsigned how = VMO_PAGE_COMMIT | (need == ZX_VM_PERM_WRITE ? VMO_PAGE_WRITE : 0);
        paddr_t p;
        bool writable;
        zx_status_t st =
            off < vmo_get_size(m->vmo) ? vmo_get_page(m->vmo, off, how, &p, &writable) : ZX_ERR_OUT_OF_RANGE;
        if (st == ZX_ERR_SHOULD_WAIT) {
            struct vmo *vmo = m->vmo;
            object_ref(&vmo->obj);
            spin_unlock_irqrestore(&v->obj.lock, f);
            st = vmo_unshare(vmo, off, PAGE_SIZE);
            object_unref(&vmo->obj);
            if (st != ZX_OK) return st;
            continue;
        }
        if (st == ZX_OK) {
            unsigned flags = pt_flags_for(m->perms, vmo_get_cache_policy(m->vmo)) | PT_SMALL;
            if (!writable) flags &= ~PT_WRITE;
            struct pt *pt = &v->aspace->pt;
            st = pt_map(pt, va(page), p, PAGE_SIZE, flags);
            if (st == ZX_ERR_ALREADY_EXISTS) {
                paddr_t cur;
                unsigned cur_flags;
                const unsigned rwx = PT_READ | PT_WRITE | PT_EXEC;
                if (pt_lookup(pt, va(page), &cur, &cur_flags, 0) == ZX_OK && pa_val(cur) == pa_val(p) &&
                    (cur_flags & rwx) == (flags & rwx)) {
                    tlb_flush_local_page(va(page));  // the same PTE: a stale TLB entry of this hart
                    st = ZX_OK;
                } else {
                    (void)pt_unmap(pt, va(page), PAGE_SIZE);  // 4 KiB leaf: cannot fail
                    st = pt_map(pt, va(page), p, PAGE_SIZE, flags);
                }
            }
        }
        spin_unlock_irqrestore(&v->obj.lock, f);
        if (st == ZX_OK) __atomic_fetch_add(&faults_handled, 1, __ATOMIC_RELAXED);
        return st;
    }
}

void vmar_unmap_vmo_pages(struct vmo *vmo, uint64_t off, uint64_t len) {
    if (len == 0) return;
    uint64_t lo_pg = page_round_down(off);
    uint64_t end = off > UINT64_MAX - len ? UINT64_MAX : off + len;
    uint64_t hi_pg = end > UINT64_MAX - PAGE_MASK ? page_round_down(UINT64_MAX) : page_round_up(end);
    uint64_t f = spin_lock_irqsave(&vmo->obj.lock);
    uint64_t pass = ++vmo->unmap_pass;
    spin_unlock_irqrestore(&vmo->obj.lock, f);
    // One VMAR per round: find a mapping not yet visited in this pass, take
    // its VMAR's lock (VMAR before VMO), then visit every mapping of that VMAR.
    // New mappings appear with unmap_pass 0 and are visited too (harmlessly).
    for (;;) {
        struct vmar *target = 0;
        f = spin_lock_irqsave(&vmo->obj.lock);
        for (struct vmar_mapping *m = vmo->map_list; m; m = m->vmo_next) {
            if (m->unmap_pass == pass) continue;
            if (object_try_ref(&m->vmar->obj)) {
                target = m->vmar;
                break;
            }
            // Its VMAR is being destroyed: vmar_destroy unlinks the mapping
            // before it frees the page table, which takes the PTEs with it.
            for (struct vmar_mapping *n = vmo->map_list; n; n = n->vmo_next)
                if (n->vmar == m->vmar) n->unmap_pass = pass;
        }
        spin_unlock_irqrestore(&vmo->obj.lock, f);
        if (!target) break;
        uint64_t g = spin_lock_irqsave(&target->obj.lock);
        f = spin_lock_irqsave(&vmo->obj.lock);
        for (struct vmar_mapping *m = vmo->map_list; m; m = m->vmo_next) {
            if (m->vmar != target) continue;
            m->unmap_pass = pass;
            uint64_t lo = lo_pg > m->vmo_offset ? lo_pg : m->vmo_offset;
            uint64_t mend = m->vmo_offset + m->len;
            uint64_t hi = hi_pg < mend ? hi_pg : mend;
            // 4 KiB leaves (vmar_fault maps with PT_SMALL): no split, no failure.
            if (lo < hi && target->aspace)
                (void)pt_unmap(&target->aspace->pt, va(m->base + (lo - m->vmo_offset)), hi - lo);
        }
        spin_unlock_irqrestore(&vmo->obj.lock, f);
        spin_unlock_irqrestore(&target->obj.lock, g);
        object_unref(&target->obj);
    }
}
