// Host tests of obj/resource.c: the root filter over a QEMU-virt-like device
// tree map, resource_create (every error, in order), slices, exclusive and
// shared ranges, parent references, resource_validate_mmio, ZX_INFO_RESOURCE
// and leaks (fake heap live count back to 0).
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls/resource.h>

#include "../harness.h"
#include "mm/kheap.h"
#include "obj/resource.h"
#include "platform/dt.h"

extern long fake_kheap_live_blocks;
extern long fake_kheap_fail_after;

// Every case must leave the heap as it found it.
static long live_before_case;

static void note_live_blocks(void) { live_before_case = fake_kheap_live_blocks; }

static void check_no_leak(void) {
    if (fake_kheap_live_blocks != live_before_case) {
        printf("    leak: %ld heap blocks live before, %ld after\n", live_before_case, fake_kheap_live_blocks);
        th_case_failures++;
    }
}

// ---------------------------------------------------------------------------
// A QEMU virt-like device tree.

#define PG 0x1000ull
#define TEST_BASE 0x100000ull
#define RTC_BASE 0x101000ull
#define CLINT_BASE 0x2000000ull
#define PLIC_BASE 0xc000000ull
#define UART_BASE 0x10000000ull
#define VIRTIO_BASE 0x10001000ull
#define VIRTIO_END 0x10009000ull
#define PCI_BASE 0x30000000ull
#define PCI_SIZE 0x10000000ull
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x20000000ull
#define LIMIT (1ull << 56)

static struct dt_info dt;

static void add_mmio(uint64_t base, uint64_t size, uint32_t flags, const char *path) {
    struct dt_mmio *m = &dt.mmio[dt.n_mmio++];
    m->base = base;
    m->size = size;
    m->flags = flags;
    snprintf(m->path, sizeof(m->path), "%s", path);
}

static void build_dt(void) {
    memset(&dt, 0, sizeof(dt));
    add_mmio(TEST_BASE, 0x1000, 0, "/soc/test@100000");
    add_mmio(RTC_BASE, 0x1000, 0, "/soc/rtc@101000");
    add_mmio(CLINT_BASE, 0x10000, DT_MMIO_INTC, "/soc/clint@2000000");
    add_mmio(PLIC_BASE, 0x600000, DT_MMIO_INTC, "/soc/plic@c000000");
    add_mmio(UART_BASE, 0x100, 0, "/soc/serial@10000000");
    for (int i = 0; i < 8; i++) add_mmio(VIRTIO_BASE + (uint64_t)i * 0x1000, 0x1000, 0, "/soc/virtio_mmio");
    add_mmio(PCI_BASE, PCI_SIZE, 0, "/soc/pci@30000000");
    // A PLIC with 95 sources; a cascaded controller's line (source 40) is never granted.
    dt.plic.present = true;
    dt.plic.ndev = 95;
    add_mmio(0x20000000, 0x1000, DT_MMIO_INTC, "/soc/gpio-intc@20000000");
    dt.mmio[dt.n_mmio - 1].n_irqs = 1;
    dt.mmio[dt.n_mmio - 1].irqs[0] = 40;
    dt.memory[0].base = RAM_BASE;
    dt.memory[0].size = RAM_SIZE;
    dt.n_memory = 1;
    dt.reserved[0].base = RAM_BASE;
    dt.reserved[0].size = 0x80000;
    snprintf(dt.reserved[0].name, sizeof(dt.reserved[0].name), "mmode_resv0");
    dt.n_reserved = 1;
    resource_init_from_dt(&dt);
}

static struct resource *mk(struct resource *parent, uint32_t options, uint64_t base, uint64_t size,
                           zx_status_t *st) {
    struct resource *r = NULL;
    *st = resource_create(parent, options, base, size, NULL, 0, &r);
    return r;
}

// A resource built directly (as kernel code could), parent NULL.
static struct resource *raw(uint32_t kind, uint64_t base, uint64_t size) {
    struct resource *r = kzalloc(sizeof(*r));
    object_init(&r->obj, &resource_ops);
    r->kind = kind;
    r->base = base;
    r->size = size;
    return r;
}

static void put(struct resource *r) {
    if (r) object_unref(&r->obj);
}

