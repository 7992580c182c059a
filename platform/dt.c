// struct dt_info from a flattened device tree (see platform/dt.h).
//
// Invariants:
//  - Only platform/fdt.c reads the blob, after validating all of it; this
//    file interprets properties and trusts no length: a string is used only
//    if its NUL lies inside the property, cell arrays are read in whole
//    entries, numbers wider than 64 bits are not used.
//  - Every string in *out is NUL terminated (str_copy truncates), every count
//    stays within its DT_MAX_* table; a full table sets out->truncated (and
//    drops the entry: the MMIO map only ever loses device ranges, never
//    gains RAM or firmware ranges).
//  - out->mmio is sorted by base and its entries never overlap (touching is
//    allowed), at every step; every range satisfies size > 0 and
//    base + size <= UINT64_MAX: sizes are saturated so the end never wraps
//    (the very last byte of the address space is never described).
//  - No allocation, no global state: the walk keeps its ancestors in a
//    FDT_MAX_DEPTH + 1 array on the stack; RAM and reserved ranges are read
//    from the blob again to cut them out of the map, so a full memory or
//    reserved table cannot leave RAM in the map.
//
// Rules (tests/host/fdt/dt_ref.c implements the same ones with libfdt):
//  - #address-cells of a node: default 2, valid 1..4; #size-cells: default 1,
//    valid 0..4; a single cell each. A node whose parent's cells are invalid
//    has no usable `reg`.
//  - Memory: children of the root with device_type "memory" and status
//    okay/ok/absent, every `reg` entry (root cells), in document order.
//  - Reserved: /memreserve/ entries, then every `reg` entry of each direct
//    child of /reserved-memory (its cells; the binding requires identity
//    `ranges`, the addresses are used as they are; status is ignored: a
//    reservation errs on the safe side). Zero sizes are dropped.
//  - Translation of a `reg` entry: through the `ranges` of every ancestor
//    below the root, innermost first; an ancestor without `ranges` means not
//    memory mapped, empty `ranges` is the identity, otherwise the first entry
//    whose window contains the address maps it and the size is clipped to
//    the window; no window, or an address past 2^64, means not mapped.
//  - MMIO map: every node with `reg` except the root, /memory nodes,
//    /reserved-memory and /cpus with their subtrees, and nodes whose own
//    status is present and not okay/ok (their children are judged on their
//    own). Entries are merged when they overlap (the merged entry keeps the
//    path and compatible of the lowest base, ties to the earlier node, and
//    ORs the flags; touching entries stay apart); then RAM and reserved
//    ranges are cut out (trimming or splitting entries). DT_MMIO_INTC: an
//    `interrupt-controller` property, or any compatible string among the
//    PLIC/CLINT/IMSIC/APLIC names or starting with "riscv,aclint-".
//  - /chosen: stdout-path up to its first ':' is kept as written (an alias
//    stays an alias); it names the console node by absolute path, or as an
//    /aliases entry (whose value must be absolute) plus an optional
//    "/subpath". Path components without '@' match "name@unit" (libfdt).
//    linux,initrd-* and every other integer: 4 or 8 bytes, else absent.
//  - /cpus: children with device_type "cpu" whose first `reg` address (the
//    /cpus #address-cells) fits 32 bits; timebase-frequency from /cpus, else
//    from the first such cpu node that has one. Svpbmt: the whole riscv,isa
//    (not the truncated copy) has "_svpbmt" followed by '_' or its end, or
//    the riscv,isa-extensions string list holds "svpbmt".
//  - Console: reg-shift / reg-io-width / clock-frequency must fit 32 bits,
//    else the defaults 0 / 1 / 0; base and size from the first `reg` entry,
//    translated (0 if it does not translate). poweroff_base: the first
//    available node listing "sifive,test0" whose first `reg` translates.
#include "platform/dt.h"

#include "kern/string.h"
#include "platform/fdt.h"

#define DT_NONE UINT32_MAX  // "no such node" (node offsets are 4-aligned)
#define DT_MAX_CELLS 4u

#define DT_MAX_PHANDLES 128  // the phandle table of one parse; past it lookups walk the tree
#define DT_MAX_SPECIFIERS 64  // interrupt specifiers read per property

struct dt_ctx {
    const struct fdt *f;
    struct dt_info *out;
    uint32_t cpus, resmem, console;  // nodes, or DT_NONE
    bool have_timebase, have_poweroff;
    uint32_t phandle[DT_MAX_PHANDLES], phandle_node[DT_MAX_PHANDLES];
    unsigned n_phandles;
    bool phandles_full;
};

