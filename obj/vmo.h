// Virtual Memory Objects: paged memory that can be read, written and mapped,
// and physical VMOs that name a fixed range of physical memory (MMIO).
//
// A paged VMO keeps its committed pages in a radix tree indexed by page
// number (nodes are whole pages from mm/page_alloc, reached through the
// direct map), so a VMO may be huge and sparse: pages are committed only when
// written or faulted in (demand zero), and reads of never-committed pages
// return zeros without committing anything.
//
// The implementation is split as Zircon splits its VMO (obj/vmo_internal.h
// lists the files): the page list, the page operations (cow pages), the
// object (paged), physical VMOs, discardable VMOs, contiguous VMOs and pins.
//
// Sizes: `size` is always a multiple of the page size; `content_size` is the
// unrounded size the creator asked for (seed zx_vmo_create). VMO_MAX_SIZE is
// the largest size the kernel allows. A ZX_VMO_RESIZABLE VMO changes size
// with vmo_set_size; the radix tree grows (a new root above the old) or
// shrinks (the root collapses) to the fewest levels for the size.
//
// Copies to and from the VMO go through a caller-supplied copy function, so
// the same code serves user copies (mm/usercopy.h) in the kernel and memcpy
// in host tests. A copy failure stops the operation with the callback's
// status; pages committed before the failure stay committed.
//
// Mappings: every struct vmar_mapping of the VMO is linked on v->map_list
// (obj/vmar.c links and unlinks them). Whenever pages leave the VMO
// (decommit, zero, shrink, discard) they are removed from every mapping's
// page table before they are freed (vmar_unmap_vmo_pages); later faults
// commit fresh demand-zero pages (or fail beyond the size).
//
// Discardable VMOs (ZX_VMO_DISCARDABLE): start unlocked; vmo_lock/vmo_unlock
// nest a lock count over the whole VMO. Unlocked, not yet discarded ones sit
// on a global LRU list (least recently unlocked first) from which
// vmo_reclaim_discardable discards them (frees all pages, marks them
// discarded). While discarded and unlocked, reads, writes, commits and faults
// fail with ZX_ERR_NOT_FOUND (as Zircon); the next vmo_lock succeeds, reports
// the discard and the contents then read as zero.
//
// Locking (order, outermost first):
//   1. the per-VMO "busy" section (v->op_busy, taken under the VMO lock by
//      size changes, range ops, lock/unlock, discard, cache policy): one such
//      operation per VMO at a time, so an operation may drop the VMO lock in
//      the middle (to unmap) without another resize or discard slipping in;
//   2. a VMAR lock (obj/vmar.c: vmar_fault calls vmo_get_page under it);
//   3. the VMO lock v->obj.lock: the tree, sizes, counters, map_list, the
//      discardable state; the copy callbacks run under it with interrupts off;
//   4. the LRU lock of discardable VMOs; the page-table lock; the buddy lock.
// Children: no two VMO locks are ever held at once. A slice's page operations
// take only the lock (and busy section) of its slice_root; a snapshot puts
// the source's pages in its own tree (one more user each) under the source's
// busy section and lock, into a child nobody else can reach yet; the users
// count of a page is an atomic in the frame allocator, never under a VMO
// lock of the other users. ZX_VMO_ZERO_CHILDREN is updated with no VMO lock held: the
// children-signal lock of obj/vmo_paged.c, then the scheduler lock (object_signal).
// Pages leaving a VMO that has slices are unmapped from the slices' mappings
// too (vmar_unmap_vmo_pages on each slice, in the root's busy section).
// Pages leave a VMO in three steps: detach them from the tree (or replace
// them with a private copy) under the VMO lock (at most VMO_FREE_BATCH at a
// time, kept in an on-stack array), drop the VMO lock, vmar_unmap_vmo_pages
// (takes each VMAR lock, then the VMO lock to walk map_list), then
// page_release (frees the page if this VMO was its last user). So a fault
// that fetched a page before it was detached has mapped it (under its VMAR
// lock) before the unmap runs, and no user mapping ever outlives the page.
// A snapshot first marks its source snapshot_pending (faults then get its
// pages read-only and writes wait), takes the source's committed pages out
// of every mapping (with the TLB shootdowns that go with it), and only then
// shares them with the child: no hart can still write a page through a
// stale writable mapping once it is shared. The public functions below take the
// locks themselves: call them with no VMO or VMAR lock held (vmo_get_page,
// vmo_get_size and vmo_get_content_size excepted: they may run under a VMAR
// lock).
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

