// Host tests of the console's line discipline (user/lib/ldisc.c), the part of
// consoled that decides what a reader gets and what is echoed: editing keys,
// records (one line per read, partial reads, end of file), a full queue, a
// full line, peek/consume, and a random key storm checked against a simple
// model of the same rules.
#include <zxrv/ldisc.h>

#include "../harness.h"

static char echo_buf[ZXRV_LDISC_ECHO_MAX + 1];

// Types s; returns the echo (a static buffer, valid until the next call).
static const char *type(zxrv_ldisc_t *ld, const char *s) {
    static char all[8192];
    size_t n = 0;
    for (; *s; s++) {
        size_t e = zxrv_ldisc_input(ld, (uint8_t)*s, echo_buf);
        CHECK(e <= ZXRV_LDISC_ECHO_MAX);
        if (n + e < sizeof all) {
            memcpy(all + n, echo_buf, e);
            n += e;
        }
    }
    all[n] = 0;
    return all;
}

static const char *read_str(zxrv_ldisc_t *ld, size_t cap) {
    static char buf[1024];
    size_t n = zxrv_ldisc_read(ld, buf, cap);
    buf[n] = 0;
    return buf;
}

static void editing_keys(void) {
    zxrv_ldisc_t ld;
    zxrv_ldisc_init(&ld);
    CHECK(!zxrv_ldisc_ready(&ld));
    CHECK(!strcmp(type(&ld, "helo"), "helo"));
    CHECK(!zxrv_ldisc_ready(&ld));  // no line until Enter
    CHECK(!strcmp(type(&ld, "\x7f"), "\b \b"));
    CHECK(!strcmp(type(&ld, "lo\r"), "lo\n"));
    CHECK(zxrv_ldisc_ready(&ld));
    CHECK(!strcmp(read_str(&ld, 100), "hello\n"));
    CHECK(!zxrv_ldisc_ready(&ld));
    // Ctrl-U erases the line, Ctrl-W a word and the blanks after it.
    CHECK(!strcmp(type(&ld, "bad\x15"), "bad\b \b\b \b\b \b"));
    CHECK(!strcmp(type(&ld, "a bc  \x17"), "a bc  \b \b\b \b\b \b\b \b"));
    type(&ld, "x\n");
    CHECK(!strcmp(read_str(&ld, 100), "a x\n"));
    // Backspace and Ctrl-U on an empty line echo nothing.
    CHECK(!strcmp(type(&ld, "\x7f\x15\x17"), ""));
    // Control bytes and ESC are ignored; tab and bytes >= 0x80 are kept.
    CHECK(!strcmp(type(&ld, "\x1b[A\x01\t\xc3\xa9\n"), "[A\t\xc3\xa9\n"));
    CHECK(!strcmp(read_str(&ld, 100), "[A\t\xc3\xa9\n"));
    // Ctrl-C drops the line and queues an empty one.
    CHECK_EQ(ld.interrupts, 0);
    CHECK(!strcmp(type(&ld, "rm all\x03"), "rm all^C\n"));
    CHECK_EQ(ld.interrupts, 1);
    CHECK(!strcmp(read_str(&ld, 100), "\n"));
    CHECK(!zxrv_ldisc_ready(&ld));
}

static void records_and_eof(void) {
    zxrv_ldisc_t ld;
    zxrv_ldisc_init(&ld);
    type(&ld, "first line\nsecond\n");
    // A read never crosses a line; a short read leaves the rest.
    CHECK(!strcmp(read_str(&ld, 5), "first"));
    CHECK(!strcmp(read_str(&ld, 100), " line\n"));
    CHECK(!strcmp(read_str(&ld, 100), "second\n"));
    // Ctrl-D: the line so far without '\n'; on an empty line, end of file.
    CHECK(!strcmp(type(&ld, "abc\x04\x04"), "abc"));  // Ctrl-D echoes nothing
    CHECK(!strcmp(read_str(&ld, 100), "abc"));
    CHECK(zxrv_ldisc_ready(&ld));
    char b[4];
    CHECK_EQ(zxrv_ldisc_read(&ld, b, sizeof b), 0);  // the end of file, consumed
    CHECK(!zxrv_ldisc_ready(&ld));
    CHECK_EQ(zxrv_ldisc_read(&ld, b, sizeof b), 0);  // nothing
    // peek takes nothing; consume takes what peek showed.
    type(&ld, "xyz\n");
    CHECK_EQ(zxrv_ldisc_peek(&ld, b, 2), 2);
    CHECK_EQ(zxrv_ldisc_peek(&ld, b, 2), 2);
    CHECK(b[0] == 'x' && b[1] == 'y');
    zxrv_ldisc_consume(&ld, 2);
    CHECK(!strcmp(read_str(&ld, 100), "z\n"));
    type(&ld, "\x04");
    CHECK_EQ(zxrv_ldisc_peek(&ld, b, 4), 0);
    CHECK(zxrv_ldisc_ready(&ld));
    zxrv_ldisc_consume(&ld, 0);
    CHECK(!zxrv_ldisc_ready(&ld));
}

