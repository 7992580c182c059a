// blk-bench: what a block request costs through the virtio-blk driver
// (user/drivers/virtio-blk), on a disk of at least 32 MiB (tools/run --disk).
//
//   blk-bench ops   instructions per 4 KiB and 64 KiB read, client -> driver
//                   -> device -> client, as rdinstret deltas read by the
//                   client (run on 1 hart under tools/run --icount: then
//                   instret counts guest instructions exactly, and everything
//                   runs on this one hart; time spent waiting for the device
//                   is wfi, which retires nothing), and the driver's
//                   interrupt latency figures (<zxrv/blk.h>, zxrv_blk_info_t).
//   blk-bench seq   sequential read and write of 16 MiB in 128 KiB requests,
//                   1 and 4 in flight, in guest time (zx_clock_get_monotonic;
//                   run without -icount).
// It prints "bench: ..." lines; numbers are reports, never asserted.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/blk.h>
#include <zxrv/testutil.h>

#define BS ZXRV_BLK_BLOCK_SIZE
#define SEQ_BYTES (16u << 20)
#define SEQ_REQ (ZXRV_BLK_MAX_TRANSFER_BLOCKS * BS)

static zx_handle_t ch;
static uint32_t transport;  // virtio-mmio version: 1 legacy, 2 modern

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static zx_status_t read_vmo(zx_handle_t vmo, uint64_t block, uint32_t count) {
    zx_handle_t dup;
    zx_status_t st = zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup);
    if (st != ZX_OK) return st;
    zxrv_blk_req_t rq = {.op = ZXRV_BLK_OP_READ, .block = block, .count = count};
    zxrv_blk_reply_t rp;
    st = zxrv_blk_call(ch, &rq, NULL, 0, dup, &rp, NULL, 0);
    return st != ZX_OK ? st : rp.status;
}

static zx_status_t read_inline(uint64_t block, uint32_t count, void *buf) {
    zxrv_blk_req_t rq = {.op = ZXRV_BLK_OP_READ, .block = block, .count = count};
    zxrv_blk_reply_t rp;
    zx_status_t st = zxrv_blk_call(ch, &rq, NULL, 0, ZX_HANDLE_INVALID, &rp, buf, count * BS);
    return st != ZX_OK ? st : rp.status;
}