struct vmar_mapping;

// Laid out to fit the kernel heap's 256-byte class (checked below): 8-byte
// fields first, then 4-byte ones, then the flags.
struct vmo {
    struct object obj;
    uint64_t size;          // bytes, page aligned, <= VMO_MAX_SIZE
    uint64_t content_size;  // bytes
    paddr_t root;           // radix root node, pa 0 = empty tree
    uint64_t committed_pages;
    uint64_t node_pages;    // radix node pages (metadata)
    // Physical VMOs (vmo_create_physical): no tree, page n is phys_base + n.
    paddr_t phys_base;

    // Every mapping of this VMO, linked through vmar_mapping.vmo_next
    // (guarded by obj.lock; obj/vmar.c links and unlinks under its VMAR lock
    // then this lock). unmap_pass: bookkeeping of vmar_unmap_vmo_pages.
    struct vmar_mapping *map_list;
    uint64_t unmap_pass;

    // Children (vmo_create_child). parent: the VMO this one was created from
    // (a reference held until destroy; NULL for a root VMO). num_children:
    // live children of this VMO (guarded by obj.lock; ZX_VMO_ZERO_CHILDREN
    // follows it). cow_clone: a SNAPSHOT / SNAPSHOT_AT_LEAST_ON_WRITE child.
    // slice: a SLICE child. A slice of a paged VMO owns no pages: slice_root
    // is the non-slice VMO its pages live in (slices of slices flatten to it;
    // kept alive by the chain of parent references) and slice_offset the
    // offset of the slice inside it; slices are linked on
    // slice_root->slices through slice_prev/slice_next (guarded by
    // slice_root->obj.lock) so that pages leaving the root are unmapped from
    // the slices' mappings too. A slice of a physical VMO is itself physical
    // (phys_base advanced by the offset, slice_root NULL).
    // cow_children: live snapshot children of this VMO or of its slices (it
    // holds their pages); decommit is refused while a VMO is in a
    // copy-on-write relation, as Zircon does. root_offset: where this VMO's
    // byte 0 lies in the first VMO of its chain of children (projected
    // offsets must not overflow: Zircon's root_parent_offset). immutable: a
    // NO_WRITE snapshot (ZX_INFO_VMO_IMMUTABLE).
    struct vmo *parent;
    uint64_t root_offset;
    struct vmo *slice_root;
    uint64_t slice_offset;
    struct vmo *slices;
    union {
        // A slice's links on slice_root->slices (see above).
        struct {
            struct vmo *slice_prev, *slice_next;
        };
        // The global LRU of unlocked discardable VMOs (guarded by the LRU
        // lock in obj/vmo_discardable.c, not by obj.lock). A discardable VMO is never a
        // slice (it has no children at all), so the two never meet.
        struct {
            struct vmo *lru_prev, *lru_next;
        };
    };

