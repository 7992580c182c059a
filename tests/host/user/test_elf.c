// Host tests of the ELF checker (user/lib/elf.c). Images are built here with
// the host's own <elf.h> (independent of the checker's private structs):
// a valid one, then every field the checker uses broken one at a time,
// boundaries of the user range, every truncation, random corruption (each
// accepted mutant re-checked by an independent predicate), and, with file
// arguments, real executables (the user programs) that must be accepted.
#include <elf.h>
#include <zxrv/elf.h>

#include "../harness.h"

#define UB 0x1000ull
#define UE 0x4000000000ull
#define IMG_MAX 0x4000u
#define VALID_LEN 0x3010u

typedef struct {
    _Alignas(8) uint8_t b[IMG_MAX];
    size_t len;
} img_t;

static Elf64_Ehdr *EH(img_t *m) {
    return (Elf64_Ehdr *)m->b;
}
static Elf64_Phdr *PH(img_t *m) {
    return (Elf64_Phdr *)(m->b + sizeof(Elf64_Ehdr));
}

static void set_ph(Elf64_Phdr *p, uint32_t type, uint32_t flags, uint64_t off, uint64_t va, uint64_t fsz,
                   uint64_t msz) {
    memset(p, 0, sizeof *p);
    p->p_type = type;
    p->p_flags = flags;
    p->p_offset = off;
    p->p_vaddr = va;
    p->p_paddr = va;
    p->p_filesz = fsz;
    p->p_memsz = msz;
    p->p_align = type == PT_LOAD ? 0x1000 : 8;
}

