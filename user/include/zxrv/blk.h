// The block protocol of zxrv's user-space block drivers (first one:
// user/drivers/virtio-blk), spoken over a channel; its README documents it.
//
// A client writes requests and reads replies on its channel, one message
// each. Requests may be pipelined: a client may have many requests in flight
// at once (the driver reads a channel only while it has room for a request,
// so a full driver pushes back on the channel instead of failing). Replies
// come in completion order, each carrying its request's txid, so
// zx_channel_call works for one request at a time and plain writes + reads
// for many. Blocks are ZXRV_BLK_BLOCK_SIZE (512) bytes, virtio's sectors.
//
// Data travels one of two ways:
//  - inline: no handle with the request; a WRITE carries count * 512 bytes
//    after the header, a READ's reply carries them after the reply header.
//    At most ZXRV_BLK_MAX_INLINE_BLOCKS blocks.
//  - in a VMO: one VMO handle with the request (READ needs the handle's
//    WRITE and MAP rights, WRITE its READ and MAP rights, or the pin fails
//    with ZX_ERR_ACCESS_DENIED); the driver pins
//    [vmo_offset, vmo_offset + count * 512) through its BTI for the
//    transfer and closes the handle after it. At most
//    ZXRV_BLK_MAX_TRANSFER_BLOCKS blocks.
#ifndef ZXRV_BLK_H_
#define ZXRV_BLK_H_

#include <stdint.h>
#include <zircon/processargs.h>
#include <zircon/types.h>

#define ZXRV_BLK_BLOCK_SIZE 512u
#define ZXRV_BLK_MAX_INLINE_BLOCKS 16u     // 8 KiB inline
#define ZXRV_BLK_MAX_TRANSFER_BLOCKS 256u  // 128 KiB through a VMO

// zxrv_blk_req_t.op
#define ZXRV_BLK_OP_READ 1u
#define ZXRV_BLK_OP_WRITE 2u
#define ZXRV_BLK_OP_FLUSH 3u    // block and count must be 0
#define ZXRV_BLK_OP_INFO 4u     // reply: zxrv_blk_reply_t then zxrv_blk_info_t
#define ZXRV_BLK_OP_CONNECT 5u  // one channel handle with the request: served as a new client

typedef struct zxrv_blk_req {
    zx_txid_t txid;       // echoed in the reply (zx_channel_call writes its own)
    uint32_t op;          // ZXRV_BLK_OP_*
    uint64_t block;       // first block
    uint32_t count;       // blocks
    uint32_t flags;       // must be 0
    uint64_t vmo_offset;  // byte offset in the VMO sent with the request (else 0)
} zxrv_blk_req_t;         // a WRITE's inline data follows

typedef struct zxrv_blk_reply {
    zx_txid_t txid;      // the request's
    zx_status_t status;  // ZX_OK or a Zircon error (README: Errors)
    uint32_t count;      // blocks transferred (all or nothing)
    uint32_t reserved;
} zxrv_blk_reply_t;      // a READ's inline data follows

// ZXRV_BLK_OP_INFO
#define ZXRV_BLK_FLAG_READONLY 0x1u  // the device offered VIRTIO_BLK_F_RO
#define ZXRV_BLK_FLAG_FLUSH 0x2u     // the device has a write cache flush (VIRTIO_BLK_F_FLUSH)

typedef struct zxrv_blk_info {
    uint64_t block_count;
    uint32_t block_size;           // ZXRV_BLK_BLOCK_SIZE
    uint32_t max_transfer_blocks;  // ZXRV_BLK_MAX_TRANSFER_BLOCKS
    uint32_t flags;                // ZXRV_BLK_FLAG_*
    uint32_t transport_version;    // virtio-mmio Version register: 1 legacy, 2 modern
    uint64_t device_base;          // physical address of the device's registers
    uint32_t irq;                  // its interrupt source
    uint32_t queue_size;           // virtqueue entries in use
    // The driver's counters, since it started.
    uint64_t requests;   // requests accepted (replied to or still in flight)
    uint64_t completed;  // requests the device finished
    uint64_t canceled;   // requests dropped unsent because their client was gone
    uint64_t errors;     // requests refused or failed
    uint64_t interrupts; // interrupt packets taken
    uint32_t in_flight;  // requests at the device now
    uint32_t clients;    // channels served now
    // Interrupt latency as the driver sees it (README: Figures):
    // the sum over interrupt packets of zx_clock_get_monotonic() just after
    // zx_port_wait returned minus the packet's timestamp (taken by the
    // kernel when it claimed the interrupt), and, over the requests that
    // were alone at the device, the sum of rdinstret deltas from just before
    // the notify register write to just after zx_port_wait returned.
    uint64_t irq_wake_ns_sum;
    uint64_t notify_wake_instret_sum;
    uint64_t notify_wake_samples;
} zxrv_blk_info_t;

// Handle tag of the driver's first client channel (user/lib/blk.c passes it).
#define ZXRV_BLK_PA_CHANNEL PA_HND(PA_USER0, 0)

// user/lib/blk.c: client helpers.
//
// Starts the driver `driver` (a program of the boot archive, e.g.
// "virtio-blk") in `job` with the root resource duplicated for it, and gives
// back the channel to it and its process. The handles are borrowed.
zx_status_t zxrv_blk_start(zx_handle_t job, zx_handle_t root_resource, zx_handle_t boot_archive,
                           const char *driver, int argc, const char *const *argv, zx_handle_t *out_channel,
                           zx_handle_t *out_process);
// One request and its reply through zx_channel_call. `data`/`data_len`: a
// WRITE's inline bytes; `out`/`out_len`: room for a READ's inline bytes or an
// INFO's zxrv_blk_info_t. `vmo` (or ZX_HANDLE_INVALID) is consumed.
zx_status_t zxrv_blk_call(zx_handle_t ch, const zxrv_blk_req_t *req, const void *data, uint32_t data_len,
                          zx_handle_t vmo, zxrv_blk_reply_t *reply, void *out, uint32_t out_len);
zx_status_t zxrv_blk_info(zx_handle_t ch, zxrv_blk_info_t *info);
// Closes the channel and waits for the driver to end; its return code.
zx_status_t zxrv_blk_stop(zx_handle_t ch, zx_handle_t process, int64_t *out_retcode);

#endif
