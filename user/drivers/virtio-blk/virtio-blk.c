// virtio-blk: a user-space block driver for virtio-mmio block devices
// (QEMU virt's `-device virtio-blk-device`), serving the block protocol of
// <zxrv/blk.h> over channels (README.md in this folder).
//
// Handles it gets (user/lib/blk.c starts it): the root resource
// (PA_HND(PA_RESOURCE, 0)) and its first client channel (ZXRV_BLK_PA_CHANNEL).
// From the root resource it makes everything else:
//   ZXRV_INFO_DEVICES -> the `virtio,mmio` nodes -> an exclusive MMIO resource
//   each -> zx_vmo_create_physical + zx_vmar_map -> magic, version, device
//   id 2 (block) -> an IRQ resource for the node's interrupt ->
//   zx_interrupt_create, bound to the driver's port;
//   zx_iommu_create (ZX_IOMMU_TYPE_DUMMY: there is no IOMMU, device
//   addresses are physical) -> zx_bti_create -> zx_vmo_create_contiguous for
//   the virtqueue + request headers and for the inline data's bounce
//   buffers, pinned with zx_bti_pin; a client's VMO is pinned per request.
//
// One thread, one port: client channels come as signal packets
// (zx_object_wait_async, READABLE | PEER_CLOSED, key client_key()),
// completions as ZX_PKT_TYPE_INTERRUPT packets (key KEY_IRQ). A channel is
// read only while the driver has a free slot and descriptors enough for the
// largest request, so a busy driver pushes back instead of failing.
// Requests already at the device when their client goes away are completed
// (the pages stay pinned until then; the reply is dropped); requests still in
// the channel of a client that is gone are canceled, never sent.
// The driver exits 0 when its last client channel is closed and nothing is
// in flight: it resets the device, unpins and closes everything first.
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/blk.h>
#include <zxrv/devices.h>

#include "virtio-mmio.h"

#define PAGE 4096u
#define VIRTIO_ID_BLOCK 2u

// virtio-blk (virtio 1.1 §5.2): feature bits, config fields, request types
// and status values.
#define VIRTIO_BLK_F_SIZE_MAX 1u
#define VIRTIO_BLK_F_SEG_MAX 2u
#define VIRTIO_BLK_F_RO 5u
#define VIRTIO_BLK_F_FLUSH 9u
#define VIRTIO_BLK_CFG_CAPACITY 0u  // le64, in 512-byte sectors
#define VIRTIO_BLK_CFG_SIZE_MAX 8u  // le32
#define VIRTIO_BLK_CFG_SEG_MAX 12u  // le32
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u

typedef struct virtio_blk_req_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
} virtio_blk_req_hdr_t;
_Static_assert(sizeof(virtio_blk_req_hdr_t) == 16, "virtio_blk_req header is 16 bytes");

#define MAX_CLIENTS 16u
#define NSLOTS 32u
#define KEY_IRQ 1u
#define KEY_CLIENT0 0x100u
#define MAX_DEVICES 64u

// The DMA area: one contiguous VMO, pinned once.
//   [0, ring_bytes)                     the virtqueue
//   [ring_bytes, + NSLOTS * SLOT_HDR)   each slot's request header and status byte
//   [bounce_off, + NSLOTS * BOUNCE_STRIDE) each slot's inline data, after
//                                       BOUNCE_ROOM bytes where the reply's
//                                       header goes: an inline READ's reply is
//                                       written to the channel from there,
//                                       with no copy in between
#define SLOT_HDR 32u
#define BOUNCE (ZXRV_BLK_MAX_INLINE_BLOCKS * ZXRV_BLK_BLOCK_SIZE)
#define BOUNCE_ROOM 64u
#define BOUNCE_STRIDE (BOUNCE_ROOM + BOUNCE)
#define MAX_PIN_PAGES (ZXRV_BLK_MAX_TRANSFER_BLOCKS * ZXRV_BLK_BLOCK_SIZE / PAGE + 1)

typedef struct client {
    zx_handle_t ch;      // ZX_HANDLE_INVALID once closed
    bool live;           // the entry is in use (open, or closed with requests in flight)
    bool readable;       // a message may be waiting: read it when there is room
    bool gone;           // its peer is closed: replies are dropped, unread requests canceled
    uint32_t in_flight;
    uint32_t gen;        // in its packets' keys: a packet for an earlier client of the entry is ignored
} client_t;

typedef struct slot {
    bool used;
    uint16_t head;
    uint32_t client;
    zx_txid_t txid;
    uint32_t op;
    uint32_t count;
    bool inline_data;
    zx_handle_t vmo, pmt;
    uint64_t t_notify;  // rdinstret just before the notify write
} slot_t;

