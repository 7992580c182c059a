// Host tests of the bootstrap message codec (user/lib/bootstrap.c): what the
// launcher writes and crt0 checks. Round trips, every header field broken
// one at a time, other valid layouts, every truncation, and random
// corruption, on exactly sized heap buffers (run under ASan/UBSan too).
#include <zxrv/bootstrap_msg.h>

#include "../harness.h"

#define OFF_MAGIC 0
#define OFF_VERSION 4
#define OFF_ARGC 8
#define OFF_COUNT 12
#define OFF_TAGS 16
#define OFF_ARGS 20
#define OFF_ARGS_LEN 24
#define OFF_RESERVED 28

static const char *const sample_argv[] = {"prog", "", "a b c", "--flag=1"};
static const uint32_t sample_tags[] = {1, 2, 3, 16, 17};

static size_t encode_sample(uint8_t *buf, size_t cap) {
    size_t len = 0;
    if (zxrv_bootstrap_encode(buf, cap, 4, sample_argv, sample_tags, 5, &len) != ZX_OK)
        return 0;
    return len;
}

static void put32(uint8_t *msg, size_t off, uint32_t v) {
    memcpy(msg + off, &v, 4);
}

static uint32_t get32(const uint8_t *msg, size_t off) {
    uint32_t v;
    memcpy(&v, msg + off, 4);
    return v;
}

// Decodes an exact heap copy of msg[0..len).
static zx_status_t decode_copy(const uint8_t *msg, size_t len, uint32_t nh, zxrv_bootstrap_view_t *v) {
    uint8_t *copy = th_exact_copy(msg, len);
    const char *why = NULL;
    zx_status_t st = zxrv_bootstrap_decode(copy, len, nh, v, &why);
    if (st != ZX_OK && why == NULL)
        printf("    no reason given for a rejection\n"), th_case_failures++;
    // Touch what the view points at while the copy is alive (ASan checks it).
    if (st == ZX_OK) {
        const char *argv[64];
        if (v->argc < 63 && zxrv_bootstrap_argv(v, argv, 64) == ZX_OK) {
            for (uint32_t i = 0; i < v->argc; i++)
                (void)strlen(argv[i]);
        }
        for (uint32_t i = 0; i < v->handle_count; i++)
            (void)zxrv_bootstrap_tag(v, i);
    }
    free(copy);
    return st;
}

static void roundtrip(void) {
    uint8_t buf[512];
    size_t need = 0;
    REQUIRE(zxrv_bootstrap_size(4, sample_argv, 5, &need) == ZX_OK);
    size_t len = encode_sample(buf, sizeof buf);
    CHECK_EQ(len, need);
    CHECK_EQ(len, 32 + 5 * 4 + 5 + 1 + 6 + 9);
    uint8_t *copy = th_exact_copy(buf, len);
    zxrv_bootstrap_view_t v;
    const char *why = NULL;
    REQUIRE(zxrv_bootstrap_decode(copy, len, 5, &v, &why) == ZX_OK);
    CHECK(strcmp(why, "ok") == 0);
    CHECK_EQ(v.argc, 4);
    CHECK_EQ(v.handle_count, 5);
    for (uint32_t i = 0; i < 5; i++)
        CHECK_EQ(zxrv_bootstrap_tag(&v, i), sample_tags[i]);
    CHECK_EQ(zxrv_bootstrap_tag(&v, 5), 0);  // out of range: 0, no read
    const char *argv[5];
    REQUIRE(zxrv_bootstrap_argv(&v, argv, 5) == ZX_OK);
    for (int i = 0; i < 4; i++)
        CHECK(strcmp(argv[i], sample_argv[i]) == 0);
    CHECK(argv[4] == NULL);
    CHECK_EQ(zxrv_bootstrap_argv(&v, argv, 4), ZX_ERR_BUFFER_TOO_SMALL);
    // The wire format: header fields little-endian at fixed offsets.
    CHECK_EQ(get32(copy, OFF_MAGIC), ZXRV_BOOTSTRAP_MAGIC);
    CHECK_EQ(get32(copy, OFF_VERSION), 2);  // 2: PA_HND() tags
    CHECK_EQ(get32(copy, OFF_TAGS), 32);
    CHECK_EQ(get32(copy, OFF_ARGS), 52);
    CHECK_EQ(get32(copy, OFF_ARGS_LEN), 21);
    CHECK_EQ(get32(copy, OFF_RESERVED), 0);
    free(copy);
}