// text R-X, rodata R, data RW (with bss), plus segments the loader ignores.
// The last byte of the file belongs to the data segment.
static img_t valid(void) {
    img_t m;
    memset(&m, 0, sizeof m);
    m.len = VALID_LEN;
    Elf64_Ehdr *e = EH(&m);
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_type = ET_EXEC;
    e->e_machine = EM_RISCV;
    e->e_version = EV_CURRENT;
    e->e_entry = 0x10000000;
    e->e_phoff = sizeof(Elf64_Ehdr);
    e->e_flags = 0x1;  // EF_RISCV_RVC, soft-float
    e->e_ehsize = sizeof(Elf64_Ehdr);
    e->e_phentsize = sizeof(Elf64_Phdr);
    e->e_phnum = 6;
    Elf64_Phdr *p = PH(&m);
    set_ph(&p[0], PT_LOAD, PF_R | PF_X, 0x1000, 0x10000000, 0x100, 0x100);
    set_ph(&p[1], PT_LOAD, PF_R, 0x2000, 0x10001000, 0x80, 0x80);
    set_ph(&p[2], PT_LOAD, PF_R | PF_W, 0x3000, 0x10002000, 0x10, 0x2000);
    set_ph(&p[3], PT_TLS, PF_R, 0x3008, 0x10002008, 8, 16);
    set_ph(&p[4], PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
    set_ph(&p[5], 0x70000003 /* PT_RISCV_ATTRIBUTES */, PF_R, 0x3000, 0, 0x10, 0);
    for (size_t i = 0x1000; i < VALID_LEN; i++)
        m.b[i] = (uint8_t)(i * 31);
    return m;
}

// Checks an exactly sized heap copy of the first `len` bytes.
static zx_status_t run_len(const img_t *m, size_t len, zxrv_elf_image_t *out) {
    uint8_t *copy = th_exact_copy(m->b, len);
    zxrv_elf_image_t img;
    const char *why = NULL;
    zx_status_t st = zxrv_elf_check(copy, len, UB, UE, out != NULL ? out : &img, &why);
    if (why == NULL) {
        printf("    no reason given\n");
        th_case_failures++;
    }
    free(copy);
    return st;
}

static zx_status_t run(const img_t *m, zxrv_elf_image_t *out) {
    return run_len(m, m->len, out);
}

#define EXPECT_STATUS_AFTER(want, stmt)                                                \
    do {                                                                               \
        img_t m = valid();                                                             \
        Elf64_Ehdr *e = EH(&m);                                                        \
        Elf64_Phdr *p = PH(&m);                                                        \
        (void)e;                                                                       \
        (void)p;                                                                       \
        stmt;                                                                          \
        zx_status_t st = run(&m, NULL);                                                \
        if (st != (want)) {                                                            \
            printf("    after %s: status %d, want %d (line %d)\n", #stmt, st, (want), __LINE__); \
            th_case_failures++;                                                        \
        }                                                                              \
    } while (0)
#define REJECT(want, stmt) EXPECT_STATUS_AFTER(want, stmt)
#define ACCEPT(stmt) EXPECT_STATUS_AFTER(ZX_OK, stmt)

static void valid_image(void) {
    img_t m = valid();
    zxrv_elf_image_t img;
    const char *why = NULL;
    REQUIRE(zxrv_elf_check(m.b, m.len, UB, UE, &img, &why) == ZX_OK);
    CHECK(strcmp(why, "ok") == 0);
    CHECK_EQ(img.entry, 0x10000000);
    REQUIRE(img.nsegments == 3);
    CHECK_EQ(img.segments[0].flags, PF_R | PF_X);
    CHECK_EQ(img.segments[1].flags, PF_R);
    CHECK_EQ(img.segments[2].flags, PF_R | PF_W);
    CHECK_EQ(img.segments[2].offset, 0x3000);
    CHECK_EQ(img.segments[2].filesz, 0x10);
    CHECK_EQ(img.segments[2].memsz, 0x2000);
    CHECK_EQ(img.segments[0].vaddr, 0x10000000);
}

static void ident_and_header(void) {
    REJECT(ZX_ERR_INVALID_ARGS, e->e_ident[0] = 0);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_ident[1] = 'e');
    REJECT(ZX_ERR_INVALID_ARGS, e->e_ident[2] = 'l');
    REJECT(ZX_ERR_INVALID_ARGS, e->e_ident[3] = 'f');
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_ident[EI_CLASS] = ELFCLASS32);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_ident[EI_CLASS] = 0);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_ident[EI_DATA] = ELFDATA2MSB);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_ident[EI_VERSION] = 0);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_version = 2);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_machine = EM_X86_64);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_type = ET_DYN);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_type = ET_REL);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_type = ET_CORE);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_flags = 0x1 | 0x2);  // single-float ABI
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_flags = 0x1 | 0x4);  // double-float ABI
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_flags = 0x1 | 0x6);  // quad-float ABI
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_flags = 0x8);        // RVE
    ACCEPT(e->e_flags = 0x10);                             // TSO: fine
    REJECT(ZX_ERR_INVALID_ARGS, e->e_ehsize = 52);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phentsize = 32);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phentsize = 57);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phnum = 0);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_phnum = ZXRV_ELF_MAX_PHDRS + 1);
    REJECT(ZX_ERR_NOT_SUPPORTED, e->e_phnum = 0xffff);  // PN_XNUM
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phoff = 0);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phoff = 63);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phoff = VALID_LEN - 6 * 56 + 1);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_phoff = UINT64_MAX - 8);
    ACCEPT(e->e_phnum = 60);  // the extra entries are zero bytes: PT_NULL, ignored
}

