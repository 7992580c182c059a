// Conformance: Zircon's InterruptTest family (zircon/system/utest/core/interrupt/interrupt-test.cc,
// misttech/mist-os @a2c00ed: 11 cases), in C against our own headers, then cases of our own for
// what the upstream family cannot reach without a device: IRQ resources, errors and rights, a
// waiter woken by destroy or close, and a real level-triggered PLIC source (QEMU virt's goldfish
// RTC alarm: the line stays high until the device is told to drop it) through a port and through
// zx_interrupt_wait, with the source reusable after its object, or its process, is gone.
// ResourceFixture's irq_resource() is an IRQ resource made from the root resource here.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/threads.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/devices.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define SIGNALED_TIMESTAMP_1 ((zx_time_t)12345)
#define SIGNALED_TIMESTAMP_2 ((zx_time_t)67890)
#define KEY 789u
#define WAKE_VECTOR_OPTION 0x20u  // ZX_INTERRUPT_WAKE_VECTOR of <zircon/syscalls-next.h> (zircon-abi.md §15.7)

static zx_handle_t root;

// The fixture's IRQ resource: a range of the PLIC's sources.
static zx_handle_t irq_resource(void) {
    static zx_handle_t r = ZX_HANDLE_INVALID;
    if (r == ZX_HANDLE_INVALID && zx_resource_create(root, ZX_RSRC_KIND_IRQ, 1, 8, "irq", 3, &r) != ZX_OK)
        r = ZX_HANDLE_INVALID;
    return r;
}

static zx_signals_t pending_of(zx_handle_t h) {
    zx_signals_t pending = 0;
    EXPECT_STATUS(zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, &pending), ZX_ERR_TIMED_OUT);
    return pending;
}

static uint32_t thread_state(zx_handle_t thread) {
    zx_info_thread_t info;
    memset(&info, 0, sizeof(info));
    if (zx_object_get_info(thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL) != ZX_OK) return 0;
    return info.state;
}

static zx_handle_t self_thread_of(thrd_t t);

// ---- upstream cases ----

// VirtualNotWakeable: a virtual interrupt cannot be a wake vector.
TEST_CASE(VirtualNotWakeable) {
    zx_handle_t irq;
    ASSERT_STATUS(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL | WAKE_VECTOR_OPTION, &irq),
                  ZX_ERR_INVALID_ARGS);
}

// NonBindablePort: a port created without ZX_PORT_BIND_TO_INTERRUPT is the wrong type.
TEST_CASE(NonBindablePort) {
    zx_handle_t irq, port;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(0, &port));
    EXPECT_STATUS(zx_interrupt_bind(irq, port, KEY, 0), ZX_ERR_WRONG_TYPE);
    zx_handle_close(irq);
    zx_handle_close(port);
}

// BindTriggeredIrqToPort: a TRIGGERED interrupt sends its packet when bound.
TEST_CASE(BindTriggeredIrqToPort) {
    zx_handle_t irq, port;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_interrupt_bind(irq, port, KEY, 0));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    EXPECT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_1);
    zx_handle_close(irq);
    zx_handle_close(port);
}

// BindPort: packets, acks, a second trigger delivered by the ack, destroy after a read packet.
TEST_CASE(BindPort) {
    zx_handle_t irq, port;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_bind(irq, port, KEY, 0));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    ASSERT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_1);

    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_interrupt_ack(irq));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    ASSERT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_1);
    ASSERT_EQ(out.key, KEY);
    ASSERT_EQ(out.type, ZX_PKT_TYPE_INTERRUPT);
    ASSERT_OK(out.status);
    ASSERT_OK(zx_interrupt_ack(irq));

    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_2));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    ASSERT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_1);
    ASSERT_OK(zx_interrupt_ack(irq));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    ASSERT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_2);

    ASSERT_STATUS(zx_interrupt_destroy(irq), ZX_ERR_NOT_FOUND);
    ASSERT_STATUS(zx_interrupt_ack(irq), ZX_ERR_CANCELED);
    ASSERT_STATUS(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1), ZX_ERR_CANCELED);
    zx_handle_close(irq);
    zx_handle_close(port);
}