// ---------------------------------------------------------------------------

static void root_resource(void) {
    struct resource *r = resource_root();
    REQUIRE(r != NULL);
    CHECK(r == resource_root());
    CHECK_EQ(r->kind, ZX_RSRC_KIND_ROOT);
    CHECK_EQ(r->base, 0);
    CHECK_EQ(r->size, 0);
    zx_info_resource_t info;
    resource_info(r, &info);
    CHECK_EQ(info.kind, ZX_RSRC_KIND_ROOT);
    CHECK(strcmp(info.name, "root") == 0);
}

static void filter_allows_devices(void) {
    CHECK(resource_root_allows(UART_BASE, 0x100));
    CHECK(resource_root_allows(UART_BASE, 0x1000));  // the UART's page
    CHECK(resource_root_allows(UART_BASE + 0x800, 0x10));
    CHECK(resource_root_allows(VIRTIO_BASE, VIRTIO_END - VIRTIO_BASE));  // 8 entries, one span
    CHECK(resource_root_allows(VIRTIO_BASE + 0x800, 0x2000));            // across entries
    CHECK(resource_root_allows(UART_BASE, VIRTIO_END - UART_BASE));      // UART page touches virtio
    CHECK(resource_root_allows(TEST_BASE, 0x2000));                      // test + rtc adjacent
    CHECK(resource_root_allows(PCI_BASE, PCI_SIZE));
    CHECK(resource_root_allows(PCI_BASE + PCI_SIZE - 1, 1));
}

static void filter_refuses(void) {
    CHECK(!resource_root_allows(RAM_BASE, PG));
    CHECK(!resource_root_allows(RAM_BASE + 0x200000, PG));  // the kernel
    CHECK(!resource_root_allows(RAM_BASE + RAM_SIZE - PG, PG));
    CHECK(!resource_root_allows(RAM_BASE + RAM_SIZE, PG));   // past RAM: unmapped
    CHECK(!resource_root_allows(PLIC_BASE, PG));
    CHECK(!resource_root_allows(PLIC_BASE + 0x200000, 4));
    CHECK(!resource_root_allows(CLINT_BASE, PG));
    CHECK(!resource_root_allows(CLINT_BASE + 0xbff8, 8));
    CHECK(!resource_root_allows(0, PG));                    // gaps
    CHECK(!resource_root_allows(TEST_BASE - PG, PG));
    CHECK(!resource_root_allows(RTC_BASE + PG, PG));
    CHECK(!resource_root_allows(VIRTIO_END, PG));
    CHECK(!resource_root_allows(0x20000000, PG));
    CHECK(!resource_root_allows(VIRTIO_END - PG, 2 * PG));  // straddles the end of virtio
    CHECK(!resource_root_allows(PCI_BASE - PG, 2 * PG));    // straddles the start of PCI
    CHECK(!resource_root_allows(PCI_BASE + PCI_SIZE - PG, 2 * PG));
    CHECK(!resource_root_allows(PCI_BASE, PCI_SIZE + RAM_SIZE));  // PCI then RAM
    CHECK(!resource_root_allows(UART_BASE, 0));                    // empty
    CHECK(!resource_root_allows(UINT64_MAX - 0xfff, 0x2000));       // overflow
    CHECK(!resource_root_allows(UART_BASE, UINT64_MAX));
    CHECK(!resource_root_allows(LIMIT, PG));                       // beyond 56 bits
    CHECK(!resource_root_allows(UINT64_MAX, 1));
}

