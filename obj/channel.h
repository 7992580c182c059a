// Channels: bidirectional message pipes carrying bytes and handles.
//
// Each endpoint queues the messages written to its peer's side for it to
// read. Handles in a message keep counting as handles of their objects (so
// an endpoint in flight does not look closed). When the last handle of an
// endpoint goes, its peer sees ZX_CHANNEL_PEER_CLOSED, and messages queued
// for the closed endpoint are destroyed (closing the handles in them).
//
// zx_channel_call: the caller's endpoint keeps a list of pending calls
// (struct channel_waiter, on the calling thread's kernel stack), each with a
// kernel-made transaction id in [0x80000000, 0xFFFFFFFF] unique among them.
// A message written to that endpoint whose first 4 bytes match a pending
// call's id goes straight to that call instead of the read queue (Zircon's
// ChannelDispatcher::TryWriteToMessageWaiter).
//
// Messages (struct channel_msg) are one block each: the header, then the
// handles, then the bytes. Small ones (CHANNEL_MSG_POOL_INLINE bytes of
// handles + data) come from a fixed pool of slots in .bss with a free list
// per hart (no lock, interrupts are off in the kernel) refilled from and
// drained to a shared list; bigger ones from the kernel heap. So a small
// message costs no heap allocation, and the pool never shows in the heap's
// counters.
//
// Locking: both endpoints of a channel share one lock ("channel-pair",
// struct channel_pair) guarding peer links, queues and pending calls.
// Order: channel-pair -> sched (signals, wakes). "channel-pool" (the shared
// free list) is a leaf, never taken with a channel-pair lock held.
#ifndef OBJ_CHANNEL_H
#define OBJ_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/wait.h"
#include "obj/object.h"

#define CHANNEL_MAX_MSG_BYTES 65536u
#define CHANNEL_MAX_MSG_HANDLES 64u
// Zircon's kMaxPendingMessageCount (channel_dispatcher.cc): a write beyond it
// gives ZX_ERR_SHOULD_WAIT here (Zircon raises a policy exception).
#define CHANNEL_MAX_PENDING 3500u
// Zircon's kMinKernelGeneratedTxid: ids of zx_channel_call are >= this.
#define CHANNEL_MIN_KERNEL_TXID 0x80000000u

struct channel_handle {
    struct object *obj;  // a reference and a handle count (in flight); NULL once taken
    zx_rights_t rights;
};

struct channel_msg {
    struct channel_msg *next;
    uint32_t nbytes, nhandles;
    uint32_t pooled;  // a pool slot (else a heap block)
    uint32_t pad;
    struct channel_handle *handles;  // nhandles entries, in data[]
    uint8_t *bytes;                  // nbytes, in data[] after the handles
    uint64_t data[];
};

// A pool slot is 128 bytes: the header above, then this much inline room.
#define CHANNEL_MSG_POOL_SLOT 128u
#define CHANNEL_MSG_POOL_INLINE (CHANNEL_MSG_POOL_SLOT - (uint32_t)sizeof(struct channel_msg))

struct channel_pair {
    struct spinlock lock;
    uint32_t refs;  // endpoints alive (destroy drops one)
};

// A pending zx_channel_call (on the caller's stack), on its endpoint's list.
struct channel_waiter {
    struct channel_waiter *next;
    uint32_t txid;
    bool done;                 // delivered or canceled (status says which)
    zx_status_t status;
    struct channel_msg *reply;
    struct wait_queue wq;
};

struct channel {
    struct object obj;
    struct channel_pair *pair;
    struct channel *peer;  // NULL once the peer closed
    zx_koid_t peer_koid;   // set at creation, never changes (ZX_INFO_HANDLE_BASIC related_koid)
    struct channel_msg *head, *tail;
    uint32_t count;
    uint32_t txid_seq;                // last call id made on this endpoint (low 31 bits)
    struct channel_waiter *waiters;   // pending calls made through this endpoint
    bool closed;                      // no handles left
};

extern const struct object_ops channel_ops;

zx_status_t channel_create_pair(struct channel **a, struct channel **b);
// Queue msg on `from`'s peer (or hand it to a pending call there with its
// txid). ZX_ERR_PEER_CLOSED, ZX_ERR_SHOULD_WAIT (queue full). On success the
// message belongs to the channel; on failure it is still the caller's.
zx_status_t channel_write(struct channel *from, struct channel_msg *msg);
// Take the first message if it fits (else ZX_ERR_BUFFER_TOO_SMALL with the sizes
// in *need_bytes/*need_handles, and with may_discard the message dequeued into
// *out for the caller to free); ZX_ERR_SHOULD_WAIT if empty and the peer is
// alive, ZX_ERR_PEER_CLOSED if empty and the peer is gone.
zx_status_t channel_read(struct channel *c, uint32_t max_bytes, uint32_t max_handles, bool may_discard,
                         struct channel_msg **out, uint32_t *need_bytes, uint32_t *need_handles);
// zx_channel_call: write msg (at least 4 bytes; its first 4 are overwritten
// with a new txid) and wait until the reply with that txid comes (ZX_OK,
// *reply set), the deadline passes (ZX_ERR_TIMED_OUT), the peer closes
// (ZX_ERR_PEER_CLOSED), c's last handle closes or the thread is killed
// (ZX_ERR_CANCELED). msg is consumed whatever happens.
zx_status_t channel_call(struct channel *c, struct channel_msg *msg, zx_time_t deadline,
                         struct channel_msg **reply);
// Clear then set signals on c's peer (zx_object_signal_peer): ZX_ERR_PEER_CLOSED
// if the peer is gone.
zx_status_t channel_signal_peer(struct channel *c, zx_signals_t clear, zx_signals_t set);
// A message with room for nbytes and nhandles (handles zeroed), or NULL.
struct channel_msg *channel_msg_alloc(uint32_t nbytes, uint32_t nhandles);
// Free a message, closing the handles it still holds.
void channel_msg_free(struct channel_msg *m);
#endif