static void limits(void) {
    zxrv_ldisc_t ld;
    zxrv_ldisc_init(&ld);
    // A line holds LINE_MAX - 1 bytes with its '\n'; beyond, a bell.
    char big[ZXRV_LDISC_LINE_MAX + 10];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = 0;
    const char *e = type(&ld, big);
    CHECK_EQ(strlen(e), sizeof big - 1);
    CHECK_EQ(strspn(e, "q"), ZXRV_LDISC_LINE_MAX - 1);
    CHECK(!strcmp(e + ZXRV_LDISC_LINE_MAX - 1, "\a\a\a\a\a\a\a\a\a\a" + 10 - (sizeof big - ZXRV_LDISC_LINE_MAX)));
    // Ctrl-U on a full line: the longest echo there is.
    e = type(&ld, "\x15");
    CHECK_EQ(strlen(e), 3 * (ZXRV_LDISC_LINE_MAX - 1));
    // Fill the queue: lines pile up until one no longer fits; Enter then
    // rings and keeps the line being edited.
    int lines = 0;
    for (;;) {
        type(&ld, "0123456789012345678901234567890123456789");
        if (!strcmp(type(&ld, "\n"), "\a")) break;
        lines++;
        CHECK(lines < 1000);
    }
    CHECK_EQ(lines, ZXRV_LDISC_QUEUE_BYTES / 43);  // 2 bytes of length + 40 + '\n' each
    CHECK(!strcmp(read_str(&ld, 100), "0123456789012345678901234567890123456789\n"));
    CHECK(!strcmp(type(&ld, "\n"), "\n"));  // room again: the kept line goes in
    int got = 0;
    while (zxrv_ldisc_ready(&ld)) {
        CHECK(!strcmp(read_str(&ld, 100), "0123456789012345678901234567890123456789\n"));
        got++;
    }
    CHECK_EQ(got, lines);
}

// Random keys against a model: the model keeps lines as strings.
static void random_storm(void) {
    static zxrv_ldisc_t ld;
    zxrv_ldisc_init(&ld);
    static char model_line[ZXRV_LDISC_LINE_MAX];
    size_t mlen = 0;
    static char model_q[64][ZXRV_LDISC_LINE_MAX + 1];
    size_t qlen[64], qh = 0, qn = 0, qbytes = 0;
    uint64_t rng = 12345;
    const uint8_t keys[] = {'a', 'b', ' ', '\t', 0x7f, '\b', 0x15, 0x17, '\r', '\n', 0x04, 0x03, 0x1b, 0xe9};
    for (int step = 0; step < 300000; step++) {
        uint64_t r = th_xorshift(&rng);
        if (r % 3 == 0 && qn > 0) {  // a reader takes the first record whole
            char buf[ZXRV_LDISC_LINE_MAX + 1];
            size_t n = zxrv_ldisc_read(&ld, buf, sizeof buf);
            CHECK_EQ(n, qlen[qh]);
            CHECK(!memcmp(buf, model_q[qh], n));
            qbytes -= qlen[qh] + 2;
            qh = (qh + 1) % 64;
            qn--;
            continue;
        }
        uint8_t c = keys[(r >> 8) % sizeof keys];
        char e[ZXRV_LDISC_ECHO_MAX];
        (void)zxrv_ldisc_input(&ld, c, e);
        bool push = false, nl = false;
        if (c == '\r' || c == '\n') {
            push = nl = true;
        } else if (c == 0x7f || c == '\b') {
            if (mlen) mlen--;
        } else if (c == 0x15) {
            mlen = 0;
        } else if (c == 0x17) {
            while (mlen && (model_line[mlen - 1] == ' ' || model_line[mlen - 1] == '\t')) mlen--;
            while (mlen && model_line[mlen - 1] != ' ' && model_line[mlen - 1] != '\t') mlen--;
        } else if (c == 0x03) {
            mlen = 0;
            push = nl = true;
        } else if (c == 0x04) {
            push = true;
        } else if (c >= 0x20 || c == '\t') {
            if (mlen + 1 < ZXRV_LDISC_LINE_MAX) model_line[mlen++] = (char)c;
        }
        if (push) {
            size_t len = mlen + (nl ? 1 : 0);
            if (qn < 64 && qbytes + len + 2 <= ZXRV_LDISC_QUEUE_BYTES) {
                size_t t = (qh + qn) % 64;
                memcpy(model_q[t], model_line, mlen);
                if (nl) model_q[t][mlen] = '\n';
                qlen[t] = len;
                qbytes += len + 2;
                qn++;
                mlen = 0;
            }
        }
        CHECK_EQ(zxrv_ldisc_ready(&ld), qn > 0);
        CHECK(qn < 64);  // the model's own limit: readers keep up
    }
}

int main(void) {
    th_prefix = "ldisc";
    RUN_CASE(editing_keys);
    RUN_CASE(records_and_eof);
    RUN_CASE(limits);
    RUN_CASE(random_storm);
    return th_exit_status(th_prefix);
}
