// Conformance: tasks. Zircon's Threads family (zircon/system/utest/core/threads/threads.cc,
// misttech/mist-os @088a80b), the cases that need neither suspend, exceptions, register state,
// task runtimes nor thread stats; Zircon's JobTest family (zircon/system/utest/core/job/jobs.cc, gnoliyil/fuchsia
// @2108ece), the cases that need neither critical processes, timer slack, OOM properties nor task
// runtimes, in C against our own headers, one case per Zircon case name; then checks of our own
// for the task signals, zx_object_get_child and the info topics (ZX_INFO_JOB_CHILDREN,
// ZX_INFO_JOB_PROCESSES, ZX_INFO_PROCESS_THREADS, ZX_INFO_HANDLE_COUNT, ZX_INFO_THREAD), each
// against the rule in Zircon's kernel sources (lib/syscalls/object.cc, object/job_dispatcher.cc,
// misttech/mist-os) that its comment names.
//
// Zircon's mini-process (a tiny process that blocks in the kernel) is our `child sleep` program,
// started with zxrv_launch from the boot archive; it gives no thread handle, so the cases that
// only close that handle do not have it. KillJobChain collects the signals of the five jobs with
// zx_object_wait_many in Zircon; here the top job is waited for with zx_object_wait_one and the
// others are read right after (they die bottom up, so all are dead by then).
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>
#include <zircon/threads.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

// Zircon's kernel-only signal (job_dispatcher.h): declared by jobs.cc itself, "to allow it to be
// tested"; __ZX_OBJECT_SIGNAL_6.
#define ZX_JOB_NO_CHILDREN ((zx_signals_t)1u << 6)
#define ALL_EMPTY (ZX_JOB_NO_PROCESSES | ZX_JOB_NO_JOBS | ZX_JOB_NO_CHILDREN)

static const char kProcessName[] = "job-test-p";

static void *child_elf;
static size_t child_len;

// start_mini_process: a process in `job` blocked in the kernel (`child sleep`).
static zx_status_t start_mini_process(zx_handle_t job, zx_handle_t *process) {
    const char *argv[] = {"child", "sleep"};
    return zxrv_launch(job, "child", child_elf, child_len, 2, argv, NULL, NULL, 0, process);
}

// GetActiveSignals.
static zx_signals_t active_signals(zx_handle_t object) {
    zx_signals_t observed = 0;
    EXPECT_STATUS(zx_object_wait_one(object, 0, ZX_TIME_INFINITE_PAST, &observed), ZX_ERR_TIMED_OUT);
    return observed;
}

static zx_info_job_t job_info(zx_handle_t job) {
    zx_info_job_t info;
    memset(&info, 0xff, sizeof(info));
    EXPECT_OK(zx_object_get_info(job, ZX_INFO_JOB, &info, sizeof(info), NULL, NULL));
    return info;
}

// ---- JobTest ----

TEST_CASE(BasicTest) {
    zx_handle_t job_parent = zx_job_default();
    ASSERT_TRUE(job_parent != ZX_HANDLE_INVALID);
    zx_handle_t job_child, job_grandchild;
    ASSERT_OK(zx_job_create(job_parent, 0, &job_child));
    ASSERT_OK(zx_job_create(job_child, 0, &job_grandchild));
    zx_info_job_t info = job_info(job_child);
    EXPECT_EQ(info.exited, false);
    EXPECT_EQ(info.return_code, 0);
    EXPECT_OK(zx_handle_close(job_child));
    EXPECT_OK(zx_handle_close(job_grandchild));
    zx_handle_t job_fail;
    EXPECT_STATUS(zx_job_create(ZX_HANDLE_INVALID, 0, &job_fail), ZX_ERR_BAD_HANDLE);
}