    uint32_t options;       // ZX_VMO_* creation options
    uint32_t cache_policy;  // ZX_CACHE_POLICY_*
    uint32_t mappings;      // live mappings into address spaces
    uint32_t num_children;
    uint32_t cow_children;
    // Discardable state (guarded by obj.lock). lock_count: nesting of
    // vmo_lock; discarded: pages were reclaimed and no vmo_lock since.
    uint32_t lock_count;
    // Radix levels in use, 1..VMO_RADIX_LEVELS: the fewest that address
    // `size` (a VMO up to 2 MiB needs one node, up to 1 GiB two). The root
    // node is at level radix_height - 1, leaves (entries = data pages) at
    // level 0. It never shrinks; growing it puts a new root above the old.
    uint8_t radix_height;
    // One size change / range op / lock op / discard at a time (see above).
    bool op_busy;
    // The last handle was closed (set once; see vmo_release_if_unreachable).
    bool handles_gone;
    // A snapshot of this VMO is being made (set in the busy section, under
    // obj.lock): every page is handed out read-only and writes wait, so no
    // writable mapping can appear while the old ones are being taken out.
    bool snapshot_pending;
    // Set at creation (or, for the discardable state, under obj.lock); never
    // read with atomics, so bit fields keep the VMO inside 256 bytes.
    bool physical : 1;
    bool discardable : 1, discarded : 1, on_lru : 1;
    bool immutable : 1, cow_clone : 1, slice : 1;
    // vmo_create_contiguous: every page committed at creation from one
    // physically contiguous run, pinned for the VMO's life.
    bool contiguous : 1;
    // Pins of this VMO's pages (struct vmo_pin; guarded by obj.lock): while
    // any exists its pages are never decommitted, freed, discarded or
    // replaced by a copy-on-write copy.
    uint32_t pin_count;
};

// Radix nodes: one page of VMO_RADIX_FANOUT uint64_t entries, each the
// physical address of a child node (or, in a leaf, of a data page), 0 = empty.
// The tree never holds an empty node: a node exists only while some entry in
// it is set, so node_pages is exactly the metadata the VMO needs.
#define VMO_RADIX_BITS 9
#define VMO_RADIX_FANOUT (1u << VMO_RADIX_BITS)

// Pages detached from the tree per unmap-and-free round (an on-stack array).
#define VMO_FREE_BATCH 64u

// Copy `n` bytes between VMO memory at `kva` and the caller's buffer at
// byte offset `buf_off`. Returns ZX_OK or an error (e.g. ZX_ERR_INVALID_ARGS
// for a bad user pointer).
typedef zx_status_t (*vmo_copy_fn)(void *ctx, size_t buf_off, void *kva, size_t n);

// Create a paged VMO of `size` bytes (already page rounded by the caller,
// <= VMO_MAX_SIZE) with the given content size and options (the caller has
// validated them: ZX_VMO_RESIZABLE makes vmo_set_size work, ZX_VMO_DISCARDABLE
// makes it discardable and puts it on the LRU unlocked; for ZX_VMO_UNBOUNDED
// the caller passes size VMO_MAX_SIZE and the content size it wants).
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
// stay written. Physical VMOs: ZX_ERR_NOT_SUPPORTED. A discarded (unlocked)
// VMO: ZX_ERR_NOT_FOUND (after the range check).
zx_status_t vmo_read(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx);
zx_status_t vmo_write(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx);

// The physical page backing byte offset `off` (page aligned, < size), for a
// fault. A missing page: with VMO_PAGE_COMMIT committed (zeroed), else
// ZX_ERR_NOT_FOUND. *writable (may be NULL) says whether the page may be
// mapped writable: false for a page shared copy-on-write with another VMO
// (map it read-only). With VMO_PAGE_WRITE such a shared page gives
// ZX_ERR_SHOULD_WAIT instead: call vmo_unshare (with no lock held), then ask
// again. A discarded (unlocked) VMO: ZX_ERR_NOT_FOUND. Physical: phys_base +
// off. `off` not page aligned: ZX_ERR_INVALID_ARGS; off >= size:
// ZX_ERR_OUT_OF_RANGE. The page stays owned by the VMO (valid until it
// leaves the VMO, which unmaps it everywhere first).
#define VMO_PAGE_COMMIT 1u
#define VMO_PAGE_WRITE 2u
zx_status_t vmo_get_page(struct vmo *v, uint64_t off, unsigned flags, paddr_t *out, bool *writable);

