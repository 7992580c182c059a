// consoled: the console driver, in user space. It reads what is typed on the
// console UART and serves it to programs over the channel protocol of
// <zxrv/console.h>, through a terminal's line discipline (<zxrv/ldisc.h>:
// echo and line editing happen here, as keys arrive).
//
// Started by init (user/init/shell.c) when there is no init.run= word, with
//   PA_HND(ZXRV_PA_CONSOLE_MMIO, 0)  the console UART's MMIO resource
//   PA_HND(PA_RESOURCE, 0)           the root resource: the device list
//                                    (ZXRV_INFO_DEVICES) and the IRQ resource
//   PA_HND(PA_USER0, 0)              the first connection (init's shell)
// and argv "consoled" ["stats"]. With "stats" it prints, for each receive
// interrupt, how long the packet took to reach it and the echo to be written.
//
// One thread, one port. Receive interrupts: the UART's source (from the
// device list entry whose base is the console's) through an IRQ resource
// and an interrupt object bound to the port; each packet: read every byte
// waiting, feed the line discipline, write the echo with zx_debug_write,
// zx_interrupt_ack (the source is level-triggered, masked from claim to ack),
// then answer what READs it can. Each connection has a wait_async (once) on
// the port for READABLE | PEER_CLOSED, armed again after its messages are
// read. The driver never polls: between packets it sleeps in zx_port_wait.
// Only when the kernel offers no interrupt for the UART (no source in the
// device list, or an interrupt call fails) does it say so and poll the UART
// every 10 ms instead, so that the console still works.
//
// Ctrl-C asserts ZX_USER_SIGNAL_1 on the first connection's other end (the
// shell's), which then kills the program it runs.
//
// A line goes to a reader only once the reply carrying it was written: a
// READ whose client died is dropped, and its line goes to the next READ.
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/bootstrap.h>
#include <zxrv/console_rsrc.h>
#include <zxrv/console.h>
#include <zxrv/devices.h>
#include <zxrv/ldisc.h>

#include "uart.h"

#define MAX_CLIENTS 32u
#define MAX_PENDING 64u
#define POLL_NS ZX_MSEC(10)
#define KEY_IRQ UINT64_MAX

struct client {
    zx_handle_t ch;  // ZX_HANDLE_INVALID: free slot
    uint32_t gen;    // bumped when the slot is reused: stale packets do not match
};

struct pending {
    uint32_t slot, gen;
    zx_txid_t txid;
    uint32_t count;
};

static struct client clients[MAX_CLIENTS];
static struct pending pending[MAX_PENDING];
static uint32_t npending;
static zxrv_ldisc_t ldisc;
static zx_handle_t port;
static struct console_uart uart;
static bool stats;
static uint32_t first_gen;  // the first connection is slot 0 while its gen is this
static char echo[ZXRV_LDISC_ECHO_MAX * 4];
static uint64_t interrupts_seen;

static uint64_t client_key(uint32_t slot) {
    return (uint64_t)clients[slot].gen << 32 | slot;
}

static zx_status_t arm(uint32_t slot) {
    return zx_object_wait_async(clients[slot].ch, port, client_key(slot),
                                ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0);
}

static void drop_client(uint32_t slot) {
    zx_handle_close(clients[slot].ch);
    clients[slot].ch = ZX_HANDLE_INVALID;
    clients[slot].gen++;
    uint32_t j = 0;
    for (uint32_t i = 0; i < npending; i++)
        if (pending[i].slot != slot) pending[j++] = pending[i];
    npending = j;
}

static bool add_client(zx_handle_t ch) {
    for (uint32_t i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].ch != ZX_HANDLE_INVALID) continue;
        clients[i].ch = ch;
        if (arm(i) != ZX_OK) {
            drop_client(i);
            return false;
        }
        return true;
    }
    zx_handle_close(ch);
    return false;
}

