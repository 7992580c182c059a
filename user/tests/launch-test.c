// launch-test: zxrv_launch from user space, using the boot archive that
// init passes on (ZXRV_PA_BOOT_ARCHIVE): run "hello", run this program again as a
// child with arguments and a handle, and check that bad images and bad
// arguments fail without leaking kernel objects (ZXRV_INFO_KERNEL_STATS on
// the root resource) and that the caller's handles are consumed.
// Run as a child ("launch-test child VALUE") it checks what it received and
// returns VALUE plus the number read from its USER0 VMO. crt0's rejection of
// bad bootstrap messages is checked by starting "hello" by hand (start_raw).
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/bootstrap_msg.h>
#include <zxrv/elf.h>
#include <zxrv/kstats.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

static uint64_t live_objects(void) {
    zxrv_kernel_stats_t ks;
    return zxrv_kernel_stats(&ks) == ZX_OK ? ks.live_objects : UINT64_MAX;
}

// A minimal loader (zxrv_launch without the bootstrap message): starts
// `elf` with `msg` in its bootstrap channel, or with no channel at all if
// msg is NULL, and returns its exit code (INT64_MIN if it could not).
static int64_t start_raw(const void *elf, size_t len, const void *msg, uint32_t msg_len) {
    zxrv_elf_image_t img;
    zx_handle_t proc, vmar, thread = ZX_HANDLE_INVALID, ours = ZX_HANDLE_INVALID, theirs = ZX_HANDLE_INVALID;
    if (zxrv_elf_check(elf, len, ZXRV_USER_BASE, ZXRV_USER_END, &img, NULL) != ZX_OK ||
        zx_process_create(zx_job_default(), "raw", 3, 0, &proc, &vmar) != ZX_OK)
        return INT64_MIN;
    zx_status_t st = ZX_OK;
    for (uint32_t i = 0; i < img.nsegments && st == ZX_OK; i++) {
        const zxrv_elf_segment_t *s = &img.segments[i];
        uint64_t page = s->vaddr & ~4095ull, size = (s->vaddr - page + s->memsz + 4095) & ~4095ull;
        zx_handle_t vmo;
        zx_vaddr_t addr;
        st = zx_vmo_create(size, 0, &vmo);
        if (st != ZX_OK)
            break;
        st = zx_vmo_write(vmo, (const uint8_t *)elf + s->offset, s->vaddr - page, s->filesz);
#if ZXRV_HAVE_VMO_REPLACE_AS_EXECUTABLE
        if (st == ZX_OK && (s->flags & ZXRV_PF_X))
            st = zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, &vmo);
#endif
        zx_vm_option_t perm = ((s->flags & ZXRV_PF_R) ? ZX_VM_PERM_READ : 0) |
                              ((s->flags & ZXRV_PF_W) ? ZX_VM_PERM_WRITE : 0) |
                              ((s->flags & ZXRV_PF_X) ? ZX_VM_PERM_EXECUTE : 0);
        if (st == ZX_OK)
            st = zx_vmar_map(vmar, ZX_VM_SPECIFIC | perm, page - ZXRV_USER_BASE, vmo, 0, size, &addr);
        zx_handle_close(vmo);
    }
    zx_handle_t stack;
    zx_vaddr_t sp = 0;
    if (st == ZX_OK)
        st = zx_vmo_create(65536, 0, &stack);
    if (st == ZX_OK) {
        st = zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack, 0, 65536, &sp);
        sp += 65536;
        zx_handle_close(stack);
    }
    if (st == ZX_OK)
        st = zx_thread_create(proc, "raw", 3, 0, &thread);
    if (st == ZX_OK && msg != NULL) {
        st = zx_channel_create(0, &ours, &theirs);
        if (st == ZX_OK)
            st = zx_channel_write(ours, 0, msg, msg_len, NULL, 0);
        zx_handle_close(ours);
    }
    if (st == ZX_OK) {
        st = zx_process_start(proc, thread, img.entry, sp, theirs, 0);
        theirs = ZX_HANDLE_INVALID;  // consumed either way
    }
    zx_handle_close(theirs);
    zx_handle_close(thread);
    zx_handle_close(vmar);
    int64_t rc = st == ZX_OK ? zxrv_wait_exit(proc) : INT64_MIN;
    zx_handle_close(proc);
    return rc;
}

TEST_CASE(crt0_rejects_bad_bootstrap) {
    size_t len = 0;
    void *elf = zxrv_load_program("hello", &len);
    ASSERT_TRUE(elf != NULL);
    uint8_t msg[64];
    size_t mlen = 0;
    const char *argv[] = {"hello"};
    ASSERT_OK(zxrv_bootstrap_encode(msg, sizeof msg, 1, argv, NULL, 0, &mlen));
    EXPECT_EQ(start_raw(elf, len, msg, (uint32_t)mlen), 0);  // the control: a good message
    msg[0] ^= 1;                                              // bad magic
    EXPECT_EQ(start_raw(elf, len, msg, (uint32_t)mlen), -1);
    msg[0] ^= 1;
    EXPECT_EQ(start_raw(elf, len, msg, 16), -1);              // shorter than the header
    msg[12] = 1;                                              // handle_count 1, none sent
    EXPECT_EQ(start_raw(elf, len, msg, (uint32_t)mlen), -1);
    EXPECT_EQ(start_raw(elf, len, NULL, 0), -1);              // no bootstrap channel
    free(elf);
}

TEST_CASE(have_boot_archive) {
    EXPECT_TRUE(zxrv_bootfs_vmo() != ZX_HANDLE_INVALID);
    EXPECT_TRUE(zxrv_root_resource() != ZX_HANDLE_INVALID);
}