// Call fn for every page of [off, off+len) (off page aligned; clipped to the
// size) that is there now, without committing anything: committed pages of
// a paged VMO (writable false for a page shared copy-on-write), every page
// of a physical one. `rel` is the page's offset from `off`. fn runs under
// the VMO's lock (ZX_VM_MAP_RANGE maps with it: it may take the page-table
// lock); may be called under a VMAR lock.
typedef void (*vmo_page_fn)(void *ctx, uint64_t rel, paddr_t page, bool writable);
void vmo_for_each_page(struct vmo *v, uint64_t off, uint64_t len, vmo_page_fn fn, void *ctx);

// Give v its own copy of every page of [off, off+len) (rounded out to pages)
// that it shares copy-on-write with another VMO; the shared page is taken out
// of v's mappings (and its slices') and released. Range past the size:
// ZX_ERR_OUT_OF_RANGE; ZX_ERR_NO_MEMORY stops it (pages done so far stay
// private). Physical VMOs: ZX_OK, nothing to do. zx_vmo_write calls it before
// it faults in the caller's buffer; vmar_fault before it maps a page for a
// write.
zx_status_t vmo_unshare(struct vmo *v, uint64_t off, uint64_t len);

// Bytes of committed data pages (committed_pages * PAGE_SIZE; node pages are
// not included, see node_pages).
uint64_t vmo_committed_bytes(struct vmo *v);

uint64_t vmo_get_size(struct vmo *v);
uint64_t vmo_get_content_size(struct vmo *v);
void vmo_set_content_size(struct vmo *v, uint64_t content_size);

// vmo_set_content_size for the ZX_PROP_VMO_CONTENT_SIZE property (Zircon's
// VmObjectDispatcher::SetContentSize): the content size becomes cs (beyond
// the size is allowed, as Zircon: the size does not change), and the bytes
// [cs, size) read as zero afterwards: the partial page is zeroed in place if
// committed, whole pages are decommitted (unmapped first). Zircon zeroes to
// the end of the VMO, not only up to the old content size, so a write beyond
// the content size does not survive. Physical VMOs: the content size is set,
// nothing is zeroed.
zx_status_t vmo_set_content_size_checked(struct vmo *v, uint64_t cs);

// zx_vmo_set_size. ZX_ERR_UNAVAILABLE unless created ZX_VMO_RESIZABLE (a
// physical VMO never is). `size` is rounded up to pages; overflow or a result
// > VMO_MAX_SIZE -> ZX_ERR_OUT_OF_RANGE. Growing needs new radix roots:
// ZX_ERR_NO_MEMORY leaves the VMO unchanged. On success the size is the
// rounded size, the content size exactly `size`; pages at or beyond the new
// size are unmapped from every mapping and freed; new pages are uncommitted
// (read as zero); [size, rounded size) reads as zero (zeroed in place if
// committed). Faults beyond the new size fail (vmar_fault: OUT_OF_RANGE).
zx_status_t vmo_set_size(struct vmo *v, uint64_t size);

// Range operations (zx_vmo_op_range). The range [off, off+len) must lie
// within the size (overflow or past the size: ZX_ERR_OUT_OF_RANGE; len 0 is
// ZX_OK); it is then rounded out to pages (offset down, end up) where pages
// are concerned. Physical VMOs: ZX_ERR_NOT_SUPPORTED.
//   vmo_commit: commit (zeroed) every page of the range. On ZX_ERR_NO_MEMORY
//     the pages committed so far stay committed (Zircon's commit may also
//     leave a partial commit). A discarded VMO: ZX_ERR_NOT_FOUND.
//   vmo_decommit: unmap from every mapping and free every committed page of
//     the range; they read as zero afterwards. In Zircon's order: the range,
//     len 0 is ZX_OK, a VMO in a copy-on-write relation (a snapshot, or one
//     with snapshot children; for a slice its root) -> ZX_ERR_NOT_SUPPORTED,
//     then off or len not page aligned -> ZX_ERR_INVALID_ARGS (not rounded).
//   vmo_zero: the bytes of the range read as zero afterwards: whole pages are
//     decommitted as above, partial pages at either end zeroed in place if
//     committed (never committed by it).
zx_status_t vmo_commit(struct vmo *v, uint64_t off, uint64_t len);
zx_status_t vmo_decommit(struct vmo *v, uint64_t off, uint64_t len);
zx_status_t vmo_zero(struct vmo *v, uint64_t off, uint64_t len);