static struct {
    zx_handle_t root, port, irq, iommu, bti;
    zx_handle_t mmio_rsrc, irq_rsrc, regs_vmo, dma_vmo, dma_pmt;
    zx_vaddr_t regs_va, dma_va;
    uint64_t regs_len, dma_len, dma_pa, hdr_off, bounce_off;
    virtio_mmio_t dev;
    virtq_t q;
    uint64_t capacity;
    uint32_t flags;       // ZXRV_BLK_FLAG_*
    uint32_t size_max;    // longest data descriptor
    uint32_t max_blocks;  // per request through a VMO
    uint32_t max_descs;   // descriptors the largest request takes
    uint32_t irq_num;
    uint64_t base;
    client_t clients[MAX_CLIENTS];
    slot_t slots[NSLOTS];
    uint8_t slot_of_head[VIRTQ_MAX_SIZE];  // slot index + 1, 0 if none
    uint32_t slots_used;
    zxrv_blk_info_t stats;
} d;

static uint8_t msg[ZX_CHANNEL_MAX_MSG_BYTES];
static zx_handle_info_t msg_handles[ZX_CHANNEL_MAX_MSG_HANDLES];
static uint8_t reply_buf[sizeof(zxrv_blk_reply_t) + sizeof(zxrv_blk_info_t)];
static zxrv_device_info_t devices[MAX_DEVICES];

// picolibc's memcpy goes a byte at a time (6 instructions a byte): inline
// data is copied 8 bytes at a time (both sides are 8-byte aligned here).
// (GCC would turn the loop back into a memcpy call without the attribute.)
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void copy_words(void *dst, const void *src, size_t n) {
    uint64_t *d8 = dst;
    const uint64_t *s8 = src;
    for (size_t i = 0; i < n / 8; i++) d8[i] = s8[i];
    memcpy((uint8_t *)dst + (n & ~(size_t)7), (const uint8_t *)src + (n & ~(size_t)7), n & 7);
}

static inline uint8_t *bounce_va(uint32_t si) {
    return (uint8_t *)d.dma_va + d.bounce_off + (uint64_t)si * BOUNCE_STRIDE + BOUNCE_ROOM;
}

static inline uint64_t bounce_pa(uint32_t si) {
    return d.dma_pa + d.bounce_off + (uint64_t)si * BOUNCE_STRIDE + BOUNCE_ROOM;
}

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

// ---- finding and starting the device ----

static void unmap_regs(void) {
    if (d.regs_va) zx_vmar_unmap(zx_vmar_root_self(), d.regs_va, d.regs_len);
    d.regs_va = 0;
    zx_handle_close(d.regs_vmo);
    zx_handle_close(d.mmio_rsrc);
    d.regs_vmo = d.mmio_rsrc = ZX_HANDLE_INVALID;
}

// Maps one virtio,mmio node; ZX_OK if it is a block device (left mapped).
static zx_status_t try_device(const zxrv_device_info_t *dev) {
    uint64_t base = dev->base & ~(uint64_t)(PAGE - 1);
    uint64_t len = (dev->base + dev->size - base + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (dev->size < VIRTIO_MMIO_REGS_SIZE) return ZX_ERR_NOT_FOUND;
    static const char name[] = "virtio-blk";
    zx_status_t st = zx_resource_create(d.root, ZX_RSRC_KIND_MMIO | ZX_RSRC_FLAG_EXCLUSIVE, base, len, name,
                                        sizeof name - 1, &d.mmio_rsrc);
    if (st != ZX_OK) return st;  // e.g. another driver holds it exclusively
    st = zx_vmo_create_physical(d.mmio_rsrc, base, len, &d.regs_vmo);
    if (st == ZX_OK)
        st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, d.regs_vmo, 0, len,
                         &d.regs_va);
    if (st != ZX_OK) {
        unmap_regs();
        return st;
    }
    d.regs_len = len;
    st = virtio_mmio_probe(&d.dev, (volatile uint8_t *)(d.regs_va + (dev->base - base)));
    if (st != ZX_OK || d.dev.device_id != VIRTIO_ID_BLOCK) {
        unmap_regs();
        return ZX_ERR_NOT_FOUND;
    }
    d.base = dev->base;
    return ZX_OK;
}

