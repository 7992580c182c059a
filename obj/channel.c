// Channels (see obj/channel.h).
#include "obj/channel.h"

#include <stdbool.h>

#include "kern/spinlock.h"
#include "mm/kheap.h"
#include "obj/signal.h"

static struct spinlock channel_lk = SPINLOCK_INIT("channel-pair");

struct channel_msg *channel_msg_alloc(uint32_t nbytes, uint32_t nhandles) {
    struct channel_msg *m = kzalloc(sizeof(*m));
    if (!m) return 0;
    m->nbytes = nbytes;
    m->nhandles = nhandles;
    m->bytes = nbytes ? kzalloc(nbytes) : 0;
    m->objs = nhandles ? kzalloc(nhandles * sizeof(*m->objs)) : 0;
    m->rights = nhandles ? kzalloc(nhandles * sizeof(*m->rights)) : 0;
    if ((nbytes && !m->bytes) || (nhandles && (!m->objs || !m->rights))) {
        kfree(m->bytes);
        kfree(m->objs);
        kfree(m->rights);
        kfree(m);
        return 0;
    }
    return m;
}

void channel_msg_free(struct channel_msg *m) {
    for (uint32_t i = 0; i < m->nhandles; i++) {
        if (!m->objs[i]) continue;
        object_handle_removed(m->objs[i]);
        object_unref(m->objs[i]);
    }
    kfree(m->bytes);
    kfree(m->objs);
    kfree(m->rights);
    kfree(m);
}

static void channel_destroy(struct object *o) {
    struct channel *c = (struct channel *)o;
    while (c->head) {
        struct channel_msg *m = c->head;
        c->head = m->next;
        channel_msg_free(m);
    }
    kfree(c);
}

static void channel_zero_handles(struct object *o) {
    struct channel *c = (struct channel *)o;
    uint64_t f = spin_lock_irqsave(&channel_lk);
    struct channel *peer = c->peer;
    c->peer = 0;
    if (peer) peer->peer = 0;
    struct channel_msg *msgs = c->head;
    c->head = c->tail = 0;
    c->count = 0;
    if (peer) object_signal(&peer->obj, ZX_CHANNEL_WRITABLE, ZX_CHANNEL_PEER_CLOSED);
    spin_unlock_irqrestore(&channel_lk, f);
    if (peer) {
        object_unref(&peer->obj);  // each endpoint referenced its peer
        object_unref(&c->obj);
    }
    while (msgs) {
        struct channel_msg *n = msgs->next;
        channel_msg_free(msgs);
        msgs = n;
    }
}

const struct object_ops channel_ops = {ZX_OBJ_TYPE_CHANNEL, "channel", channel_destroy, channel_zero_handles};

zx_status_t channel_create_pair(struct channel **a, struct channel **b) {
    struct channel *x = kzalloc(sizeof(*x)), *y = kzalloc(sizeof(*y));
    if (!x || !y) {
        kfree(x);
        kfree(y);
        return ZX_ERR_NO_MEMORY;
    }
    object_init(&x->obj, &channel_ops);
    object_init(&y->obj, &channel_ops);
    // Each endpoint holds a reference on its peer until either side closes.
    object_ref(&x->obj);
    object_ref(&y->obj);
    x->peer = y;
    y->peer = x;
    x->peer_koid = y->obj.koid;
    y->peer_koid = x->obj.koid;
    x->obj.signals = ZX_CHANNEL_WRITABLE;
    y->obj.signals = ZX_CHANNEL_WRITABLE;
    *a = x;
    *b = y;
    return ZX_OK;
}

zx_status_t channel_write(struct channel *from, struct channel_msg *msg) {
    uint64_t f = spin_lock_irqsave(&channel_lk);
    struct channel *to = from->peer;
    if (!to) {
        spin_unlock_irqrestore(&channel_lk, f);
        return ZX_ERR_PEER_CLOSED;
    }
    if (to->count >= CHANNEL_MAX_PENDING) {
        spin_unlock_irqrestore(&channel_lk, f);
        return ZX_ERR_SHOULD_WAIT;
    }
    msg->next = 0;
    if (to->tail)
        to->tail->next = msg;
    else
        to->head = msg;
    to->tail = msg;
    to->count++;
    object_signal(&to->obj, 0, ZX_CHANNEL_READABLE);  // lock order: channel, then scheduler
    spin_unlock_irqrestore(&channel_lk, f);
    return ZX_OK;
}

zx_status_t channel_read(struct channel *c, uint32_t max_bytes, uint32_t max_handles, struct channel_msg **out,
                         uint32_t *need_bytes, uint32_t *need_handles) {
    uint64_t f = spin_lock_irqsave(&channel_lk);
    struct channel_msg *m = c->head;
    if (!m) {
        bool peer = c->peer != 0;
        spin_unlock_irqrestore(&channel_lk, f);
        return peer ? ZX_ERR_SHOULD_WAIT : ZX_ERR_PEER_CLOSED;
    }
    *need_bytes = m->nbytes;
    *need_handles = m->nhandles;
    if (m->nbytes > max_bytes || m->nhandles > max_handles) {
        spin_unlock_irqrestore(&channel_lk, f);
        return ZX_ERR_BUFFER_TOO_SMALL;
    }
    c->head = m->next;
    if (!c->head) c->tail = 0;
    c->count--;
    if (!c->head) object_signal(&c->obj, ZX_CHANNEL_READABLE, 0);
    spin_unlock_irqrestore(&channel_lk, f);
    *out = m;
    return ZX_OK;
}

zx_status_t channel_signal_peer(struct channel *c, zx_signals_t clear, zx_signals_t set) {
    uint64_t f = spin_lock_irqsave(&channel_lk);
    struct channel *peer = c->peer;
    if (peer) object_signal(&peer->obj, clear, set);  // lock order: channel, then scheduler
    spin_unlock_irqrestore(&channel_lk, f);
    return peer ? ZX_OK : ZX_ERR_PEER_CLOSED;
}
