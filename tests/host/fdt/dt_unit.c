// fdt_unit: hand-made blobs for every check of platform/fdt.c (header,
// memory reservation block, structure block) and for the interpretation
// rules of platform/dt.c (cells, ranges, status, aliases, merging, cutting,
// saturation, full tables). Built with ASan/UBSan; every blob is handed to
// the parser in a malloc'd buffer of exactly `avail` bytes.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_check.h"
#include "platform/dt.h"
#include "platform/fdt.h"

static int failures, checks;
static const char *cur_test = "";

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        checks++;                                                                            \
        if (!(cond)) {                                                                       \
            failures++;                                                                      \
            fprintf(stderr, "FAIL %s:%d [%s]: %s\n", __FILE__, __LINE__, cur_test, #cond); \
        }                                                                                    \
    } while (0)

// --- a tiny DTB writer ----------------------------------------------------------

enum { TOK_BEGIN = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_NOP = 4, TOK_END = 9 };

struct bld {
    uint8_t st[1 << 16];
    size_t sl;
    char str[4096];
    size_t strl;
    uint64_t rsv[64][2];
    unsigned nrsv;
};

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static void b_u32(struct bld *b, uint32_t v) {
    put32(b->st + b->sl, v);
    b->sl += 4;
}

static void b_bytes(struct bld *b, const void *p, size_t n) {
    memcpy(b->st + b->sl, p, n);
    b->sl += n;
    while (b->sl & 3) b->st[b->sl++] = 0;
}

static void b_begin(struct bld *b, const char *name) {
    b_u32(b, TOK_BEGIN);
    b_bytes(b, name, strlen(name) + 1);
}

static void b_end(struct bld *b) { b_u32(b, TOK_END_NODE); }

static uint32_t b_stroff(struct bld *b, const char *name) {
    for (size_t o = 0; o < b->strl; o += strlen(b->str + o) + 1)
        if (!strcmp(b->str + o, name)) return (uint32_t)o;
    uint32_t o = (uint32_t)b->strl;
    memcpy(b->str + o, name, strlen(name) + 1);
    b->strl += strlen(name) + 1;
    return o;
}

static void b_prop(struct bld *b, const char *name, const void *v, uint32_t len) {
    b_u32(b, TOK_PROP);
    b_u32(b, len);
    b_u32(b, b_stroff(b, name));
    b_bytes(b, v, len);
}

static void b_str(struct bld *b, const char *name, const char *s) { b_prop(b, name, s, (uint32_t)strlen(s) + 1); }

static void b_empty(struct bld *b, const char *name) { b_prop(b, name, "", 0); }

// n cells follow
static void b_cells(struct bld *b, const char *name, unsigned n, ...) {
    uint8_t v[256];
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 0; i < n; i++) put32(v + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    b_prop(b, name, v, 4 * n);
}

static void b_u32prop(struct bld *b, const char *name, uint32_t v) { b_cells(b, name, 1, v); }

