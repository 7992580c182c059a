// Fake vmar_unmap_vmo_pages (see fake_vmar.h).
#include "fake_vmar.h"

#include <stdio.h>

#include "fake_mm.h"
#include "obj/vmar.h"

static struct fake_unmap_call log_[FAKE_UNMAP_LOG];
static long calls, violations;
static uint64_t bytes;
static void (*hook_)(struct vmo *v, uint64_t off, uint64_t len);

void fake_unmap_reset(void) {
    calls = violations = 0;
    bytes = 0;
    hook_ = 0;
}
long fake_unmap_calls(void) { return calls; }
const struct fake_unmap_call *fake_unmap_call(long i) { return &log_[i]; }
uint64_t fake_unmap_bytes(void) { return bytes; }
long fake_unmap_violations(void) { return violations; }
void fake_unmap_set_hook(void (*hook)(struct vmo *v, uint64_t off, uint64_t len)) { hook_ = hook; }

static void violation(const char *what, struct vmo *v, uint64_t off, uint64_t len) {
    printf("    fake vmar_unmap_vmo_pages(%p, %#llx, %#llx): %s\n", (void *)v, (unsigned long long)off,
           (unsigned long long)len, what);
    violations++;
}

static void check_page_gone(struct vmo *v, uint64_t off, uint64_t len, uint64_t page_off) {
    paddr_t p;
    // Look past the discarded state and, while shrinking, past the new size
    // (the tree still has the height of the old size).
    bool was_discarded = v->discarded;
    uint64_t was_size = v->size;
    v->discarded = false;
    v->size = (1ull << (VMO_RADIX_BITS * v->radix_height)) * PAGE_SIZE;
    zx_status_t st = page_off < v->size ? vmo_get_page(v, page_off, 0, &p, NULL) : ZX_ERR_OUT_OF_RANGE;
    v->discarded = was_discarded;
    v->size = was_size;
    // Still there is right for a page a snapshot now shares (users > 1), and
    // for the private copy that replaced a shared page of a VMO in a
    // copy-on-write relation (the old page is the one leaving), and for the
    // pages of a VMO being snapshotted (unmapped before they are shared).
    struct vmo *root = v->slice_root ? v->slice_root : v;
    bool cow = root->cow_clone || root->num_children || root->snapshot_pending;
    if (st == ZX_OK && page_users(p) == 1 && !cow) violation("a page of the range is still in the tree", v, off, len);
}

void vmar_unmap_vmo_pages(struct vmo *v, uint64_t off, uint64_t len) {
    if (calls < FAKE_UNMAP_LOG) log_[calls] = (struct fake_unmap_call){v, off, len, fake_pages_in_use()};
    calls++;
    bytes += len;
    if (__atomic_load_n(&v->obj.lock.locked, __ATOMIC_RELAXED)) violation("called with the VMO lock held", v, off, len);
    // For a slice the pages are its slice root's: the root's busy section.
    if (!(v->slice_root ? v->slice_root->op_busy : v->op_busy))
        violation("called outside the busy section", v, off, len);
    if (len == 0 || (off & PAGE_MASK) || (len & PAGE_MASK)) violation("range not whole pages", v, off, len);
    if (len && !(off & PAGE_MASK) && !(len & PAGE_MASK)) {
        uint64_t pages = len / PAGE_SIZE;
        if (pages <= 4096) {
            for (uint64_t i = 0; i < pages; i++)
                check_page_gone(v, off, len, off + i * PAGE_SIZE);
        } else {
            check_page_gone(v, off, len, off);
            check_page_gone(v, off, len, off + len - PAGE_SIZE);
        }
    }
    if (hook_) hook_(v, off, len);
}