// UnBindPort: unbind removes the queued packet; bad options; the wrong port; unbind after destroy.
TEST_CASE(UnBindPort) {
    zx_handle_t irq, port, port2;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_bind(irq, port, KEY, ZX_INTERRUPT_BIND));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    ASSERT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_1);

    ASSERT_STATUS(zx_interrupt_bind(irq, port, 0, 2), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port2));
    ASSERT_STATUS(zx_interrupt_bind(irq, port2, 0, ZX_INTERRUPT_UNBIND), ZX_ERR_NOT_FOUND);
    ASSERT_OK(zx_interrupt_bind(irq, port, 0, ZX_INTERRUPT_UNBIND));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_STATUS(zx_port_wait(port, zx_deadline_after(ZX_MSEC(10)), &out), ZX_ERR_TIMED_OUT);

    ASSERT_OK(zx_interrupt_bind(irq, port, KEY, ZX_INTERRUPT_BIND));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_interrupt_bind(irq, port, 0, ZX_INTERRUPT_UNBIND));
    ASSERT_STATUS(zx_port_wait(port, zx_deadline_after(ZX_MSEC(10)), &out), ZX_ERR_TIMED_OUT);
    ASSERT_EQ(out.interrupt.timestamp, SIGNALED_TIMESTAMP_1);

    ASSERT_OK(zx_interrupt_bind(irq, port, KEY, ZX_INTERRUPT_BIND));
    ASSERT_STATUS(zx_interrupt_destroy(irq), ZX_ERR_NOT_FOUND);
    ASSERT_STATUS(zx_interrupt_bind(irq, port, 0, ZX_INTERRUPT_UNBIND), ZX_ERR_CANCELED);
    zx_handle_close(irq);
    zx_handle_close(port);
    zx_handle_close(port2);
}

// VirtualInterrupts: bad options, a destroyed interrupt, wait with the timestamp.
TEST_CASE(VirtualInterrupts) {
    zx_handle_t irq, cancelled;
    zx_time_t ts = 0;
    ASSERT_STATUS(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_SLOT_USER, &irq), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &cancelled));
    ASSERT_OK(zx_interrupt_destroy(cancelled));
    ASSERT_STATUS(zx_interrupt_trigger(cancelled, 0, SIGNALED_TIMESTAMP_1), ZX_ERR_CANCELED);
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_STATUS(zx_interrupt_wait(cancelled, &ts), ZX_ERR_CANCELED);
    ASSERT_OK(zx_interrupt_wait(irq, &ts));
    ASSERT_EQ(ts, SIGNALED_TIMESTAMP_1);
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_interrupt_wait(irq, &ts));
    zx_handle_close(irq);
    zx_handle_close(cancelled);
}

// NullOutputTimestamp: zx_interrupt_wait takes a NULL timestamp.
TEST_CASE(NullOutputTimestamp) {
    zx_handle_t irq;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, SIGNALED_TIMESTAMP_1));
    ASSERT_OK(zx_interrupt_wait(irq, NULL));
    zx_handle_close(irq);
}

// UserSignals: user signals work on interrupt objects.
TEST_CASE(UserSignals) {
    zx_handle_t irq;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_object_signal(irq, 0, ZX_USER_SIGNAL_0));
    EXPECT_EQ(pending_of(irq) & ZX_USER_SIGNAL_ALL, ZX_USER_SIGNAL_0);
    ASSERT_OK(zx_object_signal(irq, ZX_USER_SIGNAL_0, 0));
    EXPECT_EQ(pending_of(irq) & ZX_USER_SIGNAL_ALL, 0u);
    zx_handle_close(irq);
}

