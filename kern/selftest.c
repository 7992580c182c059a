// In-kernel self-tests (see kern/selftest.h).
//
// Each case checks something only the running kernel can: the live page
// tables, the real allocator, the DT map against the real memory map, and
// traps taken and recovered.
#include "kern/selftest.h"

#include "boot/layout.h"
#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/spinlock.h"
#include "kern/string.h"
#include "kern/timer.h"
#include "kern/trap.h"
#include "mm/kaspace.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "obj/channel.h"
#include "obj/process.h"
#include "obj/vmar.h"
#include "obj/vmo.h"
#include "platform/board.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static int st_failed, st_passed;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            kprintf("    check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            return false;                                                       \
        }                                                                       \
    } while (0)

static void run_case(const char *name, bool (*fn)(const struct dt_info *), const struct dt_info *dt) {
    bool ok = fn(dt);
    kprintf("selftest: %-40s %s\n", name, ok ? "ok" : "FAILED");
    if (ok)
        st_passed++;
    else
        st_failed++;
}

// A test window in the (otherwise unused) top of the kernel stack window.
#define TEST_VA_A (KSTACK_WINDOW_BASE + KSTACK_WINDOW_SIZE - 0x200000)  // kaspace keeps this slot free
#define TEST_VA_B (TEST_VA_A + 0x100000)

static bool test_pt_alias(const struct dt_info *dt) {
    struct pt *k = kaspace_pt();
    paddr_t frame;
    uint64_t before = page_free_count();
    CHECK(page_alloc(0, &frame) == ZX_OK);
    memset(physmap_va(frame), 0, PAGE_SIZE);
    CHECK(pt_map(k, va(TEST_VA_A), frame, PAGE_SIZE, PT_READ | PT_WRITE | PT_GLOBAL) == ZX_OK);
    CHECK(pt_map(k, va(TEST_VA_B), frame, PAGE_SIZE, PT_READ | PT_WRITE | PT_GLOBAL) == ZX_OK);
    volatile uint64_t *a = (volatile uint64_t *)TEST_VA_A, *b = (volatile uint64_t *)TEST_VA_B;
    a[7] = 0x5eed0fa11a5ull;
    CHECK(b[7] == 0x5eed0fa11a5ull);
    b[100] = 0xfeedfaceull;
    CHECK(a[100] == 0xfeedfaceull);
    CHECK(((volatile uint64_t *)physmap_va(frame))[100] == 0xfeedfaceull);
    paddr_t got;
    unsigned flags;
    size_t leaf;
    CHECK(pt_lookup(k, va(TEST_VA_B + 0x123), &got, &flags, &leaf) == ZX_OK);
    CHECK(pa_val(got) == pa_val(frame) + 0x123 && leaf == PAGE_SIZE && (flags & PT_WRITE));
    // Remap B read-only: a write through it must now fault (and is recovered).
    CHECK(pt_protect(k, va(TEST_VA_B), PAGE_SIZE, PT_READ | PT_GLOBAL) == ZX_OK);
    uint64_t v;
    CHECK(probe_read_u64(TEST_VA_B, &v) == 0 && v == 0);
    CHECK(probe_write_u64(TEST_VA_B, 1) == -EXC_STORE_PAGE_FAULT);
    CHECK(probe_write_u64(TEST_VA_A, 2) == 0 && b[0] == 2);
    CHECK(pt_unmap(k, va(TEST_VA_A), PAGE_SIZE) == ZX_OK);
    CHECK(pt_unmap(k, va(TEST_VA_B), PAGE_SIZE) == ZX_OK);
    CHECK(pt_lookup(k, va(TEST_VA_A), 0, 0, 0) == ZX_ERR_NOT_FOUND);
    CHECK(probe_read_u64(TEST_VA_A, &v) == -EXC_LOAD_PAGE_FAULT);
    CHECK(this_hart()->fault_tval == TEST_VA_A);
    page_free(frame, 0);
    CHECK(page_free_count() == before);
    return true;
}

