// fdt_fuzz DATA_DIR [ITERATIONS]: robustness of dt_parse() (built with
// ASan/UBSan, every blob in a malloc'd buffer of exactly `avail` bytes so
// that any read past it is reported):
//  1. every prefix (0 .. totalsize-1 bytes) of every DTB in DATA_DIR must be
//     refused, and the whole blob must parse;
//  2. ITERATIONS (default 120000, fixed seed) corrupted copies: 1..8 random
//     bit flips anywhere, bit flips in the header, header fields set to
//     boundary values, interesting 32-bit words written into the structure
//     block (tokens, lengths, name offsets, cell counts), truncations.
// Each result must be either a refusal (a non-empty message, *out all zero)
// or a dt_info that satisfies every invariant of dt.h (dt_check.h).
// Prints how many were refused / parsed. Exit status 1 on any violation.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt_check.h"
#include "platform/dt.h"

#define MAX_DTBS 64

struct dtb {
    char name[256];
    unsigned char *data;
    size_t len;
};

static struct dtb dtbs[MAX_DTBS];
static unsigned n_dtbs;
static struct dt_info info;
static const struct dt_info zero_info;
static unsigned long refused, parsed, parsed_with_mmio, violations;
static unsigned long by_status[64];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) {  // xorshift64*
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint64_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

static void put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// Parse buf[0..avail) (an exactly sized allocation) and check the outcome.
static void run_one(const unsigned char *buf, size_t avail, const char *what, unsigned long iter) {
    const char *why = NULL;
    zx_status_t st = dt_parse(buf, avail, &info, &why);
    if (st != ZX_OK) {
        refused++;
        by_status[(unsigned)-st % 64]++;
        if (!why || !why[0] || memcmp(&info, &zero_info, sizeof(info)) != 0) {
            violations++;
            fprintf(stderr, "%s #%lu: refused (%d) without a message or with output left\n", what, iter, st);
        }
        return;
    }
    parsed++;
    if (info.n_mmio) parsed_with_mmio++;
    char err[256];
    if (!dt_check_invariants(&info, err, sizeof(err))) {
        violations++;
        fprintf(stderr, "%s #%lu: parsed but %s\n", what, iter, err);
    }
}

static void prefixes(void) {
    for (unsigned d = 0; d < n_dtbs; d++) {
        for (size_t len = 0; len < dtbs[d].len; len++) {
            unsigned char *buf = malloc(len);  // ASan: malloc(0) is a valid, unreadable block
            if (len && !buf) abort();
            if (len) memcpy(buf, dtbs[d].data, len);
            unsigned long before = parsed;
            run_one(buf, len, dtbs[d].name, len);
            if (parsed != before) {
                violations++;
                fprintf(stderr, "%s: the %zu-byte prefix was accepted\n", dtbs[d].name, len);
            }
            free(buf);
        }
        unsigned char *buf = malloc(dtbs[d].len);
        memcpy(buf, dtbs[d].data, dtbs[d].len);
        unsigned long before = parsed;
        run_one(buf, dtbs[d].len, dtbs[d].name, dtbs[d].len);
        if (parsed == before) {
            violations++;
            fprintf(stderr, "%s: the whole blob was refused\n", dtbs[d].name);
        }
        free(buf);
    }
}

static void mutate(unsigned char *b, size_t len, size_t *avail) {
    static const uint32_t interesting[] = {0,          1,          2,          3,          4,
                                           5,          8,          9,          15,         16,
                                           17,         18,         0x28,       0x38,       0x7fffffff,
                                           0x80000000, 0xfffffff0, 0xfffffff8, 0xfffffffc, 0xffffffff};
    const size_t n_int = sizeof(interesting) / sizeof(interesting[0]);
    uint32_t off_struct = len >= 40 ? get_be32(b + 8) : 0, size_struct = len >= 40 ? get_be32(b + 36) : 0;
    switch (rnd_below(8)) {
    case 0: case 1: case 2: case 3: {  // 1..8 bit flips anywhere
        unsigned n = 1 + rnd_below(8);
        for (unsigned i = 0; i < n; i++) {
            size_t at = rnd_below(len);
            b[at] ^= (unsigned char)(1u << rnd_below(8));
        }
        break;
    }
    case 4: {  // bit flips in the header
        unsigned n = 1 + rnd_below(8);
        for (unsigned i = 0; i < n; i++) {
            size_t at = rnd_below(len < 40 ? len : 40);
            b[at] ^= (unsigned char)(1u << rnd_below(8));
        }
        break;
    }
    case 5: {  // a header field set to a boundary value
        uint32_t field = 1 + rnd_below(9), v;
        switch (rnd_below(4)) {
        case 0: v = interesting[rnd_below(n_int)]; break;
        case 1: v = (uint32_t)len + rnd_below(9) - 4; break;
        case 2: v = get_be32(b + 4 * field) + rnd_below(17) - 8; break;
        default: v = (uint32_t)rnd(); break;
        }
        put_be32(b + 4 * field, v);
        break;
    }
    case 6: {  // an interesting word at an aligned offset of the structure block
        if (off_struct >= len || size_struct == 0) break;
        uint64_t span = size_struct < len - off_struct ? size_struct : len - off_struct;
        if (span < 4) break;
        size_t at = off_struct + 4 * rnd_below(span / 4);
        uint32_t v = rnd_below(2) ? interesting[rnd_below(n_int)] : get_be32(b + at) + rnd_below(9) - 4;
        put_be32(b + at, v);
        break;
    }
    default:  // truncation, sometimes with a flip
        *avail = rnd_below(len);
        if (rnd_below(2)) b[rnd_below(len)] ^= (unsigned char)(1u << rnd_below(8));
        break;
    }
}

static void mutations(unsigned long iterations) {
    for (unsigned long it = 0; it < iterations; it++) {
        const struct dtb *d = &dtbs[it % n_dtbs];
        unsigned char *work = malloc(d->len);
        memcpy(work, d->data, d->len);
        size_t avail = d->len;
        mutate(work, d->len, &avail);
        if (rnd_below(4) == 0) mutate(work, d->len, &avail);  // sometimes two kinds at once
        unsigned char *buf = work;
        if (avail != d->len) {  // an exactly sized buffer for the truncated blob too
            buf = malloc(avail);
            if (avail) memcpy(buf, work, avail);
        }
        run_one(buf, avail, d->name, it);
        if (buf != work) free(buf);
        free(work);
    }
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA_DIR [ITERATIONS]\n", argv[0]);
        return 2;
    }
    unsigned long iterations = argc > 2 ? strtoul(argv[2], NULL, 0) : 120000;
    struct dirent **ents;
    int n = scandir(argv[1], &ents, NULL, by_name);
    if (n < 0) {
        perror(argv[1]);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        if (l >= 4 && !strcmp(ents[i]->d_name + l - 4, ".dtb") && n_dtbs < MAX_DTBS) {
            struct dtb *d = &dtbs[n_dtbs];
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[1], ents[i]->d_name);
            snprintf(d->name, sizeof(d->name), "%s", ents[i]->d_name);
            d->data = dt_check_load(path, &d->len);
            if (!d->data || d->len < 40) {
                fprintf(stderr, "%s: cannot load\n", path);
                return 2;
            }
            n_dtbs++;
        }
        free(ents[i]);
    }
    free(ents);
    if (n_dtbs == 0) {
        fprintf(stderr, "no .dtb in %s\n", argv[1]);
        return 2;
    }

    clock_t t0 = clock();
    prefixes();
    printf("prefixes: %u DTBs, %lu refused, %lu parsed (the whole blobs)\n", n_dtbs, refused, parsed);
    unsigned long r0 = refused, p0 = parsed, m0 = parsed_with_mmio;
    memset(by_status, 0, sizeof(by_status));
    mutations(iterations);
    printf("mutations: %lu (seed fixed), %lu refused (io-data-integrity %lu, out-of-range %lu, other %lu), "
           "%lu parsed (%lu with an mmio map)\n",
           iterations, refused - r0, by_status[42], by_status[14], refused - r0 - by_status[42] - by_status[14],
           parsed - p0, parsed_with_mmio - m0);
    printf("violations: %lu; %.1f s\n", violations, (double)(clock() - t0) / CLOCKS_PER_SEC);
    for (unsigned d = 0; d < n_dtbs; d++) free(dtbs[d].data);
    return violations ? 1 : 0;
}