static zx_status_t reply(zx_handle_t ch, zx_txid_t txid, zx_status_t status, const void *data, uint32_t count) {
    struct {
        zxrv_console_reply_t h;
        uint8_t data[ZXRV_CONSOLE_MAX_READ];
    } rp;
    rp.h = (zxrv_console_reply_t){txid, status, count, 0};
    if (count) memcpy(rp.data, data, count);
    return zx_channel_write(ch, 0, &rp, (uint32_t)(sizeof rp.h + count), NULL, 0);
}

// Answers pending READs, oldest first, while lines wait.
static void serve(void) {
    while (npending > 0 && zxrv_ldisc_ready(&ldisc)) {
        struct pending p = pending[0];
        memmove(&pending[0], &pending[1], (npending - 1) * sizeof pending[0]);
        npending--;
        if (clients[p.slot].ch == ZX_HANDLE_INVALID || clients[p.slot].gen != p.gen) continue;
        uint8_t buf[ZXRV_CONSOLE_MAX_READ];
        size_t n = zxrv_ldisc_peek(&ldisc, buf, p.count);
        if (reply(clients[p.slot].ch, p.txid, ZX_OK, buf, (uint32_t)n) == ZX_OK)
            zxrv_ldisc_consume(&ldisc, n);  // else the reader is gone: the line waits for the next
    }
}

static void handle_message(uint32_t slot, const zxrv_console_req_t *rq, uint32_t nb, zx_handle_t *hs, uint32_t nh) {
    zx_handle_t ch = clients[slot].ch;
    if (nb != sizeof *rq) {
        for (uint32_t i = 0; i < nh; i++) zx_handle_close(hs[i]);
        if (nb >= sizeof(zx_txid_t)) reply(ch, rq->txid, ZX_ERR_INVALID_ARGS, NULL, 0);
        return;
    }
    if (rq->op == ZXRV_CONSOLE_OP_CLONE) {
        zx_info_handle_basic_t bi;
        if (nh == 1 && zx_object_get_info(hs[0], ZX_INFO_HANDLE_BASIC, &bi, sizeof bi, NULL, NULL) == ZX_OK &&
            bi.type == ZX_OBJ_TYPE_CHANNEL) {
            add_client(hs[0]);
        } else {
            for (uint32_t i = 0; i < nh; i++) zx_handle_close(hs[i]);
        }
        return;
    }
    for (uint32_t i = 0; i < nh; i++) zx_handle_close(hs[i]);
    if (rq->op != ZXRV_CONSOLE_OP_READ) {
        reply(ch, rq->txid, ZX_ERR_NOT_SUPPORTED, NULL, 0);
        return;
    }
    if (nh != 0 || rq->count == 0 || rq->count > ZXRV_CONSOLE_MAX_READ || rq->reserved != 0) {
        reply(ch, rq->txid, ZX_ERR_INVALID_ARGS, NULL, 0);
        return;
    }
    if (npending == MAX_PENDING) {
        reply(ch, rq->txid, ZX_ERR_NO_RESOURCES, NULL, 0);
        return;
    }
    pending[npending++] = (struct pending){slot, clients[slot].gen, rq->txid, rq->count};
}

// A connection's wait fired: read every message, then wait again (or drop it).
static void client_ready(uint32_t slot, zx_signals_t observed) {
    for (;;) {
        union {
            zxrv_console_req_t rq;
            uint8_t bytes[64];
        } msg;
        zx_handle_t hs[1];
        uint32_t nb = 0, nh = 0;
        zx_status_t st = zx_channel_read(clients[slot].ch, ZX_CHANNEL_READ_MAY_DISCARD, &msg, hs, sizeof msg,
                                         1, &nb, &nh);
        if (st == ZX_ERR_SHOULD_WAIT) break;
        if (st == ZX_ERR_BUFFER_TOO_SMALL) continue;  // discarded (handles closed by the kernel)
        if (st != ZX_OK) {  // ZX_ERR_PEER_CLOSED with nothing left
            drop_client(slot);
            return;
        }
        handle_message(slot, &msg.rq, nb, hs, nh);
    }
    (void)observed;
    if (arm(slot) != ZX_OK) drop_client(slot);
}

