// A tiny test harness: named cases, non-fatal checks, a failure count.
#ifndef TESTS_HOST_PT_HARNESS_H
#define TESTS_HOST_PT_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static int h_cases, h_cases_failed;
static unsigned h_case_fails;

static bool h_check(bool ok, const char *what, const char *file, int line) {
    if (!ok && h_case_fails++ < 25) printf("\n    %s:%d: check failed: %s", file, line, what);
    return ok;
}

static bool h_check_eq(uint64_t a, uint64_t b, const char *as, const char *bs, const char *file, int line) {
    if (a != b && h_case_fails++ < 25)
        printf("\n    %s:%d: %s == %s failed: %#llx != %#llx", file, line, as, bs, (unsigned long long)a,
               (unsigned long long)b);
    return a == b;
}

#define CHECK(c) h_check((c), #c, __FILE__, __LINE__)
#define CHECK_EQ(a, b) h_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)

static void h_begin(const char *name) {
    printf("case %-44s", name);
    fflush(stdout);
    h_case_fails = 0;
    h_cases++;
}

static void h_end(void) {
    if (h_case_fails) {
        h_cases_failed++;
        printf("\n  FAILED (%u checks)\n", h_case_fails);
    } else {
        printf(" ok\n");
    }
    fflush(stdout);
}

static int h_summary(void) {
    printf("%d cases, %d failed\n", h_cases, h_cases_failed);
    return h_cases_failed ? 1 : 0;
}
#endif
