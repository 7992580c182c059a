// zxrv_elf_check(): is this buffer a static RISC-V executable we can load?
// See <zxrv/elf.h>. No system calls: this file also builds on the host for
// tests/host/user/. Headers are copied out with memcpy (the buffer may have
// any alignment); every offset and size is checked against the buffer before
// use, with overflow-safe arithmetic.
#include <string.h>
#include <zxrv/elf.h>

// ELF64 layouts and constants, written out here so that the target (whose
// libc has no <elf.h>) and the host build see the same definitions.
typedef struct {
    uint8_t ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
} ehdr_t;

typedef struct {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
} phdr_t;

_Static_assert(sizeof(ehdr_t) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(phdr_t) == 56, "Elf64_Phdr is 56 bytes");

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_RISCV 243
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define EF_RISCV_FLOAT_ABI_MASK 0x6u
#define EF_RISCV_RVE 0x8u
#define PAGE_MASK ((uint64_t)ZXRV_ELF_PAGE_SIZE - 1)

static zx_status_t fail(const char **out_why, zx_status_t st, const char *why) {
    if (out_why != NULL)
        *out_why = why;
    return st;
}

// Is [off, off+len) inside a buffer of `size` bytes?
static int in_file(uint64_t off, uint64_t len, uint64_t size) {
    return off <= size && len <= size - off;
}

static zx_status_t check_load(const phdr_t *ph, uint64_t size, uint64_t user_base, uint64_t user_end,
                              const char **out_why) {
    const uint32_t known = ZXRV_PF_R | ZXRV_PF_W | ZXRV_PF_X;
    if ((ph->flags & ~known) != 0)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD has unknown p_flags bits");
    if ((ph->flags & ZXRV_PF_W) && (ph->flags & ZXRV_PF_X))
        return fail(out_why, ZX_ERR_ACCESS_DENIED, "PT_LOAD is both writable and executable");
    if ((ph->flags & ZXRV_PF_W) && !(ph->flags & ZXRV_PF_R))
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "PT_LOAD is writable but not readable");
    if (ph->flags == 0)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "PT_LOAD has no permissions");
    if (ph->filesz > ph->memsz)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD p_filesz > p_memsz");
    if (!in_file(ph->offset, ph->filesz, size))
        return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD extends past the end of the file");
    if ((ph->vaddr & PAGE_MASK) != (ph->offset & PAGE_MASK))
        return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD p_vaddr and p_offset differ modulo the page size");
    if (ph->align > 1) {
        if ((ph->align & (ph->align - 1)) != 0)
            return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD p_align is not a power of two");
        if ((ph->vaddr & (ph->align - 1)) != (ph->offset & (ph->align - 1)))
            return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD p_vaddr and p_offset differ modulo p_align");
    }
    if (ph->memsz == 0)
        return ZX_OK;
    // user_end < 2^64 - page, so the rounding below cannot overflow once the
    // end is known to be <= user_end.
    if (ph->vaddr < user_base || ph->memsz > user_end - user_base ||
        ph->vaddr > user_end - ph->memsz)
        return fail(out_why, ZX_ERR_OUT_OF_RANGE, "PT_LOAD lies outside user space");
    uint64_t page_start = ph->vaddr & ~PAGE_MASK;
    uint64_t page_end = (ph->vaddr + ph->memsz + PAGE_MASK) & ~PAGE_MASK;
    if (page_start < user_base || page_end > user_end)
        return fail(out_why, ZX_ERR_OUT_OF_RANGE, "PT_LOAD pages lie outside user space");
    return ZX_OK;
}

