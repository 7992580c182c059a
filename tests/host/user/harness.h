// Tiny test harness shared by the host tests of user/lib/ (cpio, ELF,
// bootstrap message). Same shape as tests/host/buddy/harness.h:
// RUN_CASE() prints each case and whether it passed; CHECK*() report a
// failed condition with its line and let the case go on, REQUIRE() ends the
// case. th_exit_status() is non-zero when any case failed.
#ifndef TESTS_HOST_USER_HARNESS_H
#define TESTS_HOST_USER_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int th_case_failures, th_failed_cases, th_cases;
static const char *th_prog = "user";

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
    printf("%s: %-52s %s\n", th_prog, name, th_case_failures ? "FAILED" : "ok");
    fflush(stdout);
    if (th_case_failures)
        th_failed_cases++;
}
#define RUN_CASE(fn) th_run_case(#fn, fn)

static inline int th_exit_status(void) {
    printf("%s: %d cases, %d failed\n", th_prog, th_cases, th_failed_cases);
    return th_failed_cases ? 1 : 0;
}

// Deterministic PRNG (xorshift64*), so failures reproduce from the seed.
static uint64_t th_rng_state = 0x9e3779b97f4a7c15ull;
static inline uint64_t th_rand(void) {
    uint64_t x = th_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    th_rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

// A heap copy of exactly `len` bytes, so that ASan catches any read past
// the end (malloc(0) under ASan returns a pointer with no usable bytes).
static inline uint8_t *th_exact_copy(const void *src, size_t len) {
    uint8_t *p = malloc(len);
    if (p == NULL && len == 0)
        p = malloc(1);
    if (p == NULL) {
        perror("malloc");
        exit(2);
    }
    if (len > 0)
        memcpy(p, src, len);
    return p;
}

#endif
