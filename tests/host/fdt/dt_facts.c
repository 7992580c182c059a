// fdt_facts DATA_DIR: dt_parse() on every tests/data DTB must succeed and
// satisfy the dt.h invariants (sorted, disjoint MMIO map with no RAM or
// reserved range in it, terminated strings, counts within the tables), and
// the facts known from how each DTB was made (tests/data/README.md) must hold.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_check.h"
#include "platform/dt.h"

static int failures, checks;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        checks++;                                                                   \
        if (!(cond)) {                                                              \
            failures++;                                                             \
            fprintf(stderr, "FAIL %s:%d [%s]: %s\n", __FILE__, __LINE__, cur, #cond); \
        }                                                                           \
    } while (0)

static const char *cur = "";

static const struct dt_mmio *mmio_at(const struct dt_info *d, uint64_t addr) {
    for (unsigned i = 0; i < d->n_mmio; i++)
        if (addr >= d->mmio[i].base && addr - d->mmio[i].base < d->mmio[i].size) return &d->mmio[i];
    return NULL;
}

static const struct dt_mmio *mmio_path(const struct dt_info *d, const char *path) {
    for (unsigned i = 0; i < d->n_mmio; i++)
        if (!strcmp(d->mmio[i].path, path)) return &d->mmio[i];
    return NULL;
}

static bool mmio_path_contains(const struct dt_info *d, const char *s) {
    for (unsigned i = 0; i < d->n_mmio; i++)
        if (strstr(d->mmio[i].path, s)) return true;
    return false;
}

static bool mmio_is(const struct dt_info *d, uint64_t base, uint64_t size, const char *path, const char *compat,
                    uint32_t flags) {
    const struct dt_mmio *m = mmio_at(d, base);
    return m && m->base == base && m->size == size && !strcmp(m->path, path) && !strcmp(m->compatible, compat) &&
           m->flags == flags;
}

static unsigned okay_cpus(const struct dt_info *d) {
    unsigned n = 0;
    for (unsigned i = 0; i < d->n_cpus; i++) n += d->cpus[i].okay;
    return n;
}

// Facts shared by every QEMU virt DTB.
static void virt_common(const struct dt_info *d, uint64_t mem, unsigned ncpu) {
    CHECK(!strcmp(d->model, "riscv-virtio,qemu"));
    CHECK(d->n_memory == 1 && d->memory[0].base == 0x80000000 && d->memory[0].size == mem);
    CHECK(d->n_cpus == ncpu);
    for (unsigned i = 0; i < d->n_cpus; i++) {
        CHECK(d->cpus[i].hartid == i);
        CHECK(!strncmp(d->cpus[i].isa, "rv64imafdc", 10));
        CHECK(!strcmp(d->cpus[i].mmu_type, "riscv,sv48"));
    }
    CHECK(d->timebase_frequency == 10000000);
    CHECK(mmio_is(d, 0x10000000, 0x100, "/soc/serial@10000000", "ns16550a", 0));
    CHECK(mmio_is(d, 0x100000, 0x1000, "/soc/test@100000", "sifive,test1", 0));
    CHECK(mmio_is(d, 0x30000000, 0x10000000, "/soc/pci@30000000", "pci-host-ecam-generic", 0));
    CHECK(mmio_is(d, 0x10100000, 0x18, "/fw-cfg@10100000", "qemu,fw-cfg-mmio", 0));
    // Two touching reg entries of one node stay two entries.
    CHECK(mmio_is(d, 0x20000000, 0x2000000, "/flash@20000000", "cfi-flash", 0));
    CHECK(mmio_is(d, 0x22000000, 0x2000000, "/flash@20000000", "cfi-flash", 0));
    for (uint64_t a = 0x10001000; a <= 0x10008000; a += 0x1000) {
        const struct dt_mmio *m = mmio_at(d, a);
        CHECK(m && !strcmp(m->compatible, "virtio,mmio"));
    }
    CHECK(!mmio_path_contains(d, "/cpus"));
    CHECK(!mmio_path_contains(d, "memory@"));
    CHECK(!mmio_at(d, 0x80000000) && !mmio_at(d, 0x80000000 + mem - 1));
    CHECK(!strcmp(d->console.compatible, "ns16550a"));
    CHECK(d->console.base == 0x10000000 && d->console.size == 0x100);
    CHECK(d->console.reg_shift == 0 && d->console.reg_io_width == 1 && d->console.clock_frequency == 3686400);
    CHECK(d->poweroff_base == 0x100000);
    CHECK(!d->truncated);
}

