// console-test: the console driver's protocol (<zxrv/console.h>) from a
// client's side, run from init's shell (its stdin connection is
// PA_HND(PA_FD, 0)); the shell test types the lines it asks for. Every bad
// request gets its documented error and the driver goes on serving; pending
// reads are limited; a READ whose client is gone does not eat a line; a
// clone reads like the original; Ctrl-D is end of file.
// Exit code = failed cases.
#include <stdio.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zxrv/console.h>
#include <zxrv/test.h>

#define MAX_PENDING 64  // consoled's limit (user/drivers/console/README.md)

static zx_handle_t conn(void) {
    static zx_handle_t h = ZX_HANDLE_INVALID;
    if (h == ZX_HANDLE_INVALID) h = zx_take_startup_handle(PA_HND(PA_FD, 0));
    return h;
}

struct reply {
    zxrv_console_reply_t h;
    uint8_t data[ZXRV_CONSOLE_MAX_READ];
};

// zx_channel_call with a 10 s deadline (a driver that never answers fails
// the case instead of hanging it).
static zx_status_t call(zx_handle_t ch, const void *rq, uint32_t nb, zx_handle_t *hs, uint32_t nh,
                        struct reply *rp, uint32_t *out_nb) {
    zx_channel_call_args_t args = {
        .wr_bytes = rq, .wr_handles = hs, .rd_bytes = rp, .rd_handles = NULL,
        .wr_num_bytes = nb, .wr_num_handles = nh, .rd_num_bytes = sizeof *rp, .rd_num_handles = 0,
    };
    uint32_t ah = 0;
    return zx_channel_call(ch, 0, zx_deadline_after(ZX_SEC(10)), &args, out_nb, &ah);
}

static zx_status_t status_of(zxrv_console_req_t rq, zx_handle_t *hs, uint32_t nh) {
    struct reply rp;
    uint32_t nb = 0;
    zx_status_t st = call(conn(), &rq, sizeof rq, hs, nh, &rp, &nb);
    if (st != ZX_OK) return st;
    if (nb != sizeof rp.h) return ZX_ERR_IO;
    return rp.h.status;
}

// The driver still answers: an unknown op gets ZX_ERR_NOT_SUPPORTED.
static zx_status_t alive(void) {
    return status_of((zxrv_console_req_t){0, 99, 0, 0}, NULL, 0);
}

TEST_CASE(has_stdin_connection) {
    ASSERT_TRUE(conn() != ZX_HANDLE_INVALID);
    zx_info_handle_basic_t bi;
    ASSERT_OK(zx_object_get_info(conn(), ZX_INFO_HANDLE_BASIC, &bi, sizeof bi, NULL, NULL));
    EXPECT_EQ(bi.type, ZX_OBJ_TYPE_CHANNEL);
}