// Reads every byte the UART holds through the line discipline; writes the echo.
static size_t drain_uart(void) {
    size_t e = 0, bytes = 0;
    int c;
    while ((c = console_uart_getc(&uart)) >= 0) {
        bytes++;
        if (sizeof echo - e < ZXRV_LDISC_ECHO_MAX) {
            zx_debug_write(echo, e);
            e = 0;
        }
        e += zxrv_ldisc_input(&ldisc, (uint8_t)c, echo + e);
    }
    if (e) zx_debug_write(echo, e);
    if (ldisc.interrupts != interrupts_seen) {  // Ctrl-C: tell the shell
        interrupts_seen = ldisc.interrupts;
        if (clients[0].ch != ZX_HANDLE_INVALID && clients[0].gen == first_gen)
            (void)zx_object_signal_peer(clients[0].ch, 0, ZX_USER_SIGNAL_1);
    }
    return bytes;
}

static uint64_t rdinstret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

// The interrupt object for the console's receive interrupt, bound to the
// port; ZX_HANDLE_INVALID (with the reason printed) when there is none.
static zx_handle_t setup_irq(zx_handle_t root, uint64_t base) {
    static zxrv_device_info_t devs[64];
    size_t n = 0, avail = 0;
    zx_status_t st = zx_object_get_info(root, ZXRV_INFO_DEVICES, devs, sizeof devs, &n, &avail);
    if (st != ZX_OK) {
        printf("consoled: no device list: %s\n", zx_status_get_string(st));
        return ZX_HANDLE_INVALID;
    }
    const zxrv_device_info_t *d = NULL;
    for (size_t i = 0; i < n; i++)
        if (devs[i].base == base) d = &devs[i];
    if (d == NULL || d->irq_count == 0) {
        printf("consoled: the device list gives the UART at %#" PRIx64 " no interrupt\n", base);
        return ZX_HANDLE_INVALID;
    }
    uint32_t irq = d->irqs[0];
    static const char name[] = "console-rx";
    zx_handle_t irq_rsrc, intr;
    st = zx_resource_create(root, ZX_RSRC_KIND_IRQ, irq, 1, name, sizeof name - 1, &irq_rsrc);
    if (st != ZX_OK) {
        printf("consoled: IRQ resource for %u: %s\n", irq, zx_status_get_string(st));
        return ZX_HANDLE_INVALID;
    }
    st = zx_interrupt_create(irq_rsrc, irq, 0, &intr);
    zx_handle_close(irq_rsrc);
    if (st != ZX_OK) {
        printf("consoled: zx_interrupt_create(%u): %s\n", irq, zx_status_get_string(st));
        return ZX_HANDLE_INVALID;
    }
    st = zx_interrupt_bind(intr, port, KEY_IRQ, 0);
    if (st != ZX_OK) {
        printf("consoled: zx_interrupt_bind: %s\n", zx_status_get_string(st));
        zx_handle_close(intr);
        return ZX_HANDLE_INVALID;
    }
    printf("consoled: %s at %#" PRIx64 ", receive interrupt %u\n", d->compatible, base, irq);
    return intr;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "stats")) stats = true;
    zx_handle_t rsrc = zx_take_startup_handle(PA_HND(ZXRV_PA_CONSOLE_MMIO, 0));
    zx_handle_t root = zx_take_startup_handle(PA_HND(PA_RESOURCE, 0));
    zx_handle_t first = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    if (rsrc == ZX_HANDLE_INVALID || first == ZX_HANDLE_INVALID) {
        printf("consoled: needs the console MMIO resource and a connection (PA_USER0)\n");
        return 2;
    }
    zxrv_console_regs_t r;
    int step;
    const char *call;
    zx_status_t st = zxrv_console_rsrc_map(rsrc, &r, &step, &call);
    if (st != ZX_OK) {
        printf("consoled: %s: %s\n", call, zx_status_get_string(st));
        return 3 + step;
    }
    st = console_uart_init(&uart, r.compat, r.regs, r.size, r.shift, r.width);
    if (st != ZX_OK) {
        printf("consoled: no driver for \"%s\" (reg-shift %u, reg-io-width %u)\n", r.compat, r.shift, r.width);
        return 6;
    }
    st = zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port);
    if (st != ZX_OK) {
        printf("consoled: zx_port_create: %s\n", zx_status_get_string(st));
        return 7;
    }
    zx_handle_t intr = ZX_HANDLE_INVALID;
    if (root != ZX_HANDLE_INVALID) intr = setup_irq(root, r.base);
    if (intr == ZX_HANDLE_INVALID)
        printf("consoled: %s at %#" PRIx64 ": no receive interrupt, polling every 10 ms\n", r.compat, r.base);
    if (root != ZX_HANDLE_INVALID) zx_handle_close(root);
    zx_handle_close(rsrc);
    // Touch every buffer now: serving then commits no new page, and init's
    // leak check around each program the shell runs stays exact.
    zxrv_ldisc_init(&ldisc);
    memset(clients, 0, sizeof clients);
    memset(pending, 0, sizeof pending);
    memset(echo, 0, sizeof echo);
    console_uart_rx_enable(&uart, intr != ZX_HANDLE_INVALID);
    if (!add_client(first)) {
        printf("consoled: cannot wait on the first connection\n");
        return 8;
    }
    // Ready: tell the first connection's holder (init's shell waits for it
    // before its first prompt, so that this driver's lines come before it).
    first_gen = clients[0].gen;
    (void)zx_object_signal_peer(clients[0].ch, 0, ZX_USER_SIGNAL_0);

    // Serve until the last connection is gone.
    for (;;) {
        bool any = false;
        for (uint32_t i = 0; i < MAX_CLIENTS; i++) any |= clients[i].ch != ZX_HANDLE_INVALID;
        if (!any) break;
        zx_port_packet_t pkt;
        zx_time_t deadline = intr != ZX_HANDLE_INVALID ? ZX_TIME_INFINITE : zx_deadline_after(POLL_NS);
        st = zx_port_wait(port, deadline, &pkt);
        if (st == ZX_ERR_TIMED_OUT) {
            if (drain_uart()) serve();
            continue;
        }
        if (st != ZX_OK) {
            printf("consoled: zx_port_wait: %s\n", zx_status_get_string(st));
            return 9;
        }
        if (pkt.key == KEY_IRQ && pkt.type == ZX_PKT_TYPE_INTERRUPT) {
            zx_time_t woke = zx_clock_get_monotonic();
            uint64_t i0 = rdinstret();
            size_t bytes = drain_uart();
            zx_time_t echoed = zx_clock_get_monotonic();
            uint64_t i1 = rdinstret();
            st = zx_interrupt_ack(intr);
            if (st != ZX_OK) {
                printf("consoled: zx_interrupt_ack: %s\n", zx_status_get_string(st));
                return 10;
            }
            if (stats)
                printf("consoled: interrupt at %" PRId64 " ns: zx_port_wait returned %" PRId64
                       " ns later, %zu bytes read and echoed %" PRId64 " ns later (%" PRIu64 " instructions)\n",
                       pkt.interrupt.timestamp, woke - pkt.interrupt.timestamp, bytes, echoed - woke, i1 - i0);
            serve();
            continue;
        }
        uint32_t slot = (uint32_t)pkt.key;
        if (pkt.type != ZX_PKT_TYPE_SIGNAL_ONE || slot >= MAX_CLIENTS || clients[slot].ch == ZX_HANDLE_INVALID ||
            client_key(slot) != pkt.key)
            continue;  // a stale packet of a connection since dropped
        client_ready(slot, pkt.signal.observed);
        serve();
    }
    return 0;
}