struct waiter {
    zx_handle_t irq;
    zx_time_t ts;
    zx_status_t st;
};

static int wait_thread(void *arg) {
    struct waiter *w = arg;
    w->st = zx_interrupt_wait(w->irq, &w->ts);
    return 0;
}

// UntriggeredSignalInterruptWait: UNTRIGGERED with zx_interrupt_wait.
TEST_CASE(UntriggeredSignalInterruptWait) {
    zx_handle_t irq;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    EXPECT_EQ(pending_of(irq), ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
    zx_time_t expected = zx_clock_get_monotonic();
    EXPECT_OK(zx_interrupt_trigger(irq, 0, expected));
    EXPECT_EQ(pending_of(irq), 0u);
    zx_time_t actual = 0;
    EXPECT_OK(zx_interrupt_wait(irq, &actual));
    EXPECT_EQ(expected, actual);
    EXPECT_EQ(pending_of(irq), 0u);

    struct waiter w = {irq, 0, ZX_ERR_INTERNAL};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, wait_thread, &w), thrd_success);
    zx_signals_t pending = 0;
    EXPECT_OK(zx_object_wait_one(irq, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED, ZX_TIME_INFINITE, &pending));
    EXPECT_EQ(pending, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
    expected = zx_clock_get_monotonic();
    EXPECT_OK(zx_interrupt_trigger(irq, 0, expected));
    thrd_join(t, NULL);
    EXPECT_OK(w.st);
    EXPECT_EQ(expected, w.ts);
    EXPECT_EQ(pending_of(irq), 0u);
    zx_handle_close(irq);
}

// UntriggeredSignalPortsAndAck: UNTRIGGERED with a port and acks, including the strobe.
TEST_CASE(UntriggeredSignalPortsAndAck) {
    const uint64_t irq_key = 0xDeadBeefBaadF00dull, untrig_key = 0xBadDecafC0ffeeull;
    zx_handle_t irq, port, sigport;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_bind(irq, port, irq_key, 0));
    EXPECT_EQ(pending_of(irq), ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
    zx_time_t ett = zx_clock_get_monotonic();
    EXPECT_OK(zx_interrupt_trigger(irq, 0, ett));
    EXPECT_EQ(pending_of(irq), 0u);
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_EQ(out.key, irq_key);
    ASSERT_EQ(out.type, ZX_PKT_TYPE_INTERRUPT);
    EXPECT_EQ(out.interrupt.timestamp, ett);
    EXPECT_EQ(pending_of(irq), 0u);
    EXPECT_OK(zx_interrupt_ack(irq));
    EXPECT_EQ(pending_of(irq), ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);

    zx_time_t ett1 = zx_clock_get_monotonic();
    EXPECT_OK(zx_interrupt_trigger(irq, 0, ett1));
    zx_time_t ett2 = zx_clock_get_monotonic();
    EXPECT_OK(zx_interrupt_trigger(irq, 0, ett2));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_EQ(out.interrupt.timestamp, ett1);
    EXPECT_EQ(pending_of(irq), 0u);
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out), ZX_ERR_TIMED_OUT);

    ASSERT_OK(zx_port_create(0, &sigport));
    EXPECT_OK(zx_object_wait_async(irq, sigport, untrig_key, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED, 0));
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_interrupt_ack(irq));
    EXPECT_EQ(pending_of(irq), 0u);
    ASSERT_OK(zx_port_wait(sigport, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_EQ(out.key, untrig_key);
    ASSERT_EQ(out.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_EQ(out.signal.trigger, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_EQ(out.interrupt.timestamp, ett2);
    EXPECT_OK(zx_interrupt_ack(irq));
    EXPECT_EQ(pending_of(irq), ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out), ZX_ERR_TIMED_OUT);
    zx_handle_close(irq);
    zx_handle_close(port);
    zx_handle_close(sigport);
}

// ---- ours ----

// The goldfish RTC of QEMU virt: an alarm raises a level-triggered line
// that stays high until CLEAR_INTERRUPT is written.
struct rtc {
    volatile uint32_t *regs;
    uint32_t irq;
    zx_handle_t vmo, irq_rsrc;
    uintptr_t map;
};

static bool rtc_find(zxrv_device_info_t *out) {
    static zxrv_device_info_t devs[128];
    size_t actual = 0, avail = 0;
    if (zx_object_get_info(root, ZXRV_INFO_DEVICES, devs, sizeof(devs), &actual, &avail) != ZX_OK) return false;
    for (size_t i = 0; i < actual; i++)
        if (!strcmp(devs[i].compatible, "google,goldfish-rtc") && devs[i].irq_count == 1) {
            *out = devs[i];
            return true;
        }
    return false;
}

static bool rtc_open(struct rtc *r) {
    zxrv_device_info_t d;
    memset(r, 0, sizeof(*r));
    if (!rtc_find(&d)) return false;
    zx_handle_t mmio;
    if (zx_resource_create(root, ZX_RSRC_KIND_MMIO, d.base, 0x1000, "rtc", 3, &mmio) != ZX_OK) return false;
    zx_status_t st = zx_vmo_create_physical(mmio, d.base, 0x1000, &r->vmo);
    zx_handle_close(mmio);
    if (st != ZX_OK) return false;
    zx_vmo_set_cache_policy(r->vmo, ZX_CACHE_POLICY_UNCACHED_DEVICE);
    if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, r->vmo, 0, 0x1000, &r->map) != ZX_OK)
        return false;
    r->regs = (volatile uint32_t *)r->map;
    r->irq = d.irqs[0];
    if (zx_resource_create(root, ZX_RSRC_KIND_IRQ, r->irq, 1, "rtc-irq", 7, &r->irq_rsrc) != ZX_OK) return false;
    return true;
}

