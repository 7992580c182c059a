// Events and event pairs (see obj/event.h).
#include "obj/event.h"

#include "kern/spinlock.h"
#include "mm/kheap.h"
#include "obj/channel.h"
#include "obj/signal.h"

static struct spinlock eventpair_lk = SPINLOCK_INIT("eventpair-pair");

static void event_destroy(struct object *o) { kfree(o); }

const struct object_ops event_ops = {ZX_OBJ_TYPE_EVENT, "event", event_destroy, 0};

zx_status_t event_create(struct event **out) {
    struct event *e = kzalloc(sizeof(*e));
    if (!e) return ZX_ERR_NO_MEMORY;
    object_init(&e->obj, &event_ops);
    *out = e;
    return ZX_OK;
}

static void eventpair_destroy(struct object *o) { kfree(o); }

// The last handle of one side: unlink both sides and tell the peer.
static void eventpair_zero_handles(struct object *o) {
    struct eventpair *e = (struct eventpair *)o;
    uint64_t f = spin_lock_irqsave(&eventpair_lk);
    struct eventpair *peer = e->peer;
    e->peer = 0;
    if (peer) {
        peer->peer = 0;
        object_signal(&peer->obj, 0, ZX_EVENTPAIR_PEER_CLOSED);  // pair lock, then scheduler
    }
    spin_unlock_irqrestore(&eventpair_lk, f);
    if (peer) {
        object_unref(&peer->obj);  // each side referenced its peer
        object_unref(&e->obj);
    }
}

const struct object_ops eventpair_ops = {ZX_OBJ_TYPE_EVENTPAIR, "eventpair", eventpair_destroy,
                                         eventpair_zero_handles};

zx_status_t eventpair_create_pair(struct eventpair **a, struct eventpair **b) {
    struct eventpair *x = kzalloc(sizeof(*x)), *y = kzalloc(sizeof(*y));
    if (!x || !y) {
        kfree(x);
        kfree(y);
        return ZX_ERR_NO_MEMORY;
    }
    object_init(&x->obj, &eventpair_ops);
    object_init(&y->obj, &eventpair_ops);
    // Each side holds a reference on its peer until either side closes.
    object_ref(&x->obj);
    object_ref(&y->obj);
    x->peer = y;
    y->peer = x;
    x->peer_koid = y->obj.koid;
    y->peer_koid = x->obj.koid;
    *a = x;
    *b = y;
    return ZX_OK;
}

zx_signals_t object_allowed_user_signals(struct object *o) {
    switch (object_type(o)) {
    case ZX_OBJ_TYPE_EVENT: return ZX_USER_SIGNAL_ALL | ZX_EVENT_SIGNALED;
    case ZX_OBJ_TYPE_EVENTPAIR: return ZX_USER_SIGNAL_ALL | ZX_EVENTPAIR_SIGNALED;
    default: return ZX_USER_SIGNAL_ALL;
    }
}

zx_status_t object_signal_peer(struct object *o, zx_signals_t clear, zx_signals_t set) {
    switch (object_type(o)) {
    case ZX_OBJ_TYPE_EVENTPAIR: {
        uint64_t f = spin_lock_irqsave(&eventpair_lk);
        struct eventpair *peer = ((struct eventpair *)o)->peer;
        if (peer) object_signal(&peer->obj, clear, set);
        spin_unlock_irqrestore(&eventpair_lk, f);
        return peer ? ZX_OK : ZX_ERR_PEER_CLOSED;
    }
    case ZX_OBJ_TYPE_CHANNEL: return channel_signal_peer((struct channel *)o, clear, set);
    default: return ZX_ERR_NOT_SUPPORTED;
    }
}
