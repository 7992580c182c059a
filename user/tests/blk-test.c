// blk-test: the virtio-blk driver end to end (user/drivers/virtio-blk).
// Boot with the disk tools/testrun.py makes (tools/run --disk FILE): 16384
// blocks of 512 bytes, block s holding the 64 words blk_word(BLK_ORIG, s, w).
// The test starts the driver from the boot archive, reads the image through
// it (inline and through VMOs, one at a time and many in flight), writes
// BLK_NEW over blocks [WRITE_FIRST, WRITE_END), and has a victim process
// queue requests on its own connection and die (exit, or killed) with them
// in flight; the driver must go on serving. The host then checks the image:
// BLK_NEW in the written range, each victim block either as it was or the
// victim's, everything else untouched.
//
//   blk-test            run the cases
//   blk-test victim M   (started by the test) M = exit | wait: see run_victim()
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zxrv/blk.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define DISK_BLOCKS 16384u
#define BLK_ORIG 0xb10c000000000000ull
#define BLK_NEW 0x5eed000000000000ull
#define BLK_VICTIM 0xdead000000000000ull
#define WRITE_FIRST 4096u
#define WRITE_END 6144u
#define VICTIM_FIRST 8192u
#define VICTIM_END 9216u
#define VICTIM_REQUESTS 48u
#define BS ZXRV_BLK_BLOCK_SIZE
#define WORDS (BS / 8u)

static zx_handle_t drv_ch = ZX_HANDLE_INVALID, drv_proc = ZX_HANDLE_INVALID;

static uint64_t blk_word(uint64_t tag, uint64_t block, uint64_t w) { return tag ^ block << 16 ^ w; }

static void fill(uint8_t *buf, uint64_t tag, uint64_t block, uint32_t count) {
    uint64_t *p = (uint64_t *)buf;
    for (uint32_t b = 0; b < count; b++)
        for (uint32_t w = 0; w < WORDS; w++) p[b * WORDS + w] = blk_word(tag, block + b, w);
}

// The first block of buf[0, count) that is not `tag`'s pattern, or -1.
static int64_t mismatch(const uint8_t *buf, uint64_t tag, uint64_t block, uint32_t count) {
    const uint64_t *p = (const uint64_t *)buf;
    for (uint32_t b = 0; b < count; b++)
        for (uint32_t w = 0; w < WORDS; w++)
            if (p[b * WORDS + w] != blk_word(tag, block + b, w)) return (int64_t)(block + b);
    return -1;
}

static bool is_pattern(const uint8_t *buf, uint64_t tag, uint64_t block) { return mismatch(buf, tag, block, 1) < 0; }

static zx_status_t rw_inline(uint32_t op, uint64_t block, uint32_t count, void *buf) {
    zxrv_blk_req_t rq = {.op = op, .block = block, .count = count};
    zxrv_blk_reply_t rp;
    uint32_t n = count * BS;
    zx_status_t st = op == ZXRV_BLK_OP_WRITE ? zxrv_blk_call(drv_ch, &rq, buf, n, ZX_HANDLE_INVALID, &rp, NULL, 0)
                                             : zxrv_blk_call(drv_ch, &rq, NULL, 0, ZX_HANDLE_INVALID, &rp, buf, n);
    if (st != ZX_OK) return st;
    if (rp.status == ZX_OK && rp.count != count) return ZX_ERR_IO;
    return rp.status;
}

// A READ or WRITE through `vmo` (duplicated for the request).
static zx_status_t rw_vmo(uint32_t op, uint64_t block, uint32_t count, zx_handle_t vmo, uint64_t off,
                          zx_rights_t rights) {
    zx_handle_t dup;
    zx_status_t st = zx_handle_duplicate(vmo, rights, &dup);
    if (st != ZX_OK) return st;
    zxrv_blk_req_t rq = {.op = op, .block = block, .count = count, .vmo_offset = off};
    zxrv_blk_reply_t rp;
    st = zxrv_blk_call(drv_ch, &rq, NULL, 0, dup, &rp, NULL, 0);
    if (st != ZX_OK) return st;
    if (rp.status == ZX_OK && rp.count != count) return ZX_ERR_IO;
    return rp.status;
}