// A 2+2-cell reg entry.
static void b_reg(struct bld *b, uint64_t base, uint64_t size) {
    b_cells(b, "reg", 4, (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size);
}

// Header (v17), reservation map at 40, structure block, strings block.
static size_t b_blob(struct bld *b, uint8_t *out) {
    size_t rsv = 40, st = rsv + 16 * (b->nrsv + 1), str = st + b->sl, total = str + b->strl;
    memset(out, 0, total);
    put32(out, 0xd00dfeed);
    put32(out + 4, (uint32_t)total);
    put32(out + 8, (uint32_t)st);
    put32(out + 12, (uint32_t)str);
    put32(out + 16, (uint32_t)rsv);
    put32(out + 20, 17);
    put32(out + 24, 16);
    put32(out + 32, (uint32_t)b->strl);
    put32(out + 36, (uint32_t)b->sl);
    for (unsigned i = 0; i < b->nrsv; i++) {
        put64(out + rsv + 16 * i, b->rsv[i][0]);
        put64(out + rsv + 16 * i + 8, b->rsv[i][1]);
    }
    memcpy(out + st, b->st, b->sl);
    memcpy(out + str, b->str, b->strl);
    return total;
}

static struct bld B;
static uint8_t blob[1 << 17];
static size_t blob_len;
static struct dt_info info;
static const struct dt_info zero_info;
static const char *why;

// Parse blob[0..avail) from an exactly sized copy; check the invariants.
static zx_status_t parse_n(size_t avail) {
    uint8_t *buf = malloc(avail ? avail : 1);
    memcpy(buf, blob, avail);
    why = NULL;
    zx_status_t st = dt_parse(buf, avail, &info, &why);
    free(buf);
    if (st == ZX_OK) {
        char err[256];
        bool ok = dt_check_invariants(&info, err, sizeof(err));
        CHECK(ok);
        if (!ok) fprintf(stderr, "  invariant: %s\n", err);
    } else {
        CHECK(why && why[0]);
        CHECK(!memcmp(&info, &zero_info, sizeof(info)));
    }
    return st;
}

static zx_status_t parse(void) { return parse_n(blob_len); }

static void finish(void) { blob_len = b_blob(&B, blob); }

static void begin_test(const char *name) {
    cur_test = name;
    memset(&B, 0, sizeof(B));
}

// Refused with `status` and a message containing `text`.
static void expect_refused(zx_status_t status, const char *text) {
    zx_status_t st = parse();
    CHECK(st == status);
    CHECK(st != ZX_OK && why && strstr(why, text));
    if (st != status || !why || !strstr(why, text))
        fprintf(stderr, "  got %d \"%s\", wanted %d \"%s\"\n", st, why ? why : "(null)", status, text);
}

// --- building blocks: nodes written into B --------------------------------------

// #address-cells and #size-cells.
static void cells(uint32_t address, uint32_t size) {
    b_u32prop(&B, "#address-cells", address);
    b_u32prop(&B, "#size-cells", size);
}

// Opens the root node, with 2 address and 2 size cells.
static void root_2_2(void) {
    b_begin(&B, "");
    cells(2, 2);
}

// Opens a bus node: its cells and an identity "ranges".
static void bus(const char *name, uint32_t address, uint32_t size) {
    b_begin(&B, name);
    cells(address, size);
    b_empty(&B, "ranges");
}

// Closes the innermost node (the root) and ends the structure block.
static void end_root(void) {
    b_end(&B);
    b_u32(&B, TOK_END);
}

// ... and writes the blob.
static void end_blob(void) {
    end_root();
    finish();
}

// A node with one reg entry of 2+2 cells.
static void dev(const char *name, uint64_t base, uint64_t size) {
    b_begin(&B, name);
    b_reg(&B, base, size);
    b_end(&B);
}

// A node with one reg entry of 1+1 cells.
static void dev32(const char *name, uint32_t base, uint32_t size) {
    b_begin(&B, name);
    b_cells(&B, "reg", 2, base, size);
    b_end(&B);
}

// A node with one property, then one reg entry of 2+2 cells.
static void dev_prop(const char *name, const char *prop, const void *v, uint32_t len, uint64_t base, uint64_t size) {
    b_begin(&B, name);
    b_prop(&B, prop, v, len);
    b_reg(&B, base, size);
    b_end(&B);
}

static void dev_str(const char *name, const char *prop, const char *s, uint64_t base, uint64_t size) {
    dev_prop(name, prop, s, (uint32_t)strlen(s) + 1, base, size);
}

// A RAM node (2+2 cells).
static void memory(const char *name, uint64_t base, uint64_t size) {
    b_begin(&B, name);
    b_str(&B, "device_type", "memory");
    b_reg(&B, base, size);
    b_end(&B);
}

// Opens cpu@<hartid>: its device_type and reg (1 address cell).
static void cpu(uint32_t hartid) {
    char name[32];
    snprintf(name, sizeof(name), "cpu@%u", hartid);
    b_begin(&B, name);
    b_str(&B, "device_type", "cpu");
    b_u32prop(&B, "reg", hartid);
}

// / { #address-cells = 2; #size-cells = 2; model; chosen; memory; cpus; soc { serial; test } },
// the root left open.
static void basic_tree(void) {
    root_2_2();
    b_str(&B, "model", "unit,board");
    b_begin(&B, "chosen");
    b_str(&B, "stdout-path", "/soc/serial@10000000:115200n8");
    b_str(&B, "bootargs", "hello");
    b_end(&B);
    memory("memory@80000000", 0x80000000, 0x10000000);
    b_begin(&B, "cpus");
    cells(1, 0);
    b_u32prop(&B, "timebase-frequency", 10000000);
    cpu(0);
    b_str(&B, "riscv,isa", "rv64imafdc_zicsr");
    b_str(&B, "mmu-type", "riscv,sv39");
    b_begin(&B, "interrupt-controller");
    b_empty(&B, "interrupt-controller");
    b_end(&B);
    b_end(&B);  // cpu@0
    b_end(&B);  // cpus
    bus("soc", 2, 2);
    b_begin(&B, "serial@10000000");
    b_str(&B, "compatible", "ns16550a");
    b_reg(&B, 0x10000000, 0x100);
    b_u32prop(&B, "clock-frequency", 3686400);
    b_u32prop(&B, "reg-shift", 2);
    b_u32prop(&B, "reg-io-width", 4);
    b_end(&B);
    dev_prop("test@100000", "compatible", "sifive,test1\0sifive,test0", 26, 0x100000, 0x1000);
    b_end(&B);  // soc
}

static void basic_blob(void) {
    memset(&B, 0, sizeof(B));
    basic_tree();
    end_blob();
}

static void set_hdr(unsigned field, uint32_t v) { put32(blob + 4 * field, v); }
static uint32_t hdr(unsigned field) { return get32(blob + 4 * field); }
enum { H_MAGIC, H_TOTAL, H_OFF_STRUCT, H_OFF_STRINGS, H_OFF_RSV, H_VERSION, H_LAST_COMP, H_CPU, H_SIZE_STRINGS,
       H_SIZE_STRUCT };

// Starts test `name` on the basic blob.
static void basic(const char *name) {
    begin_test(name);
    basic_blob();
}

// A header field of the basic blob.
static uint32_t basic_hdr(unsigned field) {
    basic_blob();
    return hdr(field);
}

// Test `name`: the basic blob with header field `field` set to `v` is
// refused with `status` and a message containing `text`.
static void hdr_refused(const char *name, unsigned field, uint32_t v, zx_status_t status, const char *text) {
    basic(name);
    set_hdr(field, v);
    expect_refused(status, text);
}

static const struct dt_mmio *find_mmio(uint64_t addr) {
    for (unsigned i = 0; i < info.n_mmio; i++)
        if (addr >= info.mmio[i].base && addr - info.mmio[i].base < info.mmio[i].size) return &info.mmio[i];
    return NULL;
}

// --- header -------------------------------------------------------------------

static void t_valid(void) {
    basic("valid");
    CHECK(parse() == ZX_OK);
    CHECK(info.totalsize == blob_len);
    CHECK(!strcmp(info.model, "unit,board") && !strcmp(info.bootargs, "hello"));
    CHECK(!strcmp(info.stdout_path, "/soc/serial@10000000"));
    CHECK(info.n_memory == 1 && info.memory[0].base == 0x80000000 && info.memory[0].size == 0x10000000);
    CHECK(info.n_cpus == 1 && info.cpus[0].hartid == 0 && info.cpus[0].okay && !strcmp(info.cpus[0].isa, "rv64imafdc_zicsr"));
    CHECK(!strcmp(info.cpus[0].mmu_type, "riscv,sv39") && info.timebase_frequency == 10000000);
    CHECK(!strcmp(info.console.compatible, "ns16550a") && info.console.base == 0x10000000 && info.console.size == 0x100);
    CHECK(info.console.reg_shift == 2 && info.console.reg_io_width == 4 && info.console.clock_frequency == 3686400);
    CHECK(info.poweroff_base == 0x100000);
    CHECK(info.n_mmio == 2 && info.mmio[0].base == 0x100000 && info.mmio[1].base == 0x10000000);
    CHECK(!strcmp(info.mmio[1].path, "/soc/serial@10000000") && !strcmp(info.mmio[0].compatible, "sifive,test1"));
    CHECK(info.mmio[0].flags == 0 && info.n_reserved == 0 && !info.truncated);
    // A larger `avail` than totalsize is fine; `why` may be NULL.
    CHECK(parse_n(blob_len + 100) == ZX_OK);
    uint8_t *buf = malloc(blob_len);
    memcpy(buf, blob, blob_len);
    CHECK(dt_parse(buf, blob_len, &info, NULL) == ZX_OK);
    CHECK(dt_parse(NULL, blob_len, &info, &why) == ZX_ERR_INVALID_ARGS);
    CHECK(dt_parse(buf, blob_len, NULL, &why) == ZX_ERR_INVALID_ARGS);
    CHECK(dt_parse(buf, 0, &info, NULL) == ZX_ERR_OUT_OF_RANGE);
    free(buf);
}

static void t_header(void) {
    basic("short avail");
    for (size_t n = 0; n < 40; n++) CHECK(parse_n(n) == ZX_ERR_OUT_OF_RANGE);

    hdr_refused("bad magic", H_MAGIC, 0xedfe0dd0, ZX_ERR_IO_DATA_INTEGRITY, "magic");
    hdr_refused("version 15", H_VERSION, 15, ZX_ERR_IO_DATA_INTEGRITY, "version");

    basic("last_comp_version 18");
    set_hdr(H_VERSION, 18);
    set_hdr(H_LAST_COMP, 18);
    expect_refused(ZX_ERR_IO_DATA_INTEGRITY, "last_comp_version");

    basic("version 18 compatible with 16");
    set_hdr(H_VERSION, 18);
    CHECK(parse() == ZX_OK);

    basic("last_comp_version newer than version");
    set_hdr(H_VERSION, 16);
    set_hdr(H_LAST_COMP, 17);
    expect_refused(ZX_ERR_IO_DATA_INTEGRITY, "last_comp_version");

    hdr_refused("totalsize > avail", H_TOTAL, basic_hdr(H_TOTAL) + 1, ZX_ERR_OUT_OF_RANGE, "totalsize");
    hdr_refused("totalsize > avail", H_TOTAL, 0xffffffff, ZX_ERR_OUT_OF_RANGE, "totalsize");
    hdr_refused("totalsize < header", H_TOTAL, 39, ZX_ERR_IO_DATA_INTEGRITY, "totalsize");
    hdr_refused("totalsize cuts the strings block", H_TOTAL, basic_hdr(H_TOTAL) - 1, ZX_ERR_OUT_OF_RANGE,
                "strings block");
}

static void t_blocks(void) {
    hdr_refused("structure block offset past the blob", H_OFF_STRUCT, basic_hdr(H_TOTAL) + 4, ZX_ERR_OUT_OF_RANGE,
                "structure block");
    hdr_refused("structure block inside the header", H_OFF_STRUCT, 36, ZX_ERR_OUT_OF_RANGE, "structure block");
    hdr_refused("structure block size past the blob", H_SIZE_STRUCT,
                basic_hdr(H_SIZE_STRUCT) + basic_hdr(H_SIZE_STRINGS) + 1, ZX_ERR_OUT_OF_RANGE, "structure block");
    hdr_refused("structure block offset + size overflows", H_SIZE_STRUCT, 0xfffffff0, ZX_ERR_OUT_OF_RANGE,
                "structure block");

    basic("structure block misaligned");
    set_hdr(H_OFF_STRUCT, hdr(H_OFF_STRUCT) + 2);
    set_hdr(H_SIZE_STRUCT, hdr(H_SIZE_STRUCT) - 4);
    expect_refused(ZX_ERR_IO_DATA_INTEGRITY, "aligned");

    hdr_refused("strings block offset past the blob", H_OFF_STRINGS, basic_hdr(H_TOTAL) + 1, ZX_ERR_OUT_OF_RANGE,
                "strings block");
    hdr_refused("strings block size past the blob", H_SIZE_STRINGS, basic_hdr(H_SIZE_STRINGS) + 1,
                ZX_ERR_OUT_OF_RANGE, "strings block");
    hdr_refused("strings block offset + size overflows", H_SIZE_STRINGS, 0xffffffff, ZX_ERR_OUT_OF_RANGE,
                "strings block");
    hdr_refused("reservation block past the blob", H_OFF_RSV, basic_hdr(H_TOTAL) + 8, ZX_ERR_OUT_OF_RANGE,
                "reservation block");
    hdr_refused("reservation block misaligned", H_OFF_RSV, 44, ZX_ERR_IO_DATA_INTEGRITY, "8-byte aligned");

    basic("reservation block not terminated inside the blob");
    set_hdr(H_OFF_RSV, (uint32_t)((blob_len - 8) & ~(size_t)7));
    memset(blob + hdr(H_OFF_RSV), 0xff, blob_len - hdr(H_OFF_RSV));
    expect_refused(ZX_ERR_OUT_OF_RANGE, "not terminated");

    basic("reservation entry of size 0");
    put64(blob + 40, 0x1000);  // {0x1000, 0} where the terminator should be
    expect_refused(ZX_ERR_IO_DATA_INTEGRITY, "{0,0}");

    begin_test("reservations");
    basic_tree();
    B.rsv[0][0] = 0x81000000, B.rsv[0][1] = 0x1000;
    B.rsv[1][0] = 0x100800, B.rsv[1][1] = 0x100;  // inside test@100000: splits it
    B.rsv[2][0] = 0, B.rsv[2][1] = 0x10;          // base 0 is a real entry, not the terminator
    B.nrsv = 3;
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.n_reserved == 3 && info.reserved[0].base == 0x81000000 && info.reserved[2].size == 0x10);
    CHECK(!strcmp(info.reserved[1].name, "/memreserve/"));
    CHECK(info.n_mmio == 3 && info.mmio[0].base == 0x100000 && info.mmio[0].size == 0x800);
    CHECK(info.mmio[1].base == 0x100900 && info.mmio[1].size == 0x700);
}

