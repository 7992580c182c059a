// The bootstrap message of <zxrv/bootstrap.h>: encoder (for the launcher)
// and checker (for crt0). See <zxrv/bootstrap_msg.h>. No system calls: this
// file also builds on the host for tests/host/user/.
//
// Wire format (little-endian uint32 fields, as the header struct on RV64):
//   header (32 bytes) | handle_count tags (4 bytes each) | args_len bytes of
//   argc NUL-terminated strings
// The encoder writes exactly that; the decoder takes the offsets from the
// header and checks them. All offset arithmetic is done in uint64_t on
// values below 2^32, so it cannot overflow.
#include <string.h>
#include <zxrv/bootstrap_msg.h>

_Static_assert(sizeof(zxrv_bootstrap_t) == 32, "bootstrap header is 8 uint32_t fields");
_Static_assert(ZXRV_BOOTSTRAP_MAX_BYTES < UINT32_MAX / 2, "message sizes fit in uint32_t");

#define HEADER_SIZE ((uint64_t)sizeof(zxrv_bootstrap_t))

zx_status_t zxrv_bootstrap_size(uint32_t argc, const char *const *argv, uint32_t nhandles,
                                size_t *out_size) {
    if (argc > 0 && argv == NULL)
        return ZX_ERR_INVALID_ARGS;
    if (nhandles > ZXRV_BOOTSTRAP_MAX_HANDLES)
        return ZX_ERR_OUT_OF_RANGE;
    uint64_t total = HEADER_SIZE + (uint64_t)nhandles * sizeof(uint32_t);
    for (uint32_t i = 0; i < argc; i++) {
        if (argv[i] == NULL)
            return ZX_ERR_INVALID_ARGS;
        // Bounded scan: never read further than the message could hold.
        size_t room = ZXRV_BOOTSTRAP_MAX_BYTES;
        size_t len = strnlen(argv[i], room);
        total += (uint64_t)len + 1;
        if (total > ZXRV_BOOTSTRAP_MAX_BYTES)
            return ZX_ERR_OUT_OF_RANGE;
    }
    if (total > ZXRV_BOOTSTRAP_MAX_BYTES)
        return ZX_ERR_OUT_OF_RANGE;
    if (out_size != NULL)
        *out_size = (size_t)total;
    return ZX_OK;
}

zx_status_t zxrv_bootstrap_encode(void *buf, size_t buf_size, uint32_t argc, const char *const *argv,
                                  const uint32_t *tags, uint32_t nhandles, size_t *out_len) {
    size_t need = 0;
    zx_status_t st = zxrv_bootstrap_size(argc, argv, nhandles, &need);
    if (st != ZX_OK)
        return st;
    if (nhandles > 0 && tags == NULL)
        return ZX_ERR_INVALID_ARGS;
    if (buf == NULL || buf_size < need)
        return ZX_ERR_BUFFER_TOO_SMALL;

    uint8_t *out = buf;
    zxrv_bootstrap_t h;
    memset(&h, 0, sizeof h);
    h.magic = ZXRV_BOOTSTRAP_MAGIC;
    h.version = ZXRV_BOOTSTRAP_VERSION;
    h.argc = argc;
    h.handle_count = nhandles;
    h.handle_tags_off = (uint32_t)HEADER_SIZE;
    h.args_off = (uint32_t)(HEADER_SIZE + (uint64_t)nhandles * sizeof(uint32_t));
    h.args_len = (uint32_t)(need - h.args_off);
    h.reserved = 0;
    memcpy(out, &h, sizeof h);
    if (nhandles > 0)
        memcpy(out + h.handle_tags_off, tags, (size_t)nhandles * sizeof(uint32_t));
    size_t pos = h.args_off;
    for (uint32_t i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;  // fits: zxrv_bootstrap_size bounded it
        memcpy(out + pos, argv[i], n);
        pos += n;
    }
    if (out_len != NULL)
        *out_len = need;
    return ZX_OK;
}