static void filter_intc_sharing_a_page(void) {
    // A device and an interrupt controller sharing one page: the device's
    // bytes are allowed, its widened page is not (it would expose the INTC).
    struct dt_info d;
    memset(&d, 0, sizeof(d));
    d.mmio[0] = (struct dt_mmio){.base = 0x5000000, .size = 0x100};
    d.mmio[1] = (struct dt_mmio){.base = 0x5000800, .size = 0x100, .flags = DT_MMIO_INTC};
    // Unsorted input is sorted; a device at the top of the address width is clipped.
    d.mmio[2] = (struct dt_mmio){.base = 0x4000000, .size = 0x1000};
    d.mmio[3] = (struct dt_mmio){.base = LIMIT - PG, .size = 2 * PG};
    d.n_mmio = 4;
    resource_init_from_dt(&d);
    CHECK(resource_root_allows(0x5000000, 0x100));
    CHECK(resource_root_allows(0x5000000, 0x800));
    CHECK(!resource_root_allows(0x5000000, PG));
    CHECK(!resource_root_allows(0x5000800, 0x100));
    CHECK(resource_root_allows(0x4000000, PG));
    CHECK(resource_root_allows(LIMIT - PG, PG));
    CHECK(!resource_root_allows(LIMIT - PG, 2 * PG));
    resource_init_from_dt(NULL);  // empty map: nothing allowed
    CHECK(!resource_root_allows(UART_BASE, 0x100));
    build_dt();
    CHECK(resource_root_allows(UART_BASE, 0x100));
}