static zx_status_t raw_call(const void *bytes, uint32_t nbytes, zx_handle_t *handles, uint32_t nh) {
    uint8_t rbuf[sizeof(zxrv_blk_reply_t) + sizeof(zxrv_blk_info_t)];
    zx_channel_call_args_t args = {.wr_bytes = bytes, .wr_handles = handles, .wr_num_bytes = nbytes,
                                   .wr_num_handles = nh, .rd_bytes = rbuf, .rd_num_bytes = sizeof rbuf};
    uint32_t rb = 0, rh = 0;
    zx_status_t st = zx_channel_call(drv_ch, 0, ZX_TIME_INFINITE, &args, &rb, &rh);
    if (st != ZX_OK) return st;
    if (rb < sizeof(zxrv_blk_reply_t)) return ZX_ERR_IO;
    return ((zxrv_blk_reply_t *)rbuf)->status;
}

static uint8_t big[ZXRV_BLK_MAX_TRANSFER_BLOCKS * BS + 2 * 4096];

TEST_CASE(info) {
    zxrv_blk_info_t info;
    ASSERT_OK(zxrv_blk_info(drv_ch, &info));
    EXPECT_EQ(info.block_count, DISK_BLOCKS);
    EXPECT_EQ(info.block_size, BS);
    EXPECT_EQ(info.max_transfer_blocks, ZXRV_BLK_MAX_TRANSFER_BLOCKS);
    EXPECT_TRUE(info.transport_version == 1 || info.transport_version == 2);
    EXPECT_EQ(info.flags & ZXRV_BLK_FLAG_READONLY, 0);
    EXPECT_EQ(info.clients, 1);
    EXPECT_EQ(info.in_flight, 0);
    printf("blk-test: transport version %u, irq %u, queue %u, device at %#" PRIx64 "\n", info.transport_version,
           info.irq, info.queue_size, info.device_base);
}

TEST_CASE(read_inline_matches_image) {
    static uint8_t buf[ZXRV_BLK_MAX_INLINE_BLOCKS * BS];
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, 0, ZXRV_BLK_MAX_INLINE_BLOCKS, buf));
    EXPECT_EQ(mismatch(buf, BLK_ORIG, 0, ZXRV_BLK_MAX_INLINE_BLOCKS), -1);
    for (uint32_t b = 17; b < DISK_BLOCKS; b += 997) {
        ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, b, 1, buf));
        EXPECT_EQ(mismatch(buf, BLK_ORIG, b, 1), -1);
    }
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, DISK_BLOCKS - 3, 3, buf));  // the last blocks
    EXPECT_EQ(mismatch(buf, BLK_ORIG, DISK_BLOCKS - 3, 3), -1);
}

TEST_CASE(read_vmo_matches_image) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(sizeof big, 0, &vmo));
    // 64 KiB at a time over the first 2 MiB.
    for (uint32_t b = 0; b < WRITE_FIRST; b += 128) {
        ASSERT_OK(rw_vmo(ZXRV_BLK_OP_READ, b, 128, vmo, 0, ZX_RIGHT_SAME_RIGHTS));
        ASSERT_OK(zx_vmo_read(vmo, big, 0, 128 * BS));
        EXPECT_EQ(mismatch(big, BLK_ORIG, b, 128), -1);
    }
    // The largest request, and offsets that are not page-aligned.
    static const uint64_t offs[] = {0, 512, 4096 + 1536, 3584};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        uint32_t n = ZXRV_BLK_MAX_TRANSFER_BLOCKS;
        ASSERT_OK(rw_vmo(ZXRV_BLK_OP_READ, 1000 + i, n, vmo, offs[i], ZX_RIGHT_SAME_RIGHTS));
        ASSERT_OK(zx_vmo_read(vmo, big, offs[i], n * BS));
        EXPECT_EQ(mismatch(big, BLK_ORIG, 1000 + i, n), -1);
    }
    zx_handle_close(vmo);
}