// --- structure block -----------------------------------------------------------

static void struct_only(void (*fill)(void)) {
    memset(&B, 0, sizeof(B));
    fill();
    finish();
}

// Test `name`: the blob whose structure block `fill` writes is refused as
// corrupt with a message containing `text`.
static void struct_refused(const char *name, void (*fill)(void), const char *text) {
    begin_test(name);
    struct_only(fill);
    expect_refused(ZX_ERR_IO_DATA_INTEGRITY, text);
}

static void s_unterminated_name(void) {
    b_begin(&B, "");
    b_u32(&B, TOK_BEGIN);
    memcpy(B.st + B.sl, "abcdefgh", 8);  // no NUL before the block ends
    B.sl += 8;
}
static void s_missing_end(void) {
    b_begin(&B, "");
    b_end(&B);
}
static void s_extra_end_node(void) {
    b_begin(&B, "");
    b_end(&B);
    end_root();
}
static void s_unclosed(void) {
    b_begin(&B, "");
    b_begin(&B, "child");
    b_end(&B);
    b_u32(&B, TOK_END);
}
static void s_prop_past_block(void) {
    b_begin(&B, "");
    b_u32(&B, TOK_PROP);
    b_u32(&B, 0x100);
    b_u32(&B, b_stroff(&B, "model"));
    b_u32(&B, 0);
}
static void s_prop_len_huge(void) {
    b_begin(&B, "");
    b_u32(&B, TOK_PROP);
    b_u32(&B, 0xfffffffc);
    b_u32(&B, b_stroff(&B, "model"));
    end_root();
}
static void s_prop_header_cut(void) {
    b_begin(&B, "");
    b_u32(&B, TOK_PROP);
    b_u32(&B, 0);
}
static void s_nameoff_outside(void) {
    b_begin(&B, "");
    b_str(&B, "model", "x");
    put32(B.st + B.sl - 8 + 0, 0xffffff00);  // the nameoff of the property just written
    end_root();
}
static void s_nameoff_at_end(void) {
    b_begin(&B, "");
    b_u32(&B, TOK_PROP);
    b_u32(&B, 0);
    b_stroff(&B, "model");
    b_u32(&B, (uint32_t)B.strl);  // just past the strings
    end_root();
}
static void s_unknown_token(void) {
    b_begin(&B, "");
    b_u32(&B, 7);
    end_root();
}
static void s_prop_before_root(void) {
    b_str(&B, "model", "x");
    b_begin(&B, "");
    end_root();
}
static void s_prop_after_subnode(void) {
    b_begin(&B, "");
    b_begin(&B, "a");
    b_end(&B);
    b_str(&B, "model", "x");
    end_root();
}
static void s_two_roots(void) {
    b_begin(&B, "");
    b_end(&B);
    b_begin(&B, "");
    end_root();
}
static void s_no_root(void) {
    b_u32(&B, TOK_NOP);
    b_u32(&B, TOK_END);
}
static void s_root_named(void) {
    b_begin(&B, "/");
    end_root();
}
static void s_slash_name(void) {
    b_begin(&B, "");
    b_begin(&B, "a/b");
    b_end(&B);
    end_root();
}
static void s_empty_name(void) {
    b_begin(&B, "");
    b_begin(&B, "");
    b_end(&B);
    end_root();
}
static unsigned depth_for_test;
static void s_deep(void) {
    b_begin(&B, "");
    for (unsigned i = 0; i < depth_for_test; i++) b_begin(&B, "n");
    for (unsigned i = 0; i <= depth_for_test; i++) b_end(&B);
    b_u32(&B, TOK_END);
}

