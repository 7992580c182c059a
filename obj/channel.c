// Channels (see obj/channel.h for the invariants and the lock order).
#include "obj/channel.h"

#include <stdbool.h>

#include "kern/hart.h"
#include "kern/sched.h"
#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/kheap.h"
#include "obj/signal.h"

_Static_assert(sizeof(struct channel_msg) % 8 == 0, "message data is 8-byte aligned");
_Static_assert(sizeof(struct channel_handle) == 16, "handles pack two per 32 bytes");
_Static_assert(CHANNEL_MSG_POOL_INLINE >= 64, "a pool slot holds a small message");

// ---- The message pool ----------------------------------------------------
//
// CHANNEL_POOL_SLOTS slots of CHANNEL_MSG_POOL_SLOT bytes in .bss. Each hart
// keeps a free list of its own (touched only by that hart, with interrupts
// off: no lock); when it runs dry it takes CHANNEL_POOL_BATCH slots from the
// shared list, and when it holds more than 2 * CHANNEL_POOL_BATCH it gives
// CHANNEL_POOL_BATCH back. A slot freed on another hart joins that hart's
// list. When the pool is empty, messages come from the heap.
#define CHANNEL_POOL_SLOTS 1024u
#define CHANNEL_POOL_BATCH 16u

static uint64_t pool_mem[CHANNEL_POOL_SLOTS][CHANNEL_MSG_POOL_SLOT / 8];
static struct spinlock pool_lk = SPINLOCK_INIT("channel-pool");
static struct channel_msg *pool_shared;  // guarded by pool_lk
static bool pool_ready;                  // guarded by pool_lk

struct pool_cache {
    struct channel_msg *head;
    uint32_t n;
} __attribute__((aligned(64)));
static struct pool_cache pool_caches[HART_MAX];

static void pool_refill(struct pool_cache *pc) {
    uint64_t f = spin_lock_irqsave(&pool_lk);
    if (!pool_ready) {
        for (uint32_t i = CHANNEL_POOL_SLOTS; i-- > 0;) {
            struct channel_msg *m = (struct channel_msg *)pool_mem[i];
            m->next = pool_shared;
            pool_shared = m;
        }
        pool_ready = true;
    }
    for (uint32_t i = 0; i < CHANNEL_POOL_BATCH && pool_shared; i++) {
        struct channel_msg *m = pool_shared;
        pool_shared = m->next;
        m->next = pc->head;
        pc->head = m;
        pc->n++;
    }
    spin_unlock_irqrestore(&pool_lk, f);
}

static void pool_drain(struct pool_cache *pc) {
    uint64_t f = spin_lock_irqsave(&pool_lk);
    for (uint32_t i = 0; i < CHANNEL_POOL_BATCH; i++) {
        struct channel_msg *m = pc->head;
        pc->head = m->next;
        pc->n--;
        m->next = pool_shared;
        pool_shared = m;
    }
    spin_unlock_irqrestore(&pool_lk, f);
}

static struct channel_msg *pool_get(void) {
    struct pool_cache *pc = &pool_caches[this_hart()->index];
    if (!pc->head) pool_refill(pc);
    struct channel_msg *m = pc->head;
    if (m) {
        pc->head = m->next;
        pc->n--;
    }
    return m;
}

static void pool_put(struct channel_msg *m) {
    struct pool_cache *pc = &pool_caches[this_hart()->index];
    m->next = pc->head;
    pc->head = m;
    if (++pc->n > 2 * CHANNEL_POOL_BATCH) pool_drain(pc);
}

struct channel_msg *channel_msg_alloc(uint32_t nbytes, uint32_t nhandles) {
    size_t hsize = (size_t)nhandles * sizeof(struct channel_handle);
    size_t need = hsize + nbytes;
    struct channel_msg *m = 0;
    if (need <= CHANNEL_MSG_POOL_INLINE && (m = pool_get()) != 0) {
        m->pooled = 1;
    } else {
        m = kzalloc(sizeof(*m) + need);
        if (!m) return 0;
        m->pooled = 0;
    }
    m->next = 0;
    m->nbytes = nbytes;
    m->nhandles = nhandles;
    m->handles = (struct channel_handle *)m->data;
    m->bytes = (uint8_t *)m->data + hsize;
    for (uint32_t i = 0; i < nhandles; i++) m->handles[i].obj = 0;
    return m;
}

void channel_msg_free(struct channel_msg *m) {
    for (uint32_t i = 0; i < m->nhandles; i++) {
        struct object *o = m->handles[i].obj;
        if (!o) continue;
        object_handle_removed(o);
        object_unref(o);
    }
    if (m->pooled)
        pool_put(m);
    else
        kfree(m);
}

