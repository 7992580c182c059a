// Tiny test harness shared by the host tests (tests/host/*).
//
// RUN_CASE() prints each case and whether it passed; CHECK*() report a failed
// condition with its line and let the case go on (they are expressions, true
// when the check passed), REQUIRE() ends the case. th_exit_status() is
// non-zero when any case failed.
//
// A program may set th_prefix (printed before each case's name) and
// th_before_case / th_after_case, run around every case as part of it (a
// failed check in th_after_case fails the case), e.g. to reset fakes and
// check for leaks.
#ifndef TESTS_HOST_HARNESS_H
#define TESTS_HOST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int th_case_failures, th_failed_cases, th_cases;
static const char *th_prefix = "test";  // set per program
static void (*th_before_case)(void), (*th_after_case)(void);

static inline bool th_check(bool ok, const char *what, const char *file, int line) {
    if (!ok) {
        printf("    check failed: %s (%s:%d)\n", what, file, line);
        th_case_failures++;
    }
    return ok;
}

static inline bool th_check_eq(long long a, long long b, const char *as, const char *bs, const char *file, int line) {
    if (a != b) {
        printf("    check failed: %s == %s: %lld != %lld (%#llx != %#llx) (%s:%d)\n", as, bs, a, b,
               (unsigned long long)a, (unsigned long long)b, file, line);
        th_case_failures++;
    }
    return a == b;
}

#define CHECK(cond) th_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) th_check_eq((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)

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
    if (th_before_case) th_before_case();
    fn();
    if (th_after_case) th_after_case();
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

// xorshift64*: the generator of the page-table and user/lib tests, whose
// seeds name sequences of it (a non-zero state stays non-zero).
static inline uint64_t th_xorshift(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

// A heap copy of exactly `len` bytes, so that ASan catches any read past
// the end (malloc(0) under ASan returns a pointer with no usable bytes).
static inline uint8_t *th_exact_copy(const void *src, size_t len) {
    uint8_t *p = malloc(len);
    if (p == NULL && len == 0) p = malloc(1);
    if (p == NULL) {
        perror("malloc");
        exit(2);
    }
    if (len > 0) memcpy(p, src, len);
    return p;
}

#endif