zx_status_t zxrv_elf_check(const void *elf, size_t size, uint64_t user_base, uint64_t user_end,
                           zxrv_elf_image_t *out, const char **out_why) {
    if (elf == NULL || out == NULL)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "no buffer");
    if ((user_base & PAGE_MASK) != 0 || (user_end & PAGE_MASK) != 0 || user_base >= user_end)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "bad user range");
    const uint8_t *bytes = elf;
    ehdr_t eh;
    if (size < sizeof eh)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "shorter than an ELF64 header");
    memcpy(&eh, bytes, sizeof eh);

    if (memcmp(eh.ident, "\177ELF", 4) != 0)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "not an ELF file (bad magic)");
    if (eh.ident[EI_CLASS] != ELFCLASS64)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "not ELF64");
    if (eh.ident[EI_DATA] != ELFDATA2LSB)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "not little-endian");
    if (eh.ident[EI_VERSION] != EV_CURRENT || eh.version != EV_CURRENT)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "unknown ELF version");
    if (eh.machine != EM_RISCV)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "not a RISC-V executable (e_machine)");
    if (eh.type != ET_EXEC)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "not a static executable (e_type is not ET_EXEC)");
    if ((eh.flags & EF_RISCV_FLOAT_ABI_MASK) != 0)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "hard-float ABI: user mode has no floating point");
    if ((eh.flags & EF_RISCV_RVE) != 0)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "RVE ABI");
    if (eh.ehsize != sizeof(ehdr_t))
        return fail(out_why, ZX_ERR_INVALID_ARGS, "bad e_ehsize");
    if (eh.phentsize != sizeof(phdr_t))
        return fail(out_why, ZX_ERR_INVALID_ARGS, "bad e_phentsize");
    if (eh.phnum == 0)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "no program headers");
    if (eh.phnum > ZXRV_ELF_MAX_PHDRS)
        return fail(out_why, ZX_ERR_NOT_SUPPORTED, "too many program headers");
    if (eh.phoff < sizeof(ehdr_t) || !in_file(eh.phoff, (uint64_t)eh.phnum * sizeof(phdr_t), size))
        return fail(out_why, ZX_ERR_INVALID_ARGS, "program headers outside the file");

    zxrv_elf_image_t img;
    memset(&img, 0, sizeof img);
    for (uint32_t i = 0; i < eh.phnum; i++) {
        phdr_t ph;
        memcpy(&ph, bytes + eh.phoff + (uint64_t)i * sizeof(phdr_t), sizeof ph);
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
            return fail(out_why, ZX_ERR_NOT_SUPPORTED, "dynamically linked (PT_INTERP/PT_DYNAMIC)");
        if (ph.type != PT_LOAD)
            continue;  // PT_TLS, PT_GNU_STACK, PT_RISCV_ATTRIBUTES, notes: nothing to load
        zx_status_t st = check_load(&ph, size, user_base, user_end, out_why);
        if (st != ZX_OK)
            return st;
        if (ph.memsz == 0)
            continue;
        uint64_t start = ph.vaddr & ~PAGE_MASK;
        uint64_t end = (ph.vaddr + ph.memsz + PAGE_MASK) & ~PAGE_MASK;
        for (uint32_t j = 0; j < img.nsegments; j++) {
            const zxrv_elf_segment_t *o = &img.segments[j];
            uint64_t ostart = o->vaddr & ~PAGE_MASK;
            uint64_t oend = (o->vaddr + o->memsz + PAGE_MASK) & ~PAGE_MASK;
            if (start < oend && ostart < end)
                return fail(out_why, ZX_ERR_INVALID_ARGS, "PT_LOAD segments share a page");
        }
        if (img.nsegments == ZXRV_ELF_MAX_SEGMENTS)
            return fail(out_why, ZX_ERR_NOT_SUPPORTED, "too many PT_LOAD segments");
        zxrv_elf_segment_t *s = &img.segments[img.nsegments++];
        s->vaddr = ph.vaddr;
        s->offset = ph.offset;
        s->filesz = ph.filesz;
        s->memsz = ph.memsz;
        s->flags = ph.flags;
    }
    if (img.nsegments == 0)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "nothing to load (no PT_LOAD with p_memsz > 0)");

    if ((eh.entry & 1u) != 0)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "entry point not 2-byte aligned");
    int entry_ok = 0;
    for (uint32_t j = 0; j < img.nsegments; j++) {
        const zxrv_elf_segment_t *s = &img.segments[j];
        if ((s->flags & ZXRV_PF_X) && eh.entry >= s->vaddr && eh.entry - s->vaddr < s->filesz)
            entry_ok = 1;
    }
    if (!entry_ok)
        return fail(out_why, ZX_ERR_INVALID_ARGS, "entry point not in the file bytes of an executable segment");
    img.entry = eh.entry;
    *out = img;
    if (out_why != NULL)
        *out_why = "ok";
    return ZX_OK;
}