// Many requests in flight on one channel: written all at once, replies
// matched by txid in whatever order they come.
TEST_CASE(pipelined_reads) {
    enum { N = 40, COUNT = 8 };
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create((uint64_t)N * COUNT * BS, 0, &vmo));
    for (uint32_t i = 0; i < N; i++) {
        zx_handle_t dup;
        ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
        zxrv_blk_req_t rq = {.txid = 0x1000 + i, .op = ZXRV_BLK_OP_READ, .block = (uint64_t)i * 97, .count = COUNT,
                             .vmo_offset = (uint64_t)i * COUNT * BS};
        ASSERT_OK(zx_channel_write(drv_ch, 0, &rq, sizeof rq, &dup, 1));
    }
    bool seen[N] = {false};
    for (uint32_t k = 0; k < N; k++) {
        zxrv_blk_reply_t rp;
        uint32_t nb, nh;
        ASSERT_OK(zx_object_wait_one(drv_ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL));
        ASSERT_OK(zx_channel_read(drv_ch, 0, &rp, NULL, sizeof rp, 0, &nb, &nh));
        ASSERT_EQ(nb, sizeof rp);
        ASSERT_TRUE(rp.txid >= 0x1000 && rp.txid < 0x1000 + N);
        EXPECT_TRUE(!seen[rp.txid - 0x1000]);
        seen[rp.txid - 0x1000] = true;
        EXPECT_OK(rp.status);
        EXPECT_EQ(rp.count, COUNT);
    }
    static uint8_t buf[N * COUNT * BS];
    ASSERT_OK(zx_vmo_read(vmo, buf, 0, sizeof buf));
    for (uint32_t i = 0; i < N; i++) EXPECT_EQ(mismatch(buf + i * COUNT * BS, BLK_ORIG, (uint64_t)i * 97, COUNT), -1);
    zx_handle_close(vmo);
}

TEST_CASE(write_then_read_back) {
    static uint8_t buf[ZXRV_BLK_MAX_INLINE_BLOCKS * BS];
    // Inline: the first 16 blocks, one write.
    fill(buf, BLK_NEW, WRITE_FIRST, ZXRV_BLK_MAX_INLINE_BLOCKS);
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_WRITE, WRITE_FIRST, ZXRV_BLK_MAX_INLINE_BLOCKS, buf));
    // The rest through one VMO, four requests in flight at a time.
    uint32_t first = WRITE_FIRST + ZXRV_BLK_MAX_INLINE_BLOCKS, n = WRITE_END - first;
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create((uint64_t)n * BS, 0, &vmo));
    uint8_t *all = malloc((size_t)n * BS);
    ASSERT_TRUE(all != NULL);
    fill(all, BLK_NEW, first, n);
    ASSERT_OK(zx_vmo_write(vmo, all, 0, (size_t)n * BS));
    uint32_t sent = 0, done = 0, txid = 0x2000;
    while (done < n) {
        while (sent < n && sent - done < 4 * ZXRV_BLK_MAX_TRANSFER_BLOCKS) {
            uint32_t c = n - sent < ZXRV_BLK_MAX_TRANSFER_BLOCKS ? n - sent : ZXRV_BLK_MAX_TRANSFER_BLOCKS;
            zx_handle_t dup;
            ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER, &dup));
            zxrv_blk_req_t rq = {.txid = txid++, .op = ZXRV_BLK_OP_WRITE, .block = first + sent, .count = c,
                                 .vmo_offset = (uint64_t)sent * BS};
            ASSERT_OK(zx_channel_write(drv_ch, 0, &rq, sizeof rq, &dup, 1));
            sent += c;
        }
        zxrv_blk_reply_t rp;
        uint32_t nb, nh;
        ASSERT_OK(zx_object_wait_one(drv_ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL));
        ASSERT_OK(zx_channel_read(drv_ch, 0, &rp, NULL, sizeof rp, 0, &nb, &nh));
        ASSERT_OK(rp.status);
        done += rp.count;
    }
    zxrv_blk_req_t fl = {.op = ZXRV_BLK_OP_FLUSH};
    zxrv_blk_reply_t rp;
    ASSERT_OK(zxrv_blk_call(drv_ch, &fl, NULL, 0, ZX_HANDLE_INVALID, &rp, NULL, 0));
    EXPECT_OK(rp.status);
    // Read it all back through another VMO.
    zx_handle_t back;
    ASSERT_OK(zx_vmo_create((uint64_t)(WRITE_END - WRITE_FIRST) * BS, 0, &back));
    for (uint32_t b = WRITE_FIRST; b < WRITE_END; b += ZXRV_BLK_MAX_TRANSFER_BLOCKS)
        ASSERT_OK(rw_vmo(ZXRV_BLK_OP_READ, b, ZXRV_BLK_MAX_TRANSFER_BLOCKS, back, (uint64_t)(b - WRITE_FIRST) * BS,
                         ZX_RIGHT_SAME_RIGHTS));
    uint8_t *got = malloc((size_t)(WRITE_END - WRITE_FIRST) * BS);
    ASSERT_TRUE(got != NULL);
    ASSERT_OK(zx_vmo_read(back, got, 0, (size_t)(WRITE_END - WRITE_FIRST) * BS));
    EXPECT_EQ(mismatch(got, BLK_NEW, WRITE_FIRST, WRITE_END - WRITE_FIRST), -1);
    // The neighbours are untouched.
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, WRITE_FIRST - 1, 1, buf));
    EXPECT_EQ(mismatch(buf, BLK_ORIG, WRITE_FIRST - 1, 1), -1);
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, WRITE_END, 1, buf));
    EXPECT_EQ(mismatch(buf, BLK_ORIG, WRITE_END, 1), -1);
    free(got);
    free(all);
    zx_handle_close(back);
    zx_handle_close(vmo);
}

