// dt_ref FILE.dtb...: the reference for platform/dt.c, written separately on
// top of Debian's libfdt (every blob access goes through libfdt, nothing
// from platform/). It applies the rules listed at the top of platform/dt.c
// in the most direct way — recursive walk, all candidate ranges collected,
// sorted, swept, then RAM and reservations subtracted — with no table
// limits, and prints the canonical format described in dt_dump.c.
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_file.h"

// The dt_info field sizes (platform/dt.h): strings are printed cut to fit.
enum {
    L_MODEL = 64, L_BOOTARGS = 256, L_STDOUT = 96, L_NAME = 64, L_ISA = 128, L_MMU = 24, L_COMPAT = 48,
    L_PATH = 96, LIM_MEM = 16, LIM_RESERVED = 32, LIM_CPUS = 32, LIM_MMIO = 128,
};

struct range {
    uint64_t base, end;  // [base, end)
    bool intc;
    unsigned order;      // document order of the node
    char path[L_PATH];
    char compat[L_COMPAT];
    char name[L_NAME];
};

struct list {
    struct range *v;
    size_t n, cap;
};

static const void *fdt;
static int root, cpus_node, resmem_node;

static struct range *push(struct list *l) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        if (!l->v) abort();
    }
    memset(&l->v[l->n], 0, sizeof(l->v[0]));
    return &l->v[l->n++];
}