TEST_CASE(CreateTest) {
    zx_handle_t job_parent = zx_job_default();
    zx_handle_t job_child;
    ASSERT_OK(zx_job_create(job_parent, 0, &job_child));
    zx_handle_t process1, vmar1, process2, vmar2;
    ASSERT_OK(zx_process_create(job_parent, kProcessName, sizeof(kProcessName), 0, &process1, &vmar1));
    ASSERT_OK(zx_process_create(job_child, kProcessName, sizeof(kProcessName), 0, &process2, &vmar2));
    EXPECT_OK(zx_handle_close(job_child));
    EXPECT_OK(zx_handle_close(process1));
    EXPECT_OK(zx_handle_close(process2));
    EXPECT_OK(zx_handle_close(vmar1));
    EXPECT_OK(zx_handle_close(vmar2));
}

// JobSignals: NO_{JOBS,PROCESSES,CHILDREN} follow the job's children.
TEST_CASE(JobSignals) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_EQ(active_signals(job), ALL_EMPTY);
    zx_handle_t child_process, vmar;
    ASSERT_OK(zx_process_create(job, kProcessName, sizeof(kProcessName), 0, &child_process, &vmar));
    EXPECT_EQ(active_signals(job), ZX_JOB_NO_JOBS);
    zx_handle_t child_job;
    ASSERT_OK(zx_job_create(job, 0, &child_job));
    EXPECT_EQ(active_signals(job), 0);
    EXPECT_OK(zx_handle_close(child_process));
    EXPECT_EQ(active_signals(job), ZX_JOB_NO_PROCESSES);
    EXPECT_OK(zx_handle_close(child_job));
    EXPECT_EQ(active_signals(job), ALL_EMPTY);
    EXPECT_OK(zx_handle_close(vmar));
    EXPECT_OK(zx_handle_close(job));
}

TEST_CASE(CreateMissingRightsTest) {
    zx_rights_t rights = ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_WRITE & ~ZX_RIGHT_MANAGE_JOB;
    zx_handle_t job_parent;
    ASSERT_OK(zx_handle_duplicate(zx_job_default(), rights, &job_parent));
    zx_handle_t job_child;
    EXPECT_STATUS(zx_job_create(job_parent, 0, &job_child), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(job_parent));
}

TEST_CASE(PolicyInvalidTopicTest) {
    zx_handle_t job_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_child));
    const uint32_t invalid_topic = 2u;
    const uint32_t some_policy = 0;
    EXPECT_STATUS(zx_job_set_policy(job_child, ZX_JOB_POL_RELATIVE, invalid_topic, &some_policy, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(job_child));
}

TEST_CASE(PolicyBasicOverrideDenyTest) {
    zx_handle_t job_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_child));
    zx_policy_basic_v2_t policy[] = {
        {ZX_POL_BAD_HANDLE, ZX_POL_ACTION_KILL, ZX_POL_OVERRIDE_DENY},
        {ZX_POL_NEW_CHANNEL, ZX_POL_ACTION_ALLOW_EXCEPTION, ZX_POL_OVERRIDE_DENY},
        {ZX_POL_NEW_FIFO, ZX_POL_ACTION_DENY, ZX_POL_OVERRIDE_DENY},
    };
    EXPECT_OK(zx_job_set_policy(job_child, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, policy, 3));
    EXPECT_OK(zx_job_set_policy(job_child, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, policy, 3));
    policy[0].action = ZX_POL_ACTION_ALLOW;
    EXPECT_STATUS(zx_job_set_policy(job_child, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, policy, 3),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_OK(zx_handle_close(job_child));
}

TEST_CASE(PolicyBasicOverrideAllowTest) {
    zx_handle_t job_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_child));
    zx_policy_basic_v2_t policy[] = {
        {ZX_POL_BAD_HANDLE, ZX_POL_ACTION_KILL, ZX_POL_OVERRIDE_ALLOW},
        {ZX_POL_NEW_CHANNEL, ZX_POL_ACTION_ALLOW_EXCEPTION, ZX_POL_OVERRIDE_ALLOW},
        {ZX_POL_NEW_FIFO, ZX_POL_ACTION_DENY, ZX_POL_OVERRIDE_ALLOW},
    };
    EXPECT_OK(zx_job_set_policy(job_child, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, policy, 3));
    policy[0].action = ZX_POL_ACTION_ALLOW;
    EXPECT_OK(zx_job_set_policy(job_child, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, policy, 3));
    EXPECT_OK(zx_handle_close(job_child));
}