typedef void (*dt_range_sink)(struct dt_ctx *c, uint64_t base, uint64_t size, const char *name, bool ram);

static bool dt_prop(const struct fdt *f, uint32_t node, const char *name, const uint8_t **v, uint32_t *len) {
    return fdt_get_prop(f, node, name, v, len) == ZX_OK;
}

// The first string of a property, if its NUL lies inside the value.
static const char *dt_str(const struct fdt *f, uint32_t node, const char *name) {
    const uint8_t *v;
    uint32_t len;
    if (!dt_prop(f, node, name, &v, &len) || len == 0 || strnlen((const char *)v, len) == len) return 0;
    return (const char *)v;
}

static bool dt_str_is(const struct fdt *f, uint32_t node, const char *name, const char *s) {
    const char *v = dt_str(f, node, name);
    return v && !strcmp(v, s);
}

// Whether the string list property `name` holds s (or a string starting with s).
static bool dt_strlist_has(const struct fdt *f, uint32_t node, const char *name, const char *s, bool prefix) {
    const uint8_t *v;
    uint32_t len;
    if (!dt_prop(f, node, name, &v, &len)) return false;
    size_t sl = strlen(s);
    for (uint32_t i = 0; i < len;) {
        size_t n = strnlen((const char *)v + i, len - i);
        if (n == len - i) break;  // unterminated tail: not a string
        if ((prefix ? n >= sl : n == sl) && !memcmp(v + i, s, sl)) return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

static bool dt_compatible(const struct fdt *f, uint32_t node, const char *s, bool prefix) {
    return dt_strlist_has(f, node, "compatible", s, prefix);
}

bool isa_has_ext(const char *isa, const char *ext) {
    size_t el = strlen(ext);
    // Multi-letter extensions follow the single-letter base, each after '_'.
    for (const char *p = isa; *p; p++) {
        if (*p != '_') continue;
        if (!strncmp(p + 1, ext, el) && (p[1 + el] == 0 || p[1 + el] == '_')) return true;
    }
    return false;
}

static bool dt_available(const struct fdt *f, uint32_t node) {
    const uint8_t *v;
    uint32_t len;
    if (!dt_prop(f, node, "status", &v, &len)) return true;
    const char *s = dt_str(f, node, "status");
    return s && (!strcmp(s, "okay") || !strcmp(s, "ok"));
}

static bool dt_is_memory(const struct fdt *f, uint32_t node) {
    return dt_str_is(f, node, "device_type", "memory");
}

static bool dt_cells(const struct fdt *f, uint32_t node, const char *name, uint32_t dflt, uint32_t lo,
                     uint32_t *out) {
    const uint8_t *v;
    uint32_t len;
    if (!dt_prop(f, node, name, &v, &len)) {
        *out = dflt;
        return true;
    }
    if (len != 4) return false;
    *out = fdt_be32(v);
    return *out >= lo && *out <= DT_MAX_CELLS;
}

static bool dt_addr_cells(const struct fdt *f, uint32_t node, uint32_t *ac) {
    return dt_cells(f, node, "#address-cells", 2, 1, ac);
}

static bool dt_size_cells(const struct fdt *f, uint32_t node, uint32_t *sc) {
    return dt_cells(f, node, "#size-cells", 1, 0, sc);
}

// A big-endian number of n cells, if it fits in 64 bits.
static bool dt_num(const uint8_t *p, uint32_t n, uint64_t *v) {
    uint64_t x = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t cell = fdt_be32(p + 4 * i);
        if (i + 2 < n && cell != 0) return false;
        x = x << 32 | cell;
    }
    *v = x;
    return true;
}

// A 4- or 8-byte integer property.
static bool dt_uint(const struct fdt *f, uint32_t node, const char *name, uint64_t *v) {
    const uint8_t *p;
    uint32_t len;
    if (!dt_prop(f, node, name, &p, &len)) return false;
    if (len == 4) *v = fdt_be32(p);
    else if (len == 8) *v = fdt_be64(p);
    else return false;
    return true;
}

static uint32_t dt_u32(const struct fdt *f, uint32_t node, const char *name, uint32_t dflt) {
    uint64_t v;
    return dt_uint(f, node, name, &v) && v <= UINT32_MAX ? (uint32_t)v : dflt;
}

// Saturate so that base + size never wraps.
static uint64_t dt_clip(uint64_t base, uint64_t size) {
    return size > UINT64_MAX - base ? UINT64_MAX - base : size;
}

static uint32_t dt_find(const struct fdt *f, uint32_t from, const char *path, size_t len) {
    uint32_t n;
    return fdt_find_node(f, from, path, len, &n) == ZX_OK ? n : DT_NONE;
}

static uint32_t dt_find_abs(const struct fdt *f, const char *path) {
    return dt_find(f, f->root, path, strlen(path));
}

// Translate an address (and clip its size) from the child bus of anc[n-1] to
// the root's, through the `ranges` of anc[n-1] ... anc[1]. False: not mapped.
static bool dt_translate(const struct fdt *f, const uint32_t *anc, uint32_t n, uint64_t *addr, uint64_t *size) {
    for (uint32_t k = n; k-- > 1;) {
        const uint8_t *r;
        uint32_t len, cac, csc, pac;
        if (!dt_prop(f, anc[k], "ranges", &r, &len)) return false;
        if (len == 0) continue;
        if (!dt_addr_cells(f, anc[k], &cac) || !dt_size_cells(f, anc[k], &csc) ||
            !dt_addr_cells(f, anc[k - 1], &pac))
            return false;
        uint32_t esz = 4 * (cac + pac + csc);
        bool hit = false;
        for (uint32_t o = 0; len - o >= esz && !hit; o += esz) {
            uint64_t child, parent, wsize;
            if (!dt_num(r + o, cac, &child) || !dt_num(r + o + 4 * cac, pac, &parent) ||
                !dt_num(r + o + 4 * (cac + pac), csc, &wsize))
                continue;
            if (*addr < child || *addr - child >= wsize) continue;
            uint64_t off = *addr - child;
            if (parent > UINT64_MAX - off) return false;
            *addr = parent + off;
            if (*size > wsize - off) *size = wsize - off;
            hit = true;
        }
        if (!hit) return false;
    }
    return true;
}

// The first `reg` entry of anc[depth], translated to a CPU physical address.
static bool dt_first_reg(const struct fdt *f, const uint32_t *anc, uint32_t depth, uint64_t *base,
                         uint64_t *size) {
    const uint8_t *r;
    uint32_t len, ac, sc;
    if (depth == 0 || !dt_addr_cells(f, anc[depth - 1], &ac) || !dt_size_cells(f, anc[depth - 1], &sc) ||
        !dt_prop(f, anc[depth], "reg", &r, &len) || len < 4 * (ac + sc) || !dt_num(r, ac, base) ||
        !dt_num(r + 4 * ac, sc, size) || !dt_translate(f, anc, depth, base, size))
        return false;
    *size = dt_clip(*base, *size);
    return true;
}

static void dt_append(char *buf, size_t cap, size_t *n, const char *s) {
    while (*s && *n + 1 < cap) buf[(*n)++] = *s++;
    buf[*n] = 0;
}

// "/soc/serial@10000000" for anc[depth] (truncated to cap - 1 characters).
static void dt_path(const struct fdt *f, const uint32_t *anc, uint32_t depth, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = 0;
    if (depth == 0) dt_append(buf, cap, &n, "/");
    for (uint32_t k = 1; k <= depth; k++) {
        const char *name = "";
        if (fdt_node_name(f, anc[k], &name) != ZX_OK) name = "?";
        dt_append(buf, cap, &n, "/");
        dt_append(buf, cap, &n, name);
    }
}

// --- RAM and reservations -------------------------------------------------

// Every `reg` entry of `node` read with the cells of `parent`, untranslated.
static void dt_reg_each(struct dt_ctx *c, uint32_t parent, uint32_t node, const char *name, bool ram,
                        dt_range_sink sink) {
    const uint8_t *r;
    uint32_t len, ac, sc;
    if (!dt_addr_cells(c->f, parent, &ac) || !dt_size_cells(c->f, parent, &sc) ||
        !dt_prop(c->f, node, "reg", &r, &len))
        return;
    uint32_t esz = 4 * (ac + sc);
    for (uint32_t o = 0; len - o >= esz; o += esz) {
        uint64_t b, s;
        if (!dt_num(r + o, ac, &b) || !dt_num(r + o + 4 * ac, sc, &s)) continue;
        s = dt_clip(b, s);
        if (s) sink(c, b, s, name, ram);
    }
}

static void dt_scan_ram_reserved(struct dt_ctx *c, dt_range_sink sink) {
    const struct fdt *f = c->f;
    uint32_t n;
    zx_status_t st;
    for (st = fdt_first_child(f, f->root, &n); st == ZX_OK; st = fdt_next_sibling(f, n, &n))
        if (dt_is_memory(f, n) && dt_available(f, n)) dt_reg_each(c, f->root, n, "memory", true, sink);
    for (uint32_t i = 0; i < f->rsv_count; i++) {
        uint64_t b, s;
        if (fdt_rsv_entry(f, i, &b, &s) != ZX_OK) continue;
        s = dt_clip(b, s);
        if (s) sink(c, b, s, "/memreserve/", false);
    }
    if (c->resmem == DT_NONE) return;
    for (st = fdt_first_child(f, c->resmem, &n); st == ZX_OK; st = fdt_next_sibling(f, n, &n)) {
        const char *name;
        if (fdt_node_name(f, n, &name) != ZX_OK) name = "?";
        dt_reg_each(c, c->resmem, n, name, false, sink);
    }
}

static void dt_add_range(struct dt_ctx *c, uint64_t base, uint64_t size, const char *name, bool ram) {
    struct dt_info *o = c->out;
    if (ram) {
        if (o->n_memory == DT_MAX_MEM) {
            o->truncated = true;
            return;
        }
        o->memory[o->n_memory].base = base;
        o->memory[o->n_memory++].size = size;
        return;
    }
    if (o->n_reserved == DT_MAX_RESERVED) {
        o->truncated = true;
        return;
    }
    struct dt_reserved *r = &o->reserved[o->n_reserved++];
    r->base = base;
    r->size = size;
    str_copy(r->name, name, sizeof(r->name));
}

// --- the MMIO map ------------------------------------------------------------

// Add [base, end) to the sorted map, merging it with the entries it overlaps.
struct dt_irqs {
    uint32_t n, irq[DT_MAX_IRQS], mode[DT_MAX_IRQS];
};

static void dt_set_irqs(struct dt_mmio *m, const struct dt_irqs *q) {
    m->n_irqs = q->n;
    for (uint32_t i = 0; i < DT_MAX_IRQS; i++) {
        m->irqs[i] = i < q->n ? q->irq[i] : 0;
        m->irq_modes[i] = i < q->n ? q->mode[i] : 0;
    }
}

static void dt_mmio_insert(struct dt_info *o, uint64_t base, uint64_t end, uint32_t flags, const char *path,
                           const char *compat, const struct dt_irqs *q) {
    struct dt_mmio *m = o->mmio;
    unsigned n = o->n_mmio, lo = 0, hi;
    while (lo < n && m[lo].base + m[lo].size <= base) lo++;  // wholly below
    for (hi = lo; hi < n && m[hi].base < end; hi++) continue;  // overlapping: [lo, hi)
    if (hi == lo) {
        if (n == DT_MAX_MMIO) {
            o->truncated = true;
            return;
        }
        memmove(&m[lo + 1], &m[lo], (n - lo) * sizeof(*m));
        m[lo].base = base;
        m[lo].size = end - base;
        m[lo].flags = flags;
        str_copy(m[lo].path, path, sizeof(m[lo].path));
        str_copy(m[lo].compatible, compat, sizeof(m[lo].compatible));
        dt_set_irqs(&m[lo], q);
        o->n_mmio = n + 1;
        return;
    }
    uint64_t last = m[hi - 1].base + m[hi - 1].size;
    if (base < m[lo].base) {  // the new node has the lowest base: it names the entry
        str_copy(m[lo].path, path, sizeof(m[lo].path));
        str_copy(m[lo].compatible, compat, sizeof(m[lo].compatible));
        dt_set_irqs(&m[lo], q);
        m[lo].base = base;
    }
    for (unsigned i = lo + 1; i < hi; i++) flags |= m[i].flags;
    m[lo].flags |= flags;
    m[lo].size = (end > last ? end : last) - m[lo].base;
    memmove(&m[lo + 1], &m[hi], (n - hi) * sizeof(*m));
    o->n_mmio = n - (hi - lo - 1);
}

// Remove [base, base + size) from the map, trimming or splitting entries.
static void dt_mmio_cut(struct dt_ctx *c, uint64_t base, uint64_t size, const char *name, bool ram) {
    (void)name;
    (void)ram;
    struct dt_info *o = c->out;
    struct dt_mmio *m = o->mmio;
    uint64_t ce = base + size;
    for (unsigned i = 0; i < o->n_mmio;) {
        uint64_t b = m[i].base, e = b + m[i].size;
        if (e <= base || b >= ce) {
            i++;
            continue;
        }
        if (b < base && e > ce) {  // split
            m[i].size = base - b;
            if (o->n_mmio == DT_MAX_MMIO) {
                o->truncated = true;  // the upper piece is dropped
                i++;
                continue;
            }
            memmove(&m[i + 2], &m[i + 1], (o->n_mmio - i - 1) * sizeof(*m));
            m[i + 1] = m[i];
            m[i + 1].base = ce;
            m[i + 1].size = e - ce;
            o->n_mmio++;
            i += 2;
        } else if (b < base) {
            m[i++].size = base - b;
        } else if (e > ce) {
            m[i].base = ce;
            m[i++].size = e - ce;
        } else {
            memmove(&m[i], &m[i + 1], (o->n_mmio - i - 1) * sizeof(*m));
            o->n_mmio--;
        }
    }
}

static bool dt_is_intc(const struct fdt *f, uint32_t node) {
    static const char *const intc[] = {"riscv,plic0", "sifive,plic-1.0.0", "riscv,clint0", "sifive,clint0",
                                       "riscv,imsics", "riscv,aplic"};
    const uint8_t *v;
    uint32_t len;
    if (dt_prop(f, node, "interrupt-controller", &v, &len)) return true;
    for (size_t i = 0; i < sizeof(intc) / sizeof(intc[0]); i++)
        if (dt_compatible(f, node, intc[i], false)) return true;
    return dt_compatible(f, node, "riscv,aclint-", true);
}

// --- interrupts ---------------------------------------------------------------

static bool dt_is_plic(const struct fdt *f, uint32_t node) {
    return dt_compatible(f, node, "riscv,plic0", false) || dt_compatible(f, node, "sifive,plic-1.0.0", false);
}

static bool dt_node_phandle(const struct fdt *f, uint32_t node, uint32_t *ph) {
    const uint8_t *v;
    uint32_t len;
    if (!(dt_prop(f, node, "phandle", &v, &len) || dt_prop(f, node, "linux,phandle", &v, &len)) || len != 4)
        return false;
    *ph = fdt_be32(v);
    return true;
}

// One walk that notes every node's phandle (the first DT_MAX_PHANDLES).
static void dt_index_phandles(struct dt_ctx *c) {
    uint32_t node = c->f->root, depth = 0, ph;
    do {
        if (!dt_node_phandle(c->f, node, &ph)) continue;
        if (c->n_phandles == DT_MAX_PHANDLES) {
            c->phandles_full = true;
            return;
        }
        c->phandle[c->n_phandles] = ph;
        c->phandle_node[c->n_phandles++] = node;
    } while (fdt_next_node(c->f, &node, &depth) == ZX_OK);
}

// The node whose `phandle` (or `linux,phandle`) is ph (the first such).
static uint32_t dt_by_phandle(struct dt_ctx *c, uint32_t ph) {
    if (ph == 0 || ph == UINT32_MAX) return DT_NONE;
    for (unsigned i = 0; i < c->n_phandles; i++)
        if (c->phandle[i] == ph) return c->phandle_node[i];
    if (!c->phandles_full) return DT_NONE;
    uint32_t node = c->f->root, depth = 0, v;
    do {
        if (dt_node_phandle(c->f, node, &v) && v == ph) return node;
    } while (fdt_next_node(c->f, &node, &depth) == ZX_OK);
    return DT_NONE;
}

// #interrupt-cells of a controller node: 1..4, else 0 (unusable).
static uint32_t dt_irq_cells(const struct fdt *f, uint32_t node) {
    const uint8_t *v;
    uint32_t len;
    if (!dt_prop(f, node, "#interrupt-cells", &v, &len) || len != 4) return 0;
    uint32_t n = fdt_be32(v);
    return n >= 1 && n <= DT_MAX_CELLS ? n : 0;
}

// ZX_INTERRUPT_MODE_* (values of <zircon/types.h>) from a specifier's flags
// cell, read as Linux's IRQ_TYPE_* (dt-bindings/interrupt-controller/irq.h).
static uint32_t dt_irq_mode(uint32_t cells, const uint8_t *spec) {
    if (cells < 2) return 4u << 1;  // level high: the PLIC's gateways
    switch (fdt_be32(spec + 4) & 0xf) {
    case 1: return 2u << 1;  // edge rising: EDGE_HIGH
    case 2: return 1u << 1;  // edge falling: EDGE_LOW
    case 3: return 5u << 1;  // both edges
    case 4: return 4u << 1;  // level high
    case 8: return 3u << 1;  // level low
    default: return 0;       // MODE_DEFAULT
    }
}

static void dt_irq_add(const struct fdt *f, uint32_t ctrl, const uint8_t *spec, uint32_t cells, struct dt_irqs *q) {
    if (!dt_is_plic(f, ctrl) || q->n == DT_MAX_IRQS) return;
    uint32_t irq = fdt_be32(spec);
    if (irq == 0) return;  // source 0 does not exist on a PLIC
    q->irq[q->n] = irq;
    q->mode[q->n++] = dt_irq_mode(cells, spec);
}

// The interrupts of anc[depth]: `interrupts-extended`, else `interrupts`
// with the nearest `interrupt-parent` (the node's own first).
static void dt_read_irqs(struct dt_ctx *c, const uint32_t *anc, uint32_t depth, struct dt_irqs *q) {
    const struct fdt *f = c->f;
    const uint8_t *v;
    uint32_t len, node = anc[depth];
    q->n = 0;
    if (dt_prop(f, node, "interrupts-extended", &v, &len)) {
        for (uint32_t o = 0, k = 0; len - o >= 8 && k < DT_MAX_SPECIFIERS; k++) {
            uint32_t ctrl = dt_by_phandle(c, fdt_be32(v + o)), cells;
            if (ctrl == DT_NONE || (cells = dt_irq_cells(f, ctrl)) == 0) return;  // cannot find the next entry
            o += 4;
            if (len - o < 4 * cells) return;
            dt_irq_add(f, ctrl, v + o, cells, q);
            o += 4 * cells;
        }
        return;
    }
    if (!dt_prop(f, node, "interrupts", &v, &len)) return;
    uint32_t ctrl = DT_NONE;
    for (uint32_t k = depth + 1; k-- > 0;) {
        const uint8_t *p;
        uint32_t plen;
        if (dt_prop(f, anc[k], "interrupt-parent", &p, &plen)) {
            if (plen == 4) ctrl = dt_by_phandle(c, fdt_be32(p));
            break;
        }
    }
    uint32_t cells;
    if (ctrl == DT_NONE || (cells = dt_irq_cells(f, ctrl)) == 0) return;
    for (uint32_t o = 0, k = 0; len - o >= 4 * cells && k < DT_MAX_SPECIFIERS; o += 4 * cells, k++)
        dt_irq_add(f, ctrl, v + o, cells, q);
}

// The cpu node (a child of /cpus) that holds controller node `intc`.
static uint32_t dt_cpu_of_intc(const struct fdt *f, uint32_t cpus, uint32_t intc) {
    uint32_t cpu, ch;
    zx_status_t st, st2;
    if (cpus == DT_NONE) return DT_NONE;
    for (st = fdt_first_child(f, cpus, &cpu); st == ZX_OK; st = fdt_next_sibling(f, cpu, &cpu))
        for (st2 = fdt_first_child(f, cpu, &ch); st2 == ZX_OK; st2 = fdt_next_sibling(f, ch, &ch))
            if (ch == intc) return cpu;
    return DT_NONE;
}

// The first available PLIC: its registers, sources and supervisor contexts.
static void dt_fill_plic(struct dt_ctx *c, const uint32_t *anc, uint32_t depth) {
    const struct fdt *f = c->f;
    struct dt_plic *p = &c->out->plic;
    uint32_t node = anc[depth], len;
    const uint8_t *v;
    if (!dt_first_reg(f, anc, depth, &p->base, &p->size)) return;
    p->ndev = dt_u32(f, node, "riscv,ndev", 0);
    if (p->ndev > 1023) p->ndev = 1023;  // the PLIC has at most 1023 sources
    dt_path(f, anc, depth, p->path, sizeof(p->path));
    if (dt_prop(f, node, "interrupts-extended", &v, &len)) {
        for (uint32_t o = 0, ctx = 0; len - o >= 8 && ctx < 2 * DT_MAX_SPECIFIERS; ctx++) {
            uint32_t intc = dt_by_phandle(c, fdt_be32(v + o)), cells;
            if (intc == DT_NONE || (cells = dt_irq_cells(f, intc)) == 0) break;
            o += 4;
            if (len - o < 4 * cells) break;
            uint32_t cause = fdt_be32(v + o);
            o += 4 * cells;
            p->n_contexts = ctx + 1;
            // The hart: the cpu node that is the controller's parent.
            uint32_t cpu = dt_cpu_of_intc(f, c->cpus, intc), ac;
            const uint8_t *r;
            uint32_t rlen;
            uint64_t hartid;
            if (cause != 9 || cpu == DT_NONE || !dt_str_is(f, cpu, "device_type", "cpu") ||
                !dt_addr_cells(f, c->cpus, &ac) || !dt_prop(f, cpu, "reg", &r, &rlen) ||
                rlen < 4 * ac || !dt_num(r, ac, &hartid) || hartid > UINT32_MAX)
                continue;
            if (p->n_scontexts == DT_MAX_CPUS) {
                c->out->truncated = true;
                continue;
            }
            p->scontexts[p->n_scontexts].hartid = (uint32_t)hartid;
            p->scontexts[p->n_scontexts++].index = ctx;
        }
    }
    p->present = true;
}

static void dt_add_mmio(struct dt_ctx *c, const uint32_t *anc, uint32_t depth) {
    const struct fdt *f = c->f;
    uint32_t node = anc[depth], len, ac, sc;
    const uint8_t *r;
    if (!dt_prop(f, node, "reg", &r, &len) || !dt_addr_cells(f, anc[depth - 1], &ac) ||
        !dt_size_cells(f, anc[depth - 1], &sc))
        return;
    char path[DT_PATH_LEN];
    dt_path(f, anc, depth, path, sizeof(path));
    const char *compat = dt_str(f, node, "compatible");
    uint32_t flags = dt_is_intc(f, node) ? DT_MMIO_INTC : 0;
    struct dt_irqs q;
    dt_read_irqs(c, anc, depth, &q);
    if (!c->out->plic.present && dt_is_plic(f, node)) dt_fill_plic(c, anc, depth);
    uint32_t esz = 4 * (ac + sc);
    for (uint32_t o = 0; len - o >= esz; o += esz) {
        uint64_t b, s;
        if (!dt_num(r + o, ac, &b) || !dt_num(r + o + 4 * ac, sc, &s) || s == 0) continue;
        if (!dt_translate(f, anc, depth, &b, &s)) continue;
        s = dt_clip(b, s);
        if (s) dt_mmio_insert(c->out, b, b + s, flags, path, compat ? compat : "", &q);
    }
}

// --- cpus, console, the walk -----------------------------------------------

static void dt_add_cpu(struct dt_ctx *c, uint32_t node) {
    const struct fdt *f = c->f;
    struct dt_info *o = c->out;
    const uint8_t *r;
    uint32_t len, ac;
    uint64_t v;
    if (!dt_str_is(f, node, "device_type", "cpu")) return;
    if (!c->have_timebase && dt_uint(f, node, "timebase-frequency", &v)) {
        o->timebase_frequency = v;
        c->have_timebase = true;
    }
    if (!dt_addr_cells(f, c->cpus, &ac) || !dt_prop(f, node, "reg", &r, &len) || len < 4 * ac ||
        !dt_num(r, ac, &v) || v > UINT32_MAX)
        return;
    if (o->n_cpus == DT_MAX_CPUS) {
        o->truncated = true;
        return;
    }
    struct dt_cpu *cpu = &o->cpus[o->n_cpus++];
    const char *isa = dt_str(f, node, "riscv,isa"), *mmu = dt_str(f, node, "mmu-type");
    cpu->hartid = (uint32_t)v;
    cpu->okay = dt_available(f, node);
    str_copy(cpu->isa, isa ? isa : "", sizeof(cpu->isa));
    str_copy(cpu->mmu_type, mmu ? mmu : "", sizeof(cpu->mmu_type));
    cpu->svpbmt = (isa && isa_has_ext(isa, "svpbmt")) ||
                  dt_strlist_has(f, node, "riscv,isa-extensions", "svpbmt", false);
}

static void dt_fill_console(struct dt_ctx *c, const uint32_t *anc, uint32_t depth) {
    const struct fdt *f = c->f;
    struct dt_console *k = &c->out->console;
    uint32_t node = anc[depth];
    const char *compat = dt_str(f, node, "compatible");
    str_copy(k->compatible, compat ? compat : "", sizeof(k->compatible));
    if (!dt_first_reg(f, anc, depth, &k->base, &k->size)) k->base = k->size = 0;
    k->reg_shift = dt_u32(f, node, "reg-shift", 0);
    k->reg_io_width = dt_u32(f, node, "reg-io-width", 1);
    k->clock_frequency = dt_u32(f, node, "clock-frequency", 0);
}

static bool dt_under(const uint32_t *anc, uint32_t depth, uint32_t node) {
    for (uint32_t k = 0; k <= depth; k++)
        if (anc[k] == node) return true;
    return false;
}

static void dt_visit(struct dt_ctx *c, const uint32_t *anc, uint32_t depth) {
    const struct fdt *f = c->f;
    uint32_t node = anc[depth];
    if (node == c->console) dt_fill_console(c, anc, depth);
    if (!c->have_poweroff && dt_compatible(f, node, "sifive,test0", false) && dt_available(f, node)) {
        uint64_t b, s;
        if (dt_first_reg(f, anc, depth, &b, &s)) {
            c->out->poweroff_base = b;
            c->have_poweroff = true;
        }
    }
    if (depth == 0 || (depth == 1 && dt_is_memory(f, node)) || dt_under(anc, depth, c->resmem)) return;
    if (dt_under(anc, depth, c->cpus)) {
        if (anc[depth - 1] == c->cpus) dt_add_cpu(c, node);
        return;
    }
    if (dt_available(f, node)) dt_add_mmio(c, anc, depth);
}

static zx_status_t dt_walk(struct dt_ctx *c) {
    uint32_t anc[FDT_MAX_DEPTH + 1];
    uint32_t node = c->f->root, depth = 0;
    zx_status_t st;
    do {
        if (depth > FDT_MAX_DEPTH) return ZX_ERR_IO_DATA_INTEGRITY;
        anc[depth] = node;
        dt_visit(c, anc, depth);
    } while ((st = fdt_next_node(c->f, &node, &depth)) == ZX_OK);
    return st == ZX_ERR_NOT_FOUND ? ZX_OK : st;
}

// The node named by stdout-path[0..n): an absolute path, or an alias from
// /aliases (whose value must be absolute) optionally followed by "/subpath".
static uint32_t dt_resolve(const struct fdt *f, const char *path, size_t n) {
    if (n == 0) return DT_NONE;
    if (path[0] == '/') return dt_find(f, f->root, path, n);
    size_t q = 0;
    while (q < n && path[q] != '/') q++;
    uint32_t aliases = dt_find_abs(f, "/aliases");
    if (aliases == DT_NONE) return DT_NONE;
    struct fdt_prop p;
    zx_status_t st;
    for (st = fdt_first_prop(f, aliases, &p); st == ZX_OK; st = fdt_next_prop(f, &p))
        if (strnlen(p.name, q + 1) == q && !memcmp(p.name, path, q)) break;
    if (st != ZX_OK || p.len == 0 || strnlen((const char *)p.value, p.len) == p.len || p.value[0] != '/')
        return DT_NONE;
    uint32_t target = dt_find(f, f->root, (const char *)p.value, strlen((const char *)p.value));
    return target == DT_NONE ? DT_NONE : dt_find(f, target, path + q, n - q);
}

static void dt_read_root_chosen(struct dt_ctx *c) {
    const struct fdt *f = c->f;
    struct dt_info *o = c->out;
    const char *s = dt_str(f, f->root, "model");
    if (s) str_copy(o->model, s, sizeof(o->model));
    c->cpus = dt_find_abs(f, "/cpus");
    c->resmem = dt_find_abs(f, "/reserved-memory");
    if (c->cpus != DT_NONE && dt_uint(f, c->cpus, "timebase-frequency", &o->timebase_frequency))
        c->have_timebase = true;
    uint32_t chosen = dt_find_abs(f, "/chosen");
    if (chosen == DT_NONE) return;
    if ((s = dt_str(f, chosen, "bootargs"))) str_copy(o->bootargs, s, sizeof(o->bootargs));
    if (!dt_uint(f, chosen, "linux,initrd-start", &o->initrd_start)) o->initrd_start = 0;
    if (!dt_uint(f, chosen, "linux,initrd-end", &o->initrd_end)) o->initrd_end = 0;
    if ((s = dt_str(f, chosen, "stdout-path"))) {
        size_t n = 0;
        while (s[n] && s[n] != ':') n++;  // "path:options"
        size_t keep = n < sizeof(o->stdout_path) - 1 ? n : sizeof(o->stdout_path) - 1;
        memcpy(o->stdout_path, s, keep);
        o->stdout_path[keep] = 0;
        c->console = dt_resolve(f, s, n);
    }
}

zx_status_t dt_parse(const void *blob, size_t avail, struct dt_info *out, const char **why) {
    const char *dummy;
    if (!why) why = &dummy;
    if (!out) {
        *why = "no dt_info to fill";
        return ZX_ERR_INVALID_ARGS;
    }
    memset(out, 0, sizeof(*out));
    struct fdt f;
    zx_status_t st = fdt_open(&f, blob, avail, why);
    if (st != ZX_OK) return st;
    struct dt_ctx c = {.f = &f, .out = out, .cpus = DT_NONE, .resmem = DT_NONE, .console = DT_NONE};
    out->totalsize = f.totalsize;
    dt_read_root_chosen(&c);
    dt_index_phandles(&c);
    dt_scan_ram_reserved(&c, dt_add_range);
    st = dt_walk(&c);
    if (st != ZX_OK) {
        memset(out, 0, sizeof(*out));
        *why = "device tree structure inconsistent on the second read";
        return st;
    }
    dt_scan_ram_reserved(&c, dt_mmio_cut);
    return ZX_OK;
}