// Discardable VMOs (ZX_VMO_OP_LOCK / TRY_LOCK / UNLOCK). The lock state is
// <zircon/types.h>'s zx_vmo_lock_state_t, what ZX_VMO_OP_LOCK copies out.
// Errors, in this order: not discardable -> ZX_ERR_NOT_SUPPORTED; the range
// is not the whole VMO (off != 0 or len != size) -> ZX_ERR_OUT_OF_RANGE;
// lock count at UINT32_MAX -> ZX_ERR_BAD_STATE; try_only on a discarded VMO
// -> ZX_ERR_UNAVAILABLE (stays unlocked). Else the lock count goes up, the
// VMO leaves the LRU, and *out (may be NULL) = {0, size, 0, size} if it had
// been discarded (the discard is then forgotten: contents read as zero),
// {0, size, 0, 0} otherwise.
zx_status_t vmo_lock(struct vmo *v, uint64_t off, uint64_t len, bool try_only, zx_vmo_lock_state_t *out);
// Not discardable -> ZX_ERR_NOT_SUPPORTED; range not the whole VMO ->
// ZX_ERR_OUT_OF_RANGE; not locked -> ZX_ERR_BAD_STATE. The count drops; at
// zero the VMO goes to the tail of the LRU (reclaimable again).
zx_status_t vmo_unlock(struct vmo *v, uint64_t off, uint64_t len);
// Discard unlocked discardable VMOs, least recently unlocked first, until at
// least want_pages pages were freed or none is left. A VMO with pinned pages
// (locked when pinned, unlocked since) is skipped and stays on the LRU. Each discarded VMO loses
// every page (unmapped first), is marked discarded and leaves the LRU (even
// when it had no pages). Returns the pages freed: data pages plus radix node
// pages. Call with no VMO or VMAR lock held.
uint64_t vmo_reclaim_discardable(uint64_t want_pages);
// Unlocked discardable VMOs on the LRU now (for tests and diagnostics).
uint64_t vmo_discardable_unlocked_count(void);

// zx_vmo_create_child (the caller checked the handle rights and computes the
// child's). Errors, in this order:
//   - options: a bit outside SNAPSHOT | SNAPSHOT_AT_LEAST_ON_WRITE |
//     SNAPSHOT_MODIFIED | SLICE | RESIZABLE | NO_WRITE | REFERENCE ->
//     INVALID_ARGS; REFERENCE -> NOT_SUPPORTED; not exactly one of SNAPSHOT,
//     SNAPSHOT_AT_LEAST_ON_WRITE, SNAPSHOT_MODIFIED, SLICE -> INVALID_ARGS;
//     SLICE with RESIZABLE, NO_WRITE with RESIZABLE -> INVALID_ARGS;
//   - size rounded up to pages overflowing or > VMO_MAX_SIZE -> OUT_OF_RANGE;
//   - a discardable parent (or a slice of one) -> NOT_SUPPORTED, any kind;
//   - SLICE: offset not page aligned -> INVALID_ARGS; [offset, offset +
//     rounded size) not inside the parent (overflow included) ->
//     INVALID_ARGS; a resizable parent -> NOT_SUPPORTED;
//   - SNAPSHOT kinds: offset + size overflowing -> OUT_OF_RANGE; a physical
//     (or physical slice) parent -> NOT_SUPPORTED; a cache policy other than
//     CACHED -> BAD_STATE; offset not page aligned -> INVALID_ARGS; the
//     child's range projected onto the first VMO of the chain (root_offset)
//     overflowing -> INVALID_ARGS;
//   - ZX_ERR_NO_MEMORY: nothing is left behind, the parent is unchanged.
// The child's size is the rounded size, its content size `size`, and it has
// ZX_VMO_ZERO_CHILDREN asserted. SLICE: shares the parent's pages both ways
// (every page operation goes to the parent at offset + child offset), never
// resizable; a slice of a physical VMO is a physical VMO at paddr + offset.
// SNAPSHOT kinds (SNAPSHOT_MODIFIED and AT_LEAST_ON_WRITE act as SNAPSHOT
// here: there are no pager-backed VMOs): copy-on-write: the child shares the
// parent's committed pages of its range (beyond the parent's size it reads as
// zero); whichever side writes a shared page first gets its own copy, so each
// sees only its own writes. ZX_VMO_CHILD_RESIZABLE makes it resizable.
// The child gets the parent's name (as Zircon). The child holds a reference
// on the parent until it is destroyed; the
// parent's num_children counts it and ZX_VMO_ZERO_CHILDREN is cleared on the
// parent while it has any child. Call with no VMO or VMAR lock held.
zx_status_t vmo_create_child(struct vmo *parent, uint32_t options, uint64_t offset, uint64_t size,
                             struct vmo **out);