static void load_segments(void) {
    REJECT(ZX_ERR_ACCESS_DENIED, p[0].p_flags = PF_R | PF_W | PF_X);
    REJECT(ZX_ERR_ACCESS_DENIED, p[2].p_flags = PF_R | PF_W | PF_X);
    REJECT(ZX_ERR_ACCESS_DENIED, p[2].p_flags = PF_W | PF_X);
    REJECT(ZX_ERR_NOT_SUPPORTED, p[2].p_flags = PF_W);
    REJECT(ZX_ERR_NOT_SUPPORTED, p[1].p_flags = 0);
    REJECT(ZX_ERR_INVALID_ARGS, p[1].p_flags = PF_R | 0x100000);
    ACCEPT(p[0].p_flags = PF_X);  // execute-only is a valid RISC-V mapping
    REJECT(ZX_ERR_INVALID_ARGS, p[2].p_filesz = 0x2001);
    REJECT(ZX_ERR_INVALID_ARGS, p[1].p_filesz = p[1].p_memsz = 0x1011);  // past the end of the file
    REJECT(ZX_ERR_INVALID_ARGS, p[2].p_filesz = 0x11);
    REJECT(ZX_ERR_INVALID_ARGS, (p[1].p_offset = UINT64_MAX - 0xfff, p[1].p_vaddr = 0x10001001));
    REJECT(ZX_ERR_INVALID_ARGS, p[1].p_offset = 0x2008);  // vaddr/offset differ mod page
    REJECT(ZX_ERR_INVALID_ARGS, p[1].p_align = 0x1001);
    REJECT(ZX_ERR_INVALID_ARGS, (p[1].p_align = 0x2000));  // 0x10001000 % 0x2000 != 0x2000 % 0x2000
    ACCEPT(p[1].p_align = 0);
    ACCEPT(p[1].p_align = 1);
    ACCEPT((p[1].p_filesz = 0, p[1].p_memsz = 0, p[1].p_offset = 0x3000, p[1].p_vaddr = 0x5000));
    // A zero-size PT_LOAD is ignored, but its fields are still checked.
    REJECT(ZX_ERR_INVALID_ARGS,
           (p[1].p_filesz = 0, p[1].p_memsz = 0, p[1].p_offset = 0x3000, p[1].p_vaddr = 0x5008));
    REJECT(ZX_ERR_INVALID_ARGS,
           (p[1].p_filesz = 0, p[1].p_memsz = 0, p[1].p_offset = 0x5000, p[1].p_vaddr = 0x5000));
    REJECT(ZX_ERR_NOT_SUPPORTED, p[4].p_type = PT_INTERP);
    REJECT(ZX_ERR_NOT_SUPPORTED, p[4].p_type = PT_DYNAMIC);
    ACCEPT(p[4].p_type = PT_NOTE);
    ACCEPT(p[4].p_type = PT_PHDR);
    // Segments sharing a page (even without overlapping bytes).
    REJECT(ZX_ERR_INVALID_ARGS, (p[1].p_vaddr = 0x10000800, p[1].p_offset = 0x2800, p[1].p_filesz = 0x80,
                                 p[1].p_memsz = 0x80));
    ACCEPT(p[2].p_memsz = 0x100000);  // a large .bss is fine
    // No PT_LOAD with memory at all.
    REJECT(ZX_ERR_INVALID_ARGS, (p[0].p_type = PT_NULL, p[1].p_type = PT_NULL, p[2].p_type = PT_NULL));
    REJECT(ZX_ERR_INVALID_ARGS, (p[0].p_memsz = p[0].p_filesz = 0, p[1].p_memsz = p[1].p_filesz = 0,
                                 p[2].p_memsz = p[2].p_filesz = 0));
}

static void too_many_segments(void) {
    img_t m = valid();
    Elf64_Ehdr *e = EH(&m);
    Elf64_Phdr *p = PH(&m);
    // 17 one-page read-only segments over the same file page.
    e->e_phnum = ZXRV_ELF_MAX_SEGMENTS + 1;
    for (uint32_t i = 0; i < e->e_phnum; i++)
        set_ph(&p[i], PT_LOAD, i == 0 ? PF_R | PF_X : PF_R, 0x1000, 0x10000000 + 0x1000ull * i, 0x100, 0x100);
    CHECK_EQ(run(&m, NULL), ZX_ERR_NOT_SUPPORTED);
    e->e_phnum = ZXRV_ELF_MAX_SEGMENTS;
    zxrv_elf_image_t img;
    CHECK_EQ(run(&m, &img), ZX_OK);
    CHECK_EQ(img.nsegments, ZXRV_ELF_MAX_SEGMENTS);
}

