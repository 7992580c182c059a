// Events and event pairs (zx_event_create, zx_eventpair_create), as Zircon's
// EventDispatcher and EventPairDispatcher.
//
// An event is an object with nothing but its signals: user space may set
// ZX_EVENT_SIGNALED and the ZX_USER_SIGNAL_* bits (zx_object_signal). An
// event pair is two such objects linked to each other: each side may also
// set the other's signals (zx_object_signal_peer), and when the last handle
// of one side goes, the other sees ZX_EVENTPAIR_PEER_CLOSED.
//
// Locking: an event has no state but its signals (guarded by the scheduler
// lock, obj/signal.c). The peer links of all event pairs are guarded by one
// lock, "eventpair-pair" (never two eventpair locks at once). Lock order:
// eventpair-pair -> scheduler lock (object_signal is called holding it).
#ifndef OBJ_EVENT_H
#define OBJ_EVENT_H

#include <zircon/types.h>

#include "obj/object.h"

struct event {
    struct object obj;
};

struct eventpair {
    struct object obj;
    struct eventpair *peer;  // NULL once the peer closed; guarded by the pair lock
    zx_koid_t peer_koid;     // set at creation, never changes (ZX_INFO_HANDLE_BASIC related_koid)
};

extern const struct object_ops event_ops;
extern const struct object_ops eventpair_ops;

zx_status_t event_create(struct event **out);
zx_status_t eventpair_create_pair(struct eventpair **a, struct eventpair **b);

// The signals zx_object_signal / zx_object_signal_peer may touch on `o`:
// ZX_USER_SIGNAL_ALL plus the type's own user-settable signals (Zircon's
// ZX_USER_SIGNAL_ALL | Dispatcher::allowed_user_signals()).
zx_signals_t object_allowed_user_signals(struct object *o);

// Clear then set signals on the peer of `o` (an eventpair or a channel).
// ZX_ERR_NOT_SUPPORTED if `o` has no peer by type, ZX_ERR_PEER_CLOSED if the
// peer is gone. The caller checked the bits against the allowed set.
zx_status_t object_signal_peer(struct object *o, zx_signals_t clear, zx_signals_t set);
#endif