static void sort(uint64_t *v, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

static int ops(void) {
    enum { ROUNDS = 64 };
    zx_handle_t vmo;
    static uint8_t buf[8 * BS] __attribute__((aligned(8)));
    if (zx_vmo_create(128 * 1024, 0, &vmo) != ZX_OK) return 1;
    zxrv_blk_info_t i0, i1;
    // Warm up: fault the VMO's pages in, let the driver's paths run once.
    if (read_vmo(vmo, 0, 256) != ZX_OK || read_inline(0, 8, buf) != ZX_OK) return 2;
    struct {
        const char *what;
        int kind;  // 0 VMO, 1 inline
        uint32_t blocks;
    } cases[] = {{"512 B read inline", 1, 1},
                   {"4 KiB read through a VMO", 0, 8},
                   {"4 KiB read inline", 1, 8},
                   {"64 KiB read through a VMO", 0, 128},
                   {"128 KiB read through a VMO", 0, 256}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t t_all[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            uint64_t block = (uint64_t)r * 256;
            uint64_t t0 = instret();
            zx_status_t st = cases[c].kind ? read_inline(block, cases[c].blocks, buf)
                                           : read_vmo(vmo, block, cases[c].blocks);
            uint64_t t = instret() - t0;
            if (st != ZX_OK) {
                printf("blk-bench: %s: %d\n", cases[c].what, st);
                return 4;
            }
            t_all[r] = t;
        }
        // The median: a timer tick that lands in a request (the hart idles
        // in wfi while the device works) adds its own instructions to it.
        sort(t_all, ROUNDS);
        printf("bench: virtio-blk %s, client -> driver -> device -> client: %" PRIu64
               " instructions (median of %d; least %" PRIu64 ", most %" PRIu64 ")\n",
               cases[c].what, t_all[ROUNDS / 2], ROUNDS, t_all[0], t_all[ROUNDS - 1]);
    }
    // Interrupt latency, one request at a time with INFO around it: the
    // driver's sums grow by exactly that request's figures.
    uint64_t ns[ROUNDS], ins[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        if (zxrv_blk_info(ch, &i0) != ZX_OK || read_vmo(vmo, (uint64_t)r * 8, 8) != ZX_OK ||
            zxrv_blk_info(ch, &i1) != ZX_OK)
            return 5;
        if (i1.interrupts - i0.interrupts != 1 || i1.notify_wake_samples - i0.notify_wake_samples != 1) {
            printf("blk-bench: a request took %" PRIu64 " interrupts\n", i1.interrupts - i0.interrupts);
            return 6;
        }
        ns[r] = i1.irq_wake_ns_sum - i0.irq_wake_ns_sum;
        ins[r] = i1.notify_wake_instret_sum - i0.notify_wake_instret_sum;
    }
    sort(ns, ROUNDS);
    sort(ins, ROUNDS);
    printf("bench: virtio-blk interrupt: kernel claim -> driver's zx_port_wait returns: %" PRIu64
           " ns (median of %d; least %" PRIu64 "; under -icount shift=0 one instruction is 1 ns)\n",
           ns[ROUNDS / 2], ROUNDS, ns[0]);
    printf("bench: virtio-blk notify write -> driver's zx_port_wait returns: %" PRIu64
           " instructions (median of %d; least %" PRIu64 "; the device's time is wfi)\n",
           ins[ROUNDS / 2], ROUNDS, ins[0]);
    zx_handle_close(vmo);
    return 0;
}

// Moves SEQ_BYTES from/to the start of the disk with `depth` requests in
// flight; MiB/s in guest time.
static int seq(uint32_t op, uint32_t depth, zx_handle_t vmo) {
    uint32_t total = SEQ_BYTES / BS, per = SEQ_REQ / BS, sent = 0, done = 0, txid = 1;
    zx_time_t t0 = zx_clock_get_monotonic();
    while (done < total) {
        while (sent < total && sent - done < depth * per) {
            zx_handle_t dup;
            if (zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup) != ZX_OK) return 1;
            zxrv_blk_req_t rq = {.txid = txid++, .op = op, .block = sent, .count = per,
                                 .vmo_offset = (uint64_t)(sent % (4 * per)) * BS};
            if (zx_channel_write(ch, 0, &rq, sizeof rq, &dup, 1) != ZX_OK) return 2;
            sent += per;
        }
        zxrv_blk_reply_t rp;
        uint32_t nb, nh;
        if (zx_object_wait_one(ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL) != ZX_OK ||
            zx_channel_read(ch, 0, &rp, NULL, sizeof rp, 0, &nb, &nh) != ZX_OK || rp.status != ZX_OK)
            return 3;
        done += rp.count;
    }
    zx_time_t dt = zx_clock_get_monotonic() - t0;
    uint64_t kib_s = (uint64_t)SEQ_BYTES / 1024 * 1000000000ull / (uint64_t)(dt > 0 ? dt : 1);
    printf("bench: virtio-blk sequential %s of 16 MiB in 128 KiB requests, %u in flight: %" PRIu64 ".%02" PRIu64
           " MiB/s guest time (%" PRId64 " ms; %s virtio-mmio)\n",
           op == ZXRV_BLK_OP_READ ? "read" : "write", depth, kib_s / 1024, kib_s % 1024 * 100 / 1024,
           (int64_t)(dt / 1000000), transport == 1 ? "legacy" : "modern");
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "ops";
    zx_handle_t proc;
    zx_status_t st = zxrv_blk_start(zx_job_default(), zxrv_root_resource(), zxrv_bootfs_vmo(), "virtio-blk", 0, NULL,
                                    &ch, &proc);
    if (st != ZX_OK) {
        printf("blk-bench: starting virtio-blk: %d\n", st);
        return 1;
    }
    zxrv_blk_info_t info;
    int rc = zxrv_blk_info(ch, &info) == ZX_OK ? 0 : 1;
    transport = info.transport_version;
    if (rc == 0 && info.block_count * BS < 2ull * SEQ_BYTES) {
        printf("blk-bench: the disk has %" PRIu64 " blocks: needs 32 MiB\n", info.block_count);
        rc = 1;
    }
    if (rc == 0 && strcmp(mode, "ops") == 0) {
        rc = ops();
    } else if (rc == 0 && strcmp(mode, "seq") == 0) {
        zx_handle_t vmo;
        rc = zx_vmo_create(4 * SEQ_REQ, 0, &vmo) == ZX_OK ? 0 : 1;
        for (uint32_t depth = 1; rc == 0 && depth <= 4; depth += 3) {
            if (rc == 0) rc = seq(ZXRV_BLK_OP_WRITE, depth, vmo);
            if (rc == 0) rc = seq(ZXRV_BLK_OP_READ, depth, vmo);
        }
        zx_handle_close(vmo);
    } else if (rc == 0) {
        printf("blk-bench: mode ops or seq\n");
        rc = 1;
    }
    int64_t drc = -1;
    zxrv_blk_stop(ch, proc, &drc);
    if (drc != 0) {
        printf("blk-bench: virtio-blk exited with %" PRId64 "\n", drc);
        rc = rc ? rc : 1;
    }
    return rc;
}
