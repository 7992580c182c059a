// Wait queues: threads blocked until woken or until a deadline.
//
// The structure is plain data so that object headers embedding one build on
// the host; the operations live in kern/sched.c. All wait-queue state is
// guarded by the scheduler lock (kern/sched.h).
#ifndef KERN_WAIT_H
#define KERN_WAIT_H

struct thread;

struct wait_queue {
    struct thread *head;
};

#define WAIT_QUEUE_INIT {0}
#endif
