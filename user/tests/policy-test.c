// policy-test: job policies (zx_job_set_policy) and ZX_POL_NEW_VMO, as the
// zx_vmo_create page requires ("Caller job policy must allow ZX_POL_NEW_VMO"),
// and ZX_POL_AMBIENT_MARK_VMO_EXEC for zx_vmo_replace_as_executable without a
// VMEX resource (as Fuchsia's sys_vmo_replace_as_executable).
#include <stdio.h>
#include <stdlib.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/policy.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

static void *child_elf;
static size_t child_len;

// Run "child MODE" in `job`; returns its return code (0 or -status).
static int64_t child_status(zx_handle_t job, const char *mode) {
    const char *argv[] = {"child", mode};
    zx_handle_t p;
    if (zxrv_launch(job, "child", child_elf, child_len, 2, argv, NULL, NULL, 0, &p) != ZX_OK) return INT64_MIN;
    int64_t rc = zxrv_wait_exit(p);
    zx_handle_close(p);
    return rc;
}

static int64_t child_vmo_status(zx_handle_t job) { return child_status(job, "vmo"); }

TEST_CASE(new_vmo_deny_v1) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t pol = {ZX_POL_NEW_VMO, ZX_POL_ACTION_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1));
    EXPECT_EQ(child_vmo_status(job), -ZX_ERR_ACCESS_DENIED);
    // A job created under it inherits the policy.
    zx_handle_t sub;
    ASSERT_OK(zx_job_create(job, 0, &sub));
    EXPECT_EQ(child_vmo_status(sub), -ZX_ERR_ACCESS_DENIED);
    zx_handle_close(sub);
    zx_handle_close(job);
}

TEST_CASE(new_any_covers_new_vmo) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t pol = {ZX_POL_NEW_ANY, ZX_POL_ACTION_DENY, ZX_POL_OVERRIDE_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &pol, 1));
    EXPECT_EQ(child_vmo_status(job), -ZX_ERR_ACCESS_DENIED);
    zx_handle_close(job);
}

TEST_CASE(allowed_by_default) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_EQ(child_vmo_status(job), 0);
    zx_handle_close(job);
}

TEST_CASE(ambient_mark_vmo_exec) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_EQ(child_status(job, "exec"), 0);
    zx_handle_close(job);
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t pol = {ZX_POL_AMBIENT_MARK_VMO_EXEC, ZX_POL_ACTION_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1));
    EXPECT_EQ(child_status(job, "exec"), -ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(child_vmo_status(job), 0);  // NEW_ANY does not cover it, nor it NEW_VMO
    zx_handle_close(job);
}

TEST_CASE(kill_action) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t pol = {ZX_POL_NEW_VMO, ZX_POL_ACTION_KILL, ZX_POL_OVERRIDE_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &pol, 1));
    EXPECT_EQ(child_vmo_status(job), ZX_TASK_RETCODE_POLICY_KILL);
    zx_handle_close(job);
}

TEST_CASE(absolute_conflict_and_relative_ignore) {
    zx_handle_t job, sub;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t deny = {ZX_POL_NEW_VMO, ZX_POL_ACTION_DENY, ZX_POL_OVERRIDE_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &deny, 1));
    ASSERT_OK(zx_job_create(job, 0, &sub));
    zx_policy_basic_v2_t allow = {ZX_POL_NEW_VMO, ZX_POL_ACTION_ALLOW, ZX_POL_OVERRIDE_ALLOW};
    EXPECT_STATUS(zx_job_set_policy(sub, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &allow, 1), ZX_ERR_ALREADY_EXISTS);
    EXPECT_OK(zx_job_set_policy(sub, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, &allow, 1));
    EXPECT_EQ(child_vmo_status(sub), -ZX_ERR_ACCESS_DENIED);  // the parent's DENY stands
    zx_handle_close(sub);
    zx_handle_close(job);
}

TEST_CASE(bad_arguments) {
    zx_handle_t job, sub;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t pol = {ZX_POL_NEW_VMO, ZX_POL_ACTION_DENY};
    EXPECT_STATUS(zx_job_set_policy(job, 7, ZX_JOB_POL_BASIC_V1, &pol, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, 0x55, &pol, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, NULL, 1), ZX_ERR_INVALID_ARGS);
    zx_policy_basic_v1_t bad_cond = {99, ZX_POL_ACTION_DENY}, bad_act = {ZX_POL_NEW_VMO, 9};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &bad_cond, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &bad_act, 1), ZX_ERR_INVALID_ARGS);
    // A job with children cannot change its policy.
    ASSERT_OK(zx_job_create(job, 0, &sub));
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1), ZX_ERR_BAD_STATE);
    // Needs ZX_RIGHT_SET_POLICY.
    zx_handle_t weak;
    ASSERT_OK(zx_handle_duplicate(sub, ZX_RIGHT_INSPECT, &weak));
    EXPECT_STATUS(zx_job_set_policy(weak, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    zx_handle_close(sub);
    zx_handle_close(job);
}

int main(int argc, char **argv) {
    child_elf = zxrv_load_program("child", &child_len);
    if (!child_elf) {
        printf("policy-test: no \"child\" in the boot archive\n");
        return 1;
    }
    return zxrv_test_main(argc, argv);
}
