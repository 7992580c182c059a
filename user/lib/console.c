// The client side of the console protocol (<zxrv/console.h>).
#include <zxrv/console.h>

#include <string.h>
#include <zircon/syscalls.h>

zx_status_t zxrv_console_read(zx_handle_t conn, void *buf, size_t cap, size_t *actual) {
    struct {
        zxrv_console_reply_t h;
        uint8_t data[ZXRV_CONSOLE_MAX_READ];
    } rp;
    if (cap > ZXRV_CONSOLE_MAX_READ) cap = ZXRV_CONSOLE_MAX_READ;
    if (cap == 0 || buf == NULL || actual == NULL) return ZX_ERR_INVALID_ARGS;
    zxrv_console_req_t rq = {0, ZXRV_CONSOLE_OP_READ, (uint32_t)cap, 0};
    zx_channel_call_args_t args = {
        .wr_bytes = &rq, .wr_handles = NULL, .rd_bytes = &rp, .rd_handles = NULL,
        .wr_num_bytes = sizeof rq, .wr_num_handles = 0,
        .rd_num_bytes = sizeof rp, .rd_num_handles = 0,
    };
    uint32_t nb = 0, nh = 0;
    zx_status_t st = zx_channel_call(conn, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
    if (st != ZX_OK) return st;
    if (nb < sizeof rp.h || nh != 0) return ZX_ERR_IO;
    if (rp.h.status != ZX_OK) return rp.h.status;
    if (rp.h.count > cap || nb != sizeof rp.h + rp.h.count) return ZX_ERR_IO;
    memcpy(buf, rp.data, rp.h.count);
    *actual = rp.h.count;
    return ZX_OK;
}

zx_status_t zxrv_console_clone(zx_handle_t conn, zx_handle_t *out) {
    zx_handle_t near, far;
    zx_status_t st = zx_channel_create(0, &near, &far);
    if (st != ZX_OK) return st;
    zxrv_console_req_t rq = {0, ZXRV_CONSOLE_OP_CLONE, 0, 0};
    st = zx_channel_write(conn, 0, &rq, sizeof rq, &far, 1);  // consumes far, even on failure
    if (st != ZX_OK) {
        zx_handle_close(near);
        return st;
    }
    *out = near;
    return ZX_OK;
}
