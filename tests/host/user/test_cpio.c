// Host tests of the cpio "newc" reader (user/lib/cpio.c): archives written
// here, every truncation, every header field broken, random corruption,
// through a read callback that aborts on any out-of-bounds request (and ASan
// on exactly sized buffers). With arguments
//   ARCHIVE NAME=FILE ...
// it also reads an archive made by tools/mkinitrd and checks that it holds
// exactly those files, in that order, with those contents.
#include <zxrv/cpio.h>

#include "../harness.h"

typedef struct {
    const uint8_t *data;
    uint64_t size;
    unsigned reads;
} mem_t;

static zx_status_t mem_read(void *ctx, uint64_t off, void *buf, size_t len) {
    mem_t *m = ctx;
    if (off > m->size || len > m->size - off) {
        printf("    FATAL: read of %zu bytes at %llu outside the %llu-byte archive\n", len,
               (unsigned long long)off, (unsigned long long)m->size);
        abort();
    }
    memcpy(buf, m->data + off, len);
    m->reads++;
    return ZX_OK;
}

// A growing archive built by the test itself.
typedef struct {
    uint8_t b[8192];
    size_t len;
} arc_t;

static void pad4(arc_t *a) {
    while (a->len % 4 != 0)
        a->b[a->len++] = 0;
}

static void add(arc_t *a, const char *name, const void *data, uint32_t size, uint32_t mode,
                uint32_t ino) {
    char hdr[ZXRV_CPIO_HEADER_SIZE + 1];
    uint32_t namesize = (uint32_t)strlen(name) + 1;
    snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u,
             0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(a->b + a->len, hdr, ZXRV_CPIO_HEADER_SIZE);
    a->len += ZXRV_CPIO_HEADER_SIZE;
    memcpy(a->b + a->len, name, namesize);
    a->len += namesize;
    pad4(a);
    memcpy(a->b + a->len, data, size);
    a->len += size;
    pad4(a);
}

// The sample's second header: "init" takes 110 + 5 -> 116, then 5 bytes of
// data -> 121, padded to 124.
#define SECOND_HEADER 124u

static const char text_a[] = "alpha";
static const char text_b[] = "the second file, 33 bytes long!!";

// Three files and a trailer; *min_len is where the trailer's name ends (any
// prefix at least that long still parses completely).
static arc_t sample(size_t *min_len) {
    arc_t a;
    memset(&a, 0, sizeof a);
    add(&a, "init", text_a, 5, 0100755, 1);
    add(&a, "dir/b", text_b, 33, 0100644, 2);
    add(&a, "empty", "", 0, 0100755, 3);
    size_t trailer_at = a.len;
    add(&a, "TRAILER!!!", "", 0, 0, 0);
    if (min_len != NULL)
        *min_len = trailer_at + ZXRV_CPIO_HEADER_SIZE + 11;
    return a;
}

// Walks an exact heap copy; returns the final status and the entry count.
static zx_status_t walk(const uint8_t *data, size_t len, zxrv_cpio_entry_t *entries, int max, int *count) {
    uint8_t *copy = th_exact_copy(data, len);
    mem_t m = {copy, len, 0};
    zxrv_cpio_t c;
    zxrv_cpio_init(&c, mem_read, &m, len);
    zx_status_t st;
    zxrv_cpio_entry_t e;
    int n = 0;
    const char *why = NULL;
    while ((st = zxrv_cpio_next(&c, &e, &why)) == ZX_OK) {
        if (e.data_offset > len || e.size > len - e.data_offset) {
            printf("    entry %s: data [%llu,+%llu) outside the archive\n", e.name,
                   (unsigned long long)e.data_offset, (unsigned long long)e.size);
            th_case_failures++;
        }
        if (strlen(e.name) >= ZXRV_CPIO_NAME_MAX)
            th_case_failures++;
        if (n < max)
            entries[n] = e;
        n++;
        if (n > 10000)
            break;  // cannot happen: each entry takes >= 112 bytes
    }
    if (why == NULL)
        th_case_failures++;
    // The end is sticky.
    if (zxrv_cpio_next(&c, &e, NULL) != st) {
        printf("    a second call after the end returned something else\n");
        th_case_failures++;
    }
    free(copy);
    *count = n;
    return st;
}

