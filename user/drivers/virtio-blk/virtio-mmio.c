// The virtio-mmio transport, legacy (version 1) and modern (version 2), and
// split virtqueues (see virtio-mmio.h for the spec sections).
//
// Ordering: the rings live in ordinary (cached, coherent) memory the device
// reads by DMA, the registers in an uncached device mapping. `fence iorw, iorw`
// (virtio_mb) sits between writing a descriptor and publishing it, between
// publishing avail->idx and the notify register write, and between reading
// used->idx and the used element it covers.
#include "virtio-mmio.h"

#include <string.h>

static inline void virtio_mb(void) {
#if defined(__riscv)
    __asm__ volatile("fence iorw, iorw" ::: "memory");
#else  // the host tests (tests/host/user/test_virtq.c)
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline uint32_t rd32(virtio_mmio_t *dev, uint32_t off) {
    return *(volatile uint32_t *)(dev->regs + off);
}

static inline void wr32(virtio_mmio_t *dev, uint32_t off, uint32_t v) {
    *(volatile uint32_t *)(dev->regs + off) = v;
}

zx_status_t virtio_mmio_probe(virtio_mmio_t *dev, volatile uint8_t *regs) {
    memset(dev, 0, sizeof *dev);
    dev->regs = regs;
    if (rd32(dev, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC) return ZX_ERR_NOT_FOUND;
    dev->version = rd32(dev, VIRTIO_MMIO_VERSION);
    if (dev->version != 1 && dev->version != 2) return ZX_ERR_NOT_FOUND;
    dev->device_id = rd32(dev, VIRTIO_MMIO_DEVICE_ID);
    return ZX_OK;
}

void virtio_mmio_reset(virtio_mmio_t *dev) {
    wr32(dev, VIRTIO_MMIO_STATUS, 0);
    // Version 2: the reset is done when the status reads back 0 (§4.2.3.1).
    while (dev->version == 2 && rd32(dev, VIRTIO_MMIO_STATUS) != 0) {
    }
}

uint32_t virtio_mmio_status(virtio_mmio_t *dev) { return rd32(dev, VIRTIO_MMIO_STATUS); }

static void add_status(virtio_mmio_t *dev, uint32_t bits) {
    wr32(dev, VIRTIO_MMIO_STATUS, rd32(dev, VIRTIO_MMIO_STATUS) | bits);
}

zx_status_t virtio_mmio_init(virtio_mmio_t *dev, uint64_t wanted) {
    virtio_mmio_reset(dev);
    add_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
    add_status(dev, VIRTIO_STATUS_DRIVER);
    uint64_t offered;
    wr32(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    offered = rd32(dev, VIRTIO_MMIO_DEVICE_FEATURES);
    if (dev->version == 2) {
        wr32(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
        offered |= (uint64_t)rd32(dev, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
        wanted |= 1ull << VIRTIO_F_VERSION_1;
        if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
            add_status(dev, VIRTIO_STATUS_FAILED);
            return ZX_ERR_NOT_SUPPORTED;
        }
    } else {
        wanted &= 0xffffffffull;  // a legacy device has feature bits 0..31 only
    }
    dev->features = offered & wanted;
    wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)dev->features);
    if (dev->version == 2) {
        wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
        wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(dev->features >> 32));
        add_status(dev, VIRTIO_STATUS_FEATURES_OK);
        if (!(rd32(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
            add_status(dev, VIRTIO_STATUS_FAILED);
            return ZX_ERR_NOT_SUPPORTED;
        }
    } else {
        // Legacy: QueuePFN is in units of this (§4.2.4).
        wr32(dev, VIRTIO_MMIO_GUEST_PAGE_SIZE, VIRTQ_ALIGN);
    }
    return ZX_OK;
}

zx_status_t virtio_mmio_queue_setup(virtio_mmio_t *dev, uint32_t index, virtq_t *q, uint32_t max_size,
                                    void *va, uint64_t paddr) {
    wr32(dev, VIRTIO_MMIO_QUEUE_SEL, index);
    uint32_t live = dev->version == 2 ? rd32(dev, VIRTIO_MMIO_QUEUE_READY) : rd32(dev, VIRTIO_MMIO_QUEUE_PFN);
    if (live != 0) return ZX_ERR_NOT_SUPPORTED;
    uint32_t num_max = rd32(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (num_max == 0) return ZX_ERR_NOT_SUPPORTED;
    uint32_t size = 1;
    while (size * 2 <= num_max && size * 2 <= max_size && size * 2 <= VIRTQ_MAX_SIZE) size *= 2;
    if (paddr & (VIRTQ_ALIGN - 1)) return ZX_ERR_INVALID_ARGS;

    memset(q, 0, sizeof *q);
    q->size = (uint16_t)size;
    q->desc = (volatile virtq_desc_t *)va;
    q->avail = (volatile uint16_t *)((uint8_t *)va + virtq_avail_offset(size));
    q->used = (volatile uint8_t *)va + virtq_used_offset(size);
    q->area_paddr = paddr;
    memset(va, 0, virtq_area_bytes(size));
    for (uint32_t i = 0; i < size; i++) q->next[i] = (uint16_t)(i + 1);
    q->free_head = 0;
    q->num_free = (uint16_t)size;

    wr32(dev, VIRTIO_MMIO_QUEUE_NUM, size);
    if (dev->version == 2) {
        uint64_t avail = paddr + virtq_avail_offset(size), used = paddr + virtq_used_offset(size);
        wr32(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)paddr);
        wr32(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(paddr >> 32));
        wr32(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
        wr32(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
        wr32(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
        wr32(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
        wr32(dev, VIRTIO_MMIO_QUEUE_READY, 1);
    } else {
        if ((paddr / VIRTQ_ALIGN) >> 32) return ZX_ERR_OUT_OF_RANGE;  // QueuePFN is 32 bits
        wr32(dev, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_ALIGN);
        wr32(dev, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(paddr / VIRTQ_ALIGN));
    }
    return ZX_OK;
}

void virtio_mmio_driver_ok(virtio_mmio_t *dev) { add_status(dev, VIRTIO_STATUS_DRIVER_OK); }

void virtio_mmio_notify(virtio_mmio_t *dev, uint32_t index) {
    virtio_mb();
    wr32(dev, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

uint32_t virtio_mmio_take_interrupt(virtio_mmio_t *dev) {
    uint32_t st = rd32(dev, VIRTIO_MMIO_INTERRUPT_STATUS);
    if (st) wr32(dev, VIRTIO_MMIO_INTERRUPT_ACK, st);
    virtio_mb();
    return st;
}

uint32_t virtio_mmio_config32(virtio_mmio_t *dev, uint32_t offset) {
    return rd32(dev, VIRTIO_MMIO_CONFIG + offset);
}

uint64_t virtio_mmio_config64(virtio_mmio_t *dev, uint32_t offset) {
    for (;;) {
        uint32_t gen = dev->version == 2 ? rd32(dev, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
        uint64_t lo = virtio_mmio_config32(dev, offset), hi = virtio_mmio_config32(dev, offset + 4);
        uint32_t gen2 = dev->version == 2 ? rd32(dev, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
        if (gen == gen2 && lo == virtio_mmio_config32(dev, offset)) return lo | hi << 32;
    }
}

bool virtq_alloc_chain(virtq_t *q, uint32_t n, uint16_t *ids) {
    if (n == 0 || n > q->num_free) return false;
    for (uint32_t i = 0; i < n; i++) {
        ids[i] = q->free_head;
        q->free_head = q->next[ids[i]];
    }
    q->num_free = (uint16_t)(q->num_free - n);
    for (uint32_t i = 0; i < n; i++) {
        q->desc[ids[i]].flags = i + 1 < n ? VIRTQ_DESC_F_NEXT : 0;
        q->desc[ids[i]].next = i + 1 < n ? ids[i + 1] : 0;
    }
    return true;
}

void virtq_free_chain(virtq_t *q, uint16_t head) {
    uint16_t id = head;
    for (;;) {
        uint16_t flags = q->desc[id].flags, next = q->desc[id].next;
        q->next[id] = q->free_head;
        q->free_head = id;
        q->num_free++;
        if (!(flags & VIRTQ_DESC_F_NEXT)) break;
        id = next;
    }
}

void virtq_submit(virtq_t *q, uint16_t head) {
    q->avail[2 + (q->avail_idx & (q->size - 1))] = head;
    virtio_mb();  // the descriptors and the ring entry before the index
    q->avail_idx++;
    q->avail[1] = q->avail_idx;
}

bool virtq_next_used(virtq_t *q, uint32_t *out_head, uint32_t *out_len) {
    uint16_t idx = *(volatile uint16_t *)(q->used + 2);
    if (idx == q->last_used) return false;
    virtio_mb();  // the index before the element it covers
    volatile virtq_used_elem_t *e =
        (volatile virtq_used_elem_t *)(q->used + 4) + (q->last_used & (q->size - 1));
    *out_head = e->id;
    *out_len = e->len;
    q->last_used++;
    return true;
}