static void t_struct(void) {
    struct_refused("node name not terminated", s_unterminated_name, "node name not NUL-terminated");
    struct_refused("no FDT_END", s_missing_end, "without FDT_END");
    hdr_refused("FDT_END past size_dt_struct", H_SIZE_STRUCT, basic_hdr(H_SIZE_STRUCT) - 4, ZX_ERR_IO_DATA_INTEGRITY,
                "without FDT_END");
    struct_refused("extra FDT_END_NODE", s_extra_end_node, "FDT_END_NODE without");
    struct_refused("unclosed node", s_unclosed, "unbalanced");
    struct_refused("property length past the block", s_prop_past_block, "property value past");
    struct_refused("property length past the block", s_prop_len_huge, "property value past");
    struct_refused("property length past the block", s_prop_header_cut, "property header past");
    struct_refused("nameoff outside the strings block", s_nameoff_outside, "name offset outside");
    struct_refused("nameoff outside the strings block", s_nameoff_at_end, "name offset outside");
    // The last name's NUL cut off:
    hdr_refused("property name not terminated in the strings block", H_SIZE_STRINGS, basic_hdr(H_SIZE_STRINGS) - 1,
                ZX_ERR_IO_DATA_INTEGRITY, "not NUL-terminated inside the strings");
    struct_refused("unknown token", s_unknown_token, "unknown token");
    struct_refused("property outside a node", s_prop_before_root, "outside any node");
    struct_refused("property after a subnode", s_prop_after_subnode, "after a subnode");
    struct_refused("two roots", s_two_roots, "more than one root");
    struct_refused("no root", s_no_root, "no root");
    struct_refused("node names", s_root_named, "root node name");
    struct_refused("node names", s_slash_name, "containing '/'");
    struct_refused("node names", s_empty_name, "node name empty");

    begin_test("depth limit");
    depth_for_test = FDT_MAX_DEPTH;
    struct_only(s_deep);
    CHECK(parse() == ZX_OK);
    depth_for_test = FDT_MAX_DEPTH + 1;
    struct_only(s_deep);
    expect_refused(ZX_ERR_IO_DATA_INTEGRITY, "deeper");

    basic("version 16 (no size_dt_struct)");
    set_hdr(H_VERSION, 16);
    set_hdr(H_SIZE_STRUCT, 0xdeadbeef);  // not a v16 field: ignored
    CHECK(parse() == ZX_OK && info.n_mmio == 2);
}