static void user_range(void) {
    // At the very bottom and the very top of user space.
    ACCEPT((p[1].p_vaddr = UB, p[1].p_offset = 0x2000));
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[1].p_vaddr = 0, p[1].p_offset = 0x2000));
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[1].p_vaddr = UB - 0x1000 + 0x800, p[1].p_offset = 0x2800,
                                 p[1].p_filesz = 0x10, p[1].p_memsz = 0x10));
    ACCEPT((p[2].p_vaddr = UE - 0x2000, p[2].p_memsz = 0x2000));
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[2].p_vaddr = UE - 0x2000, p[2].p_memsz = 0x2001));
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[2].p_vaddr = UE, p[2].p_memsz = 0x10));
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[2].p_vaddr = 0xffffffff80002000ull));  // a kernel address
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[2].p_memsz = UINT64_MAX));             // wraps around
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[2].p_memsz = UINT64_MAX - 0x10002000ull + 1));
    // The kernel's own image: ET_EXEC RISC-V, but at 0xffffffff80200000.
    ACCEPT((void)0);
    REJECT(ZX_ERR_OUT_OF_RANGE, (p[0].p_vaddr = 0xffffffff80200000ull, e->e_entry = p[0].p_vaddr));
    // Bad ranges passed by the caller.
    img_t m = valid();
    zxrv_elf_image_t img;
    CHECK_EQ(zxrv_elf_check(m.b, m.len, 0x1001, UE, &img, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_elf_check(m.b, m.len, UB, UE + 1, &img, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_elf_check(m.b, m.len, UE, UB, &img, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_elf_check(NULL, m.len, UB, UE, &img, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(zxrv_elf_check(m.b, m.len, UB, UE, NULL, NULL), ZX_ERR_INVALID_ARGS);
    // A narrower range pushes the same image out.
    CHECK_EQ(zxrv_elf_check(m.b, m.len, UB, 0x10002000, &img, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(zxrv_elf_check(m.b, m.len, 0x10001000, UE, &img, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(zxrv_elf_check(m.b, m.len, 0x10000000, 0x10004000, &img, NULL), ZX_OK);
}

static void entry_point(void) {
    ACCEPT(e->e_entry = 0x100000fe);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_entry = 0x10000100);  // one past text
    REJECT(ZX_ERR_INVALID_ARGS, e->e_entry = 0x10000001);  // odd
    REJECT(ZX_ERR_INVALID_ARGS, e->e_entry = 0x10001000);  // rodata: not executable
    REJECT(ZX_ERR_INVALID_ARGS, e->e_entry = 0x10002000);  // data
    REJECT(ZX_ERR_INVALID_ARGS, e->e_entry = 0);
    REJECT(ZX_ERR_INVALID_ARGS, e->e_entry = 0x0fffffff0ull);
    // In the executable segment's memory but past its file bytes.
    REJECT(ZX_ERR_INVALID_ARGS, (p[0].p_memsz = 0x200, e->e_entry = 0x10000180));
}

static void every_truncation(void) {
    img_t m = valid();
    for (size_t n = 0; n < m.len; n++) {
        if (run_len(&m, n, NULL) == ZX_OK) {
            printf("    prefix of %zu bytes accepted\n", n);
            th_case_failures++;
            return;
        }
    }
    CHECK_EQ(run_len(&m, m.len, NULL), ZX_OK);
}

// Independent predicate: what an accepted image must satisfy.
static int image_ok(const uint8_t *b, size_t len, const zxrv_elf_image_t *img) {
    Elf64_Ehdr e;
    memcpy(&e, b, sizeof e);
    if (e.e_machine != EM_RISCV || e.e_type != ET_EXEC || e.e_phentsize != sizeof(Elf64_Phdr))
        return 0;
    if (e.e_phoff + (uint64_t)e.e_phnum * sizeof(Elf64_Phdr) > len)
        return 0;
    int exec_entry = 0;
    for (uint32_t i = 0; i < img->nsegments; i++) {
        const zxrv_elf_segment_t *s = &img->segments[i];
        if (s->filesz > s->memsz || s->offset > len || s->filesz > len - s->offset)
            return 0;
        if ((s->flags & PF_W) && (s->flags & PF_X))
            return 0;
        uint64_t lo = s->vaddr & ~0xfffull, hi = (s->vaddr + s->memsz + 0xfff) & ~0xfffull;
        if (lo < UB || hi > UE || hi <= lo)
            return 0;
        for (uint32_t j = 0; j < i; j++) {
            const zxrv_elf_segment_t *o = &img->segments[j];
            uint64_t olo = o->vaddr & ~0xfffull, ohi = (o->vaddr + o->memsz + 0xfff) & ~0xfffull;
            if (lo < ohi && olo < hi)
                return 0;
        }
        if ((s->flags & PF_X) && img->entry >= s->vaddr && img->entry < s->vaddr + s->filesz)
            exec_entry = 1;
    }
    return exec_entry && img->entry == e.e_entry;
}

static void random_corruption(void) {
    uint64_t rng = 0x9e3779b97f4a7c15ull;  // PRNG state: a fixed seed
    img_t base = valid();
    int accepted = 0;
    const int iters = 300000;
    for (int it = 0; it < iters; it++) {
        img_t m = base;
        int n = 1 + (int)(th_xorshift(&rng) % 3);
        for (int k = 0; k < n; k++) {
            uint64_t r = th_xorshift(&rng);
            size_t hdr_bytes = sizeof(Elf64_Ehdr) + 6 * sizeof(Elf64_Phdr);
            if (r & 1) {
                m.b[(r >> 8) % hdr_bytes] ^= (uint8_t)(1u << ((r >> 3) % 8));
            } else {
                // A random 64-bit field of a program header set to a nasty value.
                static const uint64_t nasty[] = {0, 1, 0xfff, 0x1000, 0x10000000, UE, UE - 1,
                                                 UINT64_MAX, UINT64_MAX - 0xfff, 0x7fffffffffffffffull};
                size_t ph = (r >> 8) % 6, field = 1 + (r >> 16) % 6;
                uint64_t v = nasty[(r >> 24) % (sizeof nasty / sizeof nasty[0])];
                memcpy(m.b + sizeof(Elf64_Ehdr) + ph * sizeof(Elf64_Phdr) + 8 * field, &v, 8);
            }
        }
        zxrv_elf_image_t img;
        uint8_t *copy = th_exact_copy(m.b, m.len);
        if (zxrv_elf_check(copy, m.len, UB, UE, &img, NULL) == ZX_OK) {
            accepted++;
            if (!image_ok(copy, m.len, &img)) {
                printf("    iteration %d: accepted an image that breaks the rules\n", it);
                th_case_failures++;
                free(copy);
                return;
            }
        }
        free(copy);
    }
    printf("    %d of %d corrupted images accepted (each re-checked)\n", accepted, iters);
}

// Real executables given on the command line must be accepted; cutting
// them anywhere before the last loaded byte must not be.
static void check_real_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("elf: %s: cannot open\n", path);
        th_failed_cases++;
        return;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)len);
    if (b == NULL || fread(b, 1, (size_t)len, f) != (size_t)len) {
        fclose(f);
        printf("elf: %s: cannot read\n", path);
        th_failed_cases++;
        free(b);
        return;
    }
    fclose(f);
    th_cases++;
    th_case_failures = 0;
    zxrv_elf_image_t img;
    const char *why = "";
    zx_status_t st = zxrv_elf_check(b, (size_t)len, UB, UE, &img, &why);
    if (st != ZX_OK) {
        printf("    rejected: %s (%d)\n", why, st);
        th_case_failures++;
    } else {
        CHECK(image_ok(b, (size_t)len, &img));
        // The end of what must be present: program headers and loaded bytes.
        Elf64_Ehdr e;
        memcpy(&e, b, sizeof e);
        uint64_t need = e.e_phoff + (uint64_t)e.e_phnum * e.e_phentsize;
        for (uint32_t i = 0; i < e.e_phnum; i++) {
            Elf64_Phdr p;
            memcpy(&p, b + e.e_phoff + i * sizeof p, sizeof p);
            if (p.p_type == PT_LOAD && p.p_offset + p.p_filesz > need)
                need = p.p_offset + p.p_filesz;
        }
        CHECK(zxrv_elf_check(b, (size_t)need, UB, UE, &img, NULL) == ZX_OK);
        CHECK(zxrv_elf_check(b, (size_t)need - 1, UB, UE, &img, NULL) != ZX_OK);
        for (size_t n = 0; n < need; n += 61) {
            uint8_t *copy = th_exact_copy(b, n);
            CHECK(zxrv_elf_check(copy, n, UB, UE, &img, NULL) != ZX_OK);
            free(copy);
        }
    }
    printf("elf: real file %-45s %s\n", path, th_case_failures ? "FAILED" : "ok");
    if (th_case_failures)
        th_failed_cases++;
    free(b);
}

int main(int argc, char **argv) {
    th_prefix = "elf";
    RUN_CASE(valid_image);
    RUN_CASE(ident_and_header);
    RUN_CASE(load_segments);
    RUN_CASE(too_many_segments);
    RUN_CASE(user_range);
    RUN_CASE(entry_point);
    RUN_CASE(every_truncation);
    RUN_CASE(random_corruption);
    for (int i = 1; i < argc; i++)
        check_real_file(argv[i]);
    return th_exit_status(th_prefix);
}