// Physical VMOs (seed zx_vmo_create_physical): `size` bytes of physical memory
// at `paddr`. paddr or size not page aligned, size 0 -> ZX_ERR_INVALID_ARGS;
// paddr + size - 1 overflowing or size > VMO_MAX_SIZE -> ZX_ERR_OUT_OF_RANGE;
// ZX_ERR_NO_MEMORY. Content size = size, cache policy UNCACHED, not
// resizable, no pages of its own (destroy frees only the struct).
// vmo_get_page gives paddr + off (commit or not); vmo_read/vmo_write and the
// range ops give ZX_ERR_NOT_SUPPORTED. The resource check is the caller's.
zx_status_t vmo_create_physical(uint64_t paddr, uint64_t size, struct vmo **out);
bool vmo_is_physical(struct vmo *v);

// Contiguous VMOs (zx_vmo_create_contiguous): `size` bytes (page aligned,
// not 0) committed at creation from one physically contiguous run whose
// first page is aligned to 2^align_log2 bytes (align_log2 >= PAGE_SHIFT, the
// caller checked both). The run comes from one buddy block, so at most
// 2^BUDDY_MAX_ORDER pages (4 MiB) and an alignment of at most 4 MiB:
// beyond, or when no such run is free, ZX_ERR_NO_MEMORY. The pages are
// pinned for the VMO's life: decommit and a resize are refused
// (ZX_ERR_BAD_STATE; contiguous VMOs are never resizable), zeroing zeroes in
// place, snapshots are refused (ZX_ERR_INVALID_ARGS, Zircon's
// ForbidContiguousVmo) and slices of it are contiguous too.
zx_status_t vmo_create_contiguous(uint64_t size, unsigned align_log2, struct vmo **out);
// A contiguous VMO, or a slice of one (Zircon's is_contiguous()).
bool vmo_is_contiguous(struct vmo *v);

// Pinning (zx_bti_pin). A pin keeps the pages of [off, off+len) of a VMO
// where they are: committed, private (never shared copy-on-write) and never
// decommitted, freed, discarded or replaced while it lasts. obj/pmt.c embeds
// one per PMT; it holds a reference on the VMO it was made on.
struct vmo_pin {
    struct vmo *vmo;        // the VMO named by the caller (referenced)
    struct vmo *owner;      // the VMO that holds the pages (a slice's root; else vmo)
    uint64_t first, end;    // page numbers [first, end) in owner (physical: in vmo)
    struct vmo_pin *prev, *next;  // on the global list of pins (obj/vmo_pin.c)
};
// Commit [off, off+len) (page aligned, len > 0: the caller checked), give
// every page of it that is shared copy-on-write a private copy, and pin it.
// Errors: the range past the size (a slice's own size first) ->
// ZX_ERR_OUT_OF_RANGE; a discardable VMO not locked -> ZX_ERR_BAD_STATE; a
// discarded one -> ZX_ERR_NOT_FOUND; ZX_ERR_NO_MEMORY (pages committed so
// far stay committed, nothing is pinned). Physical VMOs: nothing to commit,
// the pin only records the range. Call with no lock held.
zx_status_t vmo_pin(struct vmo *v, uint64_t off, uint64_t len, struct vmo_pin *pin);
// Undo vmo_pin (drops its reference; may destroy the VMO).
void vmo_unpin(struct vmo_pin *pin);
// The physical addresses of the pinned pages [idx, idx + n) of the pin.
void vmo_pin_addrs(const struct vmo_pin *pin, uint64_t idx, uint64_t n, paddr_t *out);
// Pins alive now (for leak checks and tests).
uint64_t vmo_pin_live_count(void);