// Free a list of messages. Freeing one may close the last handle of a
// channel inside it, whose queue is freed in turn (Zircon's NestingIsOk
// nests 200 deep): rather than recurse on the 16 KiB kernel stack, a thread
// already freeing lists (it has a record on `freers`, on its stack) appends
// the new list to its record's backlog, which its outermost call works off.
struct msgs_freer {
    struct msgs_freer *next;
    struct thread *thread;
    struct channel_msg *backlog;
};
static struct spinlock freers_lk = SPINLOCK_INIT("channel-freers");
static struct msgs_freer *freers;  // guarded by freers_lk

static void msgs_free(struct channel_msg *m) {
    if (!m) return;
    struct thread *me = this_hart()->current;
    uint64_t f = spin_lock_irqsave(&freers_lk);
    for (struct msgs_freer *r = freers; r; r = r->next) {
        if (r->thread != me) continue;
        struct channel_msg *t = m;
        while (t->next) t = t->next;
        t->next = r->backlog;
        r->backlog = m;
        spin_unlock_irqrestore(&freers_lk, f);
        return;
    }
    struct msgs_freer rec = {freers, me, 0};
    freers = &rec;
    spin_unlock_irqrestore(&freers_lk, f);
    for (;;) {
        while (m) {
            struct channel_msg *n = m->next;
            channel_msg_free(m);
            m = n;
        }
        f = spin_lock_irqsave(&freers_lk);
        m = rec.backlog;
        rec.backlog = 0;
        if (!m) {
            struct msgs_freer **pp = &freers;
            while (*pp != &rec) pp = &(*pp)->next;
            *pp = rec.next;
        }
        spin_unlock_irqrestore(&freers_lk, f);
        if (!m) return;
    }
}

// ---- Endpoints -----------------------------------------------------------

static void channel_destroy(struct object *o) {
    struct channel *c = (struct channel *)o;
    msgs_free(c->head);
    struct channel_pair *pair = c->pair;
    if (__atomic_sub_fetch(&pair->refs, 1, __ATOMIC_ACQ_REL) == 0) kfree(pair);
    kfree(c);
}

// End every pending call on c's list with `status`. Caller holds the pair lock.
static void cancel_waiters_locked(struct channel *c, zx_status_t status) {
    while (c->waiters) {
        struct channel_waiter *w = c->waiters;
        c->waiters = w->next;
        w->next = 0;
        w->status = status;
        w->done = true;
        wait_queue_wake_all(&w->wq, status);  // lock order: channel-pair, then sched
    }
}

static void channel_zero_handles(struct object *o) {
    struct channel *c = (struct channel *)o;
    uint64_t f = spin_lock_irqsave(&c->pair->lock);
    struct channel *peer = c->peer;
    c->peer = 0;
    c->closed = true;
    if (peer) peer->peer = 0;
    struct channel_msg *msgs = c->head;
    c->head = c->tail = 0;
    c->count = 0;
    cancel_waiters_locked(c, ZX_ERR_CANCELED);  // Zircon's (3A)
    if (peer) {
        object_signal(&peer->obj, ZX_CHANNEL_WRITABLE, ZX_CHANNEL_PEER_CLOSED);
        cancel_waiters_locked(peer, ZX_ERR_PEER_CLOSED);  // (3B)
    }
    spin_unlock_irqrestore(&c->pair->lock, f);
    if (peer) {
        object_unref(&peer->obj);  // each endpoint referenced its peer
        object_unref(&c->obj);
    }
    msgs_free(msgs);
}

const struct object_ops channel_ops = {ZX_OBJ_TYPE_CHANNEL, "channel", channel_destroy, channel_zero_handles};

