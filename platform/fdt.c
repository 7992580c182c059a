// Validated reader of a flattened device tree blob (see platform/fdt.h).
//
// Invariants:
//  - Every byte read goes through fdt_open's header checks or fdt_token(),
//    which bound-checks the token, a node name (NUL inside the structure
//    block), a property (header, value and the name string inside their
//    blocks) before handing out pointers. fdt_open runs fdt_token over the
//    whole structure block once, so later walks only meet tokens that were
//    already validated, and they still re-check them.
//  - Offsets are uint32_t, sums are computed in uint64_t: no wrap-around.
//  - Every loop advances a token offset strictly and stops at the end of the
//    structure block, so a walk ends even on a corrupted blob.
#include "platform/fdt.h"

#include "kern/string.h"

#define FDT_MAGIC_VALUE 0xd00dfeedu
#define FDT_TOK_BEGIN_NODE 0x1u
#define FDT_TOK_END_NODE 0x2u
#define FDT_TOK_PROP 0x3u
#define FDT_TOK_NOP 0x4u
#define FDT_TOK_END 0x9u

// One decoded token of the structure block.
struct fdt_tok {
    uint32_t tag;
    uint32_t next;         // offset of the following token (may be past the block)
    const char *name;      // FDT_BEGIN_NODE: node name; FDT_PROP: property name
    const uint8_t *value;  // FDT_PROP
    uint32_t len;          // FDT_PROP
};

static uint32_t fdt_next_off(uint32_t off, uint64_t used, uint32_t size) {
    uint64_t n = (uint64_t)off + ((used + 3) & ~(uint64_t)3);
    return n > size ? size : (uint32_t)n;  // a token at `size` fails the next bound check
}

