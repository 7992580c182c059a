// Channels: bidirectional message pipes carrying bytes and handles.
//
// Each endpoint queues the messages written to its peer's side for it to
// read. Handles in a message keep counting as handles of their objects (so
// an endpoint in flight does not look closed). When the last handle of an
// endpoint goes, its peer sees ZX_CHANNEL_PEER_CLOSED, and messages queued
// for the closed endpoint are destroyed (closing the handles in them).
//
// Locking: one channel lock for all endpoints (peer links and queues).
#ifndef OBJ_CHANNEL_H
#define OBJ_CHANNEL_H

#include <stdint.h>
#include <zircon/types.h>

#include "obj/object.h"

#define CHANNEL_MAX_MSG_BYTES 65536u
#define CHANNEL_MAX_MSG_HANDLES 64u
#define CHANNEL_MAX_PENDING 256u


struct channel_msg {
    struct channel_msg *next;
    uint32_t nbytes, nhandles;
    struct object **objs;  // nhandles objects, each with a reference and a handle count
    zx_rights_t *rights;
    uint8_t *bytes;
};

struct channel {
    struct object obj;
    struct channel *peer;  // NULL once the peer closed
    zx_koid_t peer_koid;   // set at creation, never changes (ZX_INFO_HANDLE_BASIC related_koid)
    struct channel_msg *head, *tail;
    uint32_t count;
};

extern const struct object_ops channel_ops;

zx_status_t channel_create_pair(struct channel **a, struct channel **b);
// Queue msg on `from`'s peer. ZX_ERR_PEER_CLOSED, ZX_ERR_SHOULD_WAIT (queue full).
// On success the message belongs to the channel.
zx_status_t channel_write(struct channel *from, struct channel_msg *msg);
// Take the first message if it fits (else ZX_ERR_BUFFER_TOO_SMALL with the sizes
// in *need_bytes/*need_handles); ZX_ERR_SHOULD_WAIT if empty and the peer is
// alive, ZX_ERR_PEER_CLOSED if empty and the peer is gone.
zx_status_t channel_read(struct channel *c, uint32_t max_bytes, uint32_t max_handles, struct channel_msg **out,
                         uint32_t *need_bytes, uint32_t *need_handles);
// Clear then set signals on c's peer (zx_object_signal_peer): ZX_ERR_PEER_CLOSED
// if the peer is gone.
zx_status_t channel_signal_peer(struct channel *c, zx_signals_t clear, zx_signals_t set);
struct channel_msg *channel_msg_alloc(uint32_t nbytes, uint32_t nhandles);
// Free a message, closing the handles it still holds.
void channel_msg_free(struct channel_msg *m);
#endif