zx_status_t channel_create_pair(struct channel **a, struct channel **b) {
    struct channel *x = kzalloc(sizeof(*x)), *y = kzalloc(sizeof(*y));
    struct channel_pair *pair = kzalloc(sizeof(*pair));
    if (!x || !y || !pair) {
        kfree(x);
        kfree(y);
        kfree(pair);
        return ZX_ERR_NO_MEMORY;
    }
    spin_init(&pair->lock, "channel-pair");
    pair->refs = 2;
    object_init(&x->obj, &channel_ops);
    object_init(&y->obj, &channel_ops);
    x->pair = y->pair = pair;
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

static uint32_t msg_txid(const struct channel_msg *m) {
    uint32_t txid = 0;
    if (m->nbytes >= sizeof(txid)) memcpy(&txid, m->bytes, sizeof(txid));
    return txid;
}

// Deliver msg to `to`: to a pending call with its txid, else to the queue.
// Caller holds the pair lock and checked the queue limit.
static void deliver_locked(struct channel *to, struct channel_msg *msg) {
    if (to->waiters) {
        uint32_t txid = msg_txid(msg);
        if (txid >= CHANNEL_MIN_KERNEL_TXID) {
            for (struct channel_waiter **pp = &to->waiters; *pp; pp = &(*pp)->next) {
                struct channel_waiter *w = *pp;
                if (w->txid != txid) continue;
                *pp = w->next;
                w->next = 0;
                w->reply = msg;
                w->status = ZX_OK;
                w->done = true;
                wait_queue_wake_all(&w->wq, ZX_OK);  // lock order: channel-pair, then sched
                return;
            }
        }
    }
    msg->next = 0;
    if (to->tail)
        to->tail->next = msg;
    else
        to->head = msg;
    to->tail = msg;
    // READABLE changes only here and in channel_read, both under the pair
    // lock: signal only on the empty -> non-empty edge.
    if (to->count++ == 0) object_signal(&to->obj, 0, ZX_CHANNEL_READABLE);  // channel-pair, then sched
}

zx_status_t channel_write(struct channel *from, struct channel_msg *msg) {
    struct spinlock *lk = &from->pair->lock;
    uint64_t f = spin_lock_irqsave(lk);
    struct channel *to = from->peer;
    zx_status_t st = ZX_OK;
    if (!to)
        st = ZX_ERR_PEER_CLOSED;
    else if (to->count >= CHANNEL_MAX_PENDING)
        st = ZX_ERR_SHOULD_WAIT;
    else
        deliver_locked(to, msg);
    spin_unlock_irqrestore(lk, f);
    return st;
}

zx_status_t channel_read(struct channel *c, uint32_t max_bytes, uint32_t max_handles, bool may_discard,
                         struct channel_msg **out, uint32_t *need_bytes, uint32_t *need_handles) {
    struct spinlock *lk = &c->pair->lock;
    uint64_t f = spin_lock_irqsave(lk);
    struct channel_msg *m = c->head;
    if (!m) {
        bool peer = c->peer != 0;
        spin_unlock_irqrestore(lk, f);
        return peer ? ZX_ERR_SHOULD_WAIT : ZX_ERR_PEER_CLOSED;
    }
    *need_bytes = m->nbytes;
    *need_handles = m->nhandles;
    zx_status_t st = ZX_OK;
    if (m->nbytes > max_bytes || m->nhandles > max_handles) {
        if (!may_discard) {
            spin_unlock_irqrestore(lk, f);
            return ZX_ERR_BUFFER_TOO_SMALL;
        }
        st = ZX_ERR_BUFFER_TOO_SMALL;
    }
    c->head = m->next;
    if (--c->count == 0) {
        c->tail = 0;
        object_signal(&c->obj, ZX_CHANNEL_READABLE, 0);
    }
    spin_unlock_irqrestore(lk, f);
    m->next = 0;
    *out = m;
    return st;
}

static bool txid_in_use_locked(struct channel *c, uint32_t txid) {
    for (struct channel_waiter *w = c->waiters; w; w = w->next)
        if (w->txid == txid) return true;
    return false;
}

zx_status_t channel_call(struct channel *c, struct channel_msg *msg, zx_time_t deadline,
                         struct channel_msg **reply) {
    struct channel_waiter w = {0};
    struct spinlock *lk = &c->pair->lock;
    uint64_t f = spin_lock_irqsave(lk);
    struct channel *to = c->peer;
    zx_status_t st = ZX_OK;
    if (!to)
        st = ZX_ERR_PEER_CLOSED;
    else if (to->count >= CHANNEL_MAX_PENDING)
        st = ZX_ERR_SHOULD_WAIT;
    if (st != ZX_OK) {
        spin_unlock_irqrestore(lk, f);
        channel_msg_free(msg);
        return st;
    }
    // A new id, unique among this endpoint's pending calls (Zircon's GenerateTxid).
    do {
        w.txid = (++c->txid_seq) | CHANNEL_MIN_KERNEL_TXID;
    } while (txid_in_use_locked(c, w.txid));
    memcpy(msg->bytes, &w.txid, sizeof(w.txid));
    w.status = ZX_ERR_TIMED_OUT;
    w.next = c->waiters;
    c->waiters = &w;
    deliver_locked(to, msg);
    while (!w.done) {
        (void)sched_lock_irqsave();  // interrupts are already off: f restores them
        spin_unlock(lk);
        st = sched_block_locked(&w.wq, deadline, f);
        f = spin_lock_irqsave(lk);
        if (w.done) break;
        if (st == ZX_ERR_TIMED_OUT || st == ZX_ERR_CANCELED) {
            // Still on the list: take it off (a late reply then joins the queue).
            for (struct channel_waiter **pp = &c->waiters; *pp; pp = &(*pp)->next) {
                if (*pp == &w) {
                    *pp = w.next;
                    break;
                }
            }
            w.status = st;
            break;
        }
    }
    spin_unlock_irqrestore(lk, f);
    *reply = w.reply;
    return w.status;
}

zx_status_t channel_signal_peer(struct channel *c, zx_signals_t clear, zx_signals_t set) {
    struct spinlock *lk = &c->pair->lock;
    uint64_t f = spin_lock_irqsave(lk);
    struct channel *peer = c->peer;
    if (peer) object_signal(&peer->obj, clear, set);  // lock order: channel-pair, then sched
    spin_unlock_irqrestore(lk, f);
    return peer ? ZX_OK : ZX_ERR_PEER_CLOSED;
}
