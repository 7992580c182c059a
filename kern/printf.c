// The kernel's printf engine (see kern/printf.h). No floating point.
#include "kern/printf.h"

#include <stdbool.h>
#include <stdint.h>

#include "kern/console.h"

struct spec {
    bool left, zero, alt;
    int width, prec;
};

static int emit_padded(kfmt_out_fn out, void *ctx, const char *s, int len, const struct spec *sp,
                       const char *prefix) {
    int plen = 0;
    while (prefix && prefix[plen]) plen++;
    int pad = sp->width > len + plen ? sp->width - len - plen : 0;
    int n = 0;
    if (!sp->left && !sp->zero)
        for (; pad > 0; pad--, n++) out(ctx, ' ');
    for (int i = 0; i < plen; i++, n++) out(ctx, prefix[i]);
    if (!sp->left && sp->zero)
        for (; pad > 0; pad--, n++) out(ctx, '0');
    for (int i = 0; i < len; i++, n++) out(ctx, s[i]);
    for (; pad > 0; pad--, n++) out(ctx, ' ');
    return n;
}

static int emit_number(kfmt_out_fn out, void *ctx, uint64_t v, bool neg, unsigned base, bool upper,
                       const struct spec *sp, const char *altprefix) {
    char buf[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int len = 0;
    do {
        buf[sizeof(buf) - 1 - len++] = digits[v % base];
        v /= base;
    } while (v);
    const char *prefix = neg ? "-" : (sp->alt ? altprefix : NULL);
    return emit_padded(out, ctx, buf + sizeof(buf) - len, len, sp, prefix);
}

int kvformat(kfmt_out_fn out, void *ctx, const char *fmt, va_list ap) {
    int n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out(ctx, *p);
            n++;
            continue;
        }
        struct spec sp = {false, false, false, 0, -1};
        for (;; p++) {
            if (p[1] == '-') sp.left = true;
            else if (p[1] == '0') sp.zero = true;
            else if (p[1] == '#') sp.alt = true;
            else break;
        }
        p++;
        if (*p == '*') {
            sp.width = va_arg(ap, int);
            p++;
        } else {
            while (*p >= '0' && *p <= '9') sp.width = sp.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            sp.prec = 0;
            if (*p == '*') {
                sp.prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9') sp.prec = sp.prec * 10 + (*p++ - '0');
            }
        }
        int lng = 0;  // 0 int, 1 long, 2 long long / size_t
        while (*p == 'l' || *p == 'z' || *p == 'h') {
            if (*p == 'l') lng++;
            if (*p == 'z') lng = 2;
            p++;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            bool neg = v < 0;
            uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            n += emit_number(out, ctx, u, neg, 10, false, &sp, NULL);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            n += emit_number(out, ctx, v, false, base, *p == 'X', &sp, *p == 'o' ? "0" : "0x");
            break;
        }
        case 'p': {
            uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);
            struct spec ps = {false, true, true, 18, -1};
            n += emit_number(out, ctx, v, false, 16, false, &ps, "0x");
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int len = 0;
            while (s[len] && (sp.prec < 0 || len < sp.prec)) len++;
            sp.zero = false;
            n += emit_padded(out, ctx, s, len, &sp, NULL);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            sp.zero = false;
            n += emit_padded(out, ctx, &c, 1, &sp, NULL);
            break;
        }
        case '%':
            out(ctx, '%');
            n++;
            break;
        case 0:
            return n;
        default:
            out(ctx, '%');
            out(ctx, *p);
            n += 2;
            break;
        }
    }
    return n;
}

struct bufctx {
    char *buf;
    size_t size, pos;
};

static void buf_out(void *ctx, char c) {
    struct bufctx *b = ctx;
    if (b->pos + 1 < b->size) b->buf[b->pos] = c;
    b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    struct bufctx b = {buf, size, 0};
    int n = kvformat(buf_out, &b, fmt, ap);
    if (size) buf[b.pos < size ? b.pos : size - 1] = 0;
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void console_out(void *ctx, char c) {
    (void)ctx;
    console_putc_locked(c);
}

int kvprintf(const char *fmt, va_list ap) {
    uint64_t flags = console_lock();
    int n = kvformat(console_out, NULL, fmt, ap);
    console_unlock(flags);
    return n;
}

int kprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