static void rtc_close(struct rtc *r) {
    if (r->regs) {
        r->regs[0x10 / 4] = 0;  // IRQ_ENABLED
        r->regs[0x1c / 4] = 1;  // CLEAR_INTERRUPT
    }
    if (r->map) zx_vmar_unmap(zx_vmar_root_self(), r->map, 0x1000);
    if (r->vmo) zx_handle_close(r->vmo);
    if (r->irq_rsrc) zx_handle_close(r->irq_rsrc);
}

static uint64_t rtc_now(struct rtc *r) {
    uint32_t lo = r->regs[0];  // TIME_LOW latches TIME_HIGH
    return ((uint64_t)r->regs[1] << 32) | lo;
}

// An alarm `ns` from now on the RTC's clock.
static void rtc_alarm(struct rtc *r, uint64_t ns) {
    uint64_t t = rtc_now(r) + ns;
    r->regs[0x10 / 4] = 1;  // IRQ_ENABLED
    r->regs[0x0c / 4] = (uint32_t)(t >> 32);
    r->regs[0x08 / 4] = (uint32_t)t;  // writing ALARM_LOW arms it
}

static void rtc_clear(struct rtc *r) { r->regs[0x1c / 4] = 1; }

#define NEED_RTC(r)                                                        \
    if (!rtc_open(r)) {                                                    \
        printf("    no goldfish RTC on this machine: device part skipped\n"); \
        rtc_close(r);                                                      \
        return;                                                            \
    }

