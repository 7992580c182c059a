// The per-hart deadline queue (kern/timer_queue.c) against a model: an
// array of (deadline, insertion number) kept in the order the queue must
// have, earliest deadline first and FIFO among equal deadlines.
#include "../harness.h"
#include "kern/timer_queue.h"

enum { NT = 64 };

static struct ktimer timers[NT];
static uint64_t seq[NT];  // insertion number of each queued timer

static void reset(struct timer_queue *q) {
    memset(q, 0, sizeof(*q));
    memset(timers, 0, sizeof(timers));
}

// The queue's links agree both ways, it is sorted (FIFO on ties) and its
// length is right.
static void check_shape(const struct timer_queue *q) {
    uint32_t n = 0;
    const struct ktimer *prev = 0;
    for (const struct ktimer *t = q->head; t; t = t->next) {
        CHECK(t->prev == prev);
        CHECK(t->queued);
        if (prev) {
            CHECK(prev->deadline <= t->deadline);
            if (prev->deadline == t->deadline) CHECK(seq[prev - timers] < seq[t - timers]);
        }
        prev = t;
        n++;
    }
    CHECK(q->tail == prev);
    CHECK_EQ(q->len, n);
    uint32_t queued = 0;
    for (int i = 0; i < NT; i++) queued += timers[i].queued;
    CHECK_EQ(queued, n);
}

static void examples(void) {
    struct timer_queue q;
    reset(&q);
    CHECK_EQ(tq_next_deadline(&q), ZX_TIME_INFINITE);
    CHECK(tq_pop_expired(&q, INT64_MAX) == 0);
    timers[0].deadline = 30;
    timers[1].deadline = 10;
    timers[2].deadline = 20;
    timers[3].deadline = 10;
    CHECK(tq_insert(&q, &timers[0]));   // first: head
    CHECK(tq_insert(&q, &timers[1]));   // earlier: head
    CHECK(!tq_insert(&q, &timers[2]));  // middle
    CHECK(!tq_insert(&q, &timers[3]));  // ties with the head: after it
    CHECK_EQ(tq_next_deadline(&q), 10);
    CHECK(tq_pop_expired(&q, 9) == 0);
    CHECK(tq_pop_expired(&q, 10) == &timers[1]);
    CHECK(tq_pop_expired(&q, 10) == &timers[3]);
    CHECK(tq_pop_expired(&q, 10) == 0);
    CHECK(!timers[1].queued);
    CHECK(tq_remove(&q, &timers[0]));  // the tail
    CHECK(!tq_remove(&q, &timers[0]));
    CHECK_EQ(q.len, 1);
    CHECK(q.head == &timers[2] && q.tail == &timers[2]);
    CHECK(tq_pop_expired(&q, INT64_MAX) == &timers[2]);
    CHECK(q.head == 0 && q.tail == 0 && q.len == 0);
    // Negative deadlines (already passed) sort first.
    timers[4].deadline = -5;
    timers[5].deadline = 0;
    tq_insert(&q, &timers[5]);
    CHECK(tq_insert(&q, &timers[4]));
    CHECK(tq_pop_expired(&q, -5) == &timers[4]);
    CHECK(tq_pop_expired(&q, -1) == 0);
}

static void random_ops(void) {
    uint64_t s = 12345, next_seq = 1;
    for (int round = 0; round < 200; round++) {
        struct timer_queue q;
        reset(&q);
        zx_time_t now = 0;
        for (int op = 0; op < 2000; op++) {
            unsigned i = th_below(&s, NT);
            switch (th_below(&s, 4)) {
            case 0:
            case 1:  // insert (few distinct deadlines: many ties)
                if (!timers[i].queued) {
                    timers[i].deadline = now + (zx_time_t)th_below(&s, 16) - 2;
                    zx_time_t before = tq_next_deadline(&q);
                    seq[i] = next_seq++;
                    bool head = tq_insert(&q, &timers[i]);
                    CHECK_EQ(head, timers[i].deadline < before);
                }
                break;
            case 2:  // cancel
                CHECK_EQ(tq_remove(&q, &timers[i]), timers[i].queued ? 1 : 0);
                CHECK(!timers[i].queued);
                break;
            case 3: {  // time passes; pop what is due, in order
                now += (zx_time_t)th_below(&s, 4);
                zx_time_t last = INT64_MIN;
                uint64_t last_seq = 0;
                struct ktimer *t;
                while ((t = tq_pop_expired(&q, now))) {
                    CHECK(t->deadline <= now);
                    CHECK(!t->queued);
                    CHECK(t->deadline > last || (t->deadline == last && seq[t - timers] > last_seq));
                    last = t->deadline;
                    last_seq = seq[t - timers];
                }
                CHECK(tq_next_deadline(&q) > now);
                // Nothing due is left anywhere in the queue.
                for (int k = 0; k < NT; k++)
                    if (timers[k].queued) CHECK(timers[k].deadline > now);
                break;
            }
            }
            check_shape(&q);
            if (th_case_failures) return;
        }
    }
}

int main(void) {
    th_prefix = "timer-queue";
    RUN_CASE(examples);
    RUN_CASE(random_ops);
    return th_exit_status("timer-queue");
}
