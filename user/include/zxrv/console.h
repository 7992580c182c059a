// The console's channel protocol: how programs read the console through the
// user-space console driver (user/drivers/console/, the program `consoled`).
//
// A connection is a channel to the driver. Every message starts with a
// zxrv_console_req_t; the driver answers READ with one zxrv_console_reply_t
// followed by the bytes, and never answers CLONE.
//
//   READ   count = at most this many bytes (1..ZXRV_CONSOLE_MAX_READ). Sent
//          with zx_channel_call: the reply carries the request's txid. The
//          console is in canonical mode (a terminal's line discipline, in
//          the driver: echo, backspace, Ctrl-U, Ctrl-W, Ctrl-C, Ctrl-D, see
//          user/include/zxrv/ldisc.h): a reply holds at most one line, and
//          comes once a whole line was typed (Enter), so a READ may wait
//          for as long as nobody types. A reply with status ZX_OK and
//          count 0 is end of file (Ctrl-D at the start of a line). Pending
//          READs of all connections are answered in the order they arrived.
//          Errors: ZX_ERR_INVALID_ARGS (count 0 or over the maximum, or a
//          message of the wrong size), ZX_ERR_NO_RESOURCES (too many READs
//          pending in the driver).
//   CLONE  the message carries exactly one handle: a channel, which becomes
//          a new connection (as fdio's clone does). txid and count are 0.
//          A driver that has no room left closes the channel it was given.
//   other  op: a reply with ZX_ERR_NOT_SUPPORTED.
//
// Closing a connection cancels its pending READs. The driver itself only
// reads the UART: output goes through zx_debug_write (the kernel console),
// echo included, so kernel messages and programs' lines never interleave
// within a line.
//
// Who gets a connection: init starts the driver with PA_HND(PA_USER0, 0) =
// the first connection's far end and keeps the near end for its shell (the
// driver asserts ZX_USER_SIGNAL_0 on that near end once it serves, and
// ZX_USER_SIGNAL_1 there each time Ctrl-C is typed: the shell clears it and
// kills the program it runs); each
// program the shell runs gets a clone as PA_HND(PA_FD, 0), which crt0's
// stdin reads (getchar, fgets, read(0, ...); user/README.md).
#ifndef ZXRV_CONSOLE_H_
#define ZXRV_CONSOLE_H_

#include <stdint.h>
#include <zircon/types.h>

#define ZXRV_CONSOLE_OP_READ 1u
#define ZXRV_CONSOLE_OP_CLONE 2u

#define ZXRV_CONSOLE_MAX_READ 256u

typedef struct zxrv_console_req {
    zx_txid_t txid;  // zx_channel_call's transaction id (0 for CLONE)
    uint32_t op;     // ZXRV_CONSOLE_OP_*
    uint32_t count;  // READ: at most this many bytes
    uint32_t reserved;  // 0
} zxrv_console_req_t;

typedef struct zxrv_console_reply {
    zx_txid_t txid;  // the request's
    zx_status_t status;
    uint32_t count;  // bytes that follow (ZX_OK and 0: end of file)
    uint32_t reserved;
} zxrv_console_reply_t;

_Static_assert(sizeof(zxrv_console_req_t) == 16, "request layout");
_Static_assert(sizeof(zxrv_console_reply_t) == 16, "reply layout");

// The client side (user/lib/console.c).
//
// Reads one READ's worth into buf (cap bytes, at most ZXRV_CONSOLE_MAX_READ
// are asked for): *actual = 0 means end of file. Waits as long as it takes.
// Errors: the channel's (ZX_ERR_PEER_CLOSED when the driver is gone), the
// driver's reply status, ZX_ERR_IO for a malformed reply.
zx_status_t zxrv_console_read(zx_handle_t conn, void *buf, size_t cap, size_t *actual);
// Makes a new connection to the same driver: *out is its client end.
zx_status_t zxrv_console_clone(zx_handle_t conn, zx_handle_t *out);

#endif
