// Client helpers for the block protocol (<zxrv/blk.h>,
// user/drivers/virtio-blk/README.md): starting a driver from the boot
// archive and one request at a time through zx_channel_call.
#include <zxrv/blk.h>

#include <stdlib.h>
#include <string.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zxrv/cpio.h>
#include <zxrv/launch.h>

// picolibc's memcpy goes a byte at a time; inline data moves 8 bytes at a time.
// (GCC would turn the loop back into a memcpy call without the attribute.)
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void copy_bytes(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        for (; n >= 8; n -= 8, d += 8, s += 8) *(uint64_t *)d = *(const uint64_t *)s;
    }
    while (n--) *d++ = *s++;
}

static zx_status_t vmo_reader(void *ctx, uint64_t offset, void *buf, size_t len) {
    return zx_vmo_read(*(zx_handle_t *)ctx, buf, offset, len);
}

zx_status_t zxrv_blk_start(zx_handle_t job, zx_handle_t root_resource, zx_handle_t boot_archive,
                           const char *driver, int argc, const char *const *argv, zx_handle_t *out_channel,
                           zx_handle_t *out_process) {
    if (driver == NULL || out_channel == NULL || out_process == NULL || argc < 0 || argc > 15)
        return ZX_ERR_INVALID_ARGS;
    uint64_t size;
    zx_status_t st = zx_vmo_get_size(boot_archive, &size);
    if (st != ZX_OK) return st;
    zxrv_cpio_entry_t e;
    st = zxrv_cpio_find(vmo_reader, &boot_archive, size, driver, &e, NULL);
    if (st != ZX_OK) return st;
    void *elf = malloc(e.size ? (size_t)e.size : 1);
    if (elf == NULL) return ZX_ERR_NO_MEMORY;
    st = zx_vmo_read(boot_archive, elf, e.data_offset, (size_t)e.size);
    zx_handle_t mine = ZX_HANDLE_INVALID, theirs[2] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    if (st == ZX_OK) st = zx_channel_create(0, &mine, &theirs[0]);
    if (st == ZX_OK) st = zx_handle_duplicate(root_resource, ZX_RIGHT_SAME_RIGHTS, &theirs[1]);
    if (st != ZX_OK) {
        free(elf);
        zx_handle_close(mine);
        zx_handle_close(theirs[0]);
        return st;
    }
    const char *args[16];
    args[0] = driver;
    for (int i = 0; i < argc; i++) args[1 + i] = argv[i];
    const uint32_t tags[2] = {ZXRV_BLK_PA_CHANNEL, PA_HND(PA_RESOURCE, 0)};
    st = zxrv_launch(job, driver, elf, (size_t)e.size, argc + 1, args, tags, theirs, 2, out_process);
    free(elf);
    if (st != ZX_OK) {  // the launcher consumed theirs[]
        zx_handle_close(mine);
        return st;
    }
    *out_channel = mine;
    return ZX_OK;
}

zx_status_t zxrv_blk_call(zx_handle_t ch, const zxrv_blk_req_t *req, const void *data, uint32_t data_len,
                          zx_handle_t vmo, zxrv_blk_reply_t *reply, void *out, uint32_t out_len) {
    // On the stack (17 KiB): calls from several threads do not share them.
    uint8_t wbuf[sizeof(zxrv_blk_req_t) + ZXRV_BLK_MAX_INLINE_BLOCKS * ZXRV_BLK_BLOCK_SIZE]
        __attribute__((aligned(8)));
    uint8_t rbuf[sizeof(zxrv_blk_reply_t) + ZXRV_BLK_MAX_INLINE_BLOCKS * ZXRV_BLK_BLOCK_SIZE +
                 sizeof(zxrv_blk_info_t)] __attribute__((aligned(8)));
    if (data_len > sizeof wbuf - sizeof *req || out_len > sizeof rbuf - sizeof *reply) {
        zx_handle_close(vmo);
        return ZX_ERR_INVALID_ARGS;
    }
    memcpy(wbuf, req, sizeof *req);
    if (data_len) copy_bytes(wbuf + sizeof *req, data, data_len);
    zx_channel_call_args_t args = {
        .wr_bytes = wbuf, .wr_handles = vmo != ZX_HANDLE_INVALID ? &vmo : NULL,
        .wr_num_bytes = (uint32_t)(sizeof *req + data_len), .wr_num_handles = vmo != ZX_HANDLE_INVALID ? 1u : 0u,
        .rd_bytes = rbuf, .rd_num_bytes = (uint32_t)(sizeof *reply + out_len)};
    uint32_t nb = 0, nh = 0;
    zx_status_t st = zx_channel_call(ch, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
    if (st != ZX_OK) return st;
    if (nb < sizeof *reply) return ZX_ERR_IO;
    memcpy(reply, rbuf, sizeof *reply);
    if (out_len) {
        uint32_t got = nb - (uint32_t)sizeof *reply;
        copy_bytes(out, rbuf + sizeof *reply, got < out_len ? got : out_len);
    }
    return ZX_OK;
}

zx_status_t zxrv_blk_info(zx_handle_t ch, zxrv_blk_info_t *info) {
    zxrv_blk_req_t rq = {.op = ZXRV_BLK_OP_INFO};
    zxrv_blk_reply_t rp;
    memset(info, 0, sizeof *info);
    zx_status_t st = zxrv_blk_call(ch, &rq, NULL, 0, ZX_HANDLE_INVALID, &rp, info, sizeof *info);
    return st != ZX_OK ? st : rp.status;
}

zx_status_t zxrv_blk_stop(zx_handle_t ch, zx_handle_t process, int64_t *out_retcode) {
    zx_handle_close(ch);
    zx_status_t st = zx_object_wait_one(process, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
    zx_info_process_t info;
    if (st == ZX_OK) st = zx_object_get_info(process, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL);
    if (st == ZX_OK && out_retcode) *out_retcode = info.return_code;
    zx_handle_close(process);
    return st;
}
