// bench-dma: instructions retired (rdinstret, exact under tools/run --icount)
// per DMA operation, and kernel heap bytes per IOMMU, BTI and PMT, measured
// as the change of the kernel's heap counter (zxrv_kernel_stats heap_bytes:
// the size-class blocks handed out) over K objects. Printed, never asserted.
#include <stdio.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/kstats.h>
#include <zxrv/testutil.h>

#define PAGE 4096ull
#define N 2000
#define K 64

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static uint64_t heap_bytes(void) {
    zxrv_kernel_stats_t ks;
    return zxrv_kernel_stats(&ks) == ZX_OK ? ks.heap_bytes : 0;
}

static zx_paddr_t addrs[256];

// zx_bti_pin of `pages` committed pages + zx_pmt_unpin, instructions per pair.
static void bench_pin(zx_handle_t bti, zx_handle_t vmo, uint64_t pages, uint32_t options, const char *what) {
    zx_handle_t pmt;
    uint64_t n = options & ZX_BTI_CONTIGUOUS ? 1 : pages;
    if (zx_bti_pin(bti, ZX_BTI_PERM_READ | options, vmo, 0, pages * PAGE, addrs, n, &pmt) != ZX_OK) {
        printf("bench: %s: pin failed\n", what);
        return;
    }
    zx_pmt_unpin(pmt);
    uint64_t t0 = instret();
    for (int i = 0; i < N; i++) {
        zx_bti_pin(bti, ZX_BTI_PERM_READ | options, vmo, 0, pages * PAGE, addrs, n, &pmt);
        zx_pmt_unpin(pmt);
    }
    printf("bench: zx_bti_pin + zx_pmt_unpin, %s: %llu instructions\n", what,
           (unsigned long long)((instret() - t0) / N));
}

int main(void) {
    zx_handle_t rsrc, iommu, bti;
    zx_iommu_desc_dummy_t desc = {0};
    if (zx_resource_create(zxrv_root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1, "iommu", 5,
                           &rsrc) != ZX_OK ||
        zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, &iommu) != ZX_OK ||
        zx_bti_create(iommu, 0, 1, &bti) != ZX_OK)
        return 1;

    zx_handle_t vmo, contig;
    if (zx_vmo_create(256 * PAGE, 0, &vmo) != ZX_OK ||
        zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 256 * PAGE, NULL, 0) != ZX_OK ||
        zx_vmo_create_contiguous(bti, 256 * PAGE, 0, &contig) != ZX_OK)
        return 1;
    bench_pin(bti, vmo, 1, 0, "1 page");
    bench_pin(bti, vmo, 16, 0, "16 pages (64 KiB)");
    bench_pin(bti, vmo, 256, 0, "256 pages (1 MiB)");
    bench_pin(bti, contig, 16, ZX_BTI_CONTIGUOUS, "16 pages of a contiguous VMO, ZX_BTI_CONTIGUOUS");
    for (uint64_t pages = 1; pages <= 16; pages *= 16) {
        uint64_t t0 = instret();
        for (int i = 0; i < N / 10; i++) {
            zx_handle_t c;
            zx_vmo_create_contiguous(bti, pages * PAGE, 0, &c);
            zx_handle_close(c);
        }
        printf("bench: zx_vmo_create_contiguous(%llu KiB) + close: %llu instructions\n",
               (unsigned long long)(pages * 4), (unsigned long long)((instret() - t0) / (N / 10)));
    }

    // Kernel bytes per object (the handle table grown first, so that only
    // the objects count).
    zx_handle_t h[K];
    for (int i = 0; i < K; i++) zx_event_create(0, &h[i]);
    for (int i = 0; i < K; i++) zx_handle_close(h[i]);
    uint64_t b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, &h[i]);
    uint64_t b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_handle_close(h[i]);
    printf("bench: kernel bytes per IOMMU: %llu\n", (unsigned long long)((b1 - b0) / K));
    b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_bti_create(iommu, 0, i, &h[i]);
    b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_handle_close(h[i]);
    printf("bench: kernel bytes per BTI: %llu\n", (unsigned long long)((b1 - b0) / K));
    b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, (i % 256) * PAGE, PAGE, addrs, 1, &h[i]);
    b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_pmt_unpin(h[i]);
    printf("bench: kernel bytes per PMT (any size: the pin is a range, no per-page record): %llu\n",
           (unsigned long long)((b1 - b0) / K));
    b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_vmo_create_contiguous(bti, PAGE, 0, &h[i]);
    b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_handle_close(h[i]);
    printf("bench: kernel bytes per contiguous VMO (plus its pages and one radix node page): %llu\n",
           (unsigned long long)((b1 - b0) / K));

    zx_handle_close(contig);
    zx_handle_close(vmo);
    zx_handle_close(bti);
    zx_handle_close(iommu);
    zx_handle_close(rsrc);
    return 0;
}
