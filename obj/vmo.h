// Virtual Memory Objects: paged memory that can be read, written and mapped.
//
// A paged VMO keeps its committed pages in a radix tree indexed by page
// number (nodes are whole pages from mm/page_alloc, reached through the
// direct map), so a VMO may be huge and sparse: pages are committed only when
// written or faulted in (demand zero), and reads of never-committed pages
// return zeros without committing anything.
//
// Sizes: `size` is always a multiple of the page size; `content_size` is the
// unrounded size the creator asked for (seed zx_vmo_create). VMO_MAX_SIZE is
// the largest size the kernel allows.
//
// Copies to and from the VMO go through a caller-supplied copy function, so
// the same code serves user copies (mm/usercopy.h) in the kernel and memcpy
// in host tests. A copy failure stops the operation with the callback's
// status; pages committed before the failure stay committed.
//
// Locking: vmo->obj.lock guards the tree, the sizes and the counters. The
// copy callbacks are called with the lock held and interrupts off (user
// copies fault through fixups, never sleep). Lock order: vmo lock, then the
// buddy lock.
#ifndef OBJ_VMO_H
#define OBJ_VMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "mm/addr.h"
#include "obj/object.h"

// 2^27 pages (512 GiB) addressed by three 512-way levels.
#define VMO_RADIX_LEVELS 3
#define VMO_MAX_PAGES (1ull << (9 * VMO_RADIX_LEVELS))
#define VMO_MAX_SIZE (VMO_MAX_PAGES * PAGE_SIZE)

struct vmo {
    struct object obj;
    uint64_t size;          // bytes, page aligned, <= VMO_MAX_SIZE
    uint64_t content_size;  // bytes
    uint32_t options;       // ZX_VMO_* creation options
    uint32_t cache_policy;  // ZX_CACHE_POLICY_*
    paddr_t root;           // radix root node, pa 0 = empty tree
    uint64_t committed_pages;
    uint64_t node_pages;    // radix node pages (metadata)
    uint32_t mappings;      // live mappings into address spaces
    // Radix levels in use, 1..VMO_RADIX_LEVELS: the fewest that address
    // `size` (a VMO up to 2 MiB needs one node, up to 1 GiB two). The root
    // node is at level radix_height - 1, leaves (entries = data pages) at
    // level 0. It never shrinks; growing it puts a new root above the old.
    uint32_t radix_height;
};

// Radix nodes: one page of VMO_RADIX_FANOUT uint64_t entries, each the
// physical address of a child node (or, in a leaf, of a data page), 0 = empty.
// The tree never holds an empty node: a node exists only while some entry in
// it is set, so node_pages is exactly the metadata the VMO needs.
#define VMO_RADIX_BITS 9
#define VMO_RADIX_FANOUT (1u << VMO_RADIX_BITS)

// Copy `n` bytes between VMO memory at `kva` and the caller's buffer at
// byte offset `buf_off`. Returns ZX_OK or an error (e.g. ZX_ERR_INVALID_ARGS
// for a bad user pointer).
typedef zx_status_t (*vmo_copy_fn)(void *ctx, size_t buf_off, void *kva, size_t n);

// Create a paged VMO of `size` bytes (already page rounded by the caller,
// <= VMO_MAX_SIZE) with the given content size and options.
// ZX_ERR_NO_MEMORY leaves nothing behind.
zx_status_t vmo_create(uint64_t size, uint64_t content_size, uint32_t options, struct vmo **out);

// Read/write [off, off+len) (must lie within size: ZX_ERR_OUT_OF_RANGE,
// overflow included). Read: `copy` copies FROM kva TO the buffer; pages never
// committed read as zeros (the callback is given a zero page). Write: `copy`
// copies FROM the buffer TO kva; pages are committed (zeroed) as needed.
// As Zircon's InRange: OK iff off <= size and len <= size - off, so len 0 is
// ZX_OK (no callback) for any off <= size, even off == size, and
// ZX_ERR_OUT_OF_RANGE for off > size. Each callback covers at most one page
// and never crosses a page boundary (kva + n stays inside one page).
// Write: a failed commit stops with ZX_ERR_NO_MEMORY; bytes copied before it
// stay written.
zx_status_t vmo_read(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx);
zx_status_t vmo_write(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx);

// The physical page backing byte offset `off` (page aligned, < size). With
// commit, a missing page is committed (zeroed); without, ZX_ERR_NOT_FOUND.
// `off` not page aligned: ZX_ERR_INVALID_ARGS; off >= size: ZX_ERR_OUT_OF_RANGE.
// The page stays owned by the VMO (valid until decommitted or destroyed).
zx_status_t vmo_get_page(struct vmo *v, uint64_t off, bool commit, paddr_t *out);

// Bytes of committed data pages (committed_pages * PAGE_SIZE; node pages are
// not included, see node_pages).
uint64_t vmo_committed_bytes(struct vmo *v);

uint64_t vmo_get_size(struct vmo *v);
uint64_t vmo_get_content_size(struct vmo *v);
void vmo_set_content_size(struct vmo *v, uint64_t content_size);

// Kernel-object glue: the ops of VMO objects (destroy frees every page).
extern const struct object_ops vmo_ops;

static inline struct vmo *vmo_from_object(struct object *o) { return (struct vmo *)o; }
#endif