static zx_status_t bad(const char **out_why, const char *why) {
    if (out_why != NULL)
        *out_why = why;
    return ZX_ERR_INVALID_ARGS;
}

zx_status_t zxrv_bootstrap_decode(const void *msg, size_t num_bytes, uint32_t num_handles,
                                  zxrv_bootstrap_view_t *out, const char **out_why) {
    if (msg == NULL || out == NULL)
        return bad(out_why, "no message buffer");
    if (num_bytes < HEADER_SIZE)
        return bad(out_why, "shorter than the header");
    if (num_bytes > ZXRV_BOOTSTRAP_MAX_BYTES)
        return bad(out_why, "longer than ZXRV_BOOTSTRAP_MAX_BYTES");
    if (num_handles > ZXRV_BOOTSTRAP_MAX_HANDLES)
        return bad(out_why, "more than ZXRV_BOOTSTRAP_MAX_HANDLES handles");

    zxrv_bootstrap_t h;
    memcpy(&h, msg, sizeof h);
    if (h.magic != ZXRV_BOOTSTRAP_MAGIC)
        return bad(out_why, "bad magic");
    if (h.version != ZXRV_BOOTSTRAP_VERSION)
        return bad(out_why, "unknown version");
    if (h.reserved != 0)
        return bad(out_why, "reserved field is not zero");
    if (h.handle_count != num_handles)
        return bad(out_why, "handle_count differs from the handles received");

    uint64_t tags_start = h.handle_tags_off;
    uint64_t tags_end = tags_start + (uint64_t)h.handle_count * sizeof(uint32_t);
    if (h.handle_tags_off % sizeof(uint32_t) != 0)
        return bad(out_why, "handle_tags_off not 4-byte aligned");
    if (tags_start < HEADER_SIZE)
        return bad(out_why, "handle tags overlap the header");
    if (tags_end > num_bytes)
        return bad(out_why, "handle tags extend past the message");

    uint64_t args_start = h.args_off;
    uint64_t args_end = args_start + h.args_len;
    if (args_start < HEADER_SIZE)
        return bad(out_why, "arguments overlap the header");
    if (args_end > num_bytes)
        return bad(out_why, "arguments extend past the message");
    if (h.handle_count > 0 && h.args_len > 0 && args_start < tags_end && tags_start < args_end)
        return bad(out_why, "arguments overlap the handle tags");

    // Exactly argc strings, the last NUL being the last byte of the block.
    const char *args = (const char *)msg + args_start;
    uint64_t strings = 0;
    for (uint32_t i = 0; i < h.args_len; i++) {
        if (args[i] == '\0')
            strings++;
    }
    if (h.args_len > 0 && args[h.args_len - 1] != '\0')
        return bad(out_why, "last argument not NUL-terminated");
    if (strings != h.argc)
        return bad(out_why, "argc differs from the strings in the argument block");

    out->msg = msg;
    out->argc = h.argc;
    out->handle_count = h.handle_count;
    out->tags_off = h.handle_tags_off;
    out->args = args;
    out->args_len = h.args_len;
    if (out_why != NULL)
        *out_why = "ok";
    return ZX_OK;
}

uint32_t zxrv_bootstrap_tag(const zxrv_bootstrap_view_t *v, uint32_t i) {
    uint32_t tag = 0;
    if (i < v->handle_count)
        memcpy(&tag, v->msg + v->tags_off + (size_t)i * sizeof(uint32_t), sizeof tag);
    return tag;
}

zx_status_t zxrv_bootstrap_argv(const zxrv_bootstrap_view_t *v, const char **argv, size_t argv_cap) {
    if (argv == NULL || argv_cap < (size_t)v->argc + 1)
        return ZX_ERR_BUFFER_TOO_SMALL;
    const char *p = v->args;
    for (uint32_t i = 0; i < v->argc; i++) {
        argv[i] = p;
        p += strlen(p) + 1;  // stays inside the block: decode counted argc NULs there
    }
    argv[v->argc] = NULL;
    return ZX_OK;
}