// Svpbmt memory types: NC and IO mappings of RAM read fine and carry the
// type only when Svpbmt is on; every ioremap page (the MMIO window from its
// base up to the first hole) is IO then, PMA otherwise.
static bool test_pt_memory_types(const struct dt_info *dt) {
    struct pt *k = kaspace_pt();
    unsigned want_nc = pt_svpbmt() ? PT_NC : 0, want_io = pt_svpbmt() ? PT_IO : 0, flags;
    paddr_t frame;
    uint64_t v;
    CHECK(page_alloc(0, &frame) == ZX_OK);
    ((volatile uint64_t *)physmap_va(frame))[0] = 0x7e57;
    CHECK(pt_map(k, va(TEST_VA_A), frame, PAGE_SIZE, PT_READ | PT_GLOBAL | PT_NC) == ZX_OK);
    CHECK(pt_map(k, va(TEST_VA_B), frame, PAGE_SIZE, PT_READ | PT_GLOBAL | PT_IO) == ZX_OK);
    CHECK(pt_lookup(k, va(TEST_VA_A), 0, &flags, 0) == ZX_OK && (flags & (PT_NC | PT_IO)) == want_nc);
    CHECK(pt_lookup(k, va(TEST_VA_B), 0, &flags, 0) == ZX_OK && (flags & (PT_NC | PT_IO)) == want_io);
    CHECK(probe_read_u64(TEST_VA_A, &v) == 0);
    CHECK(probe_read_u64(TEST_VA_B, &v) == 0);
    CHECK(pt_unmap(k, va(TEST_VA_A), PAGE_SIZE) == ZX_OK && pt_unmap(k, va(TEST_VA_B), PAGE_SIZE) == ZX_OK);
    page_free(frame, 0);
    unsigned n = 0;
    for (uint64_t m = MMIO_WINDOW_BASE; pt_lookup(k, va(m), 0, &flags, 0) == ZX_OK; m += PAGE_SIZE, n++)
        CHECK((flags & (PT_NC | PT_IO)) == want_io);
    CHECK(n > 0 || !dt->console.size);  // the console's registers at least
    return true;
}

static bool test_pt_refuses(const struct dt_info *dt) {
    struct pt *k = kaspace_pt();
    paddr_t frame;
    CHECK(page_alloc(0, &frame) == ZX_OK);
    CHECK(pt_map(k, va(TEST_VA_A), frame, PAGE_SIZE, PT_READ | PT_WRITE | PT_EXEC) == ZX_ERR_INVALID_ARGS);
    CHECK(pt_map(k, va(TEST_VA_A + 1), frame, PAGE_SIZE, PT_READ) == ZX_ERR_INVALID_ARGS);
    CHECK(pt_map(k, va(0x0000004000000000ull), frame, PAGE_SIZE, PT_READ) == ZX_ERR_INVALID_ARGS);
    CHECK(pt_map(k, va((uint64_t)__kernel_start), frame, PAGE_SIZE, PT_READ) == ZX_ERR_ALREADY_EXISTS);
    page_free(frame, 0);
    return true;
}

static bool test_kernel_wx(const struct dt_info *dt) {
    struct pt *k = kaspace_pt();
    uint64_t s = (uint64_t)__kernel_start;
    for (uint64_t v = s; v < (uint64_t)__kernel_end; v += PAGE_SIZE) {
        unsigned f;
        CHECK(pt_lookup(k, va(v), 0, &f, 0) == ZX_OK);
        CHECK(!((f & PT_WRITE) && (f & PT_EXEC)));
        if (v < (uint64_t)__text_end)
            CHECK((f & (PT_READ | PT_WRITE | PT_EXEC)) == (PT_READ | PT_EXEC));
        else if (v < (uint64_t)__rodata_end)
            CHECK((f & (PT_READ | PT_WRITE | PT_EXEC)) == PT_READ);
        else
            CHECK((f & (PT_READ | PT_WRITE | PT_EXEC)) == (PT_READ | PT_WRITE));
    }
    // Writes to text and rodata fault.
    CHECK(probe_write_u64((uint64_t)__text_end - 8, 0) == -EXC_STORE_PAGE_FAULT);
    CHECK(probe_write_u64((uint64_t)__rodata_end - 8, 0) == -EXC_STORE_PAGE_FAULT);
    return true;
}

