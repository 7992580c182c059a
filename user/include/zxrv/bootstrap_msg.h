// Building and checking the bootstrap message of <zxrv/bootstrap.h>: the
// launcher encodes it, crt0 decodes it. Pure code over byte buffers (no
// system calls): user/lib/bootstrap.c builds for the target and for the host
// tests in tests/host/user/.
//
// The encoder lays the message out as header | tags | argument strings with
// no padding. The decoder accepts any layout the header describes, as long as
// every field checks out against the bytes and handles actually received.
#ifndef ZXRV_BOOTSTRAP_MSG_H_
#define ZXRV_BOOTSTRAP_MSG_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>
#include <zxrv/bootstrap.h>

// Bytes needed for a message with these arguments and `nhandles` handles.
// ZX_ERR_INVALID_ARGS if argv (with argc > 0) or an argv[i] is NULL;
// ZX_ERR_OUT_OF_RANGE if the message would exceed ZXRV_BOOTSTRAP_MAX_BYTES or
// nhandles exceeds ZXRV_BOOTSTRAP_MAX_HANDLES.
zx_status_t zxrv_bootstrap_size(uint32_t argc, const char *const *argv, uint32_t nhandles,
                                size_t *out_size);

// Writes the message into buf (buf_size bytes, any alignment); *out_len is
// its length. Same errors as zxrv_bootstrap_size, plus ZX_ERR_BUFFER_TOO_SMALL,
// and ZX_ERR_INVALID_ARGS if tags is NULL with nhandles > 0.
zx_status_t zxrv_bootstrap_encode(void *buf, size_t buf_size, uint32_t argc, const char *const *argv,
                                  const uint32_t *tags, uint32_t nhandles, size_t *out_len);

// A checked message. Pointers point into the message buffer.
typedef struct zxrv_bootstrap_view {
    const uint8_t *msg;
    uint32_t argc;
    uint32_t handle_count;  // == the number of handles received
    uint32_t tags_off;      // 4-aligned; tags at msg + tags_off
    const char *args;       // argc NUL-terminated strings, exactly args_len bytes
    uint32_t args_len;
} zxrv_bootstrap_view_t;

// Checks a received message of num_bytes bytes that came with num_handles
// handles. The header must have the right magic and version, reserved == 0,
// handle_count == num_handles, the tag array (4-aligned offset) and the
// argument block inside the message, after the header and not overlapping
// each other, and the argument block must hold exactly argc NUL-terminated
// strings, the last one ending at its last byte.
// ZX_OK and *out filled, or ZX_ERR_INVALID_ARGS with *out_why (if not NULL)
// saying which check failed.
zx_status_t zxrv_bootstrap_decode(const void *msg, size_t num_bytes, uint32_t num_handles,
                                  zxrv_bootstrap_view_t *out, const char **out_why);

// Tag i (i < v->handle_count) of a decoded message.
uint32_t zxrv_bootstrap_tag(const zxrv_bootstrap_view_t *v, uint32_t i);

// Fills argv[0..argc) with pointers to the strings and argv[argc] = NULL.
// ZX_ERR_BUFFER_TOO_SMALL if argv_cap < argc + 1.
zx_status_t zxrv_bootstrap_argv(const zxrv_bootstrap_view_t *v, const char **argv, size_t argv_cap);

#endif