// NOPs anywhere are invisible.
static void t_nops(void) {
    begin_test("NOPs");
    b_u32(&B, TOK_NOP);
    b_begin(&B, "");
    b_u32(&B, TOK_NOP);
    b_u32prop(&B, "#address-cells", 1);
    b_u32(&B, TOK_NOP);
    b_u32prop(&B, "#size-cells", 1);
    b_begin(&B, "dev@1000");
    b_u32(&B, TOK_NOP);
    b_cells(&B, "reg", 2, 0x1000, 0x10);
    b_u32(&B, TOK_NOP);
    b_end(&B);
    b_u32(&B, TOK_NOP);
    b_end(&B);
    b_u32(&B, TOK_NOP);
    b_u32(&B, TOK_END);
    finish();
    CHECK(parse() == ZX_OK && info.n_mmio == 1 && info.mmio[0].base == 0x1000 && !strcmp(info.mmio[0].path, "/dev@1000"));
}

// --- interpretation rules -------------------------------------------------------

static void t_cells_and_ranges(void) {
    begin_test("default cells");
    b_begin(&B, "");
    b_begin(&B, "dev");  // root cells absent: 2 address + 1 size
    b_cells(&B, "reg", 3, 0x1, 0x2000, 0x100);
    b_end(&B);
    b_begin(&B, "memory");
    b_str(&B, "device_type", "memory");
    b_cells(&B, "reg", 9, 0x0, 0x80000000, 0x1000000, 0x0, 0x90000000, 0x1000000, 0x0, 0xa0000000, 0x0);
    b_end(&B);
    end_blob();
    CHECK(parse() == ZX_OK && info.n_mmio == 1 && info.mmio[0].base == 0x100002000ull && info.mmio[0].size == 0x100);
    CHECK(info.n_memory == 2 && info.memory[1].base == 0x90000000 && info.memory[1].size == 0x1000000);

    begin_test("bad cells");
    b_begin(&B, "");
    // Buses with one bad cells property, each with a device under it.
    static const struct {
        const char *bus, *prop;
        unsigned n;
        uint32_t v[2];
    } bad[] = {
        {"a", "#address-cells", 1, {0}},
        {"b", "#address-cells", 1, {5}},
        {"c", "#size-cells", 2, {0, 2}},  // 8 bytes: invalid
    };
    for (unsigned i = 0; i < 3; i++) {
        b_begin(&B, bad[i].bus);
        b_cells(&B, bad[i].prop, bad[i].n, bad[i].v[0], bad[i].v[1]);
        b_empty(&B, "ranges");
        dev("x", 0x1000 * (i + 1), 0x10);
        b_end(&B);
    }
    bus("d", 3, 1);
    b_begin(&B, "wide@4000");
    b_cells(&B, "reg", 4, 0, 0, 0x4000, 0x10);  // upper cell zero: fine
    b_end(&B);
    b_begin(&B, "wider");
    b_cells(&B, "reg", 4, 1, 0, 0x5000, 0x10);  // does not fit 64 bits: skipped
    b_end(&B);
    b_end(&B);
    bus("e", 1, 0);
    b_begin(&B, "nosize@6000");
    b_cells(&B, "reg", 1, 0x6000);  // size 0: skipped
    b_end(&B);
    b_end(&B);
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.n_mmio == 1 && info.mmio[0].base == 0x4000 && !strcmp(info.mmio[0].path, "/d/wide@4000"));

    begin_test("ranges");
    root_2_2();
    b_begin(&B, "nobus");  // no ranges: children are not memory mapped
    cells(1, 1);
    dev32("x@0", 0x0, 0x100);
    b_end(&B);
    b_begin(&B, "bus");
    cells(1, 1);
    b_cells(&B, "ranges", 8, 0x1000, 0x0, 0x40000000, 0x1000, /**/ 0x0, 0xffffffff, 0xfffff000, 0x2000);
    dev32("in@1800", 0x1800, 0x1000);  // clipped to the window end 0x2000
    dev32("out@3000", 0x3000, 0x10);   // in no window
    dev32("wrap@800", 0x800, 0x10);    // 0xfffffffffffff000 + 0x800: fine
    b_begin(&B, "partial");
    b_cells(&B, "reg", 3, 0x1000, 0x10, 0x1100);  // a trailing partial entry is ignored
    b_end(&B);
    b_end(&B);
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.n_mmio == 3);
    CHECK(info.mmio[0].base == 0x40000000 && info.mmio[0].size == 0x10 && !strcmp(info.mmio[0].path, "/bus/partial"));
    CHECK(info.mmio[1].base == 0x40000800 && info.mmio[1].size == 0x800 && !strcmp(info.mmio[1].path, "/bus/in@1800"));
    CHECK(info.mmio[2].base == 0xfffffffffffff800ull && info.mmio[2].size == 0x10);

    begin_test("translation overflow and saturation");
    root_2_2();
    b_begin(&B, "bus");
    cells(2, 2);
    b_cells(&B, "ranges", 6, 0, 0, 0xffffffff, 0xffff0000, 0x1, 0x0);  // window past 2^64
    dev("x@20000", 0x20000, 0x10);  // parent + off wraps: not mapped
    dev("y@f000", 0xf000, 0x10000);  // size saturated at 2^64 - 1
    b_end(&B);
    dev("top", 0xffffffffffffffffull, 0x10);  // base + size wraps to size 0: skipped
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.n_mmio == 1 && info.mmio[0].base == 0xfffffffffffff000ull && info.mmio[0].size == 0xfff);
}

