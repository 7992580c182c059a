// The canonical-mode line discipline (<zxrv/ldisc.h>).
//
// Invariants: line_len < ZXRV_LDISC_LINE_MAX; the ring holds `records`
// records in `used` bytes from `head`, each a 2-byte length then the bytes;
// `taken` < the first record's length (a record is dropped once read
// whole; an empty record is dropped by the read that reports it).
#include <zxrv/ldisc.h>

#include <string.h>

#define CTRL(c) ((uint8_t)((c) & 0x1f))

void zxrv_ldisc_init(zxrv_ldisc_t *ld) {
    memset(ld, 0, sizeof *ld);
}

static uint8_t ring_at(const zxrv_ldisc_t *ld, size_t off) {
    return ld->queue[(ld->head + off) % ZXRV_LDISC_QUEUE_BYTES];
}

static void ring_put(zxrv_ldisc_t *ld, uint8_t b) {
    ld->queue[(ld->head + ld->used) % ZXRV_LDISC_QUEUE_BYTES] = b;
    ld->used++;
}

// Appends the current line (plus '\n' if nl) as a record; false if no room.
static bool push_line(zxrv_ldisc_t *ld, bool nl) {
    size_t len = ld->line_len + (nl ? 1 : 0);
    if (ZXRV_LDISC_QUEUE_BYTES - ld->used < len + 2) return false;
    ring_put(ld, (uint8_t)(len & 0xff));
    ring_put(ld, (uint8_t)(len >> 8));
    for (size_t i = 0; i < ld->line_len; i++) ring_put(ld, (uint8_t)ld->line[i]);
    if (nl) ring_put(ld, '\n');
    ld->records++;
    ld->line_len = 0;
    return true;
}

static size_t erase(zxrv_ldisc_t *ld, size_t n, char *echo) {
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        echo[e++] = '\b';
        echo[e++] = ' ';
        echo[e++] = '\b';
    }
    ld->line_len -= n;
    return e;
}

static bool blank(char c) {
    return c == ' ' || c == '\t';
}

size_t zxrv_ldisc_input(zxrv_ldisc_t *ld, uint8_t c, char *echo) {
    size_t e = 0;
    if (c == '\r' || c == '\n') {
        if (!push_line(ld, true)) {
            echo[e++] = '\a';
            return e;
        }
        echo[e++] = '\n';
    } else if (c == 0x7f || c == '\b') {
        if (ld->line_len > 0) e = erase(ld, 1, echo);
    } else if (c == CTRL('U')) {
        e = erase(ld, ld->line_len, echo);
    } else if (c == CTRL('W')) {
        size_t n = ld->line_len;
        while (n > 0 && blank(ld->line[n - 1])) n--;
        while (n > 0 && !blank(ld->line[n - 1])) n--;
        e = erase(ld, ld->line_len - n, echo);
    } else if (c == CTRL('C')) {
        ld->interrupts++;
        ld->line_len = 0;
        memcpy(echo, "^C\n", 3);
        e = 3;
        if (!push_line(ld, true)) echo[e++] = '\a';
    } else if (c == CTRL('D')) {
        if (!push_line(ld, false)) echo[e++] = '\a';
    } else if (c >= 0x20 || c == '\t') {
        if (ld->line_len + 1 < ZXRV_LDISC_LINE_MAX) {
            ld->line[ld->line_len++] = (char)c;
            echo[e++] = (char)c;
        } else {
            echo[e++] = '\a';
        }
    }
    return e;
}

bool zxrv_ldisc_ready(const zxrv_ldisc_t *ld) {
    return ld->records > 0;
}

static size_t first_len(const zxrv_ldisc_t *ld) {
    return (size_t)ring_at(ld, 0) | (size_t)ring_at(ld, 1) << 8;
}

size_t zxrv_ldisc_peek(const zxrv_ldisc_t *ld, void *buf, size_t cap) {
    if (ld->records == 0) return 0;
    size_t n = first_len(ld) - ld->taken;
    if (n > cap) n = cap;
    uint8_t *out = buf;
    for (size_t i = 0; i < n; i++) out[i] = ring_at(ld, 2 + ld->taken + i);
    return n;
}

void zxrv_ldisc_consume(zxrv_ldisc_t *ld, size_t n) {
    if (ld->records == 0) return;
    size_t len = first_len(ld);
    if (n > len - ld->taken) n = len - ld->taken;
    ld->taken += n;
    if (ld->taken == len) {  // the record is done (an empty one at once)
        ld->head = (ld->head + 2 + len) % ZXRV_LDISC_QUEUE_BYTES;
        ld->used -= 2 + len;
        ld->records--;
        ld->taken = 0;
    }
}

size_t zxrv_ldisc_read(zxrv_ldisc_t *ld, void *buf, size_t cap) {
    size_t n = zxrv_ldisc_peek(ld, buf, cap);
    zxrv_ldisc_consume(ld, n);
    return n;
}