static void cut_copy(char *dst, size_t cap, const char *s, size_t n) {
    if (n > cap - 1) n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

// First string of a string-list property (libfdt checks its NUL).
static const char *first_str(int node, const char *prop) {
    int len;
    return fdt_stringlist_get(fdt, node, prop, 0, &len);
}

static bool str_is(int node, const char *prop, const char *s) {
    const char *v = first_str(node, prop);
    return v && !strcmp(v, s);
}

// Svpbmt: "_svpbmt" ending at '_' or the end of the whole riscv,isa, or
// "svpbmt" in the riscv,isa-extensions string list.
static bool has_svpbmt(int node) {
    const char *isa = first_str(node, "riscv,isa");
    for (const char *p = isa ? strstr(isa, "_svpbmt") : NULL; p; p = strstr(p + 1, "_svpbmt"))
        if (p[7] == 0 || p[7] == '_') return true;
    int len;
    const char *l = fdt_getprop(fdt, node, "riscv,isa-extensions", &len);
    return l && fdt_stringlist_contains(l, len, "svpbmt");
}

static bool available(int node) {
    int len;
    if (!fdt_getprop(fdt, node, "status", &len)) return true;
    return str_is(node, "status", "okay") || str_is(node, "status", "ok");
}

static bool get_uint(int node, const char *prop, uint64_t *v) {
    int len;
    const void *p = fdt_getprop(fdt, node, prop, &len);
    if (p && len == 4) *v = fdt32_ld(p);
    else if (p && len == 8) *v = fdt64_ld(p);
    else return false;
    return true;
}

static uint32_t get_u32(int node, const char *prop, uint32_t dflt) {
    uint64_t v;
    return get_uint(node, prop, &v) && v <= UINT32_MAX ? (uint32_t)v : dflt;
}

// n big-endian cells; only the low two may be non-zero.
static bool get_num(const fdt32_t *p, int n, uint64_t *v) {
    uint64_t x = 0;
    for (int i = 0; i < n; i++) {
        if (i < n - 2 && fdt32_ld(&p[i]) != 0) return false;
        x = (x << 32) | fdt32_ld(&p[i]);
    }
    *v = x;
    return true;
}

static uint64_t clip(uint64_t base, uint64_t size) { return size > UINT64_MAX - base ? UINT64_MAX - base : size; }

// From the bus `node` sits on up to the root, through each bus's `ranges`.
static bool translate(int node, uint64_t *addr, uint64_t *size) {
    for (int bus = fdt_parent_offset(fdt, node); bus >= 0 && bus != root;) {
        int len;
        const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
        int up = fdt_parent_offset(fdt, bus);
        if (!r || up < 0) return false;
        if (len > 0) {
            int ca = fdt_address_cells(fdt, bus), cs = fdt_size_cells(fdt, bus), pa = fdt_address_cells(fdt, up);
            if (ca < 0 || cs < 0 || pa < 0) return false;
            int ent = ca + pa + cs;
            bool hit = false;
            for (int i = 0; i + ent <= len / 4 && !hit; i += ent) {
                uint64_t c, p, s;
                if (!get_num(r + i, ca, &c) || !get_num(r + i + ca, pa, &p) || !get_num(r + i + ca + pa, cs, &s))
                    continue;
                if (!(c <= *addr && *addr - c < s)) continue;
                uint64_t off = *addr - c;
                if (p > UINT64_MAX - off) return false;
                *addr = p + off;
                if (*size > s - off) *size = s - off;
                hit = true;
            }
            if (!hit) return false;
        }
        bus = up;
    }
    return true;
}

// Calls fn for every complete `reg` entry of node (cells of its parent).
static void reg_entries(int node, void (*fn)(int node, uint64_t a, uint64_t s, void *ctx), void *ctx) {
    int parent = fdt_parent_offset(fdt, node), len;
    if (parent < 0) return;
    int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
    const fdt32_t *r = fdt_getprop(fdt, node, "reg", &len);
    if (ac < 0 || sc < 0 || !r) return;
    for (int i = 0; i + ac + sc <= len / 4; i += ac + sc) {
        uint64_t a, s;
        if (get_num(r + i, ac, &a) && get_num(r + i + ac, sc, &s)) fn(node, a, s, ctx);
    }
}

static void first_entry(int node, uint64_t a, uint64_t s, void *ctx) {
    uint64_t *v = ctx;
    if (v[2]) return;
    v[0] = a;
    v[1] = s;
    v[2] = 1;
}

static bool first_reg(int node, uint64_t *base, uint64_t *size) {
    uint64_t v[3] = {0, 0, 0};
    reg_entries(node, first_entry, v);
    if (!v[2] || !translate(node, &v[0], &v[1])) return false;
    *base = v[0];
    *size = clip(v[0], v[1]);
    return true;
}

struct plain_ctx {
    struct list *l;
    const char *name;
};

static void add_plain(int node, uint64_t a, uint64_t s, void *ctx) {
    struct plain_ctx *c = ctx;
    s = clip(a, s);
    if (!s) return;
    struct range *r = push(c->l);
    r->base = a;
    r->end = a + s;
    cut_copy(r->name, sizeof(r->name), c->name, strlen(c->name));
}

static bool has_compat_prefix(int node, const char *pre) {
    const char *s;
    int len;
    for (int i = 0; (s = fdt_stringlist_get(fdt, node, "compatible", i, &len)); i++)
        if (!strncmp(s, pre, strlen(pre))) return true;
    return false;
}

static bool is_intc(int node) {
    static const char *const names[] = {"riscv,plic0", "sifive,plic-1.0.0", "riscv,clint0", "sifive,clint0",
                                        "riscv,imsics", "riscv,aplic"};
    int len;
    if (fdt_getprop(fdt, node, "interrupt-controller", &len)) return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (fdt_stringlist_search(fdt, node, "compatible", names[i]) >= 0) return true;
    return has_compat_prefix(node, "riscv,aclint-");
}

struct mmio_ctx {
    struct list *l;
    unsigned order;
};

static void add_mmio(int node, uint64_t a, uint64_t s, void *ctx) {
    struct mmio_ctx *c = ctx;
    if (s == 0 || !translate(node, &a, &s)) return;
    s = clip(a, s);
    if (!s) return;
    struct range *r = push(c->l);
    r->base = a;
    r->end = a + s;
    r->intc = is_intc(node);
    r->order = c->order;
    char path[4096];
    if (fdt_get_path(fdt, node, path, sizeof(path)) != 0) strcpy(path, "?");
    cut_copy(r->path, sizeof(r->path), path, strlen(path));
    const char *compat = first_str(node, "compatible");
    if (compat) cut_copy(r->compat, sizeof(r->compat), compat, strlen(compat));
}

static void walk(int node, int depth, struct mmio_ctx *c) {
    bool memory = depth == 1 && str_is(node, "device_type", "memory");
    if (depth > 0 && !memory && available(node)) reg_entries(node, add_mmio, c);
    c->order++;
    int child;
    fdt_for_each_subnode(child, fdt, node) {
        if (child != cpus_node && child != resmem_node) walk(child, depth + 1, c);
    }
}

static int by_base(const void *a, const void *b) {
    const struct range *x = a, *y = b;
    if (x->base != y->base) return x->base < y->base ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

// Subtract [b, e) from the sorted list l.
static void subtract(struct list *l, uint64_t b, uint64_t e) {
    struct list out = {0};
    for (size_t i = 0; i < l->n; i++) {
        struct range r = l->v[i];
        if (r.end <= b || r.base >= e) {
            *push(&out) = r;
            continue;
        }
        if (r.base < b) {
            struct range *p = push(&out);
            *p = r;
            p->end = b;
        }
        if (r.end > e) {
            struct range *p = push(&out);
            *p = r;
            p->base = e;
        }
    }
    free(l->v);
    *l = out;
}

static void put_str(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20 || *p > 0x7e) printf("\\x%02x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void put_cut(const char *s, size_t cap) {
    char buf[4096];
    cut_copy(buf, cap < sizeof(buf) ? cap : sizeof(buf), s ? s : "", s ? strlen(s) : 0);
    put_str(buf);
}

// The node stdout-path[0..n) names: absolute, or alias[/subpath].
static int resolve(const char *sp, size_t n) {
    if (n == 0) return -1;
    if (sp[0] == '/') return fdt_path_offset_namelen(fdt, sp, (int)n);
    size_t q = strcspn(sp, "/");
    if (q > n) q = n;
    int aliases = fdt_path_offset(fdt, "/aliases"), len;
    if (aliases < 0) return -1;
    const char *v = fdt_getprop_namelen(fdt, aliases, sp, (int)q, &len);
    if (!v || len <= 0 || !memchr(v, 0, (size_t)len) || v[0] != '/') return -1;
    char full[8192];
    snprintf(full, sizeof(full), "%s%.*s", v, (int)(n - q), sp + q);
    return fdt_path_offset(fdt, full);
}

static void reference(void) {
    bool truncated = false;
    root = fdt_path_offset(fdt, "/");
    cpus_node = fdt_path_offset(fdt, "/cpus");
    resmem_node = fdt_path_offset(fdt, "/reserved-memory");
    int chosen = fdt_path_offset(fdt, "/chosen");

    printf("totalsize %u\nmodel ", fdt_totalsize(fdt));
    put_cut(first_str(root, "model"), L_MODEL);
    printf("\nbootargs ");
    put_cut(chosen >= 0 ? first_str(chosen, "bootargs") : NULL, L_BOOTARGS);
    const char *sp = chosen >= 0 ? first_str(chosen, "stdout-path") : NULL;
    size_t spn = sp ? strcspn(sp, ":") : 0;
    char spbuf[L_STDOUT];
    cut_copy(spbuf, sizeof(spbuf), sp ? sp : "", spn);
    printf("\nstdout-path ");
    put_str(spbuf);
    uint64_t is = 0, ie = 0;
    if (chosen >= 0 && !get_uint(chosen, "linux,initrd-start", &is)) is = 0;
    if (chosen >= 0 && !get_uint(chosen, "linux,initrd-end", &ie)) ie = 0;
    printf("\ninitrd 0x%llx 0x%llx\n", (unsigned long long)is, (unsigned long long)ie);

    // cpus and the timebase
    uint64_t tb = 0;
    bool have_tb = cpus_node >= 0 && get_uint(cpus_node, "timebase-frequency", &tb);
    struct {
        uint32_t id;
        bool okay, svpbmt;
        const char *isa, *mmu;
    } cpu[1024];
    int ncpu = 0, c;
    if (cpus_node >= 0) {
        fdt_for_each_subnode(c, fdt, cpus_node) {
            if (!str_is(c, "device_type", "cpu")) continue;
            if (!have_tb) have_tb = get_uint(c, "timebase-frequency", &tb);
            int ac = fdt_address_cells(fdt, cpus_node), len;
            const fdt32_t *r = fdt_getprop(fdt, c, "reg", &len);
            uint64_t id;
            if (ac < 0 || !r || len < 4 * ac || !get_num(r, ac, &id) || id > UINT32_MAX || ncpu == 1024) continue;
            cpu[ncpu].id = (uint32_t)id;
            cpu[ncpu].okay = available(c);
            cpu[ncpu].isa = first_str(c, "riscv,isa");
            cpu[ncpu].svpbmt = has_svpbmt(c);
            cpu[ncpu++].mmu = first_str(c, "mmu-type");
        }
    }
    printf("timebase %llu\n", (unsigned long long)tb);

    // RAM, then reservations
    struct list mem = {0}, res = {0}, mmio = {0};
    int n;
    fdt_for_each_subnode(n, fdt, root) {
        if (str_is(n, "device_type", "memory") && available(n)) {
            struct plain_ctx pc = {&mem, ""};
            reg_entries(n, add_plain, &pc);
        }
    }
    for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
        uint64_t a, s;
        if (fdt_get_mem_rsv(fdt, i, &a, &s) == 0 && (s = clip(a, s))) {
            struct range *r = push(&res);
            r->base = a;
            r->end = a + s;
            strcpy(r->name, "/memreserve/");
        }
    }
    if (resmem_node >= 0) {
        fdt_for_each_subnode(n, fdt, resmem_node) {
            struct plain_ctx pc = {&res, fdt_get_name(fdt, n, NULL)};
            reg_entries(n, add_plain, &pc);
        }
    }
    for (size_t i = 0; i < mem.n; i++)
        printf("memory 0x%llx 0x%llx\n", (unsigned long long)mem.v[i].base,
               (unsigned long long)(mem.v[i].end - mem.v[i].base));
    for (size_t i = 0; i < res.n; i++) {
        printf("reserved 0x%llx 0x%llx ", (unsigned long long)res.v[i].base,
               (unsigned long long)(res.v[i].end - res.v[i].base));
        put_str(res.v[i].name);
        putchar('\n');
    }
    for (int i = 0; i < ncpu; i++) {
        printf("cpu %u %s ", cpu[i].id, cpu[i].okay ? "okay" : "disabled");
        put_cut(cpu[i].isa, L_ISA);
        putchar(' ');
        put_cut(cpu[i].mmu, L_MMU);
        printf(" %s\n", cpu[i].svpbmt ? "svpbmt" : "-");
    }

    // console
    int con = sp ? resolve(sp, spn) : -1;
    uint64_t cb = 0, cs = 0;
    if (con >= 0 && !first_reg(con, &cb, &cs)) cb = cs = 0;
    printf("console 0x%llx 0x%llx shift %u width %u clock %u ", (unsigned long long)cb, (unsigned long long)cs,
           con >= 0 ? get_u32(con, "reg-shift", 0) : 0, con >= 0 ? get_u32(con, "reg-io-width", 1) : 0,
           con >= 0 ? get_u32(con, "clock-frequency", 0) : 0);
    put_cut(con >= 0 ? first_str(con, "compatible") : NULL, L_COMPAT);

    // poweroff: the first available sifive,test0 with a translatable reg
    uint64_t pb = 0, ps;
    for (n = fdt_node_offset_by_compatible(fdt, -1, "sifive,test0"); n >= 0;
         n = fdt_node_offset_by_compatible(fdt, n, "sifive,test0"))
        if (available(n) && first_reg(n, &pb, &ps)) break;
    if (n < 0) pb = 0;
    printf("\npoweroff 0x%llx\n", (unsigned long long)pb);

    // MMIO: collect, sort, sweep-merge, subtract RAM and reservations
    struct mmio_ctx mc = {&mmio, 0};
    walk(root, 0, &mc);
    if (mmio.n) qsort(mmio.v, mmio.n, sizeof(*mmio.v), by_base);
    size_t m = 0;
    for (size_t i = 0; i < mmio.n; i++) {
        if (m > 0 && mmio.v[i].base < mmio.v[m - 1].end) {
            if (mmio.v[i].end > mmio.v[m - 1].end) mmio.v[m - 1].end = mmio.v[i].end;
            mmio.v[m - 1].intc |= mmio.v[i].intc;
        } else {
            mmio.v[m++] = mmio.v[i];
        }
    }
    mmio.n = m;
    for (size_t i = 0; i < mem.n; i++) subtract(&mmio, mem.v[i].base, mem.v[i].end);
    for (size_t i = 0; i < res.n; i++) subtract(&mmio, res.v[i].base, res.v[i].end);
    for (size_t i = 0; i < mmio.n; i++) {
        const struct range *r = &mmio.v[i];
        printf("mmio 0x%llx 0x%llx %s ", (unsigned long long)r->base, (unsigned long long)(r->end - r->base),
               r->intc ? "intc" : "-");
        put_str(r->path);
        putchar(' ');
        put_str(r->compat);
        putchar('\n');
    }
    truncated = mem.n > LIM_MEM || res.n > LIM_RESERVED || ncpu > LIM_CPUS || mmio.n > LIM_MMIO;
    printf("truncated %d\n", truncated ? 1 : 0);
    free(mem.v);
    free(res.v);
    free(mmio.v);
}

int main(int argc, char **argv) {
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.dtb...\n", argv[0]);
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        size_t size;
        unsigned char *buf = load_file(argv[a], &size);
        if (!buf) {
            perror(argv[a]);
            return 2;
        }
        if (argc > 2) printf("== %s\n", argv[a]);
        int err = fdt_check_full(buf, size);
        if (err) {
            printf("refused %s\n", fdt_strerror(err));
            rc = 1;
        } else {
            fdt = buf;
            reference();
        }
        free(buf);
    }
    return rc;
}