// ZX_PROP/zx_vmo_set_cache_policy: policy > ZX_CACHE_POLICY_MASK ->
// ZX_ERR_INVALID_ARGS; the VMO has committed pages or any mapping, is a child
// or has children -> ZX_ERR_BAD_STATE (as Zircon); else recorded (paged and
// physical alike).
zx_status_t vmo_set_cache_policy(struct vmo *v, uint32_t policy);
uint32_t vmo_get_cache_policy(struct vmo *v);

// For ZX_INFO_VMO. flags uses the ZX_INFO_VMO_* bit values.
#define VMO_INFO_TYPE_PAGED 0x1u    // == ZX_INFO_VMO_TYPE_PAGED (physical: bit clear)
#define VMO_INFO_RESIZABLE 0x2u     // == ZX_INFO_VMO_RESIZABLE
#define VMO_INFO_IS_COW_CLONE 0x4u  // == ZX_INFO_VMO_IS_COW_CLONE (snapshot children)
#define VMO_INFO_CONTIGUOUS 0x40u   // == ZX_INFO_VMO_CONTIGUOUS
#define VMO_INFO_DISCARDABLE 0x80u  // == ZX_INFO_VMO_DISCARDABLE
#define VMO_INFO_IMMUTABLE 0x100u   // == ZX_INFO_VMO_IMMUTABLE
struct vmo_info {
    uint64_t size_bytes;
    uint64_t content_size;
    // Zircon's attribution (the RFC behind the newest zx_info_vmo_t): every
    // page the VMO uses, shared copy-on-write pages included (RSS); the pages
    // only it uses (USS); each page divided by the number of VMOs that use it
    // (PSS: whole bytes + a fraction of a byte in units of 2^-63).
    uint64_t committed_bytes;  // RSS (0 for physical VMOs and slices)
    uint64_t private_bytes;    // USS
    uint64_t scaled_bytes, scaled_frac;  // PSS
    uint64_t metadata_bytes;   // radix node pages
    uint32_t flags;            // VMO_INFO_*
    uint32_t cache_policy;     // ZX_CACHE_POLICY_*
    uint32_t num_mappings;
    uint32_t lock_count;       // discardable VMOs
    bool discarded;
    uint64_t parent_koid;      // 0 for a VMO that is not a child
    uint32_t num_children;
};
void vmo_get_info(struct vmo *v, struct vmo_info *out);

// A VMO kept alive only by its snapshot children's references (its last
// handle closed, no mapping, no slice left: nobody can ever read it again;
// kernel-made VMOs that never had a handle do not count) gives back its
// pages at once instead of at destroy: the children have their own uses of
// whatever they share with it. Called when the last handle goes (the
// object's on_zero_handles), by obj/vmar.c when a VMO's last mapping goes,
// and when a slice of it is destroyed. No lock held.
void vmo_release_if_unreachable(struct vmo *v);

// Kernel-object glue: the ops of VMO objects (destroy frees every page).
extern const struct object_ops vmo_ops;

static inline struct vmo *vmo_from_object(struct object *o) { return (struct vmo *)o; }
#endif
