// basic-test: the runtime itself: vDSO calls, clock, debug log, handle
// closing, the startup handles of <zircon/process.h>, libc (malloc, TLS
// errno, snprintf). Exit code = failed cases.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/test.h>

static zx_obj_type_t type_of(zx_handle_t h) {
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof info);
    if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) != ZX_OK)
        return ZX_OBJ_TYPE_NONE;
    return info.type;
}

TEST_CASE(page_size) {
    EXPECT_EQ(zx_system_get_page_size(), 4096);
}

TEST_CASE(clock_is_monotonic) {
    zx_time_t a = zx_clock_get_monotonic();
    zx_time_t b = zx_clock_get_monotonic();
    EXPECT_TRUE(a > 0);
    EXPECT_TRUE(b >= a);
}

TEST_CASE(nanosleep_in_the_past_returns) {
    EXPECT_OK(zx_nanosleep(0));
    zx_time_t before = zx_clock_get_monotonic();
    EXPECT_OK(zx_nanosleep(before + 1000000));  // 1 ms
    EXPECT_TRUE(zx_clock_get_monotonic() >= before + 1000000);
}

TEST_CASE(debug_write) {
    static const char msg[] = "basic-test: a line through zx_debug_write\n";
    EXPECT_OK(zx_debug_write(msg, sizeof msg - 1));
    EXPECT_OK(zx_debug_write(NULL, 0));
}

TEST_CASE(close_invalid_and_bogus_handles) {
    EXPECT_OK(zx_handle_close(ZX_HANDLE_INVALID));
    EXPECT_STATUS(zx_handle_close((zx_handle_t)0x7ffffff3u), ZX_ERR_BAD_HANDLE);
}

TEST_CASE(startup_handles) {
    EXPECT_EQ(type_of(zx_process_self()), ZX_OBJ_TYPE_PROCESS);
    EXPECT_EQ(type_of(zx_vmar_root_self()), ZX_OBJ_TYPE_VMAR);
    EXPECT_EQ(type_of(zx_thread_self()), ZX_OBJ_TYPE_THREAD);
    EXPECT_EQ(type_of(zx_job_default()), ZX_OBJ_TYPE_JOB);  // init passes the root job
    // The runtime keeps these; they are not in the take table.
    EXPECT_EQ(zx_take_startup_handle(PA_HND(PA_PROC_SELF, 0)), ZX_HANDLE_INVALID);
    EXPECT_EQ(zx_take_startup_handle(0xdeadu), ZX_HANDLE_INVALID);
}

TEST_CASE(take_startup_handle_once) {
    zx_handle_t r = zx_take_startup_handle(PA_HND(PA_RESOURCE, 0));  // init passes it
    EXPECT_EQ(type_of(r), ZX_OBJ_TYPE_RESOURCE);
    EXPECT_EQ(zx_take_startup_handle(PA_HND(PA_RESOURCE, 0)), ZX_HANDLE_INVALID);
    EXPECT_OK(zx_handle_close(r));
}

static __thread int tls_value = 7;  // in .tdata: the main thread's block is the image

TEST_CASE(thread_local_data) {
    EXPECT_EQ(tls_value, 7);
    tls_value++;
    EXPECT_EQ(tls_value, 8);
}

TEST_CASE(libc_works) {
    char *p = malloc(1000);
    ASSERT_TRUE(p != NULL);
    memset(p, 0x5a, 1000);
    EXPECT_EQ(p[999], 0x5a);
    free(p);
    errno = 0;
    EXPECT_TRUE(strtol("99999999999999999999999", NULL, 10) == LONG_MAX);
    EXPECT_EQ(errno, ERANGE);  // errno is thread-local: tp must be set up
    char buf[32];
    snprintf(buf, sizeof buf, "%d-%s-%llx", 42, "x", 0xabcdefull);
    EXPECT_EQ(strcmp(buf, "42-x-abcdef"), 0);
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