TEST_CASE(bad_requests_get_zircon_errors) {
    static uint8_t buf[(ZXRV_BLK_MAX_INLINE_BLOCKS + 1) * BS];
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(16 * 4096, 0, &vmo));
    EXPECT_STATUS(rw_inline(ZXRV_BLK_OP_READ, 0, 0, buf), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(rw_inline(ZXRV_BLK_OP_READ, 0, ZXRV_BLK_MAX_INLINE_BLOCKS + 1, buf), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(rw_vmo(ZXRV_BLK_OP_READ, 0, ZXRV_BLK_MAX_TRANSFER_BLOCKS + 1, vmo, 0, ZX_RIGHT_SAME_RIGHTS),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(rw_inline(ZXRV_BLK_OP_READ, DISK_BLOCKS, 1, buf), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(rw_inline(ZXRV_BLK_OP_READ, DISK_BLOCKS - 1, 2, buf), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(rw_inline(ZXRV_BLK_OP_READ, UINT64_MAX, 1, buf), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(rw_vmo(ZXRV_BLK_OP_WRITE, UINT64_MAX - 3, 8, vmo, 0, ZX_RIGHT_SAME_RIGHTS), ZX_ERR_OUT_OF_RANGE);
    // The pin's own errors: a READ needs a writable VMO handle, a WRITE a
    // readable one, and the range must be inside the VMO.
    EXPECT_STATUS(rw_vmo(ZXRV_BLK_OP_READ, 0, 8, vmo, 0, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(rw_vmo(ZXRV_BLK_OP_WRITE, 0, 8, vmo, 0, ZX_RIGHT_WRITE | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(rw_vmo(ZXRV_BLK_OP_READ, 0, 8, vmo, 15 * 4096 + 512, ZX_RIGHT_SAME_RIGHTS), ZX_ERR_OUT_OF_RANGE);
    // Malformed messages.
    zxrv_blk_req_t rq = {.op = 99, .count = 1};
    EXPECT_STATUS(raw_call(&rq, sizeof rq, NULL, 0), ZX_ERR_NOT_SUPPORTED);
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_READ, .count = 1, .flags = 1};
    EXPECT_STATUS(raw_call(&rq, sizeof rq, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(raw_call(&rq, 8, NULL, 0), ZX_ERR_INVALID_ARGS);  // shorter than a request
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_WRITE, .count = 2};
    memcpy(buf, &rq, sizeof rq);  // inline WRITE with one block of data for two
    EXPECT_STATUS(raw_call(buf, sizeof rq + BS, NULL, 0), ZX_ERR_INVALID_ARGS);
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_READ, .count = 1, .vmo_offset = 4096};  // offset without a VMO
    EXPECT_STATUS(raw_call(&rq, sizeof rq, NULL, 0), ZX_ERR_INVALID_ARGS);
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_INFO, .block = 1};
    EXPECT_STATUS(raw_call(&rq, sizeof rq, NULL, 0), ZX_ERR_INVALID_ARGS);
    zx_handle_t ev, two[2];
    ASSERT_OK(zx_event_create(0, &ev));
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_READ, .count = 1};
    EXPECT_STATUS(raw_call(&rq, sizeof rq, &ev, 1), ZX_ERR_WRONG_TYPE);  // the event is consumed
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_CONNECT};
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(raw_call(&rq, sizeof rq, &ev, 1), ZX_ERR_WRONG_TYPE);
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &two[0]));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &two[1]));
    rq = (zxrv_blk_req_t){.op = ZXRV_BLK_OP_READ, .count = 1};
    EXPECT_STATUS(raw_call(&rq, sizeof rq, two, 2), ZX_ERR_INVALID_ARGS);
    zx_handle_close(vmo);
    // The driver goes on, with nothing left over.
    zxrv_blk_info_t info;
    ASSERT_OK(zxrv_blk_info(drv_ch, &info));
    EXPECT_EQ(info.in_flight, 0);
    EXPECT_EQ(info.clients, 1);
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, 5, 1, buf));
    EXPECT_EQ(mismatch(buf, BLK_ORIG, 5, 1), -1);
}