// CreateErrors: resource validation, options, default rights, one object per source.
TEST_CASE(CreateErrors) {
    zx_handle_t irq, ev, mmio;
    EXPECT_STATUS(zx_interrupt_create(ZX_HANDLE_INVALID, 3, 0, &irq), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_interrupt_create(ev, 3, 0, &irq), ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
    zxrv_device_info_t d;
    if (rtc_find(&d)) {
        ASSERT_OK(zx_resource_create(root, ZX_RSRC_KIND_MMIO, d.base, 0x1000, "m", 1, &mmio));
        EXPECT_STATUS(zx_interrupt_create(mmio, d.irqs[0], 0, &irq), ZX_ERR_WRONG_TYPE);
        zx_handle_close(mmio);
    }
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 9, 0, &irq), ZX_ERR_OUT_OF_RANGE);  // resource is 1..8
    EXPECT_STATUS(zx_interrupt_create(root, 0, 0, &irq), ZX_ERR_ACCESS_DENIED);           // no source 0
    EXPECT_STATUS(zx_interrupt_create(root, 100000, 0, &irq), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 3, 0x100, &irq), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 3, ZX_INTERRUPT_MODE_EDGE_LOW, &irq), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 3, ZX_INTERRUPT_MODE_EDGE_BOTH, &irq), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 3, ZX_INTERRUPT_VIRTUAL | 0x100, &irq), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 3, 0, NULL), ZX_ERR_INVALID_ARGS);
    // A physical interrupt: default rights and type; a second object for the source is refused.
    ASSERT_OK(zx_interrupt_create(irq_resource(), 3, 0, &irq));
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(irq, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_INTERRUPT);
    EXPECT_EQ(info.rights, ZX_DEFAULT_INTERRUPT_RIGHTS);
    zx_handle_t again;
    EXPECT_STATUS(zx_interrupt_create(irq_resource(), 3, 0, &again), ZX_ERR_ALREADY_BOUND);
    EXPECT_STATUS(zx_interrupt_trigger(irq, 0, 1), ZX_ERR_BAD_STATE);  // not virtual
    EXPECT_OK(zx_handle_close(irq));
    ASSERT_OK(zx_interrupt_create(irq_resource(), 3, ZX_INTERRUPT_MODE_LEVEL_HIGH, &again));  // free again
    EXPECT_OK(zx_interrupt_destroy(again));
    EXPECT_STATUS(zx_interrupt_wait(again, NULL), ZX_ERR_CANCELED);
    zx_handle_t third;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 3, ZX_INTERRUPT_MODE_EDGE_HIGH, &third));  // destroyed: free
    zx_handle_close(again);
    zx_handle_close(third);
}

