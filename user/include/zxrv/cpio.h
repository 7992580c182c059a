// Reading a cpio "newc" archive (the boot image init receives). Pure code:
// user/lib/cpio.c does no system calls and reads the archive only through a
// callback, so init reads it with zx_vmo_read and the host tests
// (tests/host/user/) read it from memory with a bounds-checking callback.
//
// Every header field is validated: magic "070701", all 13 fields 8 hex
// digits, name size >= 1 with the name NUL-terminated exactly at its end and
// no NUL before, header+name and data each padded to 4 bytes, file data
// inside the archive. The parser never asks the callback for a byte outside
// [0, size). Iteration stops at the "TRAILER!!!" entry; bytes after it (e.g.
// the zero padding of a page-sized VMO) are ignored.
#ifndef ZXRV_CPIO_H_
#define ZXRV_CPIO_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#define ZXRV_CPIO_HEADER_SIZE 110u
#define ZXRV_CPIO_NAME_MAX 256u  // bytes including the NUL; longer names are refused
#define ZXRV_CPIO_MODE_TYPE_MASK 0170000u
#define ZXRV_CPIO_MODE_REGULAR 0100000u
#define ZXRV_CPIO_MODE_DIR 0040000u

// Reads exactly `len` bytes at `offset` of the archive into `buf`.
// The parser only calls it with offset + len <= the archive size.
typedef zx_status_t (*zxrv_cpio_read_fn)(void *ctx, uint64_t offset, void *buf, size_t len);

typedef struct zxrv_cpio {
    zxrv_cpio_read_fn read;
    void *ctx;
    uint64_t size;  // archive bytes available
    uint64_t next;   // offset of the next header
    zx_status_t end; // ZX_OK while walking; then ZX_ERR_STOP (trailer) or the error
} zxrv_cpio_t;

typedef struct zxrv_cpio_entry {
    char name[ZXRV_CPIO_NAME_MAX];  // NUL-terminated, as stored (no slash added or removed)
    uint32_t mode;                  // c_mode: type bits | permissions
    uint32_t ino;
    uint32_t mtime;
    uint64_t data_offset;           // where the file bytes start in the archive
    uint64_t size;                  // c_filesize; data_offset + size <= archive size
} zxrv_cpio_entry_t;

void zxrv_cpio_init(zxrv_cpio_t *c, zxrv_cpio_read_fn read, void *ctx, uint64_t size);

// The next entry. Returns ZX_OK with *out filled, ZX_ERR_STOP at the trailer
// (and on every later call), or an error for a malformed archive:
//   ZX_ERR_IO_DATA_INTEGRITY  bad magic, non-hex field, bad name size or
//                             termination, data or header past the end
//                             (a truncated archive ends this way)
//   ZX_ERR_NOT_SUPPORTED      a name longer than ZXRV_CPIO_NAME_MAX - 1
//   any status the read callback returned
// Once the walk has ended, every later call returns the same status again.
// If out_why is not NULL, *out_why says what was wrong (static string).
zx_status_t zxrv_cpio_next(zxrv_cpio_t *c, zxrv_cpio_entry_t *out, const char **out_why);

// Walks the archive from the start for the entry named `name`.
// ZX_OK, ZX_ERR_NOT_FOUND if the trailer came first, or a parse error.
zx_status_t zxrv_cpio_find(zxrv_cpio_read_fn read, void *ctx, uint64_t size, const char *name,
                           zxrv_cpio_entry_t *out, const char **out_why);

#endif