TEST_CASE(run_hello) {
    size_t len = 0;
    void *elf = zxrv_load_program("hello", &len);
    ASSERT_TRUE(elf != NULL);
    const char *argv[] = {"hello"};
    zx_handle_t proc = ZX_HANDLE_INVALID;
    ASSERT_OK(zxrv_launch(zx_job_default(), "hello", elf, len, 1, argv, NULL, NULL, 0, &proc));
    free(elf);
    EXPECT_EQ(zxrv_wait_exit(proc), 0);
    EXPECT_OK(zx_handle_close(proc));
}

TEST_CASE(child_gets_args_and_handles) {
    size_t len = 0;
    void *elf = zxrv_load_program("launch-test", &len);
    ASSERT_TRUE(elf != NULL);
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    uint32_t v = 30;
    EXPECT_OK(zx_vmo_write(vmo, &v, 0, sizeof v));
    const char *argv[] = {"launch-test", "child", "12"};
    uint32_t tags[] = {PA_HND(PA_USER0, 0)};
    zx_handle_t proc = ZX_HANDLE_INVALID;
    ASSERT_OK(zxrv_launch(zx_job_default(), "child", elf, len, 3, argv, tags, &vmo, 1, &proc));
    free(elf);
    EXPECT_EQ(zxrv_wait_exit(proc), 42);
    EXPECT_OK(zx_handle_close(proc));
    EXPECT_STATUS(zx_handle_close(vmo), ZX_ERR_BAD_HANDLE);  // it went to the child
}

TEST_CASE(bad_image_consumes_handles_and_leaks_nothing) {
    static const char junk[64] = "\177ELF not really";
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    uint64_t before = live_objects();
    uint32_t tags[] = {PA_HND(PA_USER0, 0)};
    zx_handle_t proc = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zxrv_launch(zx_job_default(), "junk", junk, sizeof junk, 0, NULL, tags, &vmo, 1, &proc),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_handle_close(vmo), ZX_ERR_BAD_HANDLE);
    EXPECT_EQ(proc, ZX_HANDLE_INVALID);
    EXPECT_TRUE(before != UINT64_MAX);
    EXPECT_EQ(live_objects(), before - 1);  // only the VMO went away
}

TEST_CASE(not_a_job) {
    size_t len = 0;
    void *elf = zxrv_load_program("hello", &len);
    ASSERT_TRUE(elf != NULL);
    uint64_t before = live_objects();
    zx_handle_t proc = ZX_HANDLE_INVALID;
    // zx_process_create fails (WRONG_TYPE or ACCESS_DENIED, by check order).
    EXPECT_NE(zxrv_launch(zx_process_self(), "x", elf, len, 0, NULL, NULL, NULL, 0, &proc), ZX_OK);
    EXPECT_EQ(live_objects(), before);
    free(elf);
}

TEST_CASE(late_failure_leaks_nothing) {
    // A handle without ZX_RIGHT_TRANSFER makes zx_channel_write fail after
    // the process, its mappings, the thread and the channel exist: all of
    // them must be gone afterwards.
    size_t len = 0;
    void *elf = zxrv_load_program("hello", &len);
    ASSERT_TRUE(elf != NULL);
    zx_handle_t vmo, no_transfer;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &no_transfer));
    uint64_t before = live_objects();
    uint32_t tags[] = {PA_HND(PA_USER0, 0)};
    zx_handle_t proc = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zxrv_launch(zx_job_default(), "x", elf, len, 0, NULL, tags, &no_transfer, 1, &proc),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_handle_close(no_transfer), ZX_ERR_BAD_HANDLE);  // consumed
    EXPECT_EQ(live_objects(), before);  // the VMO lives on through `vmo`
    EXPECT_OK(zx_handle_close(vmo));
    free(elf);
}

TEST_CASE(bad_arguments) {
    zx_handle_t proc;
    const char *argv[] = {NULL};
    char elf[8] = {0};
    EXPECT_STATUS(zxrv_launch(zx_job_default(), NULL, elf, sizeof elf, 0, NULL, NULL, NULL, 0, &proc),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zxrv_launch(zx_job_default(), "x", elf, sizeof elf, 1, argv, NULL, NULL, 0, &proc),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zxrv_launch(zx_job_default(), "x", elf, sizeof elf, -1, NULL, NULL, NULL, 0, &proc),
                  ZX_ERR_INVALID_ARGS);
    zx_handle_t invalid = ZX_HANDLE_INVALID;
    uint32_t tag = PA_HND(PA_USER0, 0);
    EXPECT_STATUS(zxrv_launch(zx_job_default(), "x", elf, sizeof elf, 0, NULL, &tag, &invalid, 1, &proc),
                  ZX_ERR_BAD_HANDLE);
}

// The child side of child_gets_args_and_handles.
static int child(int argc, char **argv) {
    if (argc != 3 || strcmp(argv[0], "launch-test") != 0)
        return 1;
    zx_handle_t vmo = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    uint32_t v = 0;
    if (zx_vmo_read(vmo, &v, 0, sizeof v) != ZX_OK)
        return 2;
    if (zx_process_self() == ZX_HANDLE_INVALID || zx_vmar_root_self() == ZX_HANDLE_INVALID ||
        zx_thread_self() == ZX_HANDLE_INVALID)
        return 3;
    return atoi(argv[2]) + (int)v;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "child") == 0)
        return child(argc, argv);
    return zxrv_test_main(argc, argv);
}