// KillTest: killing a job kills its process and grandchild job; both jobs report exited with
// ZX_TASK_RETCODE_SYSCALL_KILL and the killed job refuses new children.
TEST_CASE(KillTest) {
    zx_handle_t job_child, job_grandchild, process;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_child));
    ASSERT_OK(zx_job_create(job_child, 0, &job_grandchild));
    ASSERT_OK(start_mini_process(job_child, &process));
    EXPECT_OK(zx_task_kill(job_child));
    zx_signals_t signals = 0;
    EXPECT_OK(zx_object_wait_one(process, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &signals));
    EXPECT_EQ(signals, ZX_TASK_TERMINATED);
    EXPECT_OK(zx_object_wait_one(job_child, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &signals));
    EXPECT_EQ(signals, ZX_TASK_TERMINATED | ALL_EMPTY);
    zx_info_job_t info = job_info(job_child);
    EXPECT_EQ(info.exited, true);
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
    info = job_info(job_grandchild);
    EXPECT_EQ(info.exited, true);
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
    zx_info_process_t proc_info;
    memset(&proc_info, 0, sizeof(proc_info));
    EXPECT_OK(zx_object_get_info(process, ZX_INFO_PROCESS, &proc_info, sizeof(proc_info), NULL, NULL));
    EXPECT_TRUE(proc_info.flags & ZX_INFO_PROCESS_FLAG_EXITED);
    EXPECT_EQ(proc_info.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
    zx_handle_t job_grandchild_2;
    EXPECT_STATUS(zx_job_create(job_child, 0, &job_grandchild_2), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_handle_close(process));
    EXPECT_STATUS(start_mini_process(job_child, &process), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_handle_close(job_child));
    EXPECT_OK(zx_handle_close(job_grandchild));
}

TEST_CASE(KillJobNoChildTest) {
    zx_handle_t job_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_child));
    EXPECT_OK(zx_task_kill(job_child));
    zx_handle_t job_grandchild;
    EXPECT_STATUS(zx_job_create(job_child, 0, &job_grandchild), ZX_ERR_BAD_STATE);
    zx_handle_t process;
    EXPECT_STATUS(start_mini_process(job_child, &process), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_handle_close(job_child));
}

static void expect_job_children(zx_handle_t parent, size_t want, zx_koid_t koid) {
    zx_koid_t children_koids[1] = {ZX_KOID_INVALID};
    size_t num_children = 99;
    EXPECT_OK(zx_object_get_info(parent, ZX_INFO_JOB_CHILDREN, children_koids, sizeof(children_koids), NULL,
                                 &num_children));
    EXPECT_EQ(num_children, want);
    if (want) EXPECT_EQ(children_koids[0], koid);
}

// KillJobRemovesFromTree: a killed job leaves its parent's ZX_INFO_JOB_CHILDREN.
TEST_CASE(KillJobRemovesFromTree) {
    zx_handle_t job_parent, job_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_parent));
    ASSERT_OK(zx_job_create(job_parent, 0, &job_child));
    expect_job_children(job_parent, 1, zxrv_koid_of(job_child));
    EXPECT_OK(zx_task_kill(job_child));
    EXPECT_OK(zx_object_wait_one(job_child, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, NULL));
    expect_job_children(job_parent, 0, 0);
    EXPECT_OK(zx_handle_close(job_parent));
    EXPECT_OK(zx_handle_close(job_child));
}

