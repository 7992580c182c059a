// Tiny test harness shared by host tests (tests/host/obj, tests/host/vmo).
//
// RUN_CASE() prints each case and whether it passed; CHECK*() report a failed
// condition with its line and let the case go on, REQUIRE() ends the case.
// th_exit_status() is non-zero when any case failed.
#ifndef TESTS_HOST_HARNESS_H
#define TESTS_HOST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int th_case_failures, th_failed_cases, th_cases;
static const char *th_prefix = "test";  // set per program

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("    check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            th_case_failures++;                                                  \
        }                                                                        \
    } while (0)

#define CHECK_EQ(a, b)                                                                                 \
    do {                                                                                               \
        long long th_a = (long long)(a), th_b = (long long)(b);                                        \
        if (th_a != th_b) {                                                                            \
            printf("    check failed: %s == %s: %lld != %lld (%s:%d)\n", #a, #b, th_a, th_b, __FILE__, \
                   __LINE__);                                                                          \
            th_case_failures++;                                                                        \
        }                                                                                              \
    } while (0)

#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            printf("    requirement failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            th_case_failures++;                                                        \
            return;                                                                    \
        }                                                                              \
    } while (0)

static inline void th_run_case(const char *name, void (*fn)(void)) {
    th_case_failures = 0;
    th_cases++;
    fn();
    printf("%s: %-44s %s\n", th_prefix, name, th_case_failures ? "FAILED" : "ok");
    fflush(stdout);
    if (th_case_failures) th_failed_cases++;
}
#define RUN_CASE(fn) th_run_case(#fn, fn)

static inline int th_exit_status(const char *prog) {
    printf("%s: %d cases, %d failed\n", prog, th_cases, th_failed_cases);
    return th_failed_cases ? 1 : 0;
}

// splitmix64: small, deterministic PRNG.
static inline uint64_t th_rand(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t th_below(uint64_t *s, uint64_t n) { return n ? th_rand(s) % n : 0; }

#endif