static zx_status_t find_device(const zxrv_device_info_t **out) {
    size_t actual = 0, avail = 0;
    zx_status_t st = zx_object_get_info(d.root, ZXRV_INFO_DEVICES, devices, sizeof devices, &actual, &avail);
    if (st != ZX_OK) {
        printf("virtio-blk: ZXRV_INFO_DEVICES: %s\n", zx_status_get_string(st));
        return st;
    }
    for (size_t i = 0; i < actual; i++) {
        const zxrv_device_info_t *dev = &devices[i];
        if (strncmp(dev->compatible, "virtio,mmio", sizeof dev->compatible) != 0 || (dev->flags & ZXRV_DEVICE_INTC))
            continue;
        if (try_device(dev) == ZX_OK) {
            *out = dev;
            return ZX_OK;
        }
    }
    printf("virtio-blk: no virtio block device among %zu devices\n", actual);
    return ZX_ERR_NOT_FOUND;
}

static zx_status_t setup_interrupt(const zxrv_device_info_t *dev) {
    if (dev->irq_count == 0) {
        printf("virtio-blk: %s has no interrupt\n", dev->path);
        return ZX_ERR_NOT_FOUND;
    }
    d.irq_num = dev->irqs[0];
    static const char name[] = "virtio-blk";
    zx_status_t st = zx_resource_create(d.root, ZX_RSRC_KIND_IRQ | ZX_RSRC_FLAG_EXCLUSIVE, d.irq_num, 1, name,
                                        sizeof name - 1, &d.irq_rsrc);
    if (st == ZX_OK) st = zx_interrupt_create(d.irq_rsrc, d.irq_num, ZX_INTERRUPT_MODE_DEFAULT, &d.irq);  // the device tree's mode
    if (st == ZX_OK) st = zx_interrupt_bind(d.irq, d.port, KEY_IRQ, ZX_INTERRUPT_BIND);
    if (st != ZX_OK) printf("virtio-blk: interrupt %u: %s\n", d.irq_num, zx_status_get_string(st));
    return st;
}