// CloseJobRemovesFromTree: so does a job whose last handle is closed while it has no children.
TEST_CASE(CloseJobRemovesFromTree) {
    zx_handle_t job_parent, job_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_parent));
    ASSERT_OK(zx_job_create(job_parent, 0, &job_child));
    expect_job_children(job_parent, 1, zxrv_koid_of(job_child));
    EXPECT_OK(zx_handle_close(job_child));
    expect_job_children(job_parent, 0, 0);
    EXPECT_OK(zx_handle_close(job_parent));
}

// KillJobChain: a chain of five jobs, each with a process, killed from the top, dies bottom up.
TEST_CASE(KillJobChain) {
    zx_handle_t jobs[5];
    zx_handle_t parent = zx_job_default();
    for (int i = 0; i < 5; i++) {
        ASSERT_OK(zx_job_create(parent, 0, &jobs[i]));
        parent = jobs[i];
        zx_handle_t process;
        ASSERT_OK(start_mini_process(jobs[i], &process));
        EXPECT_OK(zx_handle_close(process));
    }
    EXPECT_OK(zx_task_kill(jobs[0]));
    zx_signals_t pending[5] = {0};
    EXPECT_OK(zx_object_wait_one(jobs[0], ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &pending[0]));
    for (int i = 1; i < 5; i++) zx_object_wait_one(jobs[i], 0, ZX_TIME_INFINITE_PAST, &pending[i]);
    for (int i = 0; i < 5; i++) EXPECT_EQ(pending[i], ZX_TASK_TERMINATED | ALL_EMPTY);
    EXPECT_OK(zx_handle_close_many(jobs, 5));
}

// WaitTest: NO_JOBS is asserted with a process running, NO_PROCESSES once it is killed.
TEST_CASE(WaitTest) {
    zx_handle_t job_child, process;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job_child));
    ASSERT_OK(start_mini_process(job_child, &process));
    zx_signals_t signals = 0;
    EXPECT_OK(zx_object_wait_one(job_child, ZX_JOB_NO_JOBS, ZX_TIME_INFINITE, &signals));
    EXPECT_EQ(signals, ZX_JOB_NO_JOBS);
    zx_nanosleep(zx_deadline_after(5 * 1000000ll));
    EXPECT_OK(zx_task_kill(process));
    EXPECT_OK(zx_object_wait_one(job_child, ZX_JOB_NO_PROCESSES, ZX_TIME_INFINITE, &signals));
    EXPECT_EQ(signals, ALL_EMPTY);
    EXPECT_OK(zx_handle_close(process));
    EXPECT_OK(zx_handle_close(job_child));
}

// MaxHeightSmoke: jobs nest at most 32 deep below the root (kRootJobMaxHeight); a process can
// still be created at the bottom.
TEST_CASE(MaxHeightSmoke) {
    zx_handle_t parent_job = zx_job_default();
    enum { kNumJobs = 128 };
    zx_handle_t handles[kNumJobs];
    int top = 0;
    for (;;) {
        zx_handle_t child_job;
        if (zx_job_create(parent_job, 0, &child_job) != ZX_OK) break;
        if (top >= kNumJobs) {
            EXPECT_TRUE(!"should have seen the max job height");
            zx_handle_close(child_job);
            break;
        }
        handles[top++] = child_job;
        parent_job = child_job;
    }
    zx_handle_t child_job;
    EXPECT_STATUS(zx_job_create(parent_job, 0, &child_job), ZX_ERR_OUT_OF_RANGE);
    zx_handle_t child_proc, vmar;
    EXPECT_OK(zx_process_create(parent_job, "test", sizeof("test"), 0, &child_proc, &vmar));
    zx_handle_close(vmar);
    zx_handle_close(child_proc);
    while (top > 0) EXPECT_OK(zx_handle_close(handles[--top]));
}

// ---- Threads ----
// Zircon's zxr_thread (its runtime's raw threads) is C11's thrd_t here, and zxr_thread_create
// without a start is zx_thread_create.

static int sleep_fn(void *arg) {
    zx_nanosleep((zx_time_t)(uintptr_t)arg);
    return 0;
}

