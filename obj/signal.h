// Object signals and their observers.
//
// Every object has a signal word and a list of observers (struct object).
// An observer watches some signals of one object, through one handle, once:
//   - level-triggered: it fires when the object's signals change (or are
//     already, when it is added) so that a watched signal is active;
//   - edge-triggered: it fires only when a watched signal goes from inactive
//     to active after it was added.
// When it fires it is unlinked and its on_match runs. When the handle it was
// added through leaves its table (closed, replaced, sent), it is unlinked
// and its on_cancel runs. Both run with the scheduler lock held, so they may
// wake threads and queue port packets but must not allocate, free or sleep:
// an observer that wants to be freed puts itself on *reap and is kfree'd
// (with nothing else done to it) after the lock is dropped.
//
// Users: zx_object_wait_one and zx_object_wait_many (observers on the
// waiting thread's stack, sys/sys_wait.c) and zx_object_wait_async (port
// observers, obj/port.c).
//
// Locking: signals and observer lists are guarded by the scheduler lock, so
// a change of signals and the wake-up it causes are one atomic step. Any
// lock may be held when object_signal is called (channel, event-pair,
// process...), never the reverse.
#ifndef OBJ_SIGNAL_H
#define OBJ_SIGNAL_H

#include <stdbool.h>
#include <zircon/types.h>

#include "obj/object.h"

struct handle_table;
struct signal_observer;

struct signal_observer {
    struct signal_observer *next, **pprev;  // on obj->observers while armed
    struct object *obj;                      // NULL once unlinked
    zx_signals_t watched;
    bool edge;
    // The handle it was added through (handle value and its table).
    const struct handle_table *table;
    zx_handle_t handle;
    void (*on_match)(struct signal_observer *ob, zx_signals_t now, struct signal_observer **reap);
    void (*on_cancel)(struct signal_observer *ob, zx_signals_t now, struct signal_observer **reap);
};

// Clear then set signal bits; observers whose condition now holds fire.
void object_signal(struct object *o, zx_signals_t clear, zx_signals_t set);

// The same with the scheduler lock held; what the fired observers leave to
// free goes on *reap (signal_reap it once the lock is dropped).
void object_signal_locked(struct object *o, zx_signals_t clear, zx_signals_t set, struct signal_observer **reap);

// Whether zx_object_wait_* can be used on objects of this kind (Zircon's
// is_waitable: the type's default rights include ZX_RIGHT_WAIT).
bool object_is_waitable(const struct object *o);

// Add an armed observer (the caller filled watched, edge, table, handle and
// the callbacks). A level-triggered observer whose condition already holds
// fires at once (on_match runs, nothing is linked). Scheduler lock held.
void signal_observer_add_locked(struct object *o, struct signal_observer *ob);
// Unlink an observer if it is still armed; true if it was.
bool signal_observer_remove_locked(struct signal_observer *ob);

// The handle `h` of table `t`, a handle to `o`, is leaving the table: its
// observers are canceled. Called with no lock held and a reference on o.
void object_handle_gone(struct object *o, const struct handle_table *t, zx_handle_t h);

// Free what on_match/on_cancel put on a reap list (no lock held).
void signal_reap(struct signal_observer *reap);
#endif