static void create_errors_in_order(void) {
    struct resource *root = resource_root();
    struct resource *r = NULL;
    zx_status_t st;
    uint32_t root_refs = root->obj.refcount;

    // NULL arguments.
    CHECK_EQ(resource_create(NULL, ZX_RSRC_KIND_MMIO, UART_BASE, PG, NULL, 0, &r), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(resource_create(root, ZX_RSRC_KIND_MMIO, UART_BASE, PG, NULL, 0, NULL), ZX_ERR_INVALID_ARGS);
    // 1: base + size overflow (before anything else, even a bad kind).
    CHECK_EQ(mk(root, ZX_RSRC_KIND_MMIO, UINT64_MAX, 1024, &st) == NULL, 1);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_MMIO, 1024, UINT64_MAX, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, 0xFFFF, UINT64_MAX, 2, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // 3: kind and flags (before the range is looked at: RAM here).
    mk(root, ZX_RSRC_KIND_ROOT, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_COUNT, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_COUNT + 1, RAM_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, 0xFFFF, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_MMIO | 0xFF0000, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_MMIO | 0x20000, RAM_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_MMIO | 0x80000000u, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // 4: the root filter -> ACCESS_DENIED (even with EXCLUSIVE, or size 0 is not reached).
    mk(root, ZX_RSRC_KIND_MMIO, RAM_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, PLIC_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_MMIO, CLINT_BASE, 8, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_MMIO, VIRTIO_END, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_MMIO, LIMIT, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);

    struct resource *m = mk(root, ZX_RSRC_KIND_MMIO, UART_BASE, PG, &st);
    REQUIRE(st == ZX_OK && m != NULL);
    // 4: through an MMIO parent: another kind (WRONG_TYPE inside), out of the parent.
    mk(m, ZX_RSRC_KIND_IRQ, 0, 0, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(m, ZX_RSRC_KIND_IRQ, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(m, ZX_RSRC_KIND_MMIO, UART_BASE + PG, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(m, ZX_RSRC_KIND_MMIO, UART_BASE, PG + 34, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    // 4 before 5: EXCLUSIVE from a non-root parent outside its range.
    mk(m, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, UART_BASE + PG, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    // 5: EXCLUSIVE child of a non-root parent.
    mk(m, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // 5 before 7: EXCLUSIVE child with size 0.
    mk(m, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, UART_BASE, 0, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // 7: size 0 -> INVALID_ARGS (inside the parent); outside -> ACCESS_DENIED (4 first).
    mk(m, ZX_RSRC_KIND_MMIO, UART_BASE + 0x10, 0, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(m, ZX_RSRC_KIND_MMIO, RAM_BASE, 0, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_MMIO, UART_BASE, 0, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // 7: kinds other than MMIO, IRQ and SYSTEM are not supported (after 4 and 5).
    mk(root, ZX_RSRC_KIND_IOPORT | ZX_RSRC_FLAG_EXCLUSIVE, 0x80, 1, &st);
    CHECK_EQ(st, ZX_ERR_NOT_SUPPORTED);
    mk(root, ZX_RSRC_KIND_SMC, 0, 0, &st);
    CHECK_EQ(st, ZX_ERR_NOT_SUPPORTED);
    // 7: SYSTEM: size 0, then a range outside [0, ZX_RSRC_SYSTEM_COUNT) (NOT_FOUND).
    mk(root, ZX_RSRC_KIND_SYSTEM, 1, 0, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(root, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_COUNT, 1, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(root, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_COUNT - 1, 2, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    // Exclusive parent -> any child: INVALID_ARGS (step 5).
    struct resource *x = mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, PCI_BASE, PG, &st);
    REQUIRE(st == ZX_OK);
    mk(x, ZX_RSRC_KIND_MMIO, PCI_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    mk(x, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, PCI_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // Out of memory.
    long live = fake_kheap_live_blocks;
    fake_kheap_fail_after = 0;
    r = mk(root, ZX_RSRC_KIND_MMIO, PCI_BASE + PG, PG, &st);
    fake_kheap_fail_after = -1;
    CHECK_EQ(st, ZX_ERR_NO_MEMORY);
    CHECK(r == NULL);
    CHECK_EQ(fake_kheap_live_blocks, live);
    // Conflict wins over NO_MEMORY (checked before allocating).
    fake_kheap_fail_after = 0;
    mk(root, ZX_RSRC_KIND_MMIO, PCI_BASE, PG, &st);
    fake_kheap_fail_after = -1;
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);

    put(x);
    put(m);
    CHECK_EQ(root->obj.refcount, root_refs);
}

static void basic_actions_and_info(void) {
    struct resource *root = resource_root();
    struct resource *a = NULL, *b = NULL, *c = NULL;
    char name[] = "resource";
    REQUIRE(resource_create(root, ZX_RSRC_KIND_MMIO, PCI_BASE, 4 * PG, name, sizeof(name), &a) == ZX_OK);
    zx_info_resource_t info;
    memset(&info, 0xaa, sizeof(info));
    resource_info(a, &info);
    CHECK_EQ(info.kind, ZX_RSRC_KIND_MMIO);
    CHECK_EQ(info.flags, 0);
    CHECK_EQ(info.base, PCI_BASE);
    CHECK_EQ(info.size, 4 * PG);
    CHECK(strcmp(info.name, "resource") == 0);
    CHECK(a->obj.koid >= 1024);
    char mmio_name[] = "test_resource_name";
    REQUIRE(resource_create(a, ZX_RSRC_KIND_MMIO, PCI_BASE, 4 * PG, mmio_name, sizeof(mmio_name), &b) == ZX_OK);
    resource_info(b, &info);
    CHECK_EQ(info.kind, ZX_RSRC_KIND_MMIO);
    CHECK_EQ(info.base, PCI_BASE);
    CHECK_EQ(info.size, 4 * PG);
    CHECK(strcmp(info.name, "test_resource_name") == 0);
    // A long name keeps 31 bytes; exclusive flag reported.
    const char *longname = "0123456789abcdef0123456789abcdefXYZ";
    REQUIRE(resource_create(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, PCI_BASE + 8 * PG, PG, longname,
                            strlen(longname), &c) == ZX_OK);
    resource_info(c, &info);
    CHECK_EQ(info.flags, ZX_RSRC_FLAG_EXCLUSIVE);
    CHECK_EQ(strlen(info.name), 31);
    CHECK(memcmp(info.name, longname, 31) == 0);
    CHECK_EQ(info.name[31], 0);
    put(c);
    put(b);
    put(a);
}

static void slices(void) {
    struct resource *root = resource_root();
    zx_status_t st;
    struct resource *p = mk(root, ZX_RSRC_KIND_MMIO, VIRTIO_BASE, 2 * PG, &st);
    REQUIRE(st == ZX_OK);
    CHECK_EQ(p->obj.refcount, 1);
    struct resource *c1 = mk(p, ZX_RSRC_KIND_MMIO, VIRTIO_BASE, PG, &st);
    CHECK_EQ(st, ZX_OK);
    struct resource *c1b = mk(p, ZX_RSRC_KIND_MMIO, VIRTIO_BASE + PG, PG, &st);
    CHECK_EQ(st, ZX_OK);
    struct resource *same = mk(p, ZX_RSRC_KIND_MMIO, VIRTIO_BASE, 2 * PG, &st);
    CHECK_EQ(st, ZX_OK);
    CHECK_EQ(p->obj.refcount, 4);
    CHECK(c1 && c1->parent == p);
    // Sub-page slice, and a child of it that uses its widened page.
    struct resource *c2 = mk(c1, ZX_RSRC_KIND_MMIO, VIRTIO_BASE + 0x800, 0x100, &st);
    CHECK_EQ(st, ZX_OK);
    struct resource *c3 = mk(c2, ZX_RSRC_KIND_MMIO, VIRTIO_BASE, PG, &st);
    CHECK_EQ(st, ZX_OK);
    mk(c2, ZX_RSRC_KIND_MMIO, VIRTIO_BASE + PG, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(c2, ZX_RSRC_KIND_MMIO, VIRTIO_BASE, PG + 1, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    // Out of the parent although the root filter would allow it.
    mk(p, ZX_RSRC_KIND_MMIO, VIRTIO_BASE + 2 * PG, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(p, ZX_RSRC_KIND_MMIO, VIRTIO_BASE - PG, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(p, ZX_RSRC_KIND_MMIO, VIRTIO_BASE + PG, PG + 1, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    // Children keep parents alive: drop the creator's references top-down.
    put(p);
    CHECK_EQ(p->obj.refcount, 3);  // c1, c1b, same
    put(c1);
    CHECK_EQ(c1->obj.refcount, 1);  // c2
    put(c2);                         // c3 holds it
    CHECK_EQ(c2->obj.refcount, 1);
    long live = fake_kheap_live_blocks;
    put(c3);  // frees c3, c2, c1
    CHECK_EQ(fake_kheap_live_blocks, live - 3);
    CHECK_EQ(p->obj.refcount, 2);
    put(same);
    put(c1b);  // frees p as well
}

static void exclusive_shared(void) {
    struct resource *root = resource_root();
    zx_status_t st;
    const uint64_t b = PCI_BASE + 0x100000;
    // ExclusiveShared.
    struct resource *e = mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b, 4 * PG, &st);
    REQUIRE(st == ZX_OK);
    mk(root, ZX_RSRC_KIND_MMIO, b, 4 * PG, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(root, ZX_RSRC_KIND_MMIO, b - PG, 2 * PG, &st);  // partial overlap
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(root, ZX_RSRC_KIND_MMIO, b + 4 * PG - 1, 1, &st);  // last byte
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b + PG, PG, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    struct resource *adj = mk(root, ZX_RSRC_KIND_MMIO, b + 4 * PG, PG, &st);  // adjacent
    CHECK_EQ(st, ZX_OK);
    struct resource *adj2 = mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b - PG, PG, &st);
    CHECK_EQ(st, ZX_OK);
    // Released on destroy, then grantable again (shared first: SharedExclusive).
    put(e);
    struct resource *s = mk(root, ZX_RSRC_KIND_MMIO, b, 4 * PG, &st);
    CHECK_EQ(st, ZX_OK);
    struct resource *s2 = mk(root, ZX_RSRC_KIND_MMIO, b, 4 * PG, &st);  // shared + shared
    CHECK_EQ(st, ZX_OK);
    mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b, 4 * PG, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b + 2 * PG, 4 * PG, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    put(s);
    mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b, 4 * PG, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);  // s2 still live
    put(s2);
    e = mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b, 4 * PG, &st);
    CHECK_EQ(st, ZX_OK);
    put(e);
    // A slice of a shared resource blocks an exclusive grant while it lives.
    struct resource *p = mk(root, ZX_RSRC_KIND_MMIO, b, 4 * PG, &st);
    struct resource *c = mk(p, ZX_RSRC_KIND_MMIO, b + 3 * PG, PG, &st);
    CHECK_EQ(st, ZX_OK);
    put(p);  // c keeps p alive (and listed)
    mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b, PG, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    put(c);
    e = mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, b, 4 * PG, &st);
    CHECK_EQ(st, ZX_OK);
    put(e);
    // Sub-page ranges conflict only by bytes, as in Zircon.
    struct resource *u1 = mk(root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, UART_BASE, 0x80, &st);
    CHECK_EQ(st, ZX_OK);
    struct resource *u2 = mk(root, ZX_RSRC_KIND_MMIO, UART_BASE + 0x80, 0x80, &st);
    CHECK_EQ(st, ZX_OK);
    mk(root, ZX_RSRC_KIND_MMIO, UART_BASE + 0x7f, 2, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    put(u1);
    put(u2);
    put(adj);
    put(adj2);
}

static void ranged_root(void) {
    // An MMIO resource with base 0 and size 0 acts as the root for MMIO.
    struct resource *rr = raw(ZX_RSRC_KIND_MMIO, 0, 0);
    zx_status_t st;
    struct resource *a = mk(rr, ZX_RSRC_KIND_MMIO, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_OK);
    CHECK_EQ(rr->obj.refcount, 2);
    mk(rr, ZX_RSRC_KIND_MMIO, RAM_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(rr, ZX_RSRC_KIND_IRQ, 1, 1, &st);  // a ranged root of MMIO is not one of IRQ
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    struct resource *e = mk(rr, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, PCI_BASE, PG, &st);
    CHECK_EQ(st, ZX_OK);
    CHECK_EQ(resource_validate_mmio(rr, UART_BASE, PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(rr, RAM_BASE, PG), ZX_ERR_ACCESS_DENIED);
    put(rr);
    put(a);
    put(e);  // frees rr
}

static void validate_mmio(void) {
    struct resource *root = resource_root();
    zx_status_t st;
    // Root.
    CHECK_EQ(resource_validate_mmio(root, UART_BASE, PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(root, VIRTIO_BASE, 8 * PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(root, RAM_BASE, PG), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_mmio(root, PLIC_BASE, PG), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_mmio(root, CLINT_BASE, PG), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_mmio(root, 0x20000000, PG), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_mmio(root, UINT64_MAX & ~0xfffull, 2 * PG), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(resource_validate_mmio(root, LIMIT, PG), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(resource_validate_mmio(root, LIMIT - PG, 2 * PG), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(resource_validate_mmio(NULL, UART_BASE, PG), ZX_ERR_INVALID_ARGS);
    // Other kinds: WRONG_TYPE, before OUT_OF_RANGE.
    struct resource *irq = raw(ZX_RSRC_KIND_IRQ, 0, 64);
    struct resource *sys = raw(ZX_RSRC_KIND_SYSTEM, 1, 1);
    CHECK_EQ(resource_validate_mmio(irq, UART_BASE, PG), ZX_ERR_WRONG_TYPE);
    CHECK_EQ(resource_validate_mmio(irq, UINT64_MAX & ~0xfffull, 2 * PG), ZX_ERR_WRONG_TYPE);
    CHECK_EQ(resource_validate_mmio(sys, UART_BASE, PG), ZX_ERR_WRONG_TYPE);
    // A child of a non-MMIO resource is refused (WRONG_TYPE inside -> ACCESS_DENIED).
    mk(irq, ZX_RSRC_KIND_MMIO, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    put(irq);
    put(sys);
    // MMIO resource: its widened range, then the root filter.
    struct resource *m = mk(root, ZX_RSRC_KIND_MMIO, VIRTIO_BASE, 2 * PG, &st);
    REQUIRE(st == ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, VIRTIO_BASE, PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, VIRTIO_BASE + PG, PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, VIRTIO_BASE, 2 * PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, VIRTIO_BASE, 3 * PG), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_mmio(m, UART_BASE, PG), ZX_ERR_ACCESS_DENIED);  // filter would allow
    CHECK_EQ(resource_validate_mmio(m, VIRTIO_BASE, UINT64_MAX & ~0xfffull), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(resource_validate_mmio(m, LIMIT - PG, 2 * PG), ZX_ERR_OUT_OF_RANGE);
    put(m);
    // VmoCreationSmaller: a half-page resource grants its page.
    m = mk(root, ZX_RSRC_KIND_MMIO, UART_BASE, PG / 2, &st);
    REQUIRE(st == ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, UART_BASE, PG), ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, UART_BASE, 2 * PG), ZX_ERR_ACCESS_DENIED);
    put(m);
    // VmoCreationUnaligned: [base+0x7800, +0x2000) widens to [base+0x7000, base+0xa000).
    m = mk(root, ZX_RSRC_KIND_MMIO, PCI_BASE + 0x7800, 0x2000, &st);
    REQUIRE(st == ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, PCI_BASE + 0x7000, 0x2000), ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, PCI_BASE + 0x7000, 0x3000), ZX_OK);
    CHECK_EQ(resource_validate_mmio(m, PCI_BASE + 0x6000, 0x2000), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_mmio(m, PCI_BASE + 0x9000, 0x2000), ZX_ERR_ACCESS_DENIED);
    put(m);
    // CreateResourceSlice tail: a one-page slice of a two-page resource.
    struct resource *two = mk(root, ZX_RSRC_KIND_MMIO, PCI_BASE, 2 * PG, &st);
    struct resource *one = mk(two, ZX_RSRC_KIND_MMIO, PCI_BASE, PG, &st);
    REQUIRE(st == ZX_OK);
    CHECK_EQ(resource_validate_mmio(one, PCI_BASE, 2 * PG), ZX_ERR_ACCESS_DENIED);  // §13 (Zircon: OUT_OF_RANGE)
    CHECK_EQ(resource_validate_mmio(one, PCI_BASE, PG), ZX_OK);
    put(one);
    put(two);
    // A kernel-built MMIO resource over RAM still fails the root filter.
    struct resource *bad = raw(ZX_RSRC_KIND_MMIO, RAM_BASE, RAM_SIZE);
    CHECK_EQ(resource_validate_mmio(bad, RAM_BASE, PG), ZX_ERR_ACCESS_DENIED);
    put(bad);
}

// SYSTEM resources: one number each of the ZX_RSRC_SYSTEM_*_BASE list, made
// from the root; resource_validate_ranged (what zx_vmo_replace_as_executable
// asks of its vmex: SYSTEM, [VMEX_BASE, VMEX_BASE + 1)).
static void system_resources(void) {
    struct resource *root = resource_root();
    zx_status_t st;
    struct resource *vmex = mk(root, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_VMEX_BASE, 1, &st);
    REQUIRE(st == ZX_OK);
    zx_info_resource_t info;
    resource_info(vmex, &info);
    CHECK_EQ(info.kind, ZX_RSRC_KIND_SYSTEM);
    CHECK_EQ(info.base, 1);
    CHECK_EQ(info.size, 1);
    struct resource *debug = mk(root, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_DEBUG_BASE, 1, &st);
    REQUIRE(st == ZX_OK);
    struct resource *all = mk(root, ZX_RSRC_KIND_SYSTEM, 0, ZX_RSRC_SYSTEM_COUNT, &st);
    REQUIRE(st == ZX_OK);
    struct resource *mmio = mk(root, ZX_RSRC_KIND_MMIO, UART_BASE, PG, &st);
    REQUIRE(st == ZX_OK);
    const uint32_t S = ZX_RSRC_KIND_SYSTEM;
    CHECK_EQ(resource_validate_ranged(vmex, S, ZX_RSRC_SYSTEM_VMEX_BASE, 1), ZX_OK);
    CHECK_EQ(resource_validate_ranged(all, S, ZX_RSRC_SYSTEM_VMEX_BASE, 1), ZX_OK);
    CHECK_EQ(resource_validate_ranged(root, S, ZX_RSRC_SYSTEM_VMEX_BASE, 1), ZX_OK);
    CHECK_EQ(resource_validate_ranged(debug, S, ZX_RSRC_SYSTEM_VMEX_BASE, 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(resource_validate_ranged(mmio, S, ZX_RSRC_SYSTEM_VMEX_BASE, 1), ZX_ERR_WRONG_TYPE);
    // A child of a SYSTEM resource stays inside it.
    struct resource *c = mk(all, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_MEXEC_BASE, 1, &st);
    CHECK_EQ(st, ZX_OK);
    put(c);
    mk(vmex, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_DEBUG_BASE, 1, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(vmex, ZX_RSRC_KIND_MMIO, UART_BASE, PG, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    // Exclusive, as for MMIO: not while another overlaps (NOT_FOUND); once
    // held, no shared one overlaps it (NOT_FOUND).
    mk(root, S | ZX_RSRC_FLAG_EXCLUSIVE, ZX_RSRC_SYSTEM_VMEX_BASE, 1, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(root, S | ZX_RSRC_FLAG_EXCLUSIVE, ZX_RSRC_SYSTEM_STALL_BASE, 1, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);  // `all` covers it
    put(all);
    struct resource *x = mk(root, S | ZX_RSRC_FLAG_EXCLUSIVE, ZX_RSRC_SYSTEM_STALL_BASE, 1, &st);
    CHECK_EQ(st, ZX_OK);
    mk(root, S, ZX_RSRC_SYSTEM_STALL_BASE, 1, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    put(x);
    put(mmio);
    put(debug);
    put(vmex);
}

static void irq_resources(void) {
    struct resource *root = resource_root();
    zx_status_t st;
    // The root grants the PLIC's device sources only: not 0, not past ndev,
    // not an interrupt controller's own line; size 0 is INVALID_ARGS (step 7).
    struct resource *a = mk(root, ZX_RSRC_KIND_IRQ, 10, 1, &st);
    CHECK_EQ(st, ZX_OK);
    mk(root, ZX_RSRC_KIND_IRQ, 0, 1, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_IRQ, 95, 2, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_IRQ, 30, 20, &st);  // covers source 40
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    mk(root, ZX_RSRC_KIND_IRQ, 10, 0, &st);
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    // A range, and a slice of it; outside the parent is ACCESS_DENIED.
    struct resource *r = mk(root, ZX_RSRC_KIND_IRQ, 1, 8, &st);
    CHECK_EQ(st, ZX_OK);
    struct resource *s = mk(r, ZX_RSRC_KIND_IRQ, 3, 2, &st);
    CHECK_EQ(st, ZX_OK);
    mk(r, ZX_RSRC_KIND_IRQ, 8, 2, &st);
    CHECK_EQ(st, ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(resource_validate_ranged(s, ZX_RSRC_KIND_IRQ, 4, 1), ZX_OK);
    CHECK_EQ(resource_validate_ranged(s, ZX_RSRC_KIND_IRQ, 5, 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(resource_validate_ranged(s, ZX_RSRC_KIND_MMIO, 4, 1), ZX_ERR_WRONG_TYPE);
    CHECK_EQ(resource_validate_ranged(root, ZX_RSRC_KIND_IRQ, 40, 1), ZX_ERR_ACCESS_DENIED);
    // Exclusive IRQ ranges behave like exclusive MMIO ones.
    mk(root, ZX_RSRC_KIND_IRQ | ZX_RSRC_FLAG_EXCLUSIVE, 5, 1, &st);  // overlaps r
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    struct resource *e = mk(root, ZX_RSRC_KIND_IRQ | ZX_RSRC_FLAG_EXCLUSIVE, 20, 4, &st);
    CHECK_EQ(st, ZX_OK);
    mk(root, ZX_RSRC_KIND_IRQ, 22, 1, &st);
    CHECK_EQ(st, ZX_ERR_NOT_FOUND);
    mk(e, ZX_RSRC_KIND_IRQ, 21, 1, &st);  // an exclusive parent hands out no children
    CHECK_EQ(st, ZX_ERR_INVALID_ARGS);
    put(e);
    struct resource *again = mk(root, ZX_RSRC_KIND_IRQ, 22, 1, &st);  // released with e
    CHECK_EQ(st, ZX_OK);
    put(again);
    put(s);
    put(r);
    put(a);
}

static void no_leaks_at_end(void) {
    CHECK_EQ(fake_kheap_live_blocks, 0);
    CHECK_EQ(object_live_count(), 1);  // the static root only
    CHECK_EQ(resource_root()->obj.refcount, 1);
}

int main(void) {
    build_dt();
    th_prefix = "resource";
    th_before_case = note_live_blocks;
    th_after_case = check_no_leak;
    RUN_CASE(root_resource);
    RUN_CASE(filter_allows_devices);
    RUN_CASE(filter_refuses);
    RUN_CASE(filter_intc_sharing_a_page);
    RUN_CASE(create_errors_in_order);
    RUN_CASE(basic_actions_and_info);
    RUN_CASE(slices);
    RUN_CASE(exclusive_shared);
    RUN_CASE(ranged_root);
    RUN_CASE(validate_mmio);
    RUN_CASE(system_resources);
    RUN_CASE(irq_resources);
    RUN_CASE(no_leaks_at_end);
    return th_exit_status("resource-unit");
}