// Basics: a thread that sleeps 100 ms terminates and is joined.
TEST_CASE(Basics) {
    thrd_t thread;
    ASSERT_EQ(thrd_create(&thread, sleep_fn, (void *)(uintptr_t)zx_deadline_after(100 * 1000000ll)), thrd_success);
    zx_handle_t thread_h;
    ASSERT_OK(zx_handle_duplicate(thrd_get_zx_handle(thread), ZX_RIGHT_SAME_RIGHTS, &thread_h));
    EXPECT_NE(thrd_get_zx_handle(thread), ZX_HANDLE_INVALID);
    EXPECT_OK(zx_object_wait_one(thread_h, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL));
    EXPECT_EQ(thrd_join(thread, NULL), thrd_success);
    EXPECT_OK(zx_handle_close(thread_h));
}

// InvalidRights: a process handle without MANAGE_THREAD cannot create threads.
TEST_CASE(InvalidRights) {
    zx_handle_t ro_process_h, thread;
    ASSERT_OK(zx_handle_duplicate(zx_process_self(), ZX_RIGHT_DESTROY, &ro_process_h));
    EXPECT_STATUS(zx_thread_create(ro_process_h, "test_thread", 11, 0, &thread), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(ro_process_h));
}

TEST_CASE(EmptyNameSucceeds) {
    zx_handle_t thread;
    ASSERT_OK(zx_thread_create(zx_process_self(), "", 0, 0, &thread));
    static char thread_name[ZX_MAX_NAME_LEN];
    EXPECT_OK(zx_object_get_property(thread, ZX_PROP_NAME, thread_name, ZX_MAX_NAME_LEN));
    EXPECT_EQ(strcmp(thread_name, ""), 0);
    EXPECT_OK(zx_handle_close(thread));
}

// LongNameSucceeds: a name longer than ZX_MAX_NAME_LEN - 1 is truncated.
TEST_CASE(LongNameSucceeds) {
    static const char long_name[] =
        "0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789";
    EXPECT_TRUE(strlen(long_name) > ZX_MAX_NAME_LEN - 1);
    zx_handle_t thread;
    ASSERT_OK(zx_thread_create(zx_process_self(), long_name, strlen(long_name), 0, &thread));
    static char thread_name[ZX_MAX_NAME_LEN];
    EXPECT_OK(zx_object_get_property(thread, ZX_PROP_NAME, thread_name, ZX_MAX_NAME_LEN));
    EXPECT_EQ(strncmp(thread_name, long_name, ZX_MAX_NAME_LEN - 1), 0);
    EXPECT_OK(zx_handle_close(thread));
}

// NonstartedThread: a thread never started can be closed.
TEST_CASE(NonstartedThread) {
    zx_handle_t thread;
    ASSERT_OK(zx_thread_create(zx_process_self(), "thread", 5, 0, &thread));
    EXPECT_OK(zx_handle_close(thread));
}

// GetAffinity: a new thread may run on CPUs 0 .. N-1, N > 0.
TEST_CASE(GetAffinity) {
    zx_handle_t thread_h;
    ASSERT_OK(zx_thread_create(zx_process_self(), "affinity", 8, 0, &thread_h));
    zx_info_thread_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(thread_h, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL));
    int num_cpus = 0;
    for (int i = 0; i < ZX_CPU_SET_MAX_CPUS; i++)
        num_cpus += (int)((info.cpu_affinity_mask.mask[i / ZX_CPU_SET_BITS_PER_WORD] >> (i % ZX_CPU_SET_BITS_PER_WORD)) & 1);
    EXPECT_TRUE(num_cpus > 0);
    for (int i = 0; i < ZX_CPU_SET_MAX_CPUS; i++) {
        bool set = (info.cpu_affinity_mask.mask[i / ZX_CPU_SET_BITS_PER_WORD] >> (i % ZX_CPU_SET_BITS_PER_WORD)) & 1;
        EXPECT_EQ(set, i < num_cpus);
    }
    EXPECT_OK(zx_handle_close(thread_h));
}

