// The sorted deadline queue (see kern/timer_queue.h). No locks here: the
// caller holds the queue's lock (kern/ktimer.c).
#include "kern/timer_queue.h"

bool tq_insert(struct timer_queue *q, struct ktimer *t) {
    // Walk from the tail: a new deadline is usually the latest.
    struct ktimer *after = q->tail;
    while (after && after->deadline > t->deadline) after = after->prev;
    t->prev = after;
    t->next = after ? after->next : q->head;
    if (t->next)
        t->next->prev = t;
    else
        q->tail = t;
    if (after)
        after->next = t;
    else
        q->head = t;
    t->queued = true;
    q->len++;
    return q->head == t;
}

bool tq_remove(struct timer_queue *q, struct ktimer *t) {
    if (!t->queued) return false;
    if (t->prev)
        t->prev->next = t->next;
    else
        q->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        q->tail = t->prev;
    t->prev = t->next = 0;
    t->queued = false;
    q->len--;
    return true;
}

struct ktimer *tq_pop_expired(struct timer_queue *q, zx_time_t now) {
    struct ktimer *t = q->head;
    if (!t || t->deadline > now) return 0;
    tq_remove(q, t);
    return t;
}

zx_time_t tq_next_deadline(const struct timer_queue *q) { return q->head ? q->head->deadline : ZX_TIME_INFINITE; }
