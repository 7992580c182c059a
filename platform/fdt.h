// Low-level reader of a flattened device tree blob (DTB, devicetree spec v0.4
// chapter 5), without libfdt, usable in the kernel and unchanged on the host.
//
// Invariants:
//  - fdt_open() validates the whole blob before anything else may read it:
//    header fields, the memory reservation block, every token of the
//    structure block (node names NUL-terminated, the root's empty, the others
//    non-empty and without '/'; property names and lengths; properties
//    before subnodes; balanced nesting; one root; FDT_END).
//    A refused blob gets a static message in *why.
//  - No function ever reads outside [blob, blob + totalsize), and totalsize
//    is never more than the `avail` the caller vouched for. Every accessor
//    bound-checks again (defense in depth) and returns
//    ZX_ERR_IO_DATA_INTEGRITY instead of reading past a block.
//  - Nodes are named by the offset of their FDT_BEGIN_NODE token inside the
//    structure block. The tree is at most FDT_MAX_DEPTH levels deep below the
//    root (deeper blobs are refused), so callers can keep ancestor stacks in
//    fixed arrays.
//  - Nothing is written: the blob is const, struct fdt is filled by fdt_open
//    and read-only afterwards. No allocation, no global state.
#ifndef PLATFORM_FDT_H
#define PLATFORM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#define FDT_MAX_DEPTH 32u          // levels below the root (root = depth 0)
#define FDT_HEADER_SIZE_V16 36u    // up to size_dt_strings
#define FDT_HEADER_SIZE_V17 40u    // adds size_dt_struct
#define FDT_LAST_COMP_VERSION 17u  // we read versions >= 16 that are compatible with 17

struct fdt {
    const uint8_t *blob;
    uint32_t totalsize;
    uint32_t version;
    uint32_t boot_cpuid_phys;
    const uint8_t *dt_struct;  // structure block, struct_size bytes
    uint32_t struct_size;
    const char *strings;       // strings block, strings_size bytes
    uint32_t strings_size;
    const uint8_t *rsvmap;     // memory reservation block: rsv_count entries + {0,0}
    uint32_t rsv_count;
    uint32_t root;             // offset of the root node
    uint32_t n_nodes;          // nodes in the tree (root included)
    uint32_t max_depth;        // deepest node (root = 0)
};

struct fdt_prop {
    const char *name;      // NUL terminated, inside the strings block
    const uint8_t *value;  // `len` bytes inside the structure block
    uint32_t len;
    uint32_t off;          // offset of the FDT_PROP token (iteration cursor)
};

static inline uint32_t fdt_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t fdt_be64(const uint8_t *p) { return (uint64_t)fdt_be32(p) << 32 | fdt_be32(p + 4); }

// Check the blob (readable for `avail` bytes) completely and fill *f.
// ZX_ERR_INVALID_ARGS: null pointers; ZX_ERR_OUT_OF_RANGE: the blob does not
// fit `avail` or a block lies outside it; ZX_ERR_IO_DATA_INTEGRITY: malformed.
zx_status_t fdt_open(struct fdt *f, const void *blob, size_t avail, const char **why);

// Memory reservation entry i (0 <= i < rsv_count).
zx_status_t fdt_rsv_entry(const struct fdt *f, uint32_t i, uint64_t *base, uint64_t *size);

// The node's name ("" for the root, "serial@10000000"...).
zx_status_t fdt_node_name(const struct fdt *f, uint32_t node, const char **name);

// Every node in document order: *node/*depth are the current node and its
// depth (start with f->root and 0); on ZX_OK they are the next node and its
// depth. ZX_ERR_NOT_FOUND after the last node.
zx_status_t fdt_next_node(const struct fdt *f, uint32_t *node, uint32_t *depth);

// Children of a node, in document order. ZX_ERR_NOT_FOUND when there are none left.
zx_status_t fdt_first_child(const struct fdt *f, uint32_t node, uint32_t *child);
zx_status_t fdt_next_sibling(const struct fdt *f, uint32_t node, uint32_t *next);

// Properties of a node, in order. ZX_ERR_NOT_FOUND when there are none left.
zx_status_t fdt_first_prop(const struct fdt *f, uint32_t node, struct fdt_prop *p);
zx_status_t fdt_next_prop(const struct fdt *f, struct fdt_prop *p);

// The property `name` of a node. ZX_ERR_NOT_FOUND if absent.
zx_status_t fdt_get_prop(const struct fdt *f, uint32_t node, const char *name, const uint8_t **value,
                         uint32_t *len);

// The node at path[0..len) below `from` (f->root for an absolute path such as
// "/soc/serial@10000000"). A component without '@' also matches a node
// named "component@unit" (as libfdt does); leading, repeated and trailing
// '/' are ignored, so "/" is `from` itself. No alias lookup. ZX_ERR_NOT_FOUND
// if there is no such node.
zx_status_t fdt_find_node(const struct fdt *f, uint32_t from, const char *path, size_t len, uint32_t *node);

#endif
