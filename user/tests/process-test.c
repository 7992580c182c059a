// process-test: jobs, processes and threads (create, start, exit codes,
// kill, faults, waiting) and that creating and destroying processes leaves
// the kernel's free-page and live-object counters where they were.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

static void *child_elf;
static size_t child_len;

static zx_handle_t start_child(const char *const *argv, int argc) {
    zx_handle_t proc = ZX_HANDLE_INVALID;
    if (zxrv_launch(zx_job_default(), "child", child_elf, child_len, argc, argv, NULL, NULL, 0, &proc) != ZX_OK)
        return ZX_HANDLE_INVALID;
    return proc;
}

TEST_CASE(exit_codes) {
    const int64_t codes[] = {0, 1, 42, 255, -7};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)codes[i]);
        const char *argv[] = {"child", "exit", num};
        zx_handle_t p = start_child(argv, 3);
        ASSERT_TRUE(p != ZX_HANDLE_INVALID);
        EXPECT_EQ(zxrv_wait_exit(p), codes[i]);
        zx_handle_close(p);
    }
}

TEST_CASE(crashing_child_does_not_hurt_parent) {
    const char *argv[] = {"child", "crash"};
    zx_handle_t p = start_child(argv, 2);
    ASSERT_TRUE(p != ZX_HANDLE_INVALID);
    EXPECT_EQ(zxrv_wait_exit(p), ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close(p);
    const char *argv2[] = {"child", "illegal"};
    p = start_child(argv2, 2);
    ASSERT_TRUE(p != ZX_HANDLE_INVALID);
    EXPECT_EQ(zxrv_wait_exit(p), ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close(p);
    // Still alive and well.
    zx_handle_t vmo;
    EXPECT_OK(zx_vmo_create(4096, 0, &vmo));
    zx_handle_close(vmo);
}

TEST_CASE(kill_running_and_sleeping) {
    const char *spin[] = {"child", "spin"};
    const char *sleep[] = {"child", "sleep"};
    zx_handle_t a = start_child(spin, 2), b = start_child(sleep, 2);
    ASSERT_TRUE(a != ZX_HANDLE_INVALID && b != ZX_HANDLE_INVALID);
    // Let them run a little.
    zx_nanosleep(zx_clock_get_monotonic() + 30 * 1000 * 1000);
    EXPECT_OK(zx_task_kill(a));
    EXPECT_OK(zx_task_kill(b));
    EXPECT_EQ(zxrv_wait_exit(a), ZX_TASK_RETCODE_SYSCALL_KILL);
    EXPECT_EQ(zxrv_wait_exit(b), ZX_TASK_RETCODE_SYSCALL_KILL);
    zx_info_process_t info;
    ASSERT_OK(zx_object_get_info(a, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL));
    EXPECT_TRUE(info.flags & ZX_INFO_PROCESS_FLAG_STARTED);
    EXPECT_TRUE(info.flags & ZX_INFO_PROCESS_FLAG_EXITED);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST_CASE(wait_one_timeout) {
    const char *sleep[] = {"child", "sleep"};
    zx_handle_t p = start_child(sleep, 2);
    ASSERT_TRUE(p != ZX_HANDLE_INVALID);
    zx_signals_t seen = 0xffffffff;
    zx_time_t t0 = zx_clock_get_monotonic();
    EXPECT_STATUS(zx_object_wait_one(p, ZX_PROCESS_TERMINATED, t0 + 20 * 1000 * 1000, &seen), ZX_ERR_TIMED_OUT);
    EXPECT_TRUE(zx_clock_get_monotonic() >= t0 + 20 * 1000 * 1000);
    EXPECT_EQ(seen & ZX_PROCESS_TERMINATED, 0);
    EXPECT_OK(zx_task_kill(p));
    EXPECT_OK(zx_object_wait_one(p, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, &seen));
    EXPECT_TRUE(seen & ZX_PROCESS_TERMINATED);
    zx_handle_close(p);
}

TEST_CASE(unstarted_process_info_and_death) {
    zx_handle_t proc, vmar, thread;
    ASSERT_OK(zx_process_create(zx_job_default(), "idle", 4, 0, &proc, &vmar));
    ASSERT_OK(zx_thread_create(proc, "t", 1, 0, &thread));
    zx_info_process_t info;
    ASSERT_OK(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.flags, 0);
    char name[ZX_MAX_NAME_LEN];
    ASSERT_OK(zx_object_get_property(proc, ZX_PROP_NAME, name, sizeof name));
    EXPECT_EQ(strcmp(name, "idle"), 0);
    EXPECT_STATUS(zx_process_create(zx_job_default(), "x", 1, 1, &proc, &vmar), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_task_kill(proc));
    EXPECT_OK(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL));
    zx_handle_close(thread);
    zx_handle_close(vmar);
    zx_handle_close(proc);
}

// ZX_INFO_PROCESS is version 1 of topic 3 (24-byte zx_info_process_t with the
// start time); ZX_INFO_PROCESS_V1, topic 3 itself, is the 16-byte struct of
// three bools from before RFC-0074. Each writes its own size, no more.
TEST_CASE(info_process_both_versions) {
    zx_handle_t proc, vmar;
    ASSERT_OK(zx_process_create(zx_job_default(), "idle", 4, 0, &proc, &vmar));
    zx_info_process_v1_t v1;
    memset(&v1, 0xaa, sizeof v1);
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(proc, ZX_INFO_PROCESS_V1, &v1, sizeof v1, &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_EQ(v1.started, 0);
    EXPECT_EQ(v1.exited, 0);
    EXPECT_EQ(v1.return_code, 0);
    zx_info_process_t v2;
    EXPECT_STATUS(zx_object_get_info(proc, ZX_INFO_PROCESS, &v2, sizeof v1, &actual, &avail),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 1);
    zx_handle_close(vmar);
    zx_handle_close(proc);

    const char *argv[] = {"child", "exit", "42"};
    zx_time_t before = zx_clock_get_monotonic();
    zx_handle_t p = start_child(argv, 3);
    ASSERT_TRUE(p != ZX_HANDLE_INVALID);
    zx_time_t after = zx_clock_get_monotonic();
    EXPECT_EQ(zxrv_wait_exit(p), 42);
    uint8_t buf[sizeof(zx_info_process_t)];
    memset(buf, 0xaa, sizeof buf);
    ASSERT_OK(zx_object_get_info(p, ZX_INFO_PROCESS_V1, buf, sizeof buf, NULL, NULL));
    memcpy(&v1, buf, sizeof v1);
    EXPECT_EQ(v1.return_code, 42);
    EXPECT_EQ(v1.started, 1);
    EXPECT_EQ(v1.exited, 1);
    EXPECT_EQ(v1.debugger_attached, 0);
    for (size_t i = 0; i < sizeof v1.padding1; i++) EXPECT_EQ(v1.padding1[i], 0);
    for (size_t i = sizeof v1; i < sizeof buf; i++) EXPECT_EQ(buf[i], 0xaa);
    ASSERT_OK(zx_object_get_info(p, ZX_INFO_PROCESS, &v2, sizeof v2, NULL, NULL));
    EXPECT_EQ(v2.return_code, 42);
    EXPECT_EQ(v2.flags, ZX_INFO_PROCESS_FLAG_STARTED | ZX_INFO_PROCESS_FLAG_EXITED);
    EXPECT_TRUE(v2.start_time >= before && v2.start_time <= after);
    zx_handle_close(p);
}

TEST_CASE(jobs) {
    zx_handle_t job, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_process_create(job, "in-job", 6, 0, &proc, &vmar));
    zx_info_handle_basic_t jb, pb;
    ASSERT_OK(zx_object_get_info(job, ZX_INFO_HANDLE_BASIC, &jb, sizeof jb, NULL, NULL));
    ASSERT_OK(zx_object_get_info(proc, ZX_INFO_HANDLE_BASIC, &pb, sizeof pb, NULL, NULL));
    EXPECT_EQ(jb.type, ZX_OBJ_TYPE_JOB);
    EXPECT_EQ(pb.related_koid, jb.koid);
    EXPECT_STATUS(zx_job_create(proc, 0, &job), ZX_ERR_WRONG_TYPE);
    zx_handle_close(vmar);
    zx_handle_close(proc);
    zx_handle_close(job);
}

TEST_CASE(killing_a_job_kills_its_processes) {
    zx_handle_t job, sub;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_job_create(job, 0, &sub));
    const char *spin[] = {"child", "spin"};
    const char *sleep[] = {"child", "sleep"};
    zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
    ASSERT_OK(zxrv_launch(job, "child", child_elf, child_len, 2, spin, NULL, NULL, 0, &a));
    ASSERT_OK(zxrv_launch(sub, "child", child_elf, child_len, 2, sleep, NULL, NULL, 0, &b));
    EXPECT_OK(zx_task_kill(job));
    EXPECT_EQ(zxrv_wait_exit(a), ZX_TASK_RETCODE_SYSCALL_KILL);
    EXPECT_EQ(zxrv_wait_exit(b), ZX_TASK_RETCODE_SYSCALL_KILL);
    // A killed job takes no new children.
    zx_handle_t p, v, j2;
    EXPECT_STATUS(zx_process_create(job, "late", 4, 0, &p, &v), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_job_create(sub, 0, &j2), ZX_ERR_BAD_STATE);
    zx_handle_close(a);
    zx_handle_close(b);
    zx_handle_close(sub);
    zx_handle_close(job);
}

TEST_CASE(hundred_processes_leave_no_trace) {
    zxrv_kernel_stats_t before, after;
    // Warm up once (the kernel heap keeps slab pages for reuse).
    const char *argv[] = {"child", "exit", "3"};
    zx_handle_t p = start_child(argv, 3);
    ASSERT_TRUE(p != ZX_HANDLE_INVALID);
    zxrv_wait_exit(p);
    zx_handle_close(p);
    ASSERT_OK(zxrv_kernel_stats(&before));
    for (int i = 0; i < 100; i++) {
        p = start_child(argv, 3);
        ASSERT_TRUE(p != ZX_HANDLE_INVALID);
        EXPECT_EQ(zxrv_wait_exit(p), 3);
        zx_handle_close(p);
    }
    ASSERT_OK(zxrv_kernel_stats(&after));
    EXPECT_EQ(after.live_objects, before.live_objects);
    EXPECT_EQ(after.heap_blocks, before.heap_blocks);
    // Slab pages may be cached; everything else must have come back.
    EXPECT_TRUE(after.free_pages + 8 >= before.free_pages);
}

int main(int argc, char **argv) {
    child_elf = zxrv_load_program("child", &child_len);
    if (!child_elf) {
        printf("process-test: no \"child\" in the boot archive\n");
        return 1;
    }
    return zxrv_test_main(argc, argv);
}
