// Host tests of the virtio-mmio transport and split virtqueues
// (user/drivers/virtio-blk/virtio-mmio.c): the ring layout against the
// virtio 1.1 formulas (§2.6), queue setup on a register block in memory for
// both transport versions, probing, legacy feature negotiation, descriptor
// chains, and a simulated device that takes published chains from the
// available ring and returns them through the used ring in random order,
// for long enough that the 16-bit ring indices wrap many times.
#include "virtio-mmio.h"

#include "../harness.h"

static uint8_t regs[VIRTIO_MMIO_REGS_SIZE] __attribute__((aligned(8)));
static uint8_t area[3 * 4096 + 4096] __attribute__((aligned(4096)));

static uint32_t reg(uint32_t off) { return *(uint32_t *)(regs + off); }
static void set_reg(uint32_t off, uint32_t v) { *(uint32_t *)(regs + off) = v; }

static void fake_device(uint32_t version, uint32_t num_max) {
    memset(regs, 0, sizeof regs);
    set_reg(VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_MAGIC);
    set_reg(VIRTIO_MMIO_VERSION, version);
    set_reg(VIRTIO_MMIO_DEVICE_ID, 2);
    set_reg(VIRTIO_MMIO_QUEUE_NUM_MAX, num_max);
}

static void ring_layout(void) {
    // desc 16 * n, avail 6 + 2n, used 6 + 8n aligned to 4096 (legacy layout).
    CHECK_EQ(virtq_avail_offset(256), 4096);
    CHECK_EQ(virtq_used_offset(256), 8192);
    CHECK_EQ(virtq_area_bytes(256), 12288);
    CHECK_EQ(virtq_used_offset(128), 4096);
    CHECK_EQ(virtq_area_bytes(128), 8192);
    CHECK_EQ(virtq_used_offset(8), 4096);
    CHECK_EQ(virtq_area_bytes(8), 8192);
    CHECK(virtq_area_bytes(VIRTQ_MAX_SIZE) <= sizeof area);
}

static void probe(void) {
    virtio_mmio_t dev;
    fake_device(1, 1024);
    CHECK_EQ(virtio_mmio_probe(&dev, regs), ZX_OK);
    CHECK_EQ(dev.version, 1);
    CHECK_EQ(dev.device_id, 2);
    set_reg(VIRTIO_MMIO_VERSION, 2);
    CHECK_EQ(virtio_mmio_probe(&dev, regs), ZX_OK);
    CHECK_EQ(dev.version, 2);
    set_reg(VIRTIO_MMIO_VERSION, 3);
    CHECK_EQ(virtio_mmio_probe(&dev, regs), ZX_ERR_NOT_FOUND);
    set_reg(VIRTIO_MMIO_VERSION, 0);
    CHECK_EQ(virtio_mmio_probe(&dev, regs), ZX_ERR_NOT_FOUND);
    fake_device(1, 1024);
    set_reg(VIRTIO_MMIO_MAGIC_VALUE, 0x76697274);  // byte-swapped
    CHECK_EQ(virtio_mmio_probe(&dev, regs), ZX_ERR_NOT_FOUND);
}