// RightsAndStates: every call's right, and the state errors.
TEST_CASE(RightsAndStates) {
    zx_handle_t irq, port, weak, wport;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_handle_duplicate(irq, ZX_DEFAULT_INTERRUPT_RIGHTS & ~ZX_RIGHT_READ, &weak));
    EXPECT_STATUS(zx_interrupt_bind(weak, port, 1, 0), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    ASSERT_OK(zx_handle_duplicate(port, ZX_DEFAULT_PORT_RIGHTS & ~ZX_RIGHT_WRITE, &wport));
    EXPECT_STATUS(zx_interrupt_bind(irq, wport, 1, 0), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(wport);
    ASSERT_OK(zx_handle_duplicate(irq, ZX_DEFAULT_INTERRUPT_RIGHTS & ~ZX_RIGHT_WAIT, &weak));
    EXPECT_STATUS(zx_interrupt_wait(weak, NULL), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    ASSERT_OK(zx_handle_duplicate(irq, ZX_DEFAULT_INTERRUPT_RIGHTS & ~ZX_RIGHT_WRITE, &weak));
    EXPECT_STATUS(zx_interrupt_ack(weak), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    ASSERT_OK(zx_handle_duplicate(irq, ZX_DEFAULT_INTERRUPT_RIGHTS & ~ZX_RIGHT_SIGNAL, &weak));
    EXPECT_STATUS(zx_interrupt_trigger(weak, 0, 1), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    ASSERT_OK(zx_handle_duplicate(irq, 0, &weak));
    EXPECT_STATUS(zx_interrupt_bind(irq, weak, 1, 0), ZX_ERR_WRONG_TYPE);  // not a port
    EXPECT_OK(zx_interrupt_destroy(weak));  // no rights needed
    zx_handle_close(weak);
    EXPECT_STATUS(zx_interrupt_trigger(irq, 1, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_interrupt_ack(irq), ZX_ERR_BAD_STATE);  // unbound is checked before destroyed
    zx_handle_close(irq);

    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    EXPECT_STATUS(zx_interrupt_ack(irq), ZX_ERR_BAD_STATE);  // not bound
    ASSERT_OK(zx_interrupt_bind(irq, port, 1, 0));
    EXPECT_STATUS(zx_interrupt_bind(irq, port, 1, 0), ZX_ERR_ALREADY_BOUND);
    EXPECT_STATUS(zx_interrupt_wait(irq, NULL), ZX_ERR_BAD_STATE);  // bound
    EXPECT_OK(zx_interrupt_ack(irq));                              // IDLE: nothing to do
    zx_handle_close(irq);
    zx_handle_close(port);
}

// DestroyWakesWaiter: a thread blocked in zx_interrupt_wait (BLOCKED_INTERRUPT) gets CANCELED
// from zx_interrupt_destroy; a second waiter meanwhile is BAD_STATE; bind while waiting is BAD_STATE.
TEST_CASE(DestroyWakesWaiter) {
    zx_handle_t irq, port;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    struct waiter w = {irq, 0, ZX_ERR_INTERNAL};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, wait_thread, &w), thrd_success);
    zx_handle_t th = self_thread_of(t);
    for (int i = 0; i < 5000 && thread_state(th) != ZX_THREAD_STATE_BLOCKED_INTERRUPT; i++)
        zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
    EXPECT_EQ(thread_state(th), ZX_THREAD_STATE_BLOCKED_INTERRUPT);
    EXPECT_STATUS(zx_interrupt_wait(irq, NULL), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_interrupt_bind(irq, port, 1, 0), ZX_ERR_BAD_STATE);
    EXPECT_OK(zx_interrupt_destroy(irq));
    thrd_join(t, NULL);
    EXPECT_STATUS(w.st, ZX_ERR_CANCELED);
    zx_handle_close(irq);
    zx_handle_close(port);
}

// CloseWakesWaiter: closing the last handle destroys the interrupt; the waiter gets CANCELED.
TEST_CASE(CloseWakesWaiter) {
    zx_handle_t irq;
    ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &irq));
    struct waiter w = {irq, 0, ZX_ERR_INTERNAL};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, wait_thread, &w), thrd_success);
    zx_handle_t th = self_thread_of(t);
    for (int i = 0; i < 5000 && thread_state(th) != ZX_THREAD_STATE_BLOCKED_INTERRUPT; i++)
        zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
    EXPECT_OK(zx_handle_close(irq));
    thrd_join(t, NULL);
    EXPECT_STATUS(w.st, ZX_ERR_CANCELED);
}

static uint64_t irq_claims(void) {
    zxrv_kernel_stats_t ks;
    memset(&ks, 0, sizeof(ks));
    EXPECT_OK(zxrv_kernel_stats(&ks));
    return ks.irq_claims;
}