static void empty_message(void) {
    uint8_t buf[32];
    size_t len = 0;
    REQUIRE(zxrv_bootstrap_encode(buf, sizeof buf, 0, NULL, NULL, 0, &len) == ZX_OK);
    CHECK_EQ(len, 32);
    zxrv_bootstrap_view_t v;
    CHECK_EQ(decode_copy(buf, len, 0, &v), ZX_OK);
    CHECK_EQ(v.argc, 0);
    const char *argv[1] = {"x"};
    CHECK_EQ(zxrv_bootstrap_argv(&v, argv, 1), ZX_OK);
    CHECK(argv[0] == NULL);
}

static void encoder_limits(void) {
    size_t len = 0;
    uint8_t buf[64];
    const char *with_null[] = {"a", NULL};
    CHECK_EQ(zxrv_bootstrap_size(2, with_null, 0, &len), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_bootstrap_size(1, NULL, 0, &len), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_bootstrap_size(0, NULL, ZXRV_BOOTSTRAP_MAX_HANDLES + 1, &len), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(zxrv_bootstrap_size(0, NULL, ZXRV_BOOTSTRAP_MAX_HANDLES, &len), ZX_OK);
    CHECK_EQ(zxrv_bootstrap_encode(buf, sizeof buf, 0, NULL, NULL, 1, &len), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_bootstrap_encode(buf, 31, 0, NULL, NULL, 0, &len), ZX_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(zxrv_bootstrap_encode(NULL, 0, 0, NULL, NULL, 0, &len), ZX_ERR_BUFFER_TOO_SMALL);
    // Exactly at the byte limit, and one over.
    size_t big_len = ZXRV_BOOTSTRAP_MAX_BYTES - 32 - 1;
    char *big = malloc(big_len + 1);
    REQUIRE(big != NULL);
    memset(big, 'x', big_len);
    big[big_len] = '\0';
    const char *argv[1] = {big};
    CHECK_EQ(zxrv_bootstrap_size(1, argv, 0, &len), ZX_OK);
    CHECK_EQ(len, ZXRV_BOOTSTRAP_MAX_BYTES);
    CHECK_EQ(zxrv_bootstrap_size(1, argv, 1, &len), ZX_ERR_OUT_OF_RANGE);
    free(big);
    // An unterminated string is scanned no further than the limit (ASan
    // would flag a read past this exactly sized buffer).
    char *unterminated = malloc(ZXRV_BOOTSTRAP_MAX_BYTES);
    REQUIRE(unterminated != NULL);
    memset(unterminated, 'u', ZXRV_BOOTSTRAP_MAX_BYTES);
    argv[0] = unterminated;
    CHECK_EQ(zxrv_bootstrap_size(1, argv, 0, &len), ZX_ERR_OUT_OF_RANGE);
    free(unterminated);
}

// Decoding fails after setting the 32-bit field at `off` to `value`.
static void expect_reject_field(size_t off, uint32_t value, uint32_t nh, const char *what) {
    uint8_t buf[512];
    size_t len = encode_sample(buf, sizeof buf);
    put32(buf, off, value);
    zxrv_bootstrap_view_t v;
    if (decode_copy(buf, len, nh, &v) != ZX_ERR_INVALID_ARGS) {
        printf("    accepted: %s\n", what);
        th_case_failures++;
    }
}

static void each_field_checked(void) {
    expect_reject_field(OFF_MAGIC, 0x7a787277u, 5, "bad magic");
    expect_reject_field(OFF_VERSION, 1, 5, "version 1");
    expect_reject_field(OFF_VERSION, 3, 5, "version 3");
    expect_reject_field(OFF_VERSION, 0, 5, "version 0");
    expect_reject_field(OFF_ARGC, 3, 5, "argc one less than the strings");
    expect_reject_field(OFF_ARGC, 5, 5, "argc one more than the strings");
    expect_reject_field(OFF_ARGC, 0xffffffffu, 5, "argc huge");
    expect_reject_field(OFF_COUNT, 4, 5, "handle_count less than received");
    expect_reject_field(OFF_COUNT, 6, 5, "handle_count more than received");
    expect_reject_field(OFF_COUNT, 0xffffffffu, 5, "handle_count huge");
    expect_reject_field(OFF_TAGS, 34, 5, "tags offset unaligned");
    expect_reject_field(OFF_TAGS, 28, 5, "tags over the header");
    expect_reject_field(OFF_TAGS, 0, 5, "tags at 0");
    expect_reject_field(OFF_TAGS, 0xfffffffcu, 5, "tags offset huge");
    expect_reject_field(OFF_TAGS, 40, 5, "tags overlapping the arguments");
    expect_reject_field(OFF_ARGS, 0, 5, "arguments at 0");
    expect_reject_field(OFF_ARGS, 31, 5, "arguments over the header");
    expect_reject_field(OFF_ARGS, 48, 5, "arguments overlapping the tags");
    expect_reject_field(OFF_ARGS, 53, 5, "arguments past the end by one");
    expect_reject_field(OFF_ARGS, 0xffffffffu, 5, "arguments offset huge");
    expect_reject_field(OFF_ARGS_LEN, 22, 5, "args_len past the end");
    expect_reject_field(OFF_ARGS_LEN, 20, 5, "args_len cuts the last NUL");
    expect_reject_field(OFF_ARGS_LEN, 0xffffffffu, 5, "args_len huge");
    expect_reject_field(OFF_RESERVED, 1, 5, "reserved not zero");
    // The handle count received is checked too, whatever the header says.
    uint8_t buf[512];
    size_t len = encode_sample(buf, sizeof buf);
    zxrv_bootstrap_view_t v;
    CHECK_EQ(decode_copy(buf, len, 4, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(decode_copy(buf, len, ZXRV_BOOTSTRAP_MAX_HANDLES + 1, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_bootstrap_decode(buf, ZXRV_BOOTSTRAP_MAX_BYTES + 1, 5, &v, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_bootstrap_decode(NULL, len, 5, &v, NULL), ZX_ERR_INVALID_ARGS);
    // A byte in the middle of the last string becomes NUL: one string too many.
    buf[len - 3] = '\0';
    CHECK_EQ(decode_copy(buf, len, 5, &v), ZX_ERR_INVALID_ARGS);
    // The last byte is not NUL.
    len = encode_sample(buf, sizeof buf);
    buf[len - 1] = 'z';
    CHECK_EQ(decode_copy(buf, len, 5, &v), ZX_ERR_INVALID_ARGS);
}

static void other_layouts_accepted(void) {
    // Arguments first, then padding, then tags at an aligned offset, then
    // trailing bytes: the offsets say where things are.
    uint8_t msg[128];
    memset(msg, 0xee, sizeof msg);
    const char args[] = "one\0two";
    zxrv_bootstrap_t h = {ZXRV_BOOTSTRAP_MAGIC, ZXRV_BOOTSTRAP_VERSION, 2, 2, 48, 32, sizeof args, 0};
    memcpy(msg, &h, sizeof h);
    memcpy(msg + 32, args, sizeof args);
    put32(msg, 48, 7);
    put32(msg, 52, 9);
    zxrv_bootstrap_view_t v;
    REQUIRE(decode_copy(msg, 64, 2, &v) == ZX_OK);
    uint8_t *copy = th_exact_copy(msg, 64);
    REQUIRE(zxrv_bootstrap_decode(copy, 64, 2, &v, NULL) == ZX_OK);
    CHECK_EQ(zxrv_bootstrap_tag(&v, 0), 7);
    CHECK_EQ(zxrv_bootstrap_tag(&v, 1), 9);
    const char *argv[3];
    REQUIRE(zxrv_bootstrap_argv(&v, argv, 3) == ZX_OK);
    CHECK(strcmp(argv[0], "one") == 0);
    CHECK(strcmp(argv[1], "two") == 0);
    free(copy);
    // The same message with the tags moved to an unaligned offset (and
    // nothing else wrong: in range, clear of the arguments) is refused.
    memmove(msg + 49, msg + 48, 8);
    h.handle_tags_off = 49;
    memcpy(msg, &h, sizeof h);
    CHECK_EQ(decode_copy(msg, 64, 2, &v), ZX_ERR_INVALID_ARGS);
    h.handle_tags_off = 52;  // aligned again: accepted
    memcpy(msg, &h, sizeof h);
    CHECK_EQ(decode_copy(msg, 64, 2, &v), ZX_OK);
    // Zero tags and zero args may sit anywhere in range, even at the end.
    zxrv_bootstrap_t e = {ZXRV_BOOTSTRAP_MAGIC, ZXRV_BOOTSTRAP_VERSION, 0, 0, 40, 40, 0, 0};
    memcpy(msg, &e, sizeof e);
    CHECK_EQ(decode_copy(msg, 40, 0, &v), ZX_OK);
    e.handle_tags_off = 44;
    memcpy(msg, &e, sizeof e);
    CHECK_EQ(decode_copy(msg, 40, 0, &v), ZX_ERR_INVALID_ARGS);
}

static void every_truncation_rejected(void) {
    uint8_t buf[512];
    size_t len = encode_sample(buf, sizeof buf);
    for (size_t n = 0; n < len; n++) {
        zxrv_bootstrap_view_t v;
        if (decode_copy(buf, n, 5, &v) != ZX_ERR_INVALID_ARGS) {
            printf("    prefix of %zu bytes accepted\n", n);
            th_case_failures++;
        }
    }
}

// What an accepted view must satisfy, checked independently of the decoder.
static void check_view(const uint8_t *msg, size_t len, uint32_t nh, const zxrv_bootstrap_view_t *v) {
    CHECK_EQ(v->handle_count, nh);
    CHECK((uint64_t)v->tags_off + 4ull * nh <= len);
    CHECK(v->tags_off >= 32 && v->tags_off % 4 == 0);
    uint64_t a = (uint64_t)((const uint8_t *)v->args - msg);
    CHECK(a >= 32 && a + v->args_len <= len);
    uint32_t nul = 0;
    for (uint32_t i = 0; i < v->args_len; i++)
        nul += v->args[i] == '\0';
    CHECK_EQ(nul, v->argc);
    CHECK(v->args_len == 0 || v->args[v->args_len - 1] == '\0');
}

static void random_corruption(void) {
    uint64_t rng = 0x9e3779b97f4a7c15ull;  // PRNG state: a fixed seed
    uint8_t base[512];
    size_t len = encode_sample(base, sizeof base);
    int accepted = 0;
    for (int iter = 0; iter < 200000; iter++) {
        uint8_t *m = th_exact_copy(base, len);
        int flips = 1 + (int)(th_xorshift(&rng) % 4);
        for (int k = 0; k < flips; k++) {
            uint64_t r = th_xorshift(&rng);
            if (r & 1)
                m[(r >> 8) % len] ^= (uint8_t)(1u << ((r >> 4) % 8));
            else  // a header field set to a random small or huge value
                put32(m, 4 * ((r >> 8) % 8), (r >> 16) & 1 ? (uint32_t)(r >> 32) : (uint32_t)((r >> 32) % 80));
        }
        uint32_t nh = (th_xorshift(&rng) % 8 == 0) ? (uint32_t)(th_xorshift(&rng) % 70) : 5;
        zxrv_bootstrap_view_t v;
        if (zxrv_bootstrap_decode(m, len, nh, &v, NULL) == ZX_OK) {
            accepted++;
            check_view(m, len, nh, &v);
        }
        free(m);
    }
    printf("    %d of 200000 corrupted messages accepted (each re-checked)\n", accepted);
}

int main(void) {
    th_prefix = "bootstrap";
    RUN_CASE(roundtrip);
    RUN_CASE(empty_message);
    RUN_CASE(encoder_limits);
    RUN_CASE(each_field_checked);
    RUN_CASE(other_layouts_accepted);
    RUN_CASE(every_truncation_rejected);
    RUN_CASE(random_corruption);
    return th_exit_status(th_prefix);
}