static void t_status_merge_cut(void) {
    begin_test("status, merge, cut");
    root_2_2();
    memory("memory@80000000", 0x80000000, 0x1000000);
    b_begin(&B, "memory@90000000");  // disabled RAM is not RAM
    b_str(&B, "device_type", "memory");
    b_str(&B, "status", "disabled");
    b_reg(&B, 0x90000000, 0x1000000);
    b_end(&B);
    dev_str("okay", "status", "okay", 0x1000, 0x100);
    dev_str("ok", "status", "ok", 0x2000, 0x100);
    dev_str("fail", "status", "fail", 0x3000, 0x100);
    dev_prop("garbage", "status", "okay", 4, 0x4000, 0x100);  // no NUL: not a string, not okay
    // Merging: b starts lower than a, so it names the merged entry; c touches, d overlaps.
    dev_str("a", "compatible", "test,a", 0x10000100, 0x100);
    dev_prop("b", "compatible", "test,b\0riscv,aclint-mswi", 25, 0x10000000, 0x180);
    dev("c", 0x10000200, 0x100);
    b_begin(&B, "d");
    b_reg(&B, 0x10000280, 0x100);
    b_empty(&B, "interrupt-controller");
    b_end(&B);
    dev("e", 0x20000000, 0x100);  // same base as a later node: e (earlier) names the entry
    dev("f", 0x20000000, 0x200);
    // Cutting: straddles the start of RAM; covers RAM entirely (split around it).
    dev("straddle", 0x7fff0000, 0x20000);
    dev("around", 0x7f000000, 0x3000000);
    dev("inside", 0x80001000, 0x1000);
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.n_memory == 1);
    CHECK(find_mmio(0x1000) && find_mmio(0x2000) && !find_mmio(0x3000) && !find_mmio(0x4000));
    const struct dt_mmio *m = find_mmio(0x10000000);
    CHECK(m && m->base == 0x10000000 && m->size == 0x200 && !strcmp(m->path, "/b") && !strcmp(m->compatible, "test,b"));
    CHECK(m && m->flags == DT_MMIO_INTC);  // from b's riscv,aclint-mswi
    m = find_mmio(0x10000200);
    CHECK(m && m->base == 0x10000200 && m->size == 0x180 && !strcmp(m->path, "/c") && m->flags == DT_MMIO_INTC);
    m = find_mmio(0x20000000);
    CHECK(m && m->size == 0x200 && !strcmp(m->path, "/e"));
    // straddle + around merge into [0x7f000000, 0x82000000) named "around"; RAM cut out.
    m = find_mmio(0x7f000000);
    CHECK(m && m->base == 0x7f000000 && m->size == 0x1000000 && !strcmp(m->path, "/around"));
    m = find_mmio(0x81000000);
    CHECK(m && m->base == 0x81000000 && m->size == 0x1000000 && !strcmp(m->path, "/around"));
    CHECK(!find_mmio(0x80000000) && !find_mmio(0x80001000) && !find_mmio(0x80ffffff));
    CHECK(!find_mmio(0x90000000));  // a disabled /memory node is neither RAM nor a device
}

static void t_chosen_aliases(void) {
    static const struct {
        const char *stdout_path, *expect_path;
        uint64_t base;
    } cases[] = {
        {"serial0", "serial0", 0x10000000},
        {"serial0:115200n8", "serial0", 0x10000000},
        {"uart:9600", "uart", 0x10001000},            // the alias names an absolute path
        {"bus0/serial@10001000", "bus0/serial@10001000", 0x10001000},  // alias + subpath
        {"/soc/serial", "/soc/serial", 0x10000000},    // no unit address: first "serial@..."
        {"//soc//serial@10001000/", "//soc//serial@10001000/", 0x10001000},
        {"relative", "relative", 0},                   // alias value not absolute
        {"missing", "missing", 0},
        {"/soc/nothere", "/soc/nothere", 0},
        {":opts", "", 0},
        {"", "", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        begin_test(cases[i].stdout_path);
        root_2_2();
        b_begin(&B, "aliases");
        b_str(&B, "serial0", "/soc/serial@10000000");
        b_str(&B, "uart", "/soc/serial@10001000");
        b_str(&B, "bus0", "/soc");
        b_str(&B, "relative", "soc/serial@10000000");
        b_end(&B);
        b_begin(&B, "chosen");
        b_str(&B, "stdout-path", cases[i].stdout_path);
        b_cells(&B, "linux,initrd-start", 1, 0x84000000);
        b_cells(&B, "linux,initrd-end", 2, 0x1, 0x2);
        b_end(&B);
        bus("soc", 2, 2);
        dev_str("serial@10000000", "compatible", "ns16550a", 0x10000000, 0x100);
        b_begin(&B, "serial@10001000");
        b_str(&B, "compatible", "sifive,uart0");
        b_reg(&B, 0x10001000, 0x1000);
        b_cells(&B, "clock-frequency", 2, 0, 33000000);  // 8 bytes that fit 32 bits
        b_prop(&B, "reg-shift", "\0\0", 2);             // bad length: default
        b_end(&B);
        b_end(&B);
        end_blob();
        CHECK(parse() == ZX_OK);
        CHECK(!strcmp(info.stdout_path, cases[i].expect_path));
        CHECK(info.console.base == cases[i].base);
        CHECK(cases[i].base || (info.console.compatible[0] == 0 && info.console.reg_io_width == 0));
        if (cases[i].base == 0x10001000)
            CHECK(info.console.clock_frequency == 33000000 && info.console.reg_shift == 0 &&
                  info.console.reg_io_width == 1 && info.console.size == 0x1000);
        CHECK(info.initrd_start == 0x84000000 && info.initrd_end == 0x100000002ull);
    }
}

static void t_cpus(void) {
    begin_test("cpus");
    b_begin(&B, "");
    b_begin(&B, "cpus");
    cells(1, 0);
    b_begin(&B, "cpu@0");  // no reg: skipped, but its timebase counts
    b_str(&B, "device_type", "cpu");
    b_cells(&B, "timebase-frequency", 2, 0x1, 0x0);
    b_end(&B);
    cpu(1);
    b_str(&B, "status", "disabled");
    b_u32prop(&B, "timebase-frequency", 5);  // not the first one
    b_prop(&B, "riscv,isa", "rv64gc", 6);  // unterminated: ""
    b_end(&B);
    cpu(7);
    b_str(&B, "riscv,isa",
          "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svinval_svnapot_svpbmt_zicbom_zicboz_"
          "zicbop_zfh_zfhmin_zkt_zkn_zks_zbkb_zbkc_zbkx_long_tail_of_extensions");
    b_begin(&B, "interrupt-controller");  // under /cpus: never in the map
    b_empty(&B, "interrupt-controller");
    b_reg(&B, 0x1000, 0x10);
    b_end(&B);
    b_end(&B);
    b_begin(&B, "cpu-map");  // not a cpu
    b_u32prop(&B, "reg", 9);
    b_end(&B);
    b_end(&B);
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.timebase_frequency == 0x100000000ull);
    CHECK(info.n_cpus == 2 && info.cpus[0].hartid == 1 && !info.cpus[0].okay && info.cpus[0].isa[0] == 0);
    CHECK(info.cpus[1].hartid == 7 && info.cpus[1].okay && strlen(info.cpus[1].isa) == sizeof(info.cpus[1].isa) - 1);
    CHECK(!info.cpus[0].svpbmt && info.cpus[1].svpbmt);
    CHECK(info.n_mmio == 0);
}