// DevicePortLevel: a real level-triggered source through a port. The packet's timestamp is
// when the PLIC claim happened. The source stays masked from its claim until the ack: a new
// request from the device meanwhile is held at the PLIC (no claim at all, so a driver that never
// acks cannot storm the kernel) and is delivered once the ack unmasks it.
// (QEMU 7.2's PLIC pends a source when the device raises its line, not again at completion
// while the line stays high, so each request here is a new alarm.)
TEST_CASE(DevicePortLevel) {
    struct rtc r;
    NEED_RTC(&r);
    zx_handle_t irq, port;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(r.irq_rsrc, r.irq, 0, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_bind(irq, port, 42, 0));
    zx_time_t before = zx_clock_get_monotonic();
    rtc_alarm(&r, 2000000);  // 2 ms
    ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out));
    zx_time_t after = zx_clock_get_monotonic();
    EXPECT_EQ(out.type, ZX_PKT_TYPE_INTERRUPT);
    EXPECT_EQ(out.key, 42u);
    EXPECT_TRUE(out.interrupt.timestamp > before && out.interrupt.timestamp <= after);
    // Masked until acked: the device raises its line again (its interrupt was never cleared);
    // nothing is claimed and nothing is delivered.
    uint64_t claims = irq_claims();
    rtc_alarm(&r, 100000);
    EXPECT_STATUS(zx_port_wait(port, zx_deadline_after(ZX_MSEC(30)), &out), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(irq_claims(), claims);
    // The ack unmasks it: the held request is claimed and delivered.
    ASSERT_OK(zx_interrupt_ack(irq));
    ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out));
    EXPECT_EQ(out.type, ZX_PKT_TYPE_INTERRUPT);
    EXPECT_EQ(irq_claims(), claims + 1);
    // Clear the device, then ack: quiet.
    rtc_clear(&r);
    ASSERT_OK(zx_interrupt_ack(irq));
    EXPECT_STATUS(zx_port_wait(port, zx_deadline_after(ZX_MSEC(20)), &out), ZX_ERR_TIMED_OUT);
    // Several alarms in a row.
    for (int i = 0; i < 5; i++) {
        rtc_alarm(&r, 500000);
        ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out));
        rtc_clear(&r);
        ASSERT_OK(zx_interrupt_ack(irq));
    }
    EXPECT_OK(zx_interrupt_destroy(irq));
    zx_handle_close(irq);
    zx_handle_close(port);
    rtc_close(&r);
}

// DeviceWait: the same source through zx_interrupt_wait, whose next call is the ack.
TEST_CASE(DeviceWait) {
    struct rtc r;
    NEED_RTC(&r);
    zx_handle_t irq;
    ASSERT_OK(zx_interrupt_create(r.irq_rsrc, r.irq, ZX_INTERRUPT_TIMESTAMP_MONO, &irq));
    for (int i = 0; i < 3; i++) {
        zx_time_t before = zx_clock_get_monotonic(), ts = 0;
        rtc_alarm(&r, 1000000);
        ASSERT_OK(zx_interrupt_wait(irq, &ts));
        EXPECT_TRUE(ts > before && ts <= zx_clock_get_monotonic());
        rtc_clear(&r);
    }
    zx_handle_close(irq);
    rtc_close(&r);
}

// DeviceSourceSurvivesItsProcess: a child process takes the source, leaves it firing and
// un-acked, and dies; the source is masked and free for the next interrupt object.
static int child_hold_irq(void) {
    struct rtc r;
    if (!rtc_open(&r)) return 2;
    zx_handle_t irq, port;
    if (zx_interrupt_create(r.irq_rsrc, r.irq, 0, &irq) != ZX_OK) return 3;
    if (zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port) != ZX_OK) return 4;
    if (zx_interrupt_bind(irq, port, 1, 0) != ZX_OK) return 5;
    rtc_alarm(&r, 100000);
    zx_port_packet_t out;
    if (zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out) != ZX_OK) return 6;
    return 0;  // exits holding the source, its line still high, never acked
}