static zx_status_t setup_dma(void) {
    zx_iommu_desc_dummy_t desc;
    memset(&desc, 0, sizeof desc);
    zx_status_t st = zx_iommu_create(d.root, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, &d.iommu);
    if (st == ZX_OK) st = zx_bti_create(d.iommu, 0, 0, &d.bti);
    if (st != ZX_OK) {
        printf("virtio-blk: IOMMU/BTI: %s\n", zx_status_get_string(st));
        return st;
    }
    uint64_t ring = virtq_area_bytes(VIRTQ_MAX_SIZE);
    d.hdr_off = ring;
    d.bounce_off = (ring + NSLOTS * SLOT_HDR + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    d.dma_len = (d.bounce_off + (uint64_t)NSLOTS * BOUNCE_STRIDE + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    st = zx_vmo_create_contiguous(d.bti, d.dma_len, 0, &d.dma_vmo);
    if (st == ZX_OK)
        st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, d.dma_vmo, 0, d.dma_len,
                         &d.dma_va);
    if (st == ZX_OK)
        st = zx_bti_pin(d.bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE | ZX_BTI_CONTIGUOUS, d.dma_vmo, 0, d.dma_len,
                        &d.dma_pa, 1, &d.dma_pmt);
    if (st != ZX_OK) printf("virtio-blk: DMA area of %" PRIu64 " bytes: %s\n", d.dma_len, zx_status_get_string(st));
    return st;
}

static zx_status_t setup_device(void) {
    uint64_t want = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_RO |
                    1ull << VIRTIO_BLK_F_FLUSH;
    zx_status_t st = virtio_mmio_init(&d.dev, want);
    if (st != ZX_OK) {
        printf("virtio-blk: feature negotiation failed\n");
        return st;
    }
    uint64_t f = d.dev.features;
    d.capacity = virtio_mmio_config64(&d.dev, VIRTIO_BLK_CFG_CAPACITY);
    d.size_max = (f & 1ull << VIRTIO_BLK_F_SIZE_MAX) ? virtio_mmio_config32(&d.dev, VIRTIO_BLK_CFG_SIZE_MAX)
                                                       : UINT32_MAX;
    if (d.size_max < ZXRV_BLK_BLOCK_SIZE) d.size_max = ZXRV_BLK_BLOCK_SIZE;
    uint32_t seg_max = (f & 1ull << VIRTIO_BLK_F_SEG_MAX) ? virtio_mmio_config32(&d.dev, VIRTIO_BLK_CFG_SEG_MAX)
                                                           : UINT32_MAX;
    if (f & 1ull << VIRTIO_BLK_F_RO) d.flags |= ZXRV_BLK_FLAG_READONLY;
    if (f & 1ull << VIRTIO_BLK_F_FLUSH) d.flags |= ZXRV_BLK_FLAG_FLUSH;
    st = virtio_mmio_queue_setup(&d.dev, 0, &d.q, VIRTQ_MAX_SIZE, (void *)d.dma_va, d.dma_pa);
    if (st != ZX_OK) {
        printf("virtio-blk: queue 0: %s\n", zx_status_get_string(st));
        return st;
    }
    // The largest request: one data segment per page it touches (each page
    // may be cut further by size_max), plus the header and the status.
    d.max_blocks = ZXRV_BLK_MAX_TRANSFER_BLOCKS;
    uint32_t per_page = d.size_max >= PAGE ? 1 : (PAGE + d.size_max - 1) / d.size_max;
    for (;;) {
        uint32_t segs = (d.max_blocks * ZXRV_BLK_BLOCK_SIZE / PAGE + 1) * per_page;
        if ((segs <= seg_max && segs + 2 <= d.q.size / 2) || d.max_blocks <= PAGE / ZXRV_BLK_BLOCK_SIZE) {
            d.max_descs = segs + 2;
            break;
        }
        d.max_blocks /= 2;
    }
    if (d.max_descs > d.q.size) {
        printf("virtio-blk: queue of %u entries is too small\n", d.q.size);
        return ZX_ERR_NOT_SUPPORTED;
    }
    virtio_mmio_driver_ok(&d.dev);
    return ZX_OK;
}

// ---- clients ----

static uint64_t client_key(uint32_t i) { return (uint64_t)d.clients[i].gen << 32 | (KEY_CLIENT0 + i); }

static zx_status_t arm(uint32_t i) {
    return zx_object_wait_async(d.clients[i].ch, d.port, client_key(i), ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                0);
}

static zx_status_t add_client(zx_handle_t ch) {
    for (uint32_t i = 0; i < MAX_CLIENTS; i++) {
        client_t *c = &d.clients[i];
        if (c->live) continue;
        uint32_t gen = c->gen + 1;
        memset(c, 0, sizeof *c);
        c->gen = gen;
        c->ch = ch;
        c->live = true;
        zx_status_t st = arm(i);
        if (st != ZX_OK) {
            c->live = false;
            return st;
        }
        d.stats.clients++;
        return ZX_OK;
    }
    return ZX_ERR_NO_RESOURCES;
}

// Closes the client's channel; the entry is freed once nothing is in flight.
static void drop_client(uint32_t i) {
    client_t *c = &d.clients[i];
    if (c->ch != ZX_HANDLE_INVALID) {
        zx_handle_close(c->ch);
        c->ch = ZX_HANDLE_INVALID;
        c->gone = true;
        c->readable = false;
    }
    if (c->live && c->in_flight == 0) {
        c->live = false;
        d.stats.clients--;
    }
}

// Replies to client ci. `buf` has room for the reply header, followed by
// `len` bytes of data (NULL: reply_buf, with len bytes of data already there).
static void reply_from(uint32_t ci, uint8_t *buf, zx_txid_t txid, zx_status_t status, uint32_t count, uint32_t len) {
    client_t *c = &d.clients[ci];
    if (status != ZX_OK) d.stats.errors++;
    if (c->gone || c->ch == ZX_HANDLE_INVALID) return;
    zxrv_blk_reply_t r = {.txid = txid, .status = status, .count = count};
    if (buf == NULL) buf = reply_buf;
    memcpy(buf, &r, sizeof r);
    // A client that stopped reading (or is gone) loses its reply; the driver goes on.
    (void)zx_channel_write(c->ch, 0, buf, (uint32_t)(sizeof r + len), NULL, 0);
}

static void reply(uint32_t ci, zx_txid_t txid, zx_status_t status, uint32_t count, const void *data, uint32_t len) {
    if (len) memcpy(reply_buf + sizeof(zxrv_blk_reply_t), data, len);
    reply_from(ci, NULL, txid, status, count, len);
}

// ---- requests ----

static bool have_room(void) { return d.slots_used < NSLOTS && d.q.num_free >= d.max_descs; }

static zx_status_t virtio_status(uint8_t s) {
    switch (s) {
    case VIRTIO_BLK_S_OK: return ZX_OK;
    case VIRTIO_BLK_S_UNSUPP: return ZX_ERR_NOT_SUPPORTED;
    default: return ZX_ERR_IO;
    }
}

typedef struct seg {
    uint64_t addr;
    uint32_t len;
} seg_t;

// Appends [addr, addr + len) to the segment list, merging with the last one
// when physically adjacent, cutting at size_max.
static bool add_seg(seg_t *segs, uint32_t *n, uint32_t max, uint64_t addr, uint32_t len) {
    while (len) {
        seg_t *last = *n ? &segs[*n - 1] : NULL;
        if (last && last->addr + last->len == addr && last->len < d.size_max) {
            uint32_t take = d.size_max - last->len < len ? d.size_max - last->len : len;
            last->len += take;
            addr += take;
            len -= take;
            continue;
        }
        if (*n == max) return false;
        uint32_t take = len < d.size_max ? len : d.size_max;
        segs[(*n)++] = (seg_t){addr, take};
        addr += take;
        len -= take;
    }
    return true;
}

// Puts a request on the ring. The slot is filled in (client, txid, op,
// count, vmo/pmt or inline); segs are the data buffers. False (nothing
// changed) if the ring has too few free descriptors, which have_room() rules
// out before a request is read.
static bool submit(uint32_t si, uint32_t type, uint64_t sector, const seg_t *segs, uint32_t nsegs) {
    slot_t *s = &d.slots[si];
    uint16_t ids[VIRTQ_MAX_SIZE];
    if (!virtq_alloc_chain(&d.q, nsegs + 2, ids)) return false;
    uint8_t *hdr_va = (uint8_t *)d.dma_va + d.hdr_off + si * SLOT_HDR;
    uint64_t hdr_pa = d.dma_pa + d.hdr_off + si * SLOT_HDR;
    virtio_blk_req_hdr_t *hdr = (virtio_blk_req_hdr_t *)hdr_va;
    hdr->type = type;
    hdr->reserved = 0;
    hdr->sector = sector;
    hdr_va[sizeof *hdr] = 0xff;  // the status byte, until the device writes it
    d.q.desc[ids[0]].addr = hdr_pa;
    d.q.desc[ids[0]].len = sizeof *hdr;
    uint16_t dflag = type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0;
    for (uint32_t i = 0; i < nsegs; i++) {
        d.q.desc[ids[1 + i]].addr = segs[i].addr;
        d.q.desc[ids[1 + i]].len = segs[i].len;
        d.q.desc[ids[1 + i]].flags |= dflag;
    }
    d.q.desc[ids[nsegs + 1]].addr = hdr_pa + sizeof *hdr;
    d.q.desc[ids[nsegs + 1]].len = 1;
    d.q.desc[ids[nsegs + 1]].flags |= VIRTQ_DESC_F_WRITE;
    s->head = ids[0];
    d.slot_of_head[ids[0]] = (uint8_t)(si + 1);
    s->used = true;
    d.slots_used++;
    d.clients[s->client].in_flight++;
    d.stats.in_flight++;
    d.stats.requests++;
    virtq_submit(&d.q, ids[0]);
    s->t_notify = instret();
    virtio_mmio_notify(&d.dev, 0);
    return true;
}

// A request that could not be put on the ring: unpinned, its VMO closed,
// refused with ZX_ERR_NO_RESOURCES.
static void abandon(uint32_t si) {
    slot_t *s = &d.slots[si];
    if (s->pmt != ZX_HANDLE_INVALID) zx_pmt_unpin(s->pmt);
    zx_handle_close(s->vmo);
    printf("virtio-blk: no descriptors for a request of %u blocks\n", s->count);
    reply(s->client, s->txid, ZX_ERR_NO_RESOURCES, 0, NULL, 0);
}

static uint32_t free_slot(void) {
    for (uint32_t i = 0; i < NSLOTS; i++)
        if (!d.slots[i].used) return i;
    return NSLOTS;  // have_room() rules it out
}

static void close_handles(uint32_t from, uint32_t n) {
    for (uint32_t i = from; i < n; i++) zx_handle_close(msg_handles[i].handle);
}

// One message from client ci (nbytes bytes in msg, nh handles).
static void handle_message(uint32_t ci, uint32_t nbytes, uint32_t nh) {
    zxrv_blk_req_t rq;
    zx_txid_t txid = 0;
    if (nbytes >= sizeof txid) memcpy(&txid, msg, sizeof txid);
    if (nbytes < sizeof rq) {
        close_handles(0, nh);
        reply(ci, txid, ZX_ERR_INVALID_ARGS, 0, NULL, 0);
        return;
    }
    memcpy(&rq, msg, sizeof rq);
    zx_status_t st = ZX_OK;
    if (rq.flags != 0) st = ZX_ERR_INVALID_ARGS;
    else if (rq.op < ZXRV_BLK_OP_READ || rq.op > ZXRV_BLK_OP_CONNECT) st = ZX_ERR_NOT_SUPPORTED;
    if (st != ZX_OK) {
        close_handles(0, nh);
        reply(ci, txid, st, 0, NULL, 0);
        return;
    }

    if (rq.op == ZXRV_BLK_OP_INFO || rq.op == ZXRV_BLK_OP_CONNECT || rq.op == ZXRV_BLK_OP_FLUSH) {
        uint32_t want_h = rq.op == ZXRV_BLK_OP_CONNECT ? 1 : 0;
        if (nbytes != sizeof rq || nh != want_h || rq.block || rq.count || rq.vmo_offset) {
            close_handles(0, nh);
            reply(ci, txid, ZX_ERR_INVALID_ARGS, 0, NULL, 0);
            return;
        }
        if (rq.op == ZXRV_BLK_OP_INFO) {
            zxrv_blk_info_t info = d.stats;
            info.block_count = d.capacity;
            info.block_size = ZXRV_BLK_BLOCK_SIZE;
            info.max_transfer_blocks = d.max_blocks;
            info.flags = d.flags;
            info.transport_version = d.dev.version;
            info.device_base = d.base;
            info.irq = d.irq_num;
            info.queue_size = d.q.size;
            reply(ci, txid, ZX_OK, 0, &info, sizeof info);
            return;
        }
        if (rq.op == ZXRV_BLK_OP_CONNECT) {
            if (msg_handles[0].type != ZX_OBJ_TYPE_CHANNEL) {
                close_handles(0, nh);
                reply(ci, txid, ZX_ERR_WRONG_TYPE, 0, NULL, 0);
                return;
            }
            st = add_client(msg_handles[0].handle);
            if (st != ZX_OK) zx_handle_close(msg_handles[0].handle);
            reply(ci, txid, st, 0, NULL, 0);
            return;
        }
        // FLUSH: a device without VIRTIO_BLK_F_FLUSH writes through (§5.2.6.2).
        if (!(d.flags & ZXRV_BLK_FLAG_FLUSH)) {
            reply(ci, txid, ZX_OK, 0, NULL, 0);
            return;
        }
        uint32_t si = free_slot();
        d.slots[si] = (slot_t){.client = ci, .txid = txid, .op = rq.op, .vmo = ZX_HANDLE_INVALID,
                               .pmt = ZX_HANDLE_INVALID};
        if (!submit(si, VIRTIO_BLK_T_FLUSH, 0, NULL, 0)) abandon(si);
        return;
    }

    // READ / WRITE
    bool write = rq.op == ZXRV_BLK_OP_WRITE;
    bool in_vmo = nh == 1;
    uint32_t max = in_vmo ? d.max_blocks : ZXRV_BLK_MAX_INLINE_BLOCKS;
    uint64_t bytes = (uint64_t)rq.count * ZXRV_BLK_BLOCK_SIZE;
    uint32_t want_bytes = sizeof rq + (write && !in_vmo ? (uint32_t)bytes : 0);
    if (nh > 1 || rq.count == 0 || rq.count > max || nbytes != want_bytes || (!in_vmo && rq.vmo_offset))
        st = ZX_ERR_INVALID_ARGS;
    else if (in_vmo && msg_handles[0].type != ZX_OBJ_TYPE_VMO)
        st = ZX_ERR_WRONG_TYPE;
    else if (rq.block > d.capacity || rq.count > d.capacity - rq.block)
        st = ZX_ERR_OUT_OF_RANGE;
    else if (write && (d.flags & ZXRV_BLK_FLAG_READONLY))
        st = ZX_ERR_ACCESS_DENIED;
    else if (in_vmo && rq.vmo_offset > UINT64_MAX - bytes - PAGE)
        st = ZX_ERR_OUT_OF_RANGE;
    if (st != ZX_OK) {
        close_handles(0, nh);
        reply(ci, txid, st, 0, NULL, 0);
        return;
    }
    uint32_t si = free_slot();
    slot_t *s = &d.slots[si];
    *s = (slot_t){.client = ci, .txid = txid, .op = rq.op, .count = rq.count, .inline_data = !in_vmo,
                  .vmo = ZX_HANDLE_INVALID, .pmt = ZX_HANDLE_INVALID};
    seg_t segs[MAX_PIN_PAGES * 2];
    uint32_t nsegs = 0;
    uint32_t seg_cap = d.max_descs - 2;
    if (!in_vmo) {
        if (write) copy_words(bounce_va(si), msg + sizeof rq, (size_t)bytes);
        add_seg(segs, &nsegs, seg_cap, bounce_pa(si), (uint32_t)bytes);
    } else {
        uint64_t first = rq.vmo_offset & ~(uint64_t)(PAGE - 1);
        uint64_t end = (rq.vmo_offset + bytes + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        uint32_t npages = (uint32_t)((end - first) / PAGE);
        zx_paddr_t addrs[MAX_PIN_PAGES];
        // The device writes the client's pages on a READ and reads them on a WRITE.
        uint32_t perm = write ? ZX_BTI_PERM_READ : ZX_BTI_PERM_WRITE;
        st = zx_bti_pin(d.bti, perm, msg_handles[0].handle, first, end - first, addrs, npages, &s->pmt);
        if (st != ZX_OK) {
            zx_handle_close(msg_handles[0].handle);
            reply(ci, txid, st, 0, NULL, 0);
            return;
        }
        s->vmo = msg_handles[0].handle;
        uint32_t off = (uint32_t)(rq.vmo_offset - first);
        uint64_t left = bytes;
        for (uint32_t p = 0; p < npages && left; p++) {
            uint32_t o = p == 0 ? off : 0;
            uint32_t len = PAGE - o < left ? PAGE - o : (uint32_t)left;
            if (!add_seg(segs, &nsegs, seg_cap, addrs[p] + o, len)) break;  // max_descs covers the worst case
            left -= len;
        }
        if (left) {
            abandon(si);
            return;
        }
    }
    if (!submit(si, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, rq.block, segs, nsegs)) abandon(si);
}

static void complete(uint32_t head) {
    if (head >= d.q.size || d.slot_of_head[head] == 0) {
        printf("virtio-blk: device returned descriptor %u, which is not a request head\n", head);
        return;
    }
    uint32_t si = d.slot_of_head[head] - 1u;
    slot_t *s = &d.slots[si];
    d.slot_of_head[head] = 0;
    uint8_t vs = ((volatile uint8_t *)d.dma_va)[d.hdr_off + si * SLOT_HDR + sizeof(virtio_blk_req_hdr_t)];
    zx_status_t st = virtio_status(vs);
    if (s->pmt != ZX_HANDLE_INVALID) zx_pmt_unpin(s->pmt);
    zx_handle_close(s->vmo);
    uint32_t count = st == ZX_OK ? s->count : 0;
    if (s->inline_data && s->op == ZXRV_BLK_OP_READ && st == ZX_OK)
        reply_from(s->client, bounce_va(si) - sizeof(zxrv_blk_reply_t), s->txid, st, count,
                   s->count * ZXRV_BLK_BLOCK_SIZE);
    else
        reply(s->client, s->txid, st, count, NULL, 0);
    virtq_free_chain(&d.q, (uint16_t)head);
    s->used = false;
    d.slots_used--;
    d.stats.in_flight--;
    d.stats.completed++;
    client_t *c = &d.clients[s->client];
    c->in_flight--;
    if (c->gone) drop_client(s->client);
}

// Reads what the clients sent, while there is room for it.
static void serve_clients(void) {
    bool progress = true;
    while (progress) {
        progress = false;
        for (uint32_t i = 0; i < MAX_CLIENTS; i++) {
            client_t *c = &d.clients[i];
            if (!c->live || !c->readable || c->ch == ZX_HANDLE_INVALID) continue;
            if (!c->gone && !have_room()) continue;  // a gone client's requests need no room
            uint32_t nb = 0, nh = 0;
            zx_status_t st = zx_channel_read_etc(c->ch, 0, msg, msg_handles, sizeof msg, ZX_CHANNEL_MAX_MSG_HANDLES,
                                                 &nb, &nh);
            if (st == ZX_ERR_SHOULD_WAIT) {
                c->readable = false;
                if (arm(i) != ZX_OK) drop_client(i);
                continue;
            }
            if (st != ZX_OK) {  // ZX_ERR_PEER_CLOSED: nothing left to read
                drop_client(i);
                continue;
            }
            progress = true;
            if (c->gone) {  // its client is gone: never sent to the device
                close_handles(0, nh);
                d.stats.canceled++;
                continue;
            }
            handle_message(i, nb, nh);
        }
    }
}

static void take_interrupt(const zx_port_packet_t *pkt, uint64_t t_wake, zx_time_t now) {
    d.stats.interrupts++;
    d.stats.irq_wake_ns_sum += (uint64_t)(now - pkt->interrupt.timestamp);
    if (d.slots_used == 1) {
        for (uint32_t i = 0; i < NSLOTS; i++) {
            if (d.slots[i].used) {
                d.stats.notify_wake_instret_sum += t_wake - d.slots[i].t_notify;
                d.stats.notify_wake_samples++;
            }
        }
    }
    (void)virtio_mmio_take_interrupt(&d.dev);  // lowers the device's line
    uint32_t head, len;
    while (virtq_next_used(&d.q, &head, &len)) complete(head);
    zx_status_t st = zx_interrupt_ack(d.irq);
    if (st != ZX_OK) printf("virtio-blk: zx_interrupt_ack: %s\n", zx_status_get_string(st));
}

static int run(void) {
    for (;;) {
        serve_clients();
        if (d.stats.clients == 0) return 0;
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(d.port, ZX_TIME_INFINITE, &pkt);
        uint64_t t_wake = instret();
        zx_time_t now = zx_clock_get_monotonic();
        if (st != ZX_OK) {
            printf("virtio-blk: zx_port_wait: %s\n", zx_status_get_string(st));
            return 1;
        }
        if (pkt.type == ZX_PKT_TYPE_INTERRUPT && pkt.key == KEY_IRQ) {
            take_interrupt(&pkt, t_wake, now);
        } else if (pkt.type == ZX_PKT_TYPE_SIGNAL_ONE && (uint32_t)pkt.key >= KEY_CLIENT0 &&
                   (uint32_t)pkt.key < KEY_CLIENT0 + MAX_CLIENTS) {
            uint32_t i = (uint32_t)pkt.key - KEY_CLIENT0;
            client_t *c = &d.clients[i];
            if (c->live && c->ch != ZX_HANDLE_INVALID && pkt.key == client_key(i)) {
                c->readable = true;
                if (pkt.signal.observed & ZX_CHANNEL_PEER_CLOSED) c->gone = true;
            }
        }
    }
}

static void teardown(void) {
    if (d.regs_va) virtio_mmio_reset(&d.dev);  // the device lets go of the rings
    for (uint32_t i = 0; i < NSLOTS; i++) {
        if (!d.slots[i].used) continue;
        if (d.slots[i].pmt != ZX_HANDLE_INVALID) zx_pmt_unpin(d.slots[i].pmt);
        zx_handle_close(d.slots[i].vmo);
    }
    for (uint32_t i = 0; i < MAX_CLIENTS; i++) zx_handle_close(d.clients[i].ch);
    if (d.dma_pmt != ZX_HANDLE_INVALID) zx_pmt_unpin(d.dma_pmt);
    if (d.dma_va) zx_vmar_unmap(zx_vmar_root_self(), d.dma_va, d.dma_len);
    zx_handle_close(d.dma_vmo);
    zx_handle_close(d.bti);
    zx_handle_close(d.iommu);
    if (d.irq != ZX_HANDLE_INVALID) zx_interrupt_destroy(d.irq);
    zx_handle_close(d.irq);
    zx_handle_close(d.irq_rsrc);
    zx_handle_close(d.port);
    unmap_regs();
    zx_handle_close(d.root);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    d.root = zx_take_startup_handle(PA_HND(PA_RESOURCE, 0));
    zx_handle_t ch = zx_take_startup_handle(ZXRV_BLK_PA_CHANNEL);
    d.port = d.irq = d.iommu = d.bti = d.mmio_rsrc = d.irq_rsrc = d.regs_vmo = d.dma_vmo = d.dma_pmt =
        ZX_HANDLE_INVALID;
    for (uint32_t i = 0; i < MAX_CLIENTS; i++) d.clients[i].ch = ZX_HANDLE_INVALID;
    if (d.root == ZX_HANDLE_INVALID || ch == ZX_HANDLE_INVALID) {
        printf("virtio-blk: needs the root resource and a client channel\n");
        zx_handle_close(ch);
        zx_handle_close(d.root);
        return 2;
    }
    const zxrv_device_info_t *dev = NULL;
    int rc = 3;
    zx_status_t st = zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &d.port);
    if (st == ZX_OK) st = find_device(&dev);
    if (st == ZX_OK) st = setup_interrupt(dev);
    if (st == ZX_OK) st = setup_dma();
    if (st == ZX_OK) st = setup_device();
    if (st == ZX_OK) st = add_client(ch);
    else zx_handle_close(ch);
    if (st == ZX_OK) {
        printf("virtio-blk: %s: virtio-mmio version %u (%s), %" PRIu64 " blocks of %u bytes%s, irq %u, "
               "queue of %u, up to %u blocks a request\n",
               dev->path, d.dev.version, d.dev.version == 1 ? "legacy" : "modern", d.capacity, ZXRV_BLK_BLOCK_SIZE,
               (d.flags & ZXRV_BLK_FLAG_READONLY) ? " (read-only)" : "", d.irq_num, d.q.size, d.max_blocks);
        rc = run();
    }
    teardown();
    return rc;
}