// A second driver cannot take the device: its MMIO resource is exclusive.
TEST_CASE(second_driver_finds_no_device) {
    zx_handle_t ch, proc;
    ASSERT_OK(zxrv_blk_start(zx_job_default(), zxrv_root_resource(), zxrv_bootfs_vmo(), "virtio-blk", 0, NULL, &ch,
                             &proc));
    int64_t rc = 0;
    ASSERT_OK(zxrv_blk_stop(ch, proc, &rc));
    EXPECT_EQ(rc, 3);
}

// The victim: queues VICTIM_REQUESTS requests on its connection (writes of
// BLK_VICTIM blocks and reads, inline and through VMOs) without reading a
// reply, then exits at once ("exit") or tells the test and waits to be
// killed ("wait").
static int victim(const char *mode) {
    zx_handle_t ch = zx_take_startup_handle(ZXRV_BLK_PA_CHANNEL);
    zx_handle_t ctl = zx_take_startup_handle(PA_HND(PA_USER0, 1));
    if (ch == ZX_HANDLE_INVALID) return 10;
    zx_handle_t vmo;
    if (zx_vmo_create((uint64_t)(VICTIM_END - VICTIM_FIRST) * BS, 0, &vmo) != ZX_OK) return 11;
    uint8_t *pat = malloc((size_t)(VICTIM_END - VICTIM_FIRST) * BS);
    if (pat == NULL) return 12;
    fill(pat, BLK_VICTIM, VICTIM_FIRST, VICTIM_END - VICTIM_FIRST);
    if (zx_vmo_write(vmo, pat, 0, (size_t)(VICTIM_END - VICTIM_FIRST) * BS) != ZX_OK) return 13;
    static uint8_t msg[sizeof(zxrv_blk_req_t) + 8 * BS];
    for (uint32_t i = 0; i < VICTIM_REQUESTS; i++) {
        uint32_t block = VICTIM_FIRST + (i * 8) % (VICTIM_END - VICTIM_FIRST);
        zxrv_blk_req_t rq = {.txid = 0x3000 + i, .op = i % 3 == 2 ? ZXRV_BLK_OP_READ : ZXRV_BLK_OP_WRITE,
                             .block = block, .count = 8};
        zx_status_t st;
        if (i % 2 == 0) {  // through the VMO
            zx_handle_t dup;
            rq.vmo_offset = (uint64_t)(block - VICTIM_FIRST) * BS;
            if (zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup) != ZX_OK) return 14;
            st = zx_channel_write(ch, 0, &rq, sizeof rq, &dup, 1);
        } else {  // inline
            uint32_t n = sizeof rq;
            memcpy(msg, &rq, sizeof rq);
            if (rq.op == ZXRV_BLK_OP_WRITE) {
                memcpy(msg + sizeof rq, pat + (size_t)(block - VICTIM_FIRST) * BS, 8 * BS);
                n += 8 * BS;
            }
            st = zx_channel_write(ch, 0, msg, n, NULL, 0);
        }
        if (st != ZX_OK) return 15;
    }
    if (strcmp(mode, "wait") == 0) {
        uint8_t b = 1;
        zx_channel_write(ctl, 0, &b, 1, NULL, 0);
        zx_nanosleep(ZX_TIME_INFINITE);
    }
    return 0;  // exit with everything in flight
}