static bool test_stack_guard(const struct dt_info *dt) {
    struct hart *h = this_hart();
    uint64_t v;
    CHECK(h->kstack_lo >= KSTACK_WINDOW_BASE && h->kstack_lo < KSTACK_WINDOW_BASE + KSTACK_WINDOW_SIZE);
    CHECK(pt_lookup(kaspace_pt(), va(h->kstack_lo - PAGE_SIZE), 0, 0, 0) == ZX_ERR_NOT_FOUND);
    CHECK(probe_read_u64(h->kstack_lo - 8, &v) == -EXC_LOAD_PAGE_FAULT);
    CHECK(probe_read_u64(h->kstack_lo, &v) == 0);
    uint64_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    CHECK(sp > h->kstack_lo && sp <= h->kstack_top);
    return true;
}

static bool test_buddy(const struct dt_info *dt) {
    struct buddy *b = page_buddy();
    const char *why = "";
    uint64_t before = buddy_free_pages(b);
    uint64_t blocks[BUDDY_MAX_ORDER + 1];
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) blocks[o] = buddy_free_blocks(b, o);
    paddr_t got[BUDDY_MAX_ORDER + 1];
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        CHECK(buddy_alloc(b, o, &got[o]) == ZX_OK);
        CHECK((pa_val(got[o]) & ((PAGE_SIZE << o) - 1)) == 0);
        // Reachable through the direct map and really memory.
        volatile uint64_t *p = physmap_va(got[o]);
        p[0] = o;
        CHECK(p[0] == o);
    }
    CHECK(buddy_free_pages(b) == before - ((1ull << (BUDDY_MAX_ORDER + 1)) - 1));
    CHECK(buddy_alloc(b, BUDDY_MAX_ORDER + 1, &got[0]) == ZX_ERR_INVALID_ARGS);
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) CHECK(buddy_free(b, got[o], o) == ZX_OK);
    CHECK(buddy_free(b, got[3], 3) == ZX_ERR_BAD_STATE);          // double free
    CHECK(buddy_free(b, pa(0x1000), 0) == ZX_ERR_INVALID_ARGS);    // foreign
    CHECK(buddy_free(b, pa(pa_val(got[5]) + PAGE_SIZE), 0) != ZX_OK);
    CHECK(buddy_free_pages(b) == before);
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) CHECK(buddy_free_blocks(b, o) == blocks[o]);
    CHECK(buddy_check(b, &why) == ZX_OK);
    return true;
}

static bool overlaps(uint64_t b1, uint64_t s1, uint64_t b2, uint64_t s2) { return b1 < b2 + s2 && b2 < b1 + s1; }

static bool test_allocator_respects_reservations(const struct dt_info *dt) {
    // Take every free order-0 frame? Too slow on 2 GiB; instead sample: allocate
    // up to 4096 frames and check none lies in a reservation.
    static paddr_t frames[4096];
    unsigned n = 0;
    bool bad = false;
    while (n < 4096 && page_alloc(0, &frames[n]) == ZX_OK) {
        for (unsigned r = 0; r < page_reserved_count; r++)
            if (overlaps(pa_val(frames[n]), PAGE_SIZE, page_reserved[r].base, page_reserved[r].size)) bad = true;
        n++;
    }
    while (n) {
        n--;
        page_free(frames[n], 0);
    }
    CHECK(!bad);
    return true;
}