TEST_CASE(read_count_checked) {
    EXPECT_STATUS(status_of((zxrv_console_req_t){0, ZXRV_CONSOLE_OP_READ, 0, 0}, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(status_of((zxrv_console_req_t){0, ZXRV_CONSOLE_OP_READ, ZXRV_CONSOLE_MAX_READ + 1, 0}, NULL, 0),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(status_of((zxrv_console_req_t){0, ZXRV_CONSOLE_OP_READ, 1, 1}, NULL, 0), ZX_ERR_INVALID_ARGS);
}

TEST_CASE(wrong_size_and_unknown_op) {
    uint8_t big[24] = {0};
    zxrv_console_req_t rq = {0, ZXRV_CONSOLE_OP_READ, 1, 0};
    memcpy(big, &rq, sizeof rq);
    struct reply rp;
    uint32_t nb = 0;
    ASSERT_OK(call(conn(), big, sizeof big, NULL, 0, &rp, &nb));
    EXPECT_EQ(nb, sizeof rp.h);
    EXPECT_STATUS(rp.h.status, ZX_ERR_INVALID_ARGS);
    ASSERT_OK(call(conn(), big, 8, NULL, 0, &rp, &nb));  // shorter than a request
    EXPECT_STATUS(rp.h.status, ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(alive(), ZX_ERR_NOT_SUPPORTED);
}

TEST_CASE(read_with_a_handle_refused) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(status_of((zxrv_console_req_t){0, ZXRV_CONSOLE_OP_READ, 4, 0}, &ev, 1), ZX_ERR_INVALID_ARGS);
}

TEST_CASE(bad_clones_ignored) {
    // No reply to CLONE: send them plainly, then check the driver answers.
    zxrv_console_req_t rq = {0, ZXRV_CONSOLE_OP_CLONE, 0, 0};
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_OK(zx_channel_write(conn(), 0, &rq, sizeof rq, &ev, 1));  // not a channel: closed
    EXPECT_OK(zx_channel_write(conn(), 0, &rq, sizeof rq, NULL, 0));  // no handle
    zx_handle_t a, b, c, d;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_channel_create(0, &c, &d));
    zx_handle_t two[2] = {b, d};
    EXPECT_OK(zx_channel_write(conn(), 0, &rq, sizeof rq, two, 2));  // two handles: both closed
    EXPECT_STATUS(alive(), ZX_ERR_NOT_SUPPORTED);
    zx_signals_t got = 0;
    EXPECT_OK(zx_object_wait_one(a, ZX_CHANNEL_PEER_CLOSED, zx_deadline_after(ZX_SEC(5)), &got));
    EXPECT_OK(zx_object_wait_one(c, ZX_CHANNEL_PEER_CLOSED, zx_deadline_after(ZX_SEC(5)), &got));
    zx_handle_close(a);
    zx_handle_close(c);
}

TEST_CASE(pending_reads_limited) {
    zx_handle_t cl;
    ASSERT_OK(zxrv_console_clone(conn(), &cl));
    zxrv_console_req_t rq = {0, ZXRV_CONSOLE_OP_READ, 16, 0};
    for (uint32_t i = 0; i < MAX_PENDING; i++) {
        rq.txid = 0x100 + i;
        EXPECT_OK(zx_channel_write(cl, 0, &rq, sizeof rq, NULL, 0));
    }
    rq.txid = 0x1000;
    EXPECT_OK(zx_channel_write(cl, 0, &rq, sizeof rq, NULL, 0));
    // Only the one over the limit is answered, at once.
    zx_signals_t got = 0;
    EXPECT_OK(zx_object_wait_one(cl, ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(10)), &got));
    struct reply rp;
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_read(cl, 0, &rp, NULL, sizeof rp, 0, &nb, &nh));
    EXPECT_EQ(rp.h.txid, 0x1000);
    EXPECT_STATUS(rp.h.status, ZX_ERR_NO_RESOURCES);
    EXPECT_STATUS(zx_channel_read(cl, 0, &rp, NULL, sizeof rp, 0, &nb, &nh), ZX_ERR_SHOULD_WAIT);
    zx_handle_close(cl);  // the 64 pending reads go with it
    EXPECT_STATUS(alive(), ZX_ERR_NOT_SUPPORTED);
}

// A READ left pending by a connection that closed: the next line goes to
// the next reader, the clone below.
TEST_CASE(clone_reads_and_dead_reader_eats_nothing) {
    zx_handle_t dead, cl;
    ASSERT_OK(zxrv_console_clone(conn(), &dead));
    zxrv_console_req_t rq = {0x77, ZXRV_CONSOLE_OP_READ, 64, 0};
    ASSERT_OK(zx_channel_write(dead, 0, &rq, sizeof rq, NULL, 0));
    EXPECT_STATUS(alive(), ZX_ERR_NOT_SUPPORTED);  // the driver has read it
    zx_handle_close(dead);
    ASSERT_OK(zxrv_console_clone(conn(), &cl));
    printf("console-test: type a line\n");
    char buf[ZXRV_CONSOLE_MAX_READ];
    size_t n = 0;
    ASSERT_OK(zxrv_console_read(cl, buf, 3, &n));  // a short read takes part of the line
    EXPECT_EQ(n, 3);
    EXPECT_TRUE(!memcmp(buf, "alp", 3));
    ASSERT_OK(zxrv_console_read(conn(), buf, sizeof buf, &n));  // the rest, through the original
    EXPECT_EQ(n, 3);
    EXPECT_TRUE(!memcmp(buf, "ha\n", 3));
    zx_handle_close(cl);
}

TEST_CASE(end_of_file) {
    printf("console-test: press Ctrl-D\n");
    char buf[16];
    size_t n = 99;
    ASSERT_OK(zxrv_console_read(conn(), buf, sizeof buf, &n));
    EXPECT_EQ(n, 0);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