static void reads_entries(void) {
    arc_t a = sample(NULL);
    zxrv_cpio_entry_t e[8];
    int n = 0;
    REQUIRE(walk(a.b, a.len, e, 8, &n) == ZX_ERR_STOP);
    REQUIRE(n == 3);
    CHECK(strcmp(e[0].name, "init") == 0);
    CHECK(strcmp(e[1].name, "dir/b") == 0);
    CHECK(strcmp(e[2].name, "empty") == 0);
    CHECK_EQ(e[0].size, 5);
    CHECK_EQ(e[1].size, 33);
    CHECK_EQ(e[2].size, 0);
    CHECK_EQ(e[0].mode, 0100755);
    CHECK_EQ(e[1].mode, 0100644);
    CHECK_EQ(e[1].ino, 2);
    CHECK(memcmp(a.b + e[0].data_offset, text_a, 5) == 0);
    CHECK(memcmp(a.b + e[1].data_offset, text_b, 33) == 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(e[i].data_offset % 4, 0);
    CHECK_EQ(e[1].data_offset, SECOND_HEADER + 110 + 6);  // the layout the field tests assume
}

static void find_by_name(void) {
    arc_t a = sample(NULL);
    mem_t m = {a.b, a.len, 0};
    zxrv_cpio_entry_t e;
    const char *why = NULL;
    REQUIRE(zxrv_cpio_find(mem_read, &m, a.len, "dir/b", &e, &why) == ZX_OK);
    CHECK_EQ(e.size, 33);
    CHECK_EQ(zxrv_cpio_find(mem_read, &m, a.len, "nope", &e, &why), ZX_ERR_NOT_FOUND);
    CHECK(why != NULL && strcmp(why, "no such file in the archive") == 0);
    CHECK_EQ(zxrv_cpio_find(mem_read, &m, a.len, "TRAILER!!!", &e, NULL), ZX_ERR_NOT_FOUND);
    CHECK_EQ(zxrv_cpio_find(mem_read, &m, a.len, "dir", &e, NULL), ZX_ERR_NOT_FOUND);
}

static void trailing_bytes_ignored(void) {
    arc_t a = sample(NULL);
    size_t len = a.len;
    memset(a.b + len, 0xff, 700);  // e.g. a page-sized VMO: whatever follows
    zxrv_cpio_entry_t e[8];
    int n = 0;
    CHECK_EQ(walk(a.b, len + 700, e, 8, &n), ZX_ERR_STOP);
    CHECK_EQ(n, 3);
}

static void empty_and_trailer_only(void) {
    zxrv_cpio_entry_t e[1];
    int n = 0;
    CHECK_EQ(walk((const uint8_t *)"", 0, e, 1, &n), ZX_ERR_IO_DATA_INTEGRITY);
    arc_t a;
    memset(&a, 0, sizeof a);
    add(&a, "TRAILER!!!", "", 0, 0, 0);
    CHECK_EQ(walk(a.b, a.len, e, 1, &n), ZX_ERR_STOP);
    CHECK_EQ(n, 0);
}

static void every_truncation(void) {
    size_t min_len = 0;
    arc_t a = sample(&min_len);
    for (size_t len = 0; len <= a.len; len++) {
        zxrv_cpio_entry_t e[8];
        int n = 0;
        zx_status_t st = walk(a.b, len, e, 8, &n);
        zx_status_t want = len >= min_len ? ZX_ERR_STOP : ZX_ERR_IO_DATA_INTEGRITY;
        if (st != want) {
            printf("    prefix %zu: status %d, want %d\n", len, st, want);
            th_case_failures++;
        }
    }
}

// Overwrites `len` bytes at field_off in the second header and expects
// `want`, with exactly one entry read before an error.
static void expect_bytes(size_t field_off, const char *value, size_t len, zx_status_t want,
                         const char *what) {
    arc_t a = sample(NULL);
    memcpy(a.b + SECOND_HEADER + field_off, value, len);
    zxrv_cpio_entry_t e[8];
    int n = 0;
    zx_status_t st = walk(a.b, a.len, e, 8, &n);
    if (st != want) {
        printf("    %s: status %d, want %d\n", what, st, want);
        th_case_failures++;
    }
    if (want != ZX_ERR_STOP && n != 1) {
        printf("    %s: %d entries before the error, want 1\n", what, n);
        th_case_failures++;
    }
}

static void expect_field(size_t field_off, const char *value, zx_status_t want, const char *what) {
    expect_bytes(field_off, value, strlen(value), want, what);
}

static void each_field_checked(void) {
    expect_field(0, "070702", ZX_ERR_IO_DATA_INTEGRITY, "crc magic");
    expect_field(0, "070707", ZX_ERR_IO_DATA_INTEGRITY, "odc magic");
    expect_field(5, "0", ZX_ERR_IO_DATA_INTEGRITY, "magic last digit");
    static const char *const bad_digits[] = {"g", " ", "x", "-", "\0", ":"};
    for (int field = 0; field < 13; field++) {
        for (size_t d = 0; d < sizeof bad_digits / sizeof bad_digits[0]; d++) {
            arc_t a = sample(NULL);
            a.b[SECOND_HEADER + 6 + 8 * field + (size_t)(field % 8)] = (uint8_t)bad_digits[d][0];
            zxrv_cpio_entry_t e[8];
            int n = 0;
            zx_status_t st = walk(a.b, a.len, e, 8, &n);
            if (st != ZX_ERR_IO_DATA_INTEGRITY || n != 1) {
                printf("    field %d with '%c': status %d after %d entries\n", field, bad_digits[d][0], st, n);
                th_case_failures++;
            }
        }
    }
    // Lower-case hex is hex too.
    expect_field(6 + 8 * 1, "000081a4", ZX_ERR_STOP, "lower-case mode");
    // namesize (field 11 at 6 + 88): 0, too small (cuts the NUL), too big.
    expect_field(94, "00000000", ZX_ERR_IO_DATA_INTEGRITY, "namesize 0");
    expect_field(94, "00000005", ZX_ERR_IO_DATA_INTEGRITY, "namesize without the NUL");
    expect_field(94, "00000003", ZX_ERR_IO_DATA_INTEGRITY, "namesize 3: \"dir\" unterminated");
    expect_field(94, "FFFFFFFF", ZX_ERR_IO_DATA_INTEGRITY, "namesize huge");
    expect_field(94, "00000800", ZX_ERR_IO_DATA_INTEGRITY, "namesize past the end");
    // filesize (field 6 at 6 + 48).
    expect_field(54, "FFFFFFFF", ZX_ERR_IO_DATA_INTEGRITY, "filesize huge");
    expect_field(54, "00001000", ZX_ERR_IO_DATA_INTEGRITY, "filesize past the end");
    // A NUL inside the name.
    expect_bytes(110 + 1, "", 1, ZX_ERR_IO_DATA_INTEGRITY, "NUL inside the name");
}

static void long_names(void) {
    arc_t a;
    memset(&a, 0, sizeof a);
    char name[400];
    memset(name, 'n', sizeof name);
    name[ZXRV_CPIO_NAME_MAX - 1] = '\0';  // 255 characters: the longest allowed
    add(&a, name, "x", 1, 0100755, 1);
    add(&a, "TRAILER!!!", "", 0, 0, 0);
    zxrv_cpio_entry_t e[2];
    int n = 0;
    CHECK_EQ(walk(a.b, a.len, e, 2, &n), ZX_ERR_STOP);
    CHECK_EQ(n, 1);
    CHECK_EQ(strlen(e[0].name), ZXRV_CPIO_NAME_MAX - 1);
    memset(&a, 0, sizeof a);
    name[ZXRV_CPIO_NAME_MAX - 1] = 'n';
    name[ZXRV_CPIO_NAME_MAX] = '\0';  // 256 characters: one too many
    add(&a, name, "x", 1, 0100755, 1);
    add(&a, "TRAILER!!!", "", 0, 0, 0);
    CHECK_EQ(walk(a.b, a.len, e, 2, &n), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(n, 0);
}

static void random_corruption(void) {
    uint64_t rng = 0x9e3779b97f4a7c15ull;  // PRNG state: a fixed seed
    arc_t base = sample(NULL);
    int complete = 0;
    const int iters = 200000;
    for (int it = 0; it < iters; it++) {
        arc_t a = base;
        int flips = 1 + (int)(th_xorshift(&rng) % 4);
        for (int k = 0; k < flips; k++) {
            uint64_t r = th_xorshift(&rng);
            size_t at = (r >> 8) % a.len;
            if (r & 1)
                a.b[at] ^= (uint8_t)(1u << ((r >> 3) % 8));
            else
                a.b[at] = "0123456789abcdefF\0 G"[(r >> 40) % 20];
        }
        size_t len = (th_xorshift(&rng) % 4 == 0) ? (size_t)(th_xorshift(&rng) % (a.len + 1)) : a.len;
        zxrv_cpio_entry_t e[8];
        int n = 0;
        if (walk(a.b, len, e, 8, &n) == ZX_ERR_STOP)
            complete++;
    }
    printf("    %d of %d corrupted archives still parsed to the trailer\n", complete, iters);
}

// ARCHIVE NAME=FILE ...: the archive holds exactly these, in order.
static int check_archive(int argc, char **argv) {
    th_cases++;
    th_case_failures = 0;
    FILE *f = fopen(argv[0], "rb");
    if (f == NULL) {
        printf("cpio: %s: cannot open\n", argv[0]);
        th_failed_cases++;
        return 1;
    }
    static uint8_t buf[16 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    mem_t m = {buf, len, 0};
    zxrv_cpio_t c;
    zxrv_cpio_init(&c, mem_read, &m, len);
    zxrv_cpio_entry_t e;
    const char *why = "";
    int i = 1;
    zx_status_t st;
    while ((st = zxrv_cpio_next(&c, &e, &why)) == ZX_OK) {
        if (i >= argc) {
            printf("    extra entry %s\n", e.name);
            th_case_failures++;
            break;
        }
        char *eq = strrchr(argv[i], '=');
        if (eq == NULL || strcmp(eq + 1, e.name) != 0) {
            printf("    entry %d is %s, want %s\n", i, e.name, argv[i]);
            th_case_failures++;
        } else {
            *eq = '\0';
            FILE *g = fopen(argv[i], "rb");
            static uint8_t want[16 << 20];
            size_t wl = g != NULL ? fread(want, 1, sizeof want, g) : 0;
            if (g != NULL)
                fclose(g);
            if (g == NULL || wl != e.size || memcmp(want, buf + e.data_offset, wl) != 0) {
                printf("    %s: contents differ from %s\n", e.name, argv[i]);
                th_case_failures++;
            }
            if (e.mode != 0100755 || e.mtime != 0 || e.ino != (uint32_t)i) {
                printf("    %s: mode 0%o mtime %u ino %u\n", e.name, e.mode, e.mtime, e.ino);
                th_case_failures++;
            }
            *eq = '=';
        }
        i++;
    }
    if (st != ZX_ERR_STOP) {
        printf("    ended with %d: %s\n", st, why);
        th_case_failures++;
    }
    if (i != argc) {
        printf("    %d entries, want %d\n", i - 1, argc - 1);
        th_case_failures++;
    }
    printf("cpio: archive %-45s %s\n", argv[0], th_case_failures ? "FAILED" : "ok");
    if (th_case_failures)
        th_failed_cases++;
    return 0;
}

int main(int argc, char **argv) {
    th_prefix = "cpio";
    RUN_CASE(reads_entries);
    RUN_CASE(find_by_name);
    RUN_CASE(trailing_bytes_ignored);
    RUN_CASE(empty_and_trailer_only);
    RUN_CASE(every_truncation);
    RUN_CASE(each_field_checked);
    RUN_CASE(long_names);
    RUN_CASE(random_corruption);
    if (argc > 1)
        check_archive(argc - 1, argv + 1);
    return th_exit_status(th_prefix);
}