static bool test_dt_map(const struct dt_info *dt) {
    uint64_t image = (uint64_t)__kernel_end - (uint64_t)__kernel_start;
    CHECK(dt->n_memory > 0 && dt->n_mmio > 0);
    for (unsigned i = 0; i < dt->n_mmio; i++) {
        const struct dt_mmio *m = &dt->mmio[i];
        CHECK(m->size > 0 && m->base + m->size > m->base);
        if (i) CHECK(dt->mmio[i - 1].base + dt->mmio[i - 1].size <= m->base);  // sorted, disjoint
        for (unsigned j = 0; j < dt->n_memory; j++)
            CHECK(!overlaps(m->base, m->size, dt->memory[j].base, dt->memory[j].size));
        for (unsigned j = 0; j < dt->n_reserved; j++)
            CHECK(!overlaps(m->base, m->size, dt->reserved[j].base, dt->reserved[j].size));
        CHECK(!overlaps(m->base, m->size, page_reserved[0].base, image));
    }
    // The console UART is a device in the map.
    bool found = dt->console.size == 0;
    for (unsigned i = 0; i < dt->n_mmio; i++)
        if (dt->console.base >= dt->mmio[i].base && dt->console.base < dt->mmio[i].base + dt->mmio[i].size)
            found = true;
    CHECK(found);
    return true;
}

static bool test_trap_recovery(const struct dt_info *dt) {
    uint64_t v;
    // Unmapped user-half address, kernel hole, misaligned device-free address.
    CHECK(probe_read_u64(0x1000, &v) == -EXC_LOAD_PAGE_FAULT);
    CHECK(this_hart()->fault_tval == 0x1000);
    CHECK(probe_read_u64(MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE - PAGE_SIZE, &v) == -EXC_LOAD_PAGE_FAULT);
    CHECK(this_hart()->fault_fixup == 0);
    CHECK(probe_read_u64((uint64_t)__kernel_start, &v) == 0);
    return true;
}

static bool test_timer(const struct dt_info *dt) {
    uint64_t t0 = timer_ticks();
    uint64_t spins = 0;
    while (timer_ticks() < t0 + 2 && spins < 100000000ull) {
        wfi();
        spins++;
    }
    CHECK(timer_ticks() >= t0 + 2);
    return true;
}

static bool test_kheap(const struct dt_info *dt) {
    static void *blocks[600];
    struct kheap_stats s0, s1;
    kheap_drain_hart();  // exact slab counts: no objects parked in this hart's magazines
    page_cache_drain();
    kheap_stats(&s0);
    uint64_t free0 = page_free_count();
    for (unsigned i = 0; i < 600; i++) {
        size_t sz = (i * 37) % 3000 + 1;
        blocks[i] = kzalloc(sz);
        CHECK(blocks[i] != 0 && ((uintptr_t)blocks[i] & 15) == 0);
        for (size_t j = 0; j < sz; j++) CHECK(((uint8_t *)blocks[i])[j] == 0);
        memset(blocks[i], 0xa5, sz);
    }
    for (unsigned i = 0; i < 600; i += 2) kfree(blocks[i]);
    for (unsigned i = 1; i < 600; i += 2) kfree(blocks[i]);
    kheap_drain_hart();
    page_cache_drain();
    kheap_stats(&s1);
    CHECK(s1.live_blocks == s0.live_blocks && s1.live_bytes == s0.live_bytes);
    CHECK(s1.slab_pages == s0.slab_pages);
    CHECK(page_free_count() == free0);
    return true;
}

static bool test_isa_parse(const struct dt_info *dt) {
    CHECK(isa_has_ext("rv64imafdch_zicsr_sstc", "sstc"));
    CHECK(!isa_has_ext("rv64imafdch_zicsr_sstcx", "sstc"));
    CHECK(!isa_has_ext("rv64imafdch", "sstc"));
    CHECK(isa_has_ext("rv64imac_sstc_zba", "sstc"));
    CHECK(isa_has_ext("rv64imafdch_zicsr_sstc_svpbmt", "svpbmt"));
    return true;
}

