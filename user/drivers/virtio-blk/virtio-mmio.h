// The virtio-mmio transport and split virtqueues, for user-space drivers.
// Register offsets, status bits and ring layouts are those of the Virtual I/O
// Device specification (virtio 1.1, §4.2.2 "MMIO Device Register Layout",
// §4.2.4 "Legacy interface", §2.6 "Split Virtqueues"). Both versions of the
// transport are spoken:
//   version 1 (legacy): QEMU 7.2's default for virtio-mmio (force-legacy=true):
//     GuestPageSize + QueuePFN, one contiguous ring area, features bits 0..31;
//   version 2 (modern, -global virtio-mmio.force-legacy=false): separate
//     descriptor/driver/device area addresses, QueueReady, FEATURES_OK, and
//     VIRTIO_F_VERSION_1 negotiated.
// Not thread-safe: one driver thread owns a device and its queues.
#ifndef ZXRV_VIRTIO_MMIO_H_
#define ZXRV_VIRTIO_MMIO_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

// Registers (byte offsets).
#define VIRTIO_MMIO_MAGIC_VALUE 0x000  // "virt"
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028  // legacy only
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c  // legacy only
#define VIRTIO_MMIO_QUEUE_PFN 0x040    // legacy only
#define VIRTIO_MMIO_QUEUE_READY 0x044  // modern only
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080  // modern only, and the five below
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_REGS_SIZE 0x200u  // registers + the device config space we read

#define VIRTIO_MMIO_MAGIC 0x74726976u  // 'v' 'i' 'r' 't', little-endian

// Device status (§2.1).
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

// InterruptStatus bits (§4.2.2).
#define VIRTIO_MMIO_INT_VRING 1u
#define VIRTIO_MMIO_INT_CONFIG 2u

// Reserved feature bits (§6).
#define VIRTIO_F_VERSION_1 32u

// Split virtqueue (§2.6).
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u  // device writes (else reads) the buffer

typedef struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} virtq_desc_t;
_Static_assert(sizeof(virtq_desc_t) == 16, "virtq_desc is 16 bytes (§2.6.5)");

typedef struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
} virtq_used_elem_t;

// The legacy layout's alignment of the used ring (QueueAlign; we use the
// page size for both transports: one layout, two ways of telling the device).
#define VIRTQ_ALIGN 4096u
#define VIRTQ_MAX_SIZE 256u

// Bytes of the ring area for `size` entries: the descriptor table, the
// available ring (flags, idx, ring[size], used_event), padding to
// VIRTQ_ALIGN, the used ring (flags, idx, ring[size], avail_event).
static inline uint64_t virtq_avail_offset(uint32_t size) { return 16ull * size; }
static inline uint64_t virtq_used_offset(uint32_t size) {
    return (virtq_avail_offset(size) + 6 + 2ull * size + VIRTQ_ALIGN - 1) & ~(uint64_t)(VIRTQ_ALIGN - 1);
}
static inline uint64_t virtq_area_bytes(uint32_t size) {
    return (virtq_used_offset(size) + 6 + 8ull * size + VIRTQ_ALIGN - 1) & ~(uint64_t)(VIRTQ_ALIGN - 1);
}

typedef struct virtq {
    uint16_t size;               // entries (a power of 2)
    volatile virtq_desc_t *desc;
    volatile uint16_t *avail;    // [0] flags, [1] idx, [2 + i] ring
    volatile uint8_t *used;      // flags, idx, then virtq_used_elem_t ring[size]
    uint64_t area_paddr;         // device address of desc (the area's start)
    uint16_t free_head;          // free descriptors, linked through next
    uint16_t num_free;
    uint16_t avail_idx;          // our copy of avail->idx
    uint16_t last_used;          // used entries consumed so far
    uint16_t next[VIRTQ_MAX_SIZE];  // free list links, kept apart from the device-visible table
} virtq_t;

typedef struct virtio_mmio {
    volatile uint8_t *regs;
    uint32_t version;    // 1 legacy, 2 modern
    uint32_t device_id;
    uint64_t features;   // negotiated
} virtio_mmio_t;

// Reads magic, version and device id. ZX_ERR_NOT_FOUND if the magic is
// wrong or the version is neither 1 nor 2; device_id 0 means an empty slot.
zx_status_t virtio_mmio_probe(virtio_mmio_t *dev, volatile uint8_t *regs);

// Reset, ACKNOWLEDGE, DRIVER, then feature negotiation: accepts
// offered & wanted (plus VIRTIO_F_VERSION_1, required on version 2).
// ZX_ERR_NOT_SUPPORTED if a version 2 device refuses FEATURES_OK.
zx_status_t virtio_mmio_init(virtio_mmio_t *dev, uint64_t wanted);

// Sets up queue `index` with up to `max_size` entries in the ring area at
// `va`/`paddr` (virtq_area_bytes(size) bytes, zeroed, VIRTQ_ALIGN-aligned,
// physically contiguous). ZX_ERR_NOT_SUPPORTED if the device has no such
// queue or it is already live.
zx_status_t virtio_mmio_queue_setup(virtio_mmio_t *dev, uint32_t index, virtq_t *q, uint32_t max_size,
                                    void *va, uint64_t paddr);
void virtio_mmio_driver_ok(virtio_mmio_t *dev);
void virtio_mmio_reset(virtio_mmio_t *dev);
void virtio_mmio_notify(virtio_mmio_t *dev, uint32_t index);
// Reads and acknowledges InterruptStatus; returns the bits that were set.
uint32_t virtio_mmio_take_interrupt(virtio_mmio_t *dev);
uint32_t virtio_mmio_status(virtio_mmio_t *dev);
// Device config space (32-bit accesses; a 64-bit field is read twice until
// stable, with the generation counter on version 2).
uint32_t virtio_mmio_config32(virtio_mmio_t *dev, uint32_t offset);
uint64_t virtio_mmio_config64(virtio_mmio_t *dev, uint32_t offset);

// Descriptor chains.
// Takes n descriptors from the free list and links them (NEXT set on all but
// the last); their ids in order go to ids[]. False if fewer than n are free.
bool virtq_alloc_chain(virtq_t *q, uint32_t n, uint16_t *ids);
// Returns the chain starting at head to the free list.
void virtq_free_chain(virtq_t *q, uint16_t head);
// Publishes the chain at head in the available ring (the caller notifies).
void virtq_submit(virtq_t *q, uint16_t head);
// The next used element, if the device has returned one.
bool virtq_next_used(virtq_t *q, uint32_t *out_head, uint32_t *out_len);

#endif