// mode "exit": the victim exits with its requests in flight; "wait": it is
// killed with them in flight; "early": it queues them and exits before the
// test hands its connection to the driver, so that every one is canceled.
static void run_victim(const char *mode) {
    zxrv_blk_info_t before, after;
    ASSERT_OK(zxrv_blk_info(drv_ch, &before));
    bool early = strcmp(mode, "early") == 0;
    // A second connection for the victim.
    zx_handle_t mine, theirs;
    ASSERT_OK(zx_channel_create(0, &mine, &theirs));
    zxrv_blk_req_t rq = {.op = ZXRV_BLK_OP_CONNECT};
    if (!early) ASSERT_OK(raw_call(&rq, sizeof rq, &theirs, 1));
    zx_handle_t ctl, ctl_child;
    ASSERT_OK(zx_channel_create(0, &ctl, &ctl_child));
    size_t len;
    void *elf = zxrv_load_program("blk-test", &len);
    ASSERT_TRUE(elf != NULL);
    const char *argv[] = {"blk-test", "victim", early ? "exit" : mode};
    const uint32_t tags[] = {ZXRV_BLK_PA_CHANNEL, PA_HND(PA_USER0, 1)};
    zx_handle_t hs[] = {mine, ctl_child};
    zx_handle_t proc;
    zx_status_t st = zxrv_launch(zx_job_default(), "blk-victim", elf, len, 3, argv, tags, hs, 2, &proc);
    free(elf);
    ASSERT_OK(st);
    if (strcmp(mode, "wait") == 0) {
        zx_signals_t got = 0;
        ASSERT_OK(zx_object_wait_one(ctl, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &got));
        ASSERT_TRUE(got & ZX_CHANNEL_READABLE);
        ASSERT_OK(zx_task_kill(proc));
        ASSERT_OK(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL));
    } else {
        EXPECT_EQ(zxrv_wait_exit(proc), 0);
    }
    zx_handle_close(proc);
    zx_handle_close(ctl);
    if (early) ASSERT_OK(raw_call(&rq, sizeof rq, &theirs, 1));  // VICTIM_REQUESTS messages, and no peer
    // The driver settles: the victim's requests all completed or canceled, its
    // connection gone.
    for (int i = 0; i < 2000; i++) {
        ASSERT_OK(zxrv_blk_info(drv_ch, &after));
        if (after.in_flight == 0 && after.clients == 1) break;
        zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
    }
    EXPECT_EQ(after.in_flight, 0);
    EXPECT_EQ(after.clients, 1);
    uint64_t done = after.completed - before.completed, canceled = after.canceled - before.canceled;
    EXPECT_EQ(after.requests - before.requests, done);
    EXPECT_EQ(done + canceled, VICTIM_REQUESTS);
    EXPECT_EQ(after.errors, before.errors);
    if (early) EXPECT_EQ(canceled, VICTIM_REQUESTS);
    printf("blk-test: victim (%s): %" PRIu64 " requests completed, %" PRIu64 " canceled\n", mode, done, canceled);
    // Each victim block is as it was or as the victim wrote it; the rest is intact.
    static uint8_t buf[ZXRV_BLK_MAX_INLINE_BLOCKS * BS];
    for (uint32_t b = VICTIM_FIRST; b < VICTIM_END; b += ZXRV_BLK_MAX_INLINE_BLOCKS) {
        ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, b, ZXRV_BLK_MAX_INLINE_BLOCKS, buf));
        for (uint32_t k = 0; k < ZXRV_BLK_MAX_INLINE_BLOCKS; k++)
            EXPECT_TRUE(is_pattern(buf + k * BS, BLK_ORIG, b + k) || is_pattern(buf + k * BS, BLK_VICTIM, b + k));
    }
    ASSERT_OK(rw_inline(ZXRV_BLK_OP_READ, 0, 4, buf));
    EXPECT_EQ(mismatch(buf, BLK_ORIG, 0, 4), -1);
}

TEST_CASE(client_exits_with_requests_in_flight) { run_victim("exit"); }

TEST_CASE(client_killed_with_requests_in_flight) { run_victim("wait"); }

TEST_CASE(client_gone_before_its_requests_are_read) { run_victim("early"); }

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "victim") == 0) return victim(argv[2]);
    zx_status_t st = zxrv_blk_start(zx_job_default(), zxrv_root_resource(), zxrv_bootfs_vmo(), "virtio-blk", 0, NULL,
                                    &drv_ch, &drv_proc);
    if (st != ZX_OK) {
        printf("blk-test: starting virtio-blk: %d\n", st);
        return 1;
    }
    int failed = zxrv_test_main(argc, argv);
    int64_t rc = -1;
    st = zxrv_blk_stop(drv_ch, drv_proc, &rc);
    printf("blk-test: virtio-blk exited with %" PRId64 "\n", rc);
    if (st != ZX_OK || rc != 0) failed++;
    return failed;
}