static void virt_plain(const struct dt_info *d) {
    CHECK(!strcmp(d->stdout_path, "/soc/serial@10000000"));
    CHECK(d->bootargs[0] == 0 && d->initrd_start == 0 && d->initrd_end == 0);
    CHECK(okay_cpus(d) == d->n_cpus);
}

static bool irq_is(const struct dt_info *d, uint64_t base, uint32_t irq) {
    const struct dt_mmio *m = mmio_at(d, base);
    return m && m->n_irqs == 1 && m->irqs[0] == irq && m->irq_modes[0] == (4u << 1);  // level high
}

static void virt_plic_clint(const struct dt_info *d) {
    CHECK(mmio_is(d, 0xc000000, 0x600000, "/soc/plic@c000000", "sifive,plic-1.0.0", DT_MMIO_INTC));
    CHECK(mmio_is(d, 0x2000000, 0x10000, "/soc/clint@2000000", "sifive,clint0", DT_MMIO_INTC));
    // Device interrupts at the PLIC, and its contexts: M then S for each hart.
    CHECK(irq_is(d, 0x10000000, 10));  // serial
    CHECK(irq_is(d, 0x101000, 11));    // rtc
    for (uint32_t i = 0; i < 8; i++) CHECK(irq_is(d, 0x10001000 + 0x1000 * (uint64_t)i, 1 + i));  // virtio
    CHECK(mmio_at(d, 0x100000)->n_irqs == 0);  // the test device has none
    CHECK(d->plic.present && d->plic.base == 0xc000000 && d->plic.ndev >= 95);
    CHECK(d->plic.n_contexts == 2 * d->n_cpus && d->plic.n_scontexts == d->n_cpus);
    for (unsigned i = 0; i < d->plic.n_scontexts; i++)
        CHECK(d->plic.scontexts[i].hartid == i && d->plic.scontexts[i].index == 2 * i + 1);
}

static void sifive_common(const struct dt_info *d, uint64_t mem, unsigned ncpu) {
    CHECK(!strcmp(d->model, "SiFive HiFive Unleashed A00"));
    CHECK(d->n_memory == 1 && d->memory[0].base == 0x80000000 && d->memory[0].size == mem);
    CHECK(d->n_cpus == ncpu);
    for (unsigned i = 0; i < d->n_cpus; i++) CHECK(d->cpus[i].hartid == i);
    // hart 0 is the E51 monitor core: no MMU.
    CHECK(d->n_cpus > 0 && d->cpus[0].mmu_type[0] == 0 && !strncmp(d->cpus[0].isa, "rv64imac", 8));
    for (unsigned i = 1; i < d->n_cpus; i++) {
        CHECK(!strcmp(d->cpus[i].mmu_type, "riscv,sv48") && d->cpus[i].okay);
        CHECK(!strncmp(d->cpus[i].isa, "rv64imafdc", 10));
    }
    CHECK(mmio_is(d, 0x10010000, 0x1000, "/soc/serial@10010000", "sifive,uart0", 0));
    CHECK(mmio_is(d, 0x10011000, 0x1000, "/soc/serial@10011000", "sifive,uart0", 0));
    CHECK(mmio_is(d, 0xc000000, 0x4000000, "/soc/interrupt-controller@c000000", "sifive,plic-1.0.0", DT_MMIO_INTC));
    CHECK(mmio_is(d, 0x2000000, 0x10000, "/soc/clint@2000000", "sifive,clint0", DT_MMIO_INTC));
    CHECK(mmio_is(d, 0x10060000, 0x1000, "/soc/gpio@10060000", "sifive,gpio0", DT_MMIO_INTC));
    CHECK(mmio_is(d, 0x10090000, 0x2000, "/soc/ethernet@10090000", "sifive,fu540-c000-gem", 0));
    CHECK(mmio_is(d, 0x100a0000, 0x1000, "/soc/ethernet@10090000", "sifive,fu540-c000-gem", 0));
    CHECK(mmio_is(d, 0x10040000, 0x1000, "/soc/spi@10040000", "sifive,spi0", 0));
    // Interrupts: the UARTs' sources, the GPIO controller's own lines; the PLIC's supervisor
    // contexts are those of the U54 harts (the E51, hart 0, has an M context only).
    const struct dt_mmio *u0 = mmio_at(d, 0x10010000), *gpio = mmio_at(d, 0x10060000);
    CHECK(u0 && u0->n_irqs == 1 && u0->irqs[0] == 4);
    CHECK(gpio && gpio->n_irqs == 4 && gpio->irqs[0] == 7 && gpio->irqs[3] == 10);
    CHECK(d->plic.present && d->plic.ndev == 53);
    CHECK(d->plic.n_contexts == 2 * d->n_cpus - 1 && d->plic.n_scontexts == d->n_cpus - 1);
    for (unsigned i = 0; i < d->plic.n_scontexts; i++)
        CHECK(d->plic.scontexts[i].hartid == i + 1 && d->plic.scontexts[i].index == 2 * i + 2);
    // Bus addresses (SPI chip selects, the MDIO PHY) are not memory mapped.
    CHECK(!mmio_path_contains(d, "flash@0"));
    CHECK(!mmio_path_contains(d, "mmc@0"));
    CHECK(!mmio_path_contains(d, "ethernet-phy"));
    CHECK(!mmio_at(d, 0) && !mmio_at(d, 0x80000000) && !mmio_at(d, 0x80000000 + mem - 1));
    CHECK(d->poweroff_base == 0);  // no sifive,test0 on sifive_u
    CHECK(!d->truncated);
}

