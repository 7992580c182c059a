// Boot argument parsing (see kern/bootargs.h).
#include "kern/bootargs.h"

#include "kern/string.h"

static const char *cmdline = "";

void bootargs_set(const char *s) { cmdline = s ? s : ""; }

// Find word `key` (followed by end, space or '=' when want_value) in the command line.
static const char *find_word(const char *key, bool want_value) {
    size_t kl = strlen(key);
    for (const char *p = cmdline; *p;) {
        while (*p == ' ') p++;
        const char *w = p;
        while (*p && *p != ' ') p++;
        size_t wl = (size_t)(p - w);
        if (wl >= kl && strncmp(w, key, kl) == 0) {
            if (!want_value && wl == kl) return w;
            if (want_value && wl > kl && w[kl] == '=') return w + kl + 1;
        }
    }
    return 0;
}

bool bootarg_flag(const char *name) { return find_word(name, false) != 0; }

bool bootarg_value(const char *key, char *buf, size_t size) {
    const char *v = find_word(key, true);
    if (!v || size == 0) return false;
    size_t n = 0;
    while (v[n] && v[n] != ' ' && n + 1 < size) {
        buf[n] = v[n];
        n++;
    }
    buf[n] = 0;
    return true;
}

uint64_t bootarg_uint(const char *key, uint64_t def) {
    char buf[24];
    if (!bootarg_value(key, buf, sizeof(buf)) || !buf[0]) return def;
    uint64_t v = 0;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9') return def;
        if (v > (UINT64_MAX - 9) / 10) return def;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    return v;
}