TEST_CASE(DeviceSourceSurvivesItsProcess) {
    struct rtc r;
    NEED_RTC(&r);
    size_t len = 0;
    void *elf = zxrv_load_program("interrupt", &len);
    ASSERT_TRUE(elf != NULL);
    const char *argv[] = {"interrupt", "child"};
    uint32_t tag = PA_HND(PA_RESOURCE, 0);
    zx_handle_t rdup, proc;
    ASSERT_OK(zx_handle_duplicate(root, ZX_RIGHT_SAME_RIGHTS, &rdup));
    ASSERT_OK(zxrv_launch(zx_job_default(), "interrupt-child", elf, len, 2, argv, &tag, &rdup, 1, &proc));
    free(elf);
    ASSERT_OK(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(30)), NULL));
    zx_info_process_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.return_code, 0);
    zx_handle_close(proc);
    // The source is free again, still asserted by the device: the new owner gets it at once.
    zx_handle_t irq, port;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(r.irq_rsrc, r.irq, 0, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_bind(irq, port, 7, 0));
    rtc_alarm(&r, 100000);  // a new request on the line the child left high
    ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out));
    EXPECT_EQ(out.key, 7u);
    rtc_clear(&r);
    ASSERT_OK(zx_interrupt_ack(irq));
    zx_handle_close(irq);
    zx_handle_close(port);
    rtc_close(&r);
}

// DeviceLatency: instructions from the PLIC claim (the packet's timestamp) to zx_port_wait
// returning, read with rdinstret and rdtime; exact under -icount shift=0 (1 ns per instruction).
TEST_CASE(DeviceLatency) {
    struct rtc r;
    NEED_RTC(&r);
    zx_handle_t irq, port;
    zx_port_packet_t out;
    ASSERT_OK(zx_interrupt_create(r.irq_rsrc, r.irq, 0, &irq));
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    ASSERT_OK(zx_interrupt_bind(irq, port, 1, 0));
    uint64_t best = UINT64_MAX, sum = 0;
    const int n = 20;
    for (int i = 0; i < n; i++) {
        rtc_alarm(&r, 300000);
        ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out));
        zx_time_t now = zx_clock_get_monotonic();
        uint64_t d = (uint64_t)(now - out.interrupt.timestamp);
        sum += d;
        if (d < best) best = d;
        rtc_clear(&r);
        ASSERT_OK(zx_interrupt_ack(irq));
    }
    printf("    claim -> zx_port_wait returned: best %lu ns, mean %lu ns over %d interrupts"
           " (instructions under -icount shift=0)\n",
           (unsigned long)best, (unsigned long)(sum / n), n);
    zx_handle_close(irq);
    zx_handle_close(port);
    rtc_close(&r);
}

// KernelBytes: what an interrupt object costs the kernel heap (printed), and it all comes back.
TEST_CASE(KernelBytes) {
    zxrv_kernel_stats_t a, b, c;
    zx_handle_t h[64], rsrc = irq_resource();  // made before counting
    ASSERT_TRUE(rsrc != ZX_HANDLE_INVALID);
    for (int i = 0; i < 64; i++) ASSERT_OK(zx_interrupt_create(rsrc, 0, ZX_INTERRUPT_VIRTUAL, &h[i]));
    for (int i = 0; i < 64; i++) zx_handle_close(h[i]);  // the handle table has grown: count objects only
    ASSERT_OK(zxrv_kernel_stats(&a));
    for (int i = 0; i < 64; i++) ASSERT_OK(zx_interrupt_create(irq_resource(), 0, ZX_INTERRUPT_VIRTUAL, &h[i]));
    ASSERT_OK(zxrv_kernel_stats(&b));
    for (int i = 0; i < 64; i++) zx_handle_close(h[i]);
    ASSERT_OK(zxrv_kernel_stats(&c));
    printf("    an interrupt object takes %lu bytes of kernel heap (%lu blocks for 64)\n",
           (unsigned long)((b.heap_bytes - a.heap_bytes) / 64), (unsigned long)(b.heap_blocks - a.heap_blocks));
    EXPECT_EQ(c.heap_bytes, a.heap_bytes);
    EXPECT_EQ(c.live_objects, a.live_objects);
}

static zx_handle_t self_thread_of(thrd_t t) { return thrd_get_zx_handle(t); }

int main(int argc, char **argv) {
    root = zxrv_root_resource();
    if (argc > 1 && !strcmp(argv[1], "child")) return child_hold_irq();
    return zxrv_test_main(argc, argv);
}