// ---- Our own checks ----

// The thread helpers: a thread that sleeps until told to stop.
struct sleeper {
    _Atomic int stop;
};

static int sleeper_main(void *arg) {
    struct sleeper *s = arg;
    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) zx_nanosleep(zx_deadline_after(1000000));
    return 0;
}

static zx_thread_state_t state_of(zx_handle_t thread) {
    zx_info_thread_t info;
    memset(&info, 0xff, sizeof(info));
    EXPECT_OK(zx_object_get_info(thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.wait_exception_channel_type, 0);
    EXPECT_TRUE(info.cpu_affinity_mask.mask[0] & 1);  // hart 0 at least
    return info.state;
}

// Thread signals and states (thread_dispatcher.cc): a new thread is NEW with no signal; started,
// ZX_THREAD_RUNNING and state RUNNING or BLOCKED_SLEEPING (in zx_nanosleep); after it exits,
// ZX_THREAD_TERMINATED without RUNNING, state DEAD.
TEST_CASE(ThreadSignalsAndStates) {
    zx_handle_t thread;
    ASSERT_OK(zx_thread_create(zx_process_self(), "t", 1, 0, &thread));
    EXPECT_EQ(active_signals(thread), 0);
    EXPECT_EQ(state_of(thread), ZX_THREAD_STATE_NEW);
    EXPECT_OK(zx_handle_close(thread));

    struct sleeper s = {0};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, sleeper_main, &s), thrd_success);
    zx_handle_t h;
    ASSERT_OK(zx_handle_duplicate(thrd_get_zx_handle(t), ZX_RIGHT_SAME_RIGHTS, &h));
    EXPECT_OK(zx_object_wait_one(h, ZX_THREAD_RUNNING, ZX_TIME_INFINITE, NULL));
    zx_thread_state_t st = ZX_THREAD_STATE_NEW;
    for (int i = 0; i < 10000 && st != ZX_THREAD_STATE_BLOCKED_SLEEPING; i++) {
        st = state_of(h);
        EXPECT_TRUE(st == ZX_THREAD_STATE_RUNNING || st == ZX_THREAD_STATE_BLOCKED_SLEEPING);
        if (st != ZX_THREAD_STATE_BLOCKED_SLEEPING) zx_nanosleep(zx_deadline_after(100000));
    }
    EXPECT_EQ(st, ZX_THREAD_STATE_BLOCKED_SLEEPING);
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
    zx_signals_t seen = 0;
    EXPECT_OK(zx_object_wait_one(h, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &seen));
    EXPECT_EQ(seen, ZX_THREAD_TERMINATED);
    EXPECT_EQ(state_of(h), ZX_THREAD_STATE_DEAD);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_OK(zx_handle_close(h));
}

// ZX_PROCESS_TERMINATED (process_dispatcher.cc): asserted once the process is dead, alone.
TEST_CASE(ProcessTerminatedSignal) {
    zx_handle_t process;
    ASSERT_OK(start_mini_process(zx_job_default(), &process));
    EXPECT_EQ(active_signals(process) & ZX_PROCESS_TERMINATED, 0);
    EXPECT_OK(zx_task_kill(process));
    zx_signals_t seen = 0;
    EXPECT_OK(zx_object_wait_one(process, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, &seen));
    EXPECT_EQ(seen, ZX_PROCESS_TERMINATED);
    EXPECT_OK(zx_handle_close(process));
}