static void legacy_features(void) {
    virtio_mmio_t dev;
    fake_device(1, 1024);
    set_reg(VIRTIO_MMIO_DEVICE_FEATURES, 0x30000226u);
    REQUIRE(virtio_mmio_probe(&dev, regs) == ZX_OK);
    CHECK_EQ(virtio_mmio_init(&dev, 1ull << 1 | 1ull << 2 | 1ull << 5 | 1ull << 9 | 1ull << 40), ZX_OK);
    CHECK_EQ(dev.features, 0x226u & (1u << 1 | 1u << 2 | 1u << 5 | 1u << 9));  // no bit above 31 on legacy
    CHECK_EQ(reg(VIRTIO_MMIO_DRIVER_FEATURES), dev.features);
    CHECK_EQ(reg(VIRTIO_MMIO_GUEST_PAGE_SIZE), 4096);
    CHECK_EQ(reg(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    virtio_mmio_driver_ok(&dev);
    CHECK_EQ(reg(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
}

static void queue_setup_legacy(void) {
    virtio_mmio_t dev;
    virtq_t q;
    fake_device(1, 1024);
    REQUIRE(virtio_mmio_probe(&dev, regs) == ZX_OK);
    uint64_t pa = 0x87654000ull;
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa), ZX_OK);
    CHECK_EQ(q.size, 256);
    CHECK_EQ(q.num_free, 256);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_NUM), 256);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_ALIGN), 4096);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_PFN), pa / 4096);
    // A live queue, no queue, a small one, a misaligned area.
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa), ZX_ERR_NOT_SUPPORTED);
    fake_device(1, 0);
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa), ZX_ERR_NOT_SUPPORTED);
    fake_device(1, 100);
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa), ZX_OK);
    CHECK_EQ(q.size, 64);  // the largest power of 2 the device allows
    fake_device(1, 1024);
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 16, area, pa), ZX_OK);
    CHECK_EQ(q.size, 16);
    fake_device(1, 1024);
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa + 8), ZX_ERR_INVALID_ARGS);
    fake_device(1, 1024);
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, 1ull << 46), ZX_ERR_OUT_OF_RANGE);  // PFN is 32 bits
}

static void queue_setup_modern(void) {
    virtio_mmio_t dev;
    virtq_t q;
    fake_device(2, 1024);
    REQUIRE(virtio_mmio_probe(&dev, regs) == ZX_OK);
    uint64_t pa = 0x123456789000ull;
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa), ZX_OK);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_NUM), 256);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)pa);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_DESC_HIGH), (uint32_t)(pa >> 32));
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_DRIVER_LOW), (uint32_t)(pa + 4096));
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_DRIVER_HIGH), (uint32_t)((pa + 4096) >> 32));
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_DEVICE_LOW), (uint32_t)(pa + 8192));
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_DEVICE_HIGH), (uint32_t)((pa + 8192) >> 32));
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_READY), 1);
    CHECK_EQ(reg(VIRTIO_MMIO_QUEUE_PFN), 0);
    CHECK_EQ(virtio_mmio_queue_setup(&dev, 0, &q, 256, area, pa), ZX_ERR_NOT_SUPPORTED);  // READY is set
}

static void new_queue(virtq_t *q, uint32_t size) {
    virtio_mmio_t dev;
    fake_device(2, size);
    if (virtio_mmio_probe(&dev, regs) != ZX_OK || virtio_mmio_queue_setup(&dev, 0, q, size, area, 0x80000000ull) != ZX_OK) {
        printf("    FATAL: queue setup\n");
        abort();
    }
}

static void chains(void) {
    virtq_t q;
    new_queue(&q, 16);
    uint16_t ids[16], more[16];
    CHECK(!virtq_alloc_chain(&q, 0, ids));
    CHECK(!virtq_alloc_chain(&q, 17, ids));
    CHECK_EQ(q.num_free, 16);
    REQUIRE(virtq_alloc_chain(&q, 5, ids));
    CHECK_EQ(q.num_free, 11);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(q.desc[ids[i]].flags, VIRTQ_DESC_F_NEXT);
        CHECK_EQ(q.desc[ids[i]].next, ids[i + 1]);
    }
    CHECK_EQ(q.desc[ids[4]].flags, 0);
    REQUIRE(virtq_alloc_chain(&q, 11, more));
    CHECK_EQ(q.num_free, 0);
    CHECK(!virtq_alloc_chain(&q, 1, ids + 5));
    bool seen[16] = {false};
    for (int i = 0; i < 5; i++) seen[ids[i]] = true;
    for (int i = 0; i < 11; i++) {
        CHECK(!seen[more[i]]);  // never handed out twice
        seen[more[i]] = true;
    }
    virtq_free_chain(&q, ids[0]);
    CHECK_EQ(q.num_free, 5);
    virtq_free_chain(&q, more[0]);
    CHECK_EQ(q.num_free, 16);
    REQUIRE(virtq_alloc_chain(&q, 16, ids));  // all of them again
    CHECK_EQ(q.num_free, 0);
}

// The device's side: published heads in order from the available ring.
typedef struct {
    uint16_t avail_seen;
    uint16_t used_idx;
} sim_t;