// One cpu node with reg `id`, riscv,isa `isa` (NULL: none) and a
// riscv,isa-extensions value of `len` bytes (NULL: none).
static void svpbmt_cpu(uint32_t id, const char *isa, const char *ext, uint32_t len) {
    cpu(id);
    if (isa) b_str(&B, "riscv,isa", isa);
    if (ext) b_prop(&B, "riscv,isa-extensions", ext, len);
    b_end(&B);
}

static void t_svpbmt(void) {
    begin_test("svpbmt");
    static const char late[] =
        "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svinval_svnapot_zicbom_zicboz_zicbop_zfh_"
        "zfhmin_zkt_zkn_zks_zbkb_zbkc_zbkx_svpbmt";  // past the 127 characters kept
    b_begin(&B, "");
    b_begin(&B, "cpus");
    cells(1, 0);
    svpbmt_cpu(0, "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svpbmt", NULL, 0);  // QEMU 7.2
    svpbmt_cpu(1, "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc", NULL, 0);  // default QEMU cpu
    svpbmt_cpu(2, "rv64imac_svpbmtx_xsvpbmt_svpbm", NULL, 0);  // only prefixes and suffixes
    svpbmt_cpu(3, "rv64imafdc_svpbmt_zicsr", NULL, 0);
    svpbmt_cpu(4, late, NULL, 0);
    svpbmt_cpu(5, "rv64imafdc", "i\0m\0a\0f\0d\0c\0svpbmt\0zicsr", 25);  // the list binding
    svpbmt_cpu(6, "rv64imafdc", "i\0svpbmtx\0svinval\0_svpbmt", 26);
    svpbmt_cpu(7, NULL, "i\0svpbmt", 8);  // unterminated: not a string
    svpbmt_cpu(8, NULL, "svpbmt", 7);
    svpbmt_cpu(9, "svpbmt", "", 0);  // no '_': the base, not an extension
    b_end(&B);
    end_blob();
    CHECK(parse() == ZX_OK);
    static const bool want[10] = {true, false, false, true, true, true, false, false, true, false};
    CHECK(info.n_cpus == 10);
    for (unsigned i = 0; i < info.n_cpus && i < 10; i++) {
        CHECK(info.cpus[i].hartid == i);
        if (info.cpus[i].svpbmt != want[i]) fprintf(stderr, "  cpu %u: svpbmt %d\n", i, info.cpus[i].svpbmt);
        CHECK(info.cpus[i].svpbmt == want[i]);
    }
    CHECK(strlen(info.cpus[4].isa) == sizeof(info.cpus[4].isa) - 1 && !strstr(info.cpus[4].isa, "svpbmt"));
    CHECK(isa_has_ext("rv64imac_svpbmt", "svpbmt") && !isa_has_ext("rv64imac_svpbmtx", "svpbmt"));
}

static void t_full_tables(void) {
    begin_test("full tables");
    root_2_2();
    b_str(&B, "model", "a model name that is much longer than the sixty-three characters a dt_info keeps");
    b_begin(&B, "cpus");
    cells(1, 0);
    for (unsigned i = 0; i < DT_MAX_CPUS + 4; i++) {
        cpu(i);
        b_end(&B);
    }
    b_end(&B);
    // 20 RAM ranges: the last ones do not fit the table but are still cut out
    // of the map (the devices below lie on them).
    char name[32];
    for (unsigned i = 0; i < DT_MAX_MEM + 4; i++) {
        snprintf(name, sizeof(name), "memory@%x", 0x80000000u + i * 0x100000u);
        memory(name, 0x80000000u + i * 0x200000u, 0x100000);
    }
    bus("reserved-memory", 2, 2);
    for (unsigned i = 0; i < DT_MAX_RESERVED + 4; i++) {
        snprintf(name, sizeof(name), "r@%x", 0x40000000u + i * 0x2000u);
        dev(name, 0x40000000u + i * 0x2000u, 0x1000);
    }
    b_end(&B);
    b_begin(&B, "a-bus-with-a-very-long-name-to-overflow-the-path-field-of-the-mmio-map");
    b_empty(&B, "ranges");
    cells(2, 2);
    dev("device-with-a-long-name@0", 0x60000000, 0x1000);
    b_end(&B);
    // Devices on the reserved ranges past the table, on RAM past the table.
    dev("on-res", 0x40000000u + (DT_MAX_RESERVED + 2) * 0x2000u, 0x2000);
    dev("on-ram", 0x80000000u + (DT_MAX_MEM + 2) * 0x200000u, 0x200000);
    for (unsigned i = 0; i < DT_MAX_MMIO + 20; i++) {
        snprintf(name, sizeof(name), "dev@%x", 0x10000000u + i * 0x2000u);
        dev(name, 0x10000000u + i * 0x2000u, 0x1000);
    }
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.truncated);
    CHECK(info.n_cpus == DT_MAX_CPUS && info.n_memory == DT_MAX_MEM && info.n_reserved == DT_MAX_RESERVED);
    CHECK(info.n_mmio == DT_MAX_MMIO);
    CHECK(strlen(info.model) == sizeof(info.model) - 1);
    const struct dt_mmio *m = find_mmio(0x60000000);
    CHECK(m && strlen(m->path) == DT_PATH_LEN - 1 && !strncmp(m->path, "/a-bus-with", 11));
    // Cut against the blob, not the (full) tables:
    m = find_mmio(0x40000000u + (DT_MAX_RESERVED + 2) * 0x2000u);
    CHECK(!m);
    m = find_mmio(0x40000000u + (DT_MAX_RESERVED + 2) * 0x2000u + 0x1000);
    CHECK(m && m->size == 0x1000);
    CHECK(!find_mmio(0x80000000u + (DT_MAX_MEM + 2) * 0x200000u));
    CHECK(find_mmio(0x80000000u + (DT_MAX_MEM + 2) * 0x200000u + 0x100000));
}