// ZX_INFO_JOB_CHILDREN / ZX_INFO_JOB_PROCESSES (object.cc): arrays of koids, oldest first; a
// buffer too small still gives ZX_OK with actual < avail; ENUMERATE needed; WRONG_TYPE on a
// process.
TEST_CASE(JobChildrenAndProcessesInfo) {
    zx_handle_t job, j1, j2, p1, v1, p2, v2;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_job_create(job, 0, &j1));
    ASSERT_OK(zx_job_create(job, 0, &j2));
    ASSERT_OK(zx_process_create(job, "p1", 2, 0, &p1, &v1));
    ASSERT_OK(zx_process_create(job, "p2", 2, 0, &p2, &v2));
    zx_koid_t koids[4] = {0};
    size_t actual = 99, avail = 99;
    EXPECT_OK(zx_object_get_info(job, ZX_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual, &avail));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(avail, 2);
    EXPECT_EQ(koids[0], zxrv_koid_of(j1));
    EXPECT_EQ(koids[1], zxrv_koid_of(j2));
    EXPECT_OK(zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual, &avail));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(avail, 2);
    EXPECT_EQ(koids[0], zxrv_koid_of(p1));
    EXPECT_EQ(koids[1], zxrv_koid_of(p2));
    // One slot: ZX_OK, actual 1, avail 2.
    memset(koids, 0, sizeof(koids));
    EXPECT_OK(zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof(zx_koid_t), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 2);
    EXPECT_EQ(koids[0], zxrv_koid_of(p1));
    EXPECT_EQ(koids[1], 0);
    // No buffer: just the count.
    EXPECT_OK(zx_object_get_info(job, ZX_INFO_JOB_CHILDREN, NULL, 0, &actual, &avail));
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 2);
    EXPECT_STATUS(zx_object_get_info(p1, ZX_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual, &avail),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_t no_enum;
    ASSERT_OK(zx_handle_duplicate(job, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_ENUMERATE, &no_enum));
    EXPECT_STATUS(zx_object_get_info(no_enum, ZX_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual, &avail),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(no_enum));
    // A closed (never started) process leaves the list.
    EXPECT_OK(zx_handle_close(p1));
    EXPECT_OK(zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual, &avail));
    EXPECT_EQ(avail, 1);
    EXPECT_EQ(koids[0], zxrv_koid_of(p2));
    zx_handle_t close[] = {j1, j2, p2, v1, v2, job};
    EXPECT_OK(zx_handle_close_many(close, 6));
}

// ZX_INFO_PROCESS_THREADS (object.cc): the koids of the process's threads, new ones included,
// oldest first; ZX_OK with actual < avail when the buffer is short.
TEST_CASE(ProcessThreadsInfo) {
    zx_handle_t process, vmar, t1, t2;
    ASSERT_OK(zx_process_create(zx_job_default(), "pt", 2, 0, &process, &vmar));
    size_t actual = 99, avail = 99;
    zx_koid_t koids[3] = {0};
    EXPECT_OK(zx_object_get_info(process, ZX_INFO_PROCESS_THREADS, koids, sizeof(koids), &actual, &avail));
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 0);
    ASSERT_OK(zx_thread_create(process, "t1", 2, 0, &t1));
    ASSERT_OK(zx_thread_create(process, "t2", 2, 0, &t2));
    EXPECT_OK(zx_object_get_info(process, ZX_INFO_PROCESS_THREADS, koids, sizeof(koids), &actual, &avail));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(avail, 2);
    EXPECT_EQ(koids[0], zxrv_koid_of(t1));
    EXPECT_EQ(koids[1], zxrv_koid_of(t2));
    EXPECT_OK(zx_object_get_info(process, ZX_INFO_PROCESS_THREADS, koids, sizeof(zx_koid_t), &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 2);
    // Our own process has at least this thread.
    EXPECT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_THREADS, koids, sizeof(koids), &actual,
                                 &avail));
    EXPECT_TRUE(avail >= 1);
    zx_handle_t close[] = {t1, t2, process, vmar};
    EXPECT_OK(zx_handle_close_many(close, 4));
}

