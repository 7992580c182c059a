// Reading cpio "newc" archives: see <zxrv/cpio.h>. No system calls: bytes
// come through the caller's read callback, and this file also builds on the
// host for tests/host/user/.
//
// A newc entry is a 110-byte header
//   "070701" + 13 fields of 8 hex digits: ino mode uid gid nlink mtime
//   filesize devmajor devminor rdevmajor rdevminor namesize check
// then namesize bytes of name (NUL included), padded so that header + name
// ends on a multiple of 4 (from the archive start), then filesize bytes of
// data padded to a multiple of 4. The entry named "TRAILER!!!" ends the
// archive. Offsets are uint64_t; every sum is checked against the archive
// size before any read.
#include <string.h>
#include <zxrv/cpio.h>

#define TRAILER "TRAILER!!!"

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, F_COUNT };

static zx_status_t stop(zxrv_cpio_t *c, const char **out_why, zx_status_t st, const char *why) {
    c->end = st;
    if (out_why != NULL)
        *out_why = why;
    return st;
}

static uint64_t align4(uint64_t v) {
    return (v + 3u) & ~(uint64_t)3u;  // v < 2^33 here, no overflow
}

// Parses 8 hex digits; 0 if any is not a hex digit.
static int parse_hex8(const char *s, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char ch = s[i];
        uint32_t d;
        if (ch >= '0' && ch <= '9')
            d = (uint32_t)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (uint32_t)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            d = (uint32_t)(ch - 'A' + 10);
        else
            return 0;
        v = (v << 4) | d;
    }
    *out = v;
    return 1;
}

void zxrv_cpio_init(zxrv_cpio_t *c, zxrv_cpio_read_fn read, void *ctx, uint64_t size) {
    c->read = read;
    c->ctx = ctx;
    c->size = size;
    c->next = 0;
    c->end = ZX_OK;
}

zx_status_t zxrv_cpio_next(zxrv_cpio_t *c, zxrv_cpio_entry_t *out, const char **out_why) {
    if (c->end != ZX_OK) {
        if (out_why != NULL)
            *out_why = "the walk has already ended";
        return c->end;
    }
    uint64_t off = c->next;
    if (off > c->size || c->size - off < ZXRV_CPIO_HEADER_SIZE)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "archive ends before the next header (no trailer)");

    char hdr[ZXRV_CPIO_HEADER_SIZE];
    zx_status_t st = c->read(c->ctx, off, hdr, sizeof hdr);
    if (st != ZX_OK)
        return stop(c, out_why, st, "reading a header failed");
    if (memcmp(hdr, "070701", 6) != 0)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "bad header magic (want 070701)");
    uint32_t f[F_COUNT];
    for (int i = 0; i < F_COUNT; i++) {
        if (!parse_hex8(hdr + 6 + 8 * i, &f[i]))
            return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "header field is not 8 hex digits");
    }

    uint32_t namesize = f[F_NAMESIZE];
    if (namesize == 0)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "name size is 0 (no room for the NUL)");
    uint64_t name_off = off + ZXRV_CPIO_HEADER_SIZE;
    if (namesize > c->size - name_off)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "name extends past the end of the archive");
    if (namesize > ZXRV_CPIO_NAME_MAX)
        return stop(c, out_why, ZX_ERR_NOT_SUPPORTED, "name longer than ZXRV_CPIO_NAME_MAX");

    zxrv_cpio_entry_t e;
    memset(&e, 0, sizeof e);
    st = c->read(c->ctx, name_off, e.name, namesize);
    if (st != ZX_OK)
        return stop(c, out_why, st, "reading a name failed");
    if (e.name[namesize - 1] != '\0')
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "name not NUL-terminated");
    if (memchr(e.name, '\0', namesize - 1) != NULL)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "NUL inside the name");

    if (strcmp(e.name, TRAILER) == 0)
        return stop(c, out_why, ZX_ERR_STOP, "trailer");

    uint64_t data_off = align4(name_off + namesize);
    if (data_off > c->size)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "name padding extends past the end of the archive");
    if (f[F_FILESIZE] > c->size - data_off)
        return stop(c, out_why, ZX_ERR_IO_DATA_INTEGRITY, "file data extends past the end of the archive");

    e.mode = f[F_MODE];
    e.ino = f[F_INO];
    e.mtime = f[F_MTIME];
    e.data_offset = data_off;
    e.size = f[F_FILESIZE];
    c->next = align4(data_off + e.size);  // may exceed size: the next call says so
    *out = e;
    if (out_why != NULL)
        *out_why = "ok";
    return ZX_OK;
}

zx_status_t zxrv_cpio_find(zxrv_cpio_read_fn read, void *ctx, uint64_t size, const char *name,
                           zxrv_cpio_entry_t *out, const char **out_why) {
    zxrv_cpio_t c;
    zxrv_cpio_init(&c, read, ctx, size);
    for (;;) {
        zxrv_cpio_entry_t e;
        zx_status_t st = zxrv_cpio_next(&c, &e, out_why);
        if (st == ZX_ERR_STOP) {
            if (out_why != NULL)
                *out_why = "no such file in the archive";
            return ZX_ERR_NOT_FOUND;
        }
        if (st != ZX_OK)
            return st;
        if (strcmp(e.name, name) == 0) {
            *out = e;
            return ZX_OK;
        }
    }
}