static void t_poweroff_intc(void) {
    begin_test("poweroff and intc");
    root_2_2();
    b_begin(&B, "test@100000");
    b_str(&B, "compatible", "sifive,test0");
    b_str(&B, "status", "disabled");
    b_reg(&B, 0x100000, 0x1000);
    b_end(&B);
    b_begin(&B, "notmapped");
    cells(1, 1);
    b_begin(&B, "test@0");
    b_str(&B, "compatible", "sifive,test0");
    b_cells(&B, "reg", 2, 0, 0x1000);
    b_end(&B);
    b_end(&B);
    dev_prop("test@200000", "compatible", "x\0sifive,test0\0y", 17, 0x200000, 0x1000);
    dev_str("plic", "compatible", "riscv,plic0", 0xc000000, 0x1000);
    dev_prop("imsic", "compatible", "vendor,x\0riscv,imsics", 22, 0x24000000, 0x1000);
    dev_prop("almost", "compatible", "riscv,plic", 10, 0x30000000, 0x1000);  // unterminated, and not riscv,plic0
    end_blob();
    CHECK(parse() == ZX_OK);
    CHECK(info.poweroff_base == 0x200000);
    CHECK(!find_mmio(0x100000));
    CHECK(find_mmio(0xc000000) && find_mmio(0xc000000)->flags == DT_MMIO_INTC);
    CHECK(find_mmio(0x24000000) && find_mmio(0x24000000)->flags == DT_MMIO_INTC &&
          !strcmp(find_mmio(0x24000000)->compatible, "vendor,x"));
    CHECK(find_mmio(0x30000000) && find_mmio(0x30000000)->flags == 0 && find_mmio(0x30000000)->compatible[0] == 0);
}

// The low-level reader's own API.
static void t_fdt_api(void) {
    begin_test("fdt api");
    basic_blob();
    struct fdt f;
    uint8_t *buf = malloc(blob_len);
    memcpy(buf, blob, blob_len);
    CHECK(fdt_open(&f, buf, blob_len, &why) == ZX_OK);
    CHECK(f.n_nodes == 9 && f.max_depth == 3 && f.rsv_count == 0);
    uint64_t b, s;
    CHECK(fdt_rsv_entry(&f, 0, &b, &s) == ZX_ERR_OUT_OF_RANGE);
    uint32_t n;
    const char *name;
    CHECK(fdt_find_node(&f, f.root, "/", 1, &n) == ZX_OK && n == f.root);
    CHECK(fdt_find_node(&f, f.root, "/soc/serial", 11, &n) == ZX_OK && fdt_node_name(&f, n, &name) == ZX_OK &&
          !strcmp(name, "serial@10000000"));
    CHECK(fdt_find_node(&f, f.root, "/soc/serial@1", 13, &n) == ZX_ERR_NOT_FOUND);
    CHECK(fdt_find_node(&f, f.root, "/memory", 7, &n) == ZX_OK);
    uint32_t soc;
    CHECK(fdt_find_node(&f, f.root, "soc", 3, &soc) == ZX_OK);
    CHECK(fdt_find_node(&f, soc, "test@100000", 11, &n) == ZX_OK);
    const uint8_t *v;
    uint32_t len;
    CHECK(fdt_get_prop(&f, n, "compatible", &v, &len) == ZX_OK && len == 26);
    CHECK(fdt_get_prop(&f, n, "nothere", &v, &len) == ZX_ERR_NOT_FOUND);
    CHECK(fdt_next_sibling(&f, n, &n) == ZX_ERR_NOT_FOUND);
    // Document order and depths.
    static const char *const order[] = {"", "chosen", "memory@80000000", "cpus", "cpu@0", "interrupt-controller",
                                        "soc", "serial@10000000", "test@100000"};
    static const uint32_t depths[] = {0, 1, 1, 1, 2, 3, 1, 2, 2};
    uint32_t node = f.root, depth = 0, i = 0;
    zx_status_t st;
    do {
        CHECK(i < 9 && fdt_node_name(&f, node, &name) == ZX_OK && !strcmp(name, order[i]) && depth == depths[i]);
        i++;
    } while ((st = fdt_next_node(&f, &node, &depth)) == ZX_OK);
    CHECK(st == ZX_ERR_NOT_FOUND && i == 9);
    // Children of the root, properties of the root.
    i = 0;
    for (st = fdt_first_child(&f, f.root, &node); st == ZX_OK; st = fdt_next_sibling(&f, node, &node)) i++;
    CHECK(st == ZX_ERR_NOT_FOUND && i == 4);
    struct fdt_prop p;
    i = 0;
    for (st = fdt_first_prop(&f, f.root, &p); st == ZX_OK; st = fdt_next_prop(&f, &p)) i++;
    CHECK(st == ZX_ERR_NOT_FOUND && i == 3);
    // Misuse: a property offset is not a node.
    CHECK(fdt_first_prop(&f, f.root, &p) == ZX_OK && fdt_node_name(&f, p.off, &name) == ZX_ERR_INVALID_ARGS);
    CHECK(fdt_node_name(&f, 0xfffffff0, &name) == ZX_ERR_IO_DATA_INTEGRITY);
    CHECK(fdt_open(&f, NULL, 100, &why) == ZX_ERR_INVALID_ARGS);
    free(buf);
}

int main(void) {
    t_valid();
    t_header();
    t_blocks();
    t_struct();
    t_nops();
    t_cells_and_ranges();
    t_status_merge_cut();
    t_chosen_aliases();
    t_cpus();
    t_svpbmt();
    t_full_tables();
    t_poweroff_intc();
    t_fdt_api();
    printf("fdt_unit: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