// zx_object_get_child (object.cc): job -> child job or process, process -> thread, by koid;
// ENUMERATE needed on the parent; SAME_RIGHTS gives the parent handle's rights, other rights
// must be a subset of them; NOT_FOUND for any other koid; WRONG_TYPE on other objects.
TEST_CASE(GetChild) {
    zx_handle_t job, cj, p, v, t;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_job_create(job, 0, &cj));
    ASSERT_OK(zx_process_create(job, "gc", 2, 0, &p, &v));
    ASSERT_OK(zx_thread_create(p, "gt", 2, 0, &t));
    zx_handle_t h = ZX_HANDLE_INVALID;
    EXPECT_OK(zx_object_get_child(job, zxrv_koid_of(cj), ZX_RIGHT_SAME_RIGHTS, &h));
    EXPECT_EQ(zxrv_koid_of(h), zxrv_koid_of(cj));
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rights, ZX_DEFAULT_JOB_RIGHTS);  // the parent handle's
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_JOB);
    EXPECT_OK(zx_handle_close(h));
    EXPECT_OK(zx_object_get_child(job, zxrv_koid_of(p), ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, &h));
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.koid, zxrv_koid_of(p));
    EXPECT_EQ(info.rights, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_PROCESS);
    EXPECT_OK(zx_handle_close(h));
    EXPECT_OK(zx_object_get_child(p, zxrv_koid_of(t), ZX_RIGHT_SAME_RIGHTS, &h));
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.koid, zxrv_koid_of(t));
    EXPECT_EQ(info.rights, ZX_DEFAULT_PROCESS_RIGHTS);
    EXPECT_OK(zx_handle_close(h));
    // Not a child: a grandchild's thread through the job, the process through itself.
    EXPECT_STATUS(zx_object_get_child(job, zxrv_koid_of(t), ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_object_get_child(p, zxrv_koid_of(p), ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_object_get_child(t, zxrv_koid_of(t), ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_get_child(v, 1, ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_ACCESS_DENIED);
    // More rights than the parent handle has.
    zx_handle_t weak;
    ASSERT_OK(zx_handle_duplicate(job, ZX_RIGHT_ENUMERATE | ZX_RIGHT_WAIT, &weak));
    EXPECT_STATUS(zx_object_get_child(weak, zxrv_koid_of(cj), ZX_RIGHT_INSPECT, &h), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_get_child(weak, zxrv_koid_of(cj), ZX_RIGHT_WAIT, &h));
    EXPECT_OK(zx_handle_close(h));
    EXPECT_OK(zx_handle_close(weak));
    ASSERT_OK(zx_handle_duplicate(job, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_ENUMERATE, &weak));
    EXPECT_STATUS(zx_object_get_child(weak, zxrv_koid_of(cj), ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(weak));
    // An event has no children: WRONG_TYPE (with ENUMERATE... events lack it: ACCESS_DENIED first).
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_object_get_child(ev, 1, ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(ev));
    EXPECT_STATUS(zx_object_get_child(ZX_HANDLE_INVALID, 1, ZX_RIGHT_SAME_RIGHTS, &h), ZX_ERR_BAD_HANDLE);
    zx_handle_t close[] = {t, p, v, cj, job};
    EXPECT_OK(zx_handle_close_many(close, 5));
}

// ZX_INFO_HANDLE_COUNT (object.cc): the object's handles, in every process.
TEST_CASE(HandleCountInfo) {
    zx_handle_t ev, dup;
    ASSERT_OK(zx_event_create(0, &ev));
    zx_info_handle_count_t info = {0};
    EXPECT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.handle_count, 1);
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    EXPECT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.handle_count, 2);
    EXPECT_OK(zx_handle_close(dup));
    size_t actual = 99, avail = 99;
    EXPECT_OK(zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), &actual, &avail));
    EXPECT_EQ(info.handle_count, 1);
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_STATUS(zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &info, 2, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 1);
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_WAIT, &dup));
    EXPECT_STATUS(zx_object_get_info(dup, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_OK(zx_handle_close(ev));
}

int main(int argc, char **argv) {
    child_elf = zxrv_load_program("child", &child_len);
    if (!child_elf) return 1;
    return zxrv_test_main(argc, argv);
}