// Decode the token at structure offset `off`, checking everything it refers to.
static zx_status_t fdt_token(const struct fdt *f, uint32_t off, struct fdt_tok *t, const char **why) {
    uint32_t size = f->struct_size;
    if ((off & 3) || off > size || size - off < 4) {
        *why = "structure block ends without FDT_END";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
    const uint8_t *p = f->dt_struct + off;
    uint32_t rest = size - off - 4;  // bytes after the tag
    t->tag = fdt_be32(p);
    t->name = 0;
    t->value = 0;
    t->len = 0;
    switch (t->tag) {
    case FDT_TOK_BEGIN_NODE: {
        const char *name = (const char *)(p + 4);
        size_t n = strnlen(name, rest);
        if (n == rest) {
            *why = "node name not NUL-terminated inside the structure block";
            return ZX_ERR_IO_DATA_INTEGRITY;
        }
        t->name = name;
        t->next = fdt_next_off(off, 4 + (uint64_t)n + 1, size);
        return ZX_OK;
    }
    case FDT_TOK_PROP: {
        if (rest < 8) {
            *why = "property header past the end of the structure block";
            return ZX_ERR_IO_DATA_INTEGRITY;
        }
        uint32_t len = fdt_be32(p + 4), nameoff = fdt_be32(p + 8);
        if (len > rest - 8) {
            *why = "property value past the end of the structure block";
            return ZX_ERR_IO_DATA_INTEGRITY;
        }
        if (nameoff >= f->strings_size) {
            *why = "property name offset outside the strings block";
            return ZX_ERR_IO_DATA_INTEGRITY;
        }
        if (strnlen(f->strings + nameoff, f->strings_size - nameoff) == f->strings_size - nameoff) {
            *why = "property name not NUL-terminated inside the strings block";
            return ZX_ERR_IO_DATA_INTEGRITY;
        }
        t->name = f->strings + nameoff;
        t->value = p + 12;
        t->len = len;
        t->next = fdt_next_off(off, 12 + (uint64_t)len, size);
        return ZX_OK;
    }
    case FDT_TOK_END_NODE:
    case FDT_TOK_NOP:
    case FDT_TOK_END:
        t->next = off + 4;
        return ZX_OK;
    default:
        *why = "unknown token in the structure block";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
}

// A node name below the root: non-empty, no '/' (paths stay unambiguous).
static bool fdt_name_ok(const char *name) {
    if (!name[0]) return false;
    for (; *name; name++)
        if (*name == '/') return false;
    return true;
}

// One pass over the structure block: tokens, names, nesting, a single root
// (named ""), properties before subnodes, FDT_END.
static zx_status_t fdt_check_struct(struct fdt *f, const char **why) {
    uint32_t off = 0, open = 0, prev = FDT_TOK_END;
    bool seen_root = false;
    for (;;) {
        struct fdt_tok t;
        zx_status_t st = fdt_token(f, off, &t, why);
        if (st != ZX_OK) return st;
        switch (t.tag) {
        case FDT_TOK_BEGIN_NODE:
            if (seen_root && open == 0) {
                *why = "more than one root node";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            if (!seen_root && t.name[0] != 0) {
                *why = "root node name not empty";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            if (seen_root && !fdt_name_ok(t.name)) {
                *why = "node name empty or containing '/'";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            if (!seen_root) f->root = off;
            seen_root = true;
            if (open > FDT_MAX_DEPTH) {
                *why = "nodes nested deeper than FDT_MAX_DEPTH";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            if (open > f->max_depth) f->max_depth = open;
            open++;
            f->n_nodes++;
            break;
        case FDT_TOK_END_NODE:
            if (open == 0) {
                *why = "FDT_END_NODE without a matching FDT_BEGIN_NODE";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            open--;
            break;
        case FDT_TOK_PROP:
            if (open == 0) {
                *why = "property outside any node";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            if (prev != FDT_TOK_BEGIN_NODE && prev != FDT_TOK_PROP) {
                *why = "property after a subnode";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            break;
        case FDT_TOK_NOP:
            off = t.next;
            continue;  // invisible: does not change `prev`
        case FDT_TOK_END:
            if (!seen_root) {
                *why = "structure block has no root node";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            if (open != 0) {
                *why = "FDT_END inside an unclosed node (unbalanced nesting)";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            return ZX_OK;
        }
        prev = t.tag;
        off = t.next;
    }
}

static bool fdt_block_inside(uint32_t off, uint32_t size, uint32_t hdr, uint32_t total) {
    return off >= hdr && off <= total && size <= total - off;
}

zx_status_t fdt_open(struct fdt *f, const void *blob, size_t avail, const char **why) {
    const char *dummy;
    if (!why) why = &dummy;
    if (!f || !blob) {
        *why = "no device tree blob";
        return ZX_ERR_INVALID_ARGS;
    }
    memset(f, 0, sizeof(*f));
    const uint8_t *b = blob;
    if (avail < FDT_HEADER_SIZE_V16) {
        *why = "blob smaller than the FDT header";
        return ZX_ERR_OUT_OF_RANGE;
    }
    if (fdt_be32(b) != FDT_MAGIC_VALUE) {
        *why = "bad magic (not a flattened device tree)";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
    uint32_t total = fdt_be32(b + 4);
    uint32_t off_struct = fdt_be32(b + 8), off_strings = fdt_be32(b + 12), off_rsv = fdt_be32(b + 16);
    uint32_t version = fdt_be32(b + 20), last_comp = fdt_be32(b + 24);
    if (version < 16) {
        *why = "FDT version older than 16";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
    if (last_comp > FDT_LAST_COMP_VERSION || last_comp > version) {
        *why = "FDT last_comp_version is newer than this reader (17)";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
    uint32_t hdr = version >= 17 ? FDT_HEADER_SIZE_V17 : FDT_HEADER_SIZE_V16;
    if (total < hdr) {
        *why = "FDT totalsize smaller than the header";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
    if (total > avail) {
        *why = "FDT totalsize larger than the available blob";
        return ZX_ERR_OUT_OF_RANGE;
    }
    uint32_t size_strings = fdt_be32(b + 32);
    // Version 16 has no size_dt_struct: the block may run to the end of the blob.
    uint32_t size_struct = off_struct <= total ? total - off_struct : 0;
    if (version >= 17) size_struct = fdt_be32(b + 36);

    if (!fdt_block_inside(off_struct, size_struct, hdr, total)) {
        *why = "FDT structure block outside the blob";
        return ZX_ERR_OUT_OF_RANGE;
    }
    if (off_struct & 3) {
        *why = "FDT structure block not 4-byte aligned";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }
    if (!fdt_block_inside(off_strings, size_strings, hdr, total)) {
        *why = "FDT strings block outside the blob";
        return ZX_ERR_OUT_OF_RANGE;
    }
    if (!fdt_block_inside(off_rsv, 0, hdr, total)) {
        *why = "FDT memory reservation block outside the blob";
        return ZX_ERR_OUT_OF_RANGE;
    }
    if (off_rsv & 7) {
        *why = "FDT memory reservation block not 8-byte aligned";
        return ZX_ERR_IO_DATA_INTEGRITY;
    }

    f->blob = b;
    f->totalsize = total;
    f->version = version;
    f->boot_cpuid_phys = fdt_be32(b + 28);
    f->dt_struct = b + off_struct;
    f->struct_size = size_struct;
    f->strings = (const char *)(b + off_strings);
    f->strings_size = size_strings;
    f->rsvmap = b + off_rsv;

    // Reservation entries up to the {0,0} terminator, all inside the blob.
    for (uint64_t pos = off_rsv;; pos += 16) {
        if (pos + 16 > total) {
            *why = "FDT memory reservation block not terminated inside the blob";
            return ZX_ERR_OUT_OF_RANGE;
        }
        uint64_t base = fdt_be64(b + pos), size = fdt_be64(b + pos + 8);
        if (size == 0) {
            if (base != 0) {
                *why = "FDT memory reservation entry of size 0 (the terminator must be {0,0})";
                return ZX_ERR_IO_DATA_INTEGRITY;
            }
            break;
        }
        f->rsv_count++;
    }
    return fdt_check_struct(f, why);
}

zx_status_t fdt_rsv_entry(const struct fdt *f, uint32_t i, uint64_t *base, uint64_t *size) {
    if (i >= f->rsv_count) return ZX_ERR_OUT_OF_RANGE;
    uint64_t pos = (uint64_t)(f->rsvmap - f->blob) + (uint64_t)i * 16;
    if (pos + 16 > f->totalsize) return ZX_ERR_IO_DATA_INTEGRITY;
    *base = fdt_be64(f->blob + pos);
    *size = fdt_be64(f->blob + pos + 8);
    return ZX_OK;
}

// The token at `node` must open a node.
static zx_status_t fdt_node_token(const struct fdt *f, uint32_t node, struct fdt_tok *t) {
    const char *why;
    zx_status_t st = fdt_token(f, node, t, &why);
    if (st != ZX_OK) return st;
    return t->tag == FDT_TOK_BEGIN_NODE ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

zx_status_t fdt_node_name(const struct fdt *f, uint32_t node, const char **name) {
    struct fdt_tok t;
    zx_status_t st = fdt_node_token(f, node, &t);
    if (st == ZX_OK) *name = t.name;
    return st;
}

zx_status_t fdt_next_node(const struct fdt *f, uint32_t *node, uint32_t *depth) {
    struct fdt_tok t;
    zx_status_t st = fdt_node_token(f, *node, &t);
    if (st != ZX_OK) return st;
    uint32_t open = *depth + 1;  // nodes open after entering *node
    const char *why;
    for (uint32_t off = t.next;; off = t.next) {
        st = fdt_token(f, off, &t, &why);
        if (st != ZX_OK) return st;
        switch (t.tag) {
        case FDT_TOK_BEGIN_NODE:
            if (open > FDT_MAX_DEPTH) return ZX_ERR_IO_DATA_INTEGRITY;
            *node = off;
            *depth = open;
            return ZX_OK;
        case FDT_TOK_END_NODE:
            if (--open == 0) return ZX_ERR_NOT_FOUND;
            break;
        case FDT_TOK_END:
            return ZX_ERR_NOT_FOUND;
        default:
            break;  // properties, NOPs
        }
    }
}

// From the token at `off` inside a node's child list (after its properties or
// after a child's FDT_END_NODE), the next child or ZX_ERR_NOT_FOUND.
static zx_status_t fdt_child_at(const struct fdt *f, uint32_t off, uint32_t *child) {
    struct fdt_tok t;
    const char *why;
    for (;; off = t.next) {
        zx_status_t st = fdt_token(f, off, &t, &why);
        if (st != ZX_OK) return st;
        if (t.tag == FDT_TOK_BEGIN_NODE) {
            *child = off;
            return ZX_OK;
        }
        if (t.tag == FDT_TOK_END_NODE || t.tag == FDT_TOK_END) return ZX_ERR_NOT_FOUND;
    }
}

zx_status_t fdt_first_child(const struct fdt *f, uint32_t node, uint32_t *child) {
    struct fdt_tok t;
    zx_status_t st = fdt_node_token(f, node, &t);
    if (st != ZX_OK) return st;
    return fdt_child_at(f, t.next, child);
}

zx_status_t fdt_next_sibling(const struct fdt *f, uint32_t node, uint32_t *next) {
    struct fdt_tok t;
    zx_status_t st = fdt_node_token(f, node, &t);
    if (st != ZX_OK) return st;
    const char *why;
    uint32_t open = 1;
    for (uint32_t off = t.next; open > 0; off = t.next) {  // skip the subtree
        st = fdt_token(f, off, &t, &why);
        if (st != ZX_OK) return st;
        if (t.tag == FDT_TOK_BEGIN_NODE) open++;
        if (t.tag == FDT_TOK_END_NODE) open--;
        if (t.tag == FDT_TOK_END) return ZX_ERR_NOT_FOUND;
    }
    return fdt_child_at(f, t.next, next);
}

// From `off`, the next property of the same node or ZX_ERR_NOT_FOUND.
static zx_status_t fdt_prop_at(const struct fdt *f, uint32_t off, struct fdt_prop *p) {
    struct fdt_tok t;
    const char *why;
    for (;; off = t.next) {
        zx_status_t st = fdt_token(f, off, &t, &why);
        if (st != ZX_OK) return st;
        if (t.tag == FDT_TOK_PROP) {
            p->name = t.name;
            p->value = t.value;
            p->len = t.len;
            p->off = off;
            return ZX_OK;
        }
        if (t.tag != FDT_TOK_NOP) return ZX_ERR_NOT_FOUND;
    }
}

zx_status_t fdt_first_prop(const struct fdt *f, uint32_t node, struct fdt_prop *p) {
    struct fdt_tok t;
    zx_status_t st = fdt_node_token(f, node, &t);
    if (st != ZX_OK) return st;
    return fdt_prop_at(f, t.next, p);
}

zx_status_t fdt_next_prop(const struct fdt *f, struct fdt_prop *p) {
    struct fdt_tok t;
    const char *why;
    zx_status_t st = fdt_token(f, p->off, &t, &why);
    if (st != ZX_OK) return st;
    if (t.tag != FDT_TOK_PROP) return ZX_ERR_INVALID_ARGS;
    return fdt_prop_at(f, t.next, p);
}

zx_status_t fdt_get_prop(const struct fdt *f, uint32_t node, const char *name, const uint8_t **value,
                         uint32_t *len) {
    struct fdt_prop p;
    zx_status_t st;
    for (st = fdt_first_prop(f, node, &p); st == ZX_OK; st = fdt_next_prop(f, &p)) {
        if (!strcmp(p.name, name)) {
            *value = p.value;
            *len = p.len;
            return ZX_OK;
        }
    }
    return st;
}

// Node name `name` matches path component c[0..n): exactly, or as
// "c@unit" when c has no unit address itself.
static bool fdt_name_matches(const char *name, const char *c, size_t n) {
    if (strnlen(name, n) < n || memcmp(name, c, n) != 0) return false;
    if (name[n] == 0) return true;
    if (name[n] != '@') return false;
    for (size_t i = 0; i < n; i++)
        if (c[i] == '@') return false;
    return true;
}

zx_status_t fdt_find_node(const struct fdt *f, uint32_t from, const char *path, size_t len, uint32_t *node) {
    uint32_t cur = from;
    size_t p = 0;
    for (;;) {
        while (p < len && path[p] == '/') p++;
        if (p == len) break;
        size_t q = p;
        while (q < len && path[q] != '/') q++;
        uint32_t c;
        zx_status_t st;
        const char *name;
        for (st = fdt_first_child(f, cur, &c); st == ZX_OK; st = fdt_next_sibling(f, c, &c)) {
            st = fdt_node_name(f, c, &name);
            if (st != ZX_OK) return st;
            if (fdt_name_matches(name, path + p, q - p)) break;
        }
        if (st != ZX_OK) return st;
        cur = c;
        p = q;
    }
    *node = cur;
    return ZX_OK;
}