static bool sim_take(virtq_t *q, sim_t *s, uint16_t *head) {
    if (s->avail_seen == q->avail[1]) return false;
    *head = q->avail[2 + (s->avail_seen & (q->size - 1))];
    s->avail_seen++;
    return true;
}

static void sim_complete(virtq_t *q, sim_t *s, uint16_t head, uint32_t len) {
    volatile virtq_used_elem_t *e = (volatile virtq_used_elem_t *)(q->used + 4) + (s->used_idx & (q->size - 1));
    e->id = head;
    e->len = len;
    s->used_idx++;
    *(volatile uint16_t *)(q->used + 2) = s->used_idx;
}

static void simulated_device(void) {
    virtq_t q;
    new_queue(&q, 64);
    sim_t sim = {0, 0};
    uint64_t seed = 0x5eed;
    uint8_t chain_len[64] = {0};  // by head: the length submitted, 0 if not outstanding
    uint8_t owner[64];            // descriptor -> head of the chain it is in, 0xff free
    memset(owner, 0xff, sizeof owner);
    uint16_t at_device[64];
    unsigned n_at_device = 0, outstanding = 0;
    unsigned long submitted = 0, completed = 0;
    for (int step = 0; step < 1500000; step++) {
        unsigned what = (unsigned)th_below(&seed, 3);
        if (what == 0) {  // submit a chain
            uint32_t n = 1 + (uint32_t)th_below(&seed, 8);
            uint16_t ids[8];
            bool ok = virtq_alloc_chain(&q, n, ids);
            if (!ok) continue;
            for (uint32_t i = 0; i < n; i++) {
                if (!CHECK_EQ(owner[ids[i]], 0xff)) return;
                owner[ids[i]] = (uint8_t)ids[0];
                q.desc[ids[i]].addr = 0x1000ull * ids[0] + i;
            }
            chain_len[ids[0]] = (uint8_t)n;
            virtq_submit(&q, ids[0]);
            outstanding++;
            submitted++;
        } else if (what == 1) {  // the device takes what was published
            uint16_t head;
            while (sim_take(&q, &sim, &head)) {
                // Walk the chain as a device would.
                uint32_t n = 1;
                uint16_t id = head;
                while (q.desc[id].flags & VIRTQ_DESC_F_NEXT) {
                    id = q.desc[id].next;
                    if (!CHECK(n < 64)) return;
                    n++;
                }
                CHECK_EQ(n, chain_len[head]);
                at_device[n_at_device++] = head;
            }
            // ... and completes some of them, in any order.
            unsigned k = n_at_device ? (unsigned)th_below(&seed, n_at_device + 1) : 0;
            for (unsigned j = 0; j < k && n_at_device; j++) {
                unsigned pick = (unsigned)th_below(&seed, n_at_device);
                sim_complete(&q, &sim, at_device[pick], 512 * at_device[pick]);
                at_device[pick] = at_device[--n_at_device];
            }
        } else {  // the driver collects completions
            uint32_t head, len;
            while (virtq_next_used(&q, &head, &len)) {
                if (!CHECK(head < 64 && chain_len[head] != 0)) return;
                CHECK_EQ(len, 512 * head);
                for (uint32_t i = 0; i < 64; i++)
                    if (owner[i] == head) owner[i] = 0xff;
                chain_len[head] = 0;
                virtq_free_chain(&q, (uint16_t)head);
                outstanding--;
                completed++;
            }
        }
        uint32_t used_descs = 0;
        for (uint32_t i = 0; i < 64; i++) used_descs += owner[i] != 0xff;
        if (!CHECK_EQ(q.num_free + used_descs, 64)) return;
    }
    CHECK(submitted > 65536 * 2);  // the indices wrapped at least twice
    CHECK_EQ(submitted - completed, outstanding);
}

int main(void) {
    th_prefix = "virtq";
    RUN_CASE(ring_layout);
    RUN_CASE(probe);
    RUN_CASE(legacy_features);
    RUN_CASE(queue_setup_legacy);
    RUN_CASE(queue_setup_modern);
    RUN_CASE(chains);
    RUN_CASE(simulated_device);
    return th_exit_status("user-virtq");
}
