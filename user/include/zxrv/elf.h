// Checking a static RISC-V ELF executable before loading it. Pure code over
// a byte buffer (no system calls): user/lib/elf.c builds for the target and,
// unchanged, for the host tests in tests/host/user/.
//
// zxrv_elf_check() trusts nothing in the file: every field it uses is
// checked, every offset and size is bounded by the buffer, and all arithmetic
// is overflow-checked. On ZX_OK the image is fit to load as user/lib/launch.c
// does: one mapping per PT_LOAD segment, over whole pages.
#ifndef ZXRV_ELF_H_
#define ZXRV_ELF_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#define ZXRV_ELF_PAGE_SIZE 4096u
#define ZXRV_ELF_MAX_PHDRS 64u     // e_phnum limit
#define ZXRV_ELF_MAX_SEGMENTS 16u  // PT_LOAD segments with p_memsz > 0

// Segment permissions (ELF p_flags).
#define ZXRV_PF_X 0x1u
#define ZXRV_PF_W 0x2u
#define ZXRV_PF_R 0x4u

// One PT_LOAD segment, as the file gives it (already checked).
typedef struct zxrv_elf_segment {
    uint64_t vaddr;   // p_vaddr
    uint64_t offset;  // p_offset
    uint64_t filesz;  // p_filesz <= p_memsz, bytes [offset, offset+filesz) lie in the file
    uint64_t memsz;   // p_memsz > 0
    uint32_t flags;   // ZXRV_PF_*: never W with X, never W without R, never 0
} zxrv_elf_segment_t;

typedef struct zxrv_elf_image {
    uint64_t entry;      // inside the file bytes of an executable segment
    uint32_t nsegments;  // 1..ZXRV_ELF_MAX_SEGMENTS, in file order
    zxrv_elf_segment_t segments[ZXRV_ELF_MAX_SEGMENTS];
} zxrv_elf_image_t;

// Check `size` bytes at `elf` (any alignment) as an ELF64 little-endian
// RISC-V ET_EXEC whose PT_LOAD segments, rounded out to whole pages, lie
// inside [user_base, user_end) and do not overlap one another.
// user_base and user_end must be page-aligned with user_base < user_end.
//
// Returns ZX_OK and fills *out, or
//   ZX_ERR_INVALID_ARGS   malformed: bad magic, sizes, offsets, overlaps, ...
//   ZX_ERR_NOT_SUPPORTED  well-formed but not loadable here: not RISC-V,
//                         not ELF64 LE, not ET_EXEC, PT_INTERP/PT_DYNAMIC,
//                         hard-float ABI (no FP in user mode), too many segments
//   ZX_ERR_ACCESS_DENIED  a segment is both writable and executable
//   ZX_ERR_OUT_OF_RANGE   a segment lies outside [user_base, user_end)
// and, if out_why is not NULL, points *out_why at a static sentence saying
// which check failed (also on success: "ok").
zx_status_t zxrv_elf_check(const void *elf, size_t size, uint64_t user_base, uint64_t user_end,
                           zxrv_elf_image_t *out, const char **out_why);

#endif