static bool test_printf(const struct dt_info *dt) {
    char buf[64];
    ksnprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx|%s|%c|%%", -42, 7u, 0xabu, 0x1234ul, "hi", 'z');
    CHECK(!strcmp(buf, "-42|    7|ab  |00001234|hi|z|%"));
    ksnprintf(buf, sizeof(buf), "%p", (void *)0x80200000ul);
    CHECK(!strcmp(buf, "0x0000000080200000"));
    CHECK(ksnprintf(buf, 4, "%s", "abcdef") == 6 && !strcmp(buf, "abc"));
    return true;
}

int selftest_run(const struct dt_info *dt) {
    kprintf("selftest: running in-kernel self-tests\n");
    run_case("printf formats", test_printf, dt);
    run_case("isa extension parsing", test_isa_parse, dt);
    run_case("page tables: one frame at two addresses", test_pt_alias, dt);
    run_case("page tables: bad maps refused", test_pt_refuses, dt);
    run_case("page tables: memory types (Svpbmt)", test_pt_memory_types, dt);
    run_case("kernel sections W^X", test_kernel_wx, dt);
    run_case("kernel stack guard page", test_stack_guard, dt);
    run_case("buddy allocator", test_buddy, dt);
    run_case("allocator avoids reservations", test_allocator_respects_reservations, dt);
    run_case("device-tree mmio map", test_dt_map, dt);
    run_case("deliberate trap recovered", test_trap_recovery, dt);
    run_case("kernel heap", test_kheap, dt);
    run_case("timer ticks", test_timer, dt);
    run_case("PLIC: claim, mask, route (console UART)", selftest_plic, dt);
    kprintf("sizes: struct process %lu, vmar %lu, aspace %lu, thread object %lu, kernel thread %lu (+ %lu-byte stack),"
            " handle slot 16, vmo %lu, channel %lu bytes\n",
            (unsigned long)sizeof(struct process), (unsigned long)sizeof(struct vmar), (unsigned long)sizeof(struct aspace),
            (unsigned long)sizeof(struct thread_obj), (unsigned long)PAGE_SIZE, (unsigned long)(KSTACK_PAGES * PAGE_SIZE),
            (unsigned long)sizeof(struct vmo), (unsigned long)sizeof(struct channel));
    kprintf("selftest: %d passed, %d failed\n", st_passed, st_failed);
    return st_failed;
}

static uint64_t recurse(uint64_t n) {
    volatile uint8_t pad[512];
    pad[0] = (uint8_t)n;
    if (n > (1u << 30)) return pad[0];
    return recurse(n + 1) + pad[0];
}

void selftest_provoke_panic(const char *what) {
    kprintf("provoking a kernel panic: %s\n", what);
    if (!strcmp(what, "stack")) recurse(0);
    if (!strcmp(what, "assert")) KASSERT(what[0] == 'x');
    if (!strcmp(what, "lockorder")) {
        // Two locks taken in one order, then in the other: the lock-order
        // checker (kern/lockdep.h) must stop the second order at once.
        static struct spinlock a = SPINLOCK_INIT("selftest-a"), b = SPINLOCK_INIT("selftest-b");
        uint64_t fa = spin_lock_irqsave(&a), fb = spin_lock_irqsave(&b);
        spin_unlock_irqrestore(&b, fb);
        spin_unlock_irqrestore(&a, fa);
        fb = spin_lock_irqsave(&b);
        fa = spin_lock_irqsave(&a);
        spin_unlock_irqrestore(&a, fa);
        spin_unlock_irqrestore(&b, fb);
        panic("lock order inversion not caught (is the kernel built with lockdep?)");
    }
    volatile uint64_t *bad = (volatile uint64_t *)0xdead000ul;
    *bad = 1;
    panic("provoked fault did not trap");
}
