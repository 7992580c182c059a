// channel-test: channels as the launcher and crt0 use them: bytes and
// handles, ZX_ERR_BUFFER_TOO_SMALL with the actual sizes, empty and closed
// channels, handle consumption on write. Exit code = failed cases.
#include <string.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>

TEST_CASE(bytes_roundtrip) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_OK(zx_channel_write(a, 0, "hello", 5, NULL, 0));
    char buf[16] = {0};
    uint32_t nb = 0, nh = 0;
    EXPECT_OK(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, &nh));
    EXPECT_EQ(nb, 5);
    EXPECT_EQ(nh, 0);
    EXPECT_EQ(memcmp(buf, "hello", 5), 0);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, &nh), ZX_ERR_SHOULD_WAIT);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(readable_signal) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_OK(zx_channel_write(a, 0, "x", 1, NULL, 0));
    zx_signals_t seen = 0;
    EXPECT_OK(zx_object_wait_one(b, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, &seen));
    EXPECT_TRUE((seen & ZX_CHANNEL_READABLE) != 0);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(buffer_too_small_reports_sizes_and_keeps_message) {
    zx_handle_t a, b, vmo;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_OK(zx_channel_write(a, 0, "0123456789", 10, &vmo, 1));
    char buf[16];
    zx_handle_t got = ZX_HANDLE_INVALID;
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_read(b, 0, buf, &got, 4, 1, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nb, 10);
    EXPECT_EQ(nh, 1);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, &got, sizeof buf, 0, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(zx_channel_read(b, 0, buf, &got, sizeof buf, 1, &nb, &nh));
    EXPECT_EQ(nb, 10);
    EXPECT_EQ(nh, 1);
    uint64_t size = 0;
    EXPECT_OK(zx_vmo_get_size(got, &size));  // the VMO came through
    EXPECT_EQ(size, 4096);
    EXPECT_OK(zx_handle_close(got));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(message_survives_writer_close) {
    // The launcher writes the bootstrap message and closes its end before
    // the new process reads it.
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_OK(zx_channel_write(a, 0, "late", 4, NULL, 0));
    EXPECT_OK(zx_handle_close(a));
    char buf[8];
    uint32_t nb = 0, nh = 0;
    EXPECT_OK(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, &nh));
    EXPECT_EQ(nb, 4);
    EXPECT_STATUS(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, &nh), ZX_ERR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(write_to_closed_peer_consumes_handles) {
    zx_handle_t a, b, vmo;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_OK(zx_handle_close(b));
    EXPECT_STATUS(zx_channel_write(a, 0, "x", 1, &vmo, 1), ZX_ERR_PEER_CLOSED);
    EXPECT_STATUS(zx_handle_close(vmo), ZX_ERR_BAD_HANDLE);  // consumed anyway
    EXPECT_OK(zx_handle_close(a));
}

TEST_CASE(cannot_send_own_end) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_STATUS(zx_channel_write(a, 0, NULL, 0, &a, 1), ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(zx_handle_close(b));
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