static void sifive_console(const struct dt_info *d, uint64_t base) {
    CHECK(!strcmp(d->console.compatible, "sifive,uart0"));
    CHECK(d->console.base == base && d->console.size == 0x1000);
    CHECK(d->console.reg_shift == 0 && d->console.reg_io_width == 1 && d->console.clock_frequency == 0);
}

static void opensbi_resv(const struct dt_info *d, unsigned index) {
    CHECK(d->n_reserved > index && d->reserved[index].base == 0x80000000 && d->reserved[index].size == 0x80000 &&
          !strcmp(d->reserved[index].name, "mmode_resv0@80000000"));
}

static void facts(const char *name, const struct dt_info *d) {
    // Only the -cpu rv64,svpbmt=on dump has Svpbmt (sifive_u never does).
    bool svpbmt = !strcmp(name, "virt-svpbmt-smp2-256M.dtb");
    for (unsigned i = 0; i < d->n_cpus; i++) CHECK(d->cpus[i].svpbmt == svpbmt);
    if (!strcmp(name, "virt-smp1-128M.dtb")) {
        virt_common(d, 128u << 20, 1);
        virt_plain(d);
        virt_plic_clint(d);
        CHECK(d->n_reserved == 0);
    } else if (!strcmp(name, "virt-smp4-512M.dtb")) {
        virt_common(d, 512u << 20, 4);
        virt_plain(d);
        virt_plic_clint(d);
    } else if (!strcmp(name, "virt-smp8-2G.dtb")) {
        virt_common(d, 2ull << 30, 8);
        virt_plain(d);
        virt_plic_clint(d);
    } else if (!strcmp(name, "virt-smp2-256M-virtio.dtb")) {
        virt_common(d, 256u << 20, 2);
        virt_plain(d);
        virt_plic_clint(d);
    } else if (!strcmp(name, "virt-svpbmt-smp2-256M.dtb")) {
        virt_common(d, 256u << 20, 2);
        virt_plain(d);
        virt_plic_clint(d);
        CHECK(strstr(d->cpus[0].isa, "_sstc_svpbmt") != NULL);
    } else if (!strcmp(name, "virt-aclint-smp2-256M.dtb")) {
        virt_common(d, 256u << 20, 2);
        virt_plain(d);
        const struct dt_mmio *m = mmio_at(d, 0x2000000);
        CHECK(m && !strncmp(m->compatible, "riscv,aclint-", 13) && (m->flags & DT_MMIO_INTC));
        CHECK(mmio_is(d, 0xc000000, 0x600000, "/soc/plic@c000000", "sifive,plic-1.0.0", DT_MMIO_INTC));
    } else if (!strcmp(name, "virt-aia-smp2-1G.dtb")) {
        virt_common(d, 1u << 30, 2);
        virt_plain(d);
        CHECK(mmio_is(d, 0xc000000, 0x8000, "/soc/aplic@c000000", "riscv,aplic", DT_MMIO_INTC));
        CHECK(mmio_is(d, 0xd000000, 0x8000, "/soc/aplic@d000000", "riscv,aplic", DT_MMIO_INTC));
        CHECK(mmio_is(d, 0x24000000, 0x2000, "/soc/imsics@24000000", "riscv,imsics", DT_MMIO_INTC));
        CHECK(mmio_is(d, 0x28000000, 0x2000, "/soc/imsics@28000000", "riscv,imsics", DT_MMIO_INTC));
        CHECK(mmio_is(d, 0x2000000, 0x7ff8, "/soc/mtimer@2000000", "riscv,aclint-mtimer", DT_MMIO_INTC));
        CHECK(mmio_is(d, 0x2007ff8, 0x8, "/soc/mtimer@2000000", "riscv,aclint-mtimer", DT_MMIO_INTC));
    } else if (!strcmp(name, "virt-opensbi-smp4-512M.dtb")) {
        virt_common(d, 512u << 20, 4);
        virt_plain(d);
        virt_plic_clint(d);
        CHECK(d->n_reserved == 1);
        opensbi_resv(d, 0);
    } else if (!strcmp(name, "virt-opensbi-edited.dtb")) {
        virt_common(d, 512u << 20, 4);
        CHECK(!strcmp(d->bootargs, "console=ttyS0 test timer.hz=250"));
        CHECK(!strcmp(d->stdout_path, "serial0"));  // alias, ":115200n8" stripped
        CHECK(d->initrd_start == 0x88000000 && d->initrd_end == 0x88100000);
        CHECK(d->n_cpus == 4 && !d->cpus[3].okay && okay_cpus(d) == 3);
        CHECK(d->n_reserved == 6);
        CHECK(d->reserved[0].base == 0x87f00000 && d->reserved[0].size == 0x100000 &&
              !strcmp(d->reserved[0].name, "/memreserve/"));
        CHECK(d->reserved[1].base == 0x3040000 && !strcmp(d->reserved[1].name, "/memreserve/"));
        opensbi_resv(d, 2);
        CHECK(d->reserved[3].base == 0x87000000 && d->reserved[4].base == 0x87100000 &&
              !strcmp(d->reserved[4].name, "fw@87000000"));
        CHECK(d->reserved[5].base == 0x10008800 && d->reserved[5].size == 0x100);
        // Split by a /memreserve/ entry and by a /reserved-memory child.
        CHECK(mmio_is(d, 0x3000000, 0x40000, "/soc/sram@3000000", "test,sram", 0));
        CHECK(mmio_is(d, 0x3050000, 0xb0000, "/soc/sram@3000000", "test,sram", 0));
        CHECK(mmio_is(d, 0x10008000, 0x800, "/soc/virtio_mmio@10008000", "virtio,mmio", 0));
        CHECK(mmio_is(d, 0x10008900, 0x700, "/soc/virtio_mmio@10008000", "virtio,mmio", 0));
        // Merged: the lowest base names the entry, the flags are ORed.
        CHECK(mmio_is(d, 0x10001000, 0x2000, "/soc/virtio_mmio@10001000", "virtio,mmio", DT_MMIO_INTC));
        CHECK(!mmio_path(d, "/soc/overlap@10001800"));
        // Trimmed where RAM starts, saturated below 2^64.
        CHECK(mmio_is(d, 0x7ff00000, 0x100000, "/soc/straddle@7ff00000", "test,straddle", 0));
        CHECK(mmio_is(d, 0xfffffffffffff000ull, 0xfff, "/soc/top@fffffffffffff000", "test,top", 0));
        CHECK(!mmio_at(d, 0x11000000));  // status = "disabled"
        CHECK(mmio_is(d, 0x12000000, 0x1000, "/soc/okstatus@12000000", "test,ok", 0));
        // Translation through a non-identity bus, a nested bus, window clipping.
        CHECK(mmio_is(d, 0x50001000, 0x100, "/soc/bus@50000000/dev@1000", "test,dev", 0));
        CHECK(mmio_is(d, 0x500ff000, 0x1000, "/soc/bus@50000000/big@ff000", "", 0));
        CHECK(mmio_is(d, 0x60000000, 0x100, "/soc/bus@50000000/second@200000", "test,second", 0));
        CHECK(mmio_is(d, 0x60000800, 0x100, "/soc/bus@50000000/second@200000", "test,second", 0));
        CHECK(mmio_is(d, 0x50008010, 0x10, "/soc/bus@50000000/nested-bus@8000/leaf@10", "test,leaf", 0));
        CHECK(mmio_is(d, 0x50009000, 0x100, "/soc/bus@50000000/noranges@9000", "", 0));
        CHECK(!mmio_path_contains(d, "nomatch") && !mmio_path_contains(d, "child@0") &&
              !mmio_path_contains(d, "zero@") && !mmio_path_contains(d, "badcells"));
        CHECK(d->n_mmio == 28);
    } else if (!strcmp(name, "sifive_u-smp2-1G.dtb")) {
        sifive_common(d, 1u << 30, 2);
        sifive_console(d, 0x10010000);
        CHECK(!strcmp(d->stdout_path, "/soc/serial@10010000"));
        CHECK(d->timebase_frequency == 1000000 && okay_cpus(d) == 2);
    } else if (!strcmp(name, "sifive_u-smp5-2G.dtb")) {
        sifive_common(d, 2ull << 30, 5);
        sifive_console(d, 0x10010000);
        CHECK(d->timebase_frequency == 1000000 && okay_cpus(d) == 5);
    } else if (!strcmp(name, "sifive_u-opensbi-smp2-1G.dtb")) {
        sifive_common(d, 1u << 30, 2);
        sifive_console(d, 0x10010000);
        CHECK(!d->cpus[0].okay && d->cpus[1].okay);  // OpenSBI disables the E51
        CHECK(d->n_reserved == 1);
        opensbi_resv(d, 0);
    } else if (!strcmp(name, "sifive_u-opensbi-edited.dtb")) {
        sifive_common(d, 1u << 30, 2);
        sifive_console(d, 0x10011000);  // stdout-path = "serial1:115200"
        CHECK(!strcmp(d->stdout_path, "serial1") && !strcmp(d->bootargs, "test"));
        CHECK(d->initrd_start == 0x84000000 && d->initrd_end == 0x84200000);
        CHECK(d->timebase_frequency == 1000000);  // from cpu@1
    } else {
        fprintf(stderr, "note: no known facts for %s (invariants only)\n", name);
        return;
    }
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int main(int argc, char **argv) {
    static struct dt_info d;
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    struct dirent **ents;
    int n = scandir(argv[1], &ents, NULL, by_name), ndtb = 0;
    if (n < 0) {
        perror(argv[1]);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        size_t l = strlen(name);
        if (l < 4 || strcmp(name + l - 4, ".dtb")) continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], name);
        size_t len;
        unsigned char *blob = dt_check_load(path, &len);
        cur = name;
        CHECK(blob != NULL);
        if (!blob) continue;
        ndtb++;
        const char *why = "";
        zx_status_t st = dt_parse(blob, len, &d, &why);
        CHECK(st == ZX_OK);
        if (st != ZX_OK) {
            fprintf(stderr, "  %s refused: %d %s\n", name, st, why);
        } else {
            char err[256];
            bool ok = dt_check_invariants(&d, err, sizeof(err));
            CHECK(ok);
            if (!ok) fprintf(stderr, "  %s: %s\n", name, err);
            CHECK(d.totalsize == len);
            // The console is a device of the map (what the kernel self-test checks).
            CHECK(d.console.size == 0 || mmio_at(&d, d.console.base));
            facts(name, &d);
        }
        free(blob);
    }
    for (int i = 0; i < n; i++) free(ents[i]);
    free(ents);
    cur = "";
    CHECK(ndtb >= 10);
    printf("%d DTBs, %d checks, %d failed\n", ndtb, checks, failures);
    return failures ? 1 : 0;
}
