// Conformance: Zircon's ChannelTest family (zircon/system/utest/core/channel/channel.cc,
// misttech/mist-os @732b2ad), one case per Zircon case name, written in C against our own
// headers. Not here (tests/conformance/README.md says why): ChannelFullException
// (mini-process and policy exceptions). ReadEtcHandleInfoValidation sends
// event-pair sides where Zircon sends FIFO ends (no FIFOs here; the point, type and rights
// reported per handle, is the same). Counts shrunk for QEMU are noted at their cases.
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

static const uint32_t kChannelData = 0xdeadbeef;

static zx_info_handle_basic_t basic_info(zx_handle_t h) {
    zx_info_handle_basic_t info = {0};
    zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
    return info;
}

// True once every handle of the object whose peer is `peer` is gone.
static bool peer_closed(zx_handle_t peer) {
    zx_signals_t s = 0;
    zx_object_wait_one(peer, ZX_EVENTPAIR_PEER_CLOSED, 0, &s);
    return (s & ZX_EVENTPAIR_PEER_CLOSED) != 0;
}

TEST_CASE(CreateIsOkAndEndpointsAreRelated) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_info_handle_basic_t a = basic_info(local), b = basic_info(remote);
    ASSERT_TRUE(a.koid != 0);
    ASSERT_TRUE(b.koid != 0);
    EXPECT_EQ(a.related_koid, b.koid);
    EXPECT_EQ(b.related_koid, a.koid);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(IsWriteableByDefault) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_signals_t lp = 0, rp = 0;
    ASSERT_OK(zx_object_wait_one(local, ZX_CHANNEL_WRITABLE, 0, &lp));
    ASSERT_OK(zx_object_wait_one(remote, ZX_CHANNEL_WRITABLE, 0, &rp));
    EXPECT_EQ(lp, ZX_CHANNEL_WRITABLE);
    EXPECT_EQ(rp, ZX_CHANNEL_WRITABLE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(WriteToEndpointCausesOtherToBecomeReadable) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_channel_write(local, 0, &kChannelData, sizeof kChannelData, NULL, 0));
    zx_signals_t lp = 0, rp = 0;
    ASSERT_OK(zx_object_wait_one(local, ZX_CHANNEL_WRITABLE, 0, &lp));
    ASSERT_OK(zx_object_wait_one(remote, ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE, 0, &rp));
    EXPECT_EQ(lp, ZX_CHANNEL_WRITABLE);
    EXPECT_EQ(rp, ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(WriteConsumesAllHandles) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    enum { kCount = ZX_CHANNEL_MAX_MSG_HANDLES + 1 };
    zx_handle_t handles[kCount];
    for (uint32_t j = 0; j < kCount; j++) ASSERT_OK(zx_event_create(0, &handles[j]));
    ASSERT_STATUS(zx_channel_write(local, 0, NULL, 0, handles, kCount), ZX_ERR_OUT_OF_RANGE);
    for (uint32_t j = 0; j < kCount; j++) EXPECT_STATUS(zx_handle_close(handles[j]), ZX_ERR_BAD_HANDLE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(ReadWhenEmptyReturnsShouldWait) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_STATUS(zx_channel_read(remote, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_SHOULD_WAIT);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(ReadWhenEmptyAndClosedReturnsPeerClosed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_close(local);
    EXPECT_STATUS(zx_channel_read(remote, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_PEER_CLOSED);
    zx_handle_close(remote);
}

TEST_CASE(ReadRemainingMessagesWhenPeerIsClosed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    for (int i = 0; i < 4; i++) ASSERT_OK(zx_channel_write(local, 0, &kChannelData, 4, NULL, 0));
    zx_handle_close(local);
    zx_signals_t s = 0;
    ASSERT_STATUS(zx_object_wait_one(remote, 0, 0, &s), ZX_ERR_TIMED_OUT);
    ASSERT_EQ(s, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
    for (int i = 0; i < 4; i++) {
        uint32_t data = 0, nb = 0;
        ASSERT_OK(zx_channel_read(remote, 0, &data, NULL, 4, 0, &nb, NULL));
        ASSERT_EQ(nb, 4);
        ASSERT_EQ(data, kChannelData);
    }
    EXPECT_STATUS(zx_object_wait_one(remote, ZX_CHANNEL_READABLE, 0, NULL), ZX_ERR_TIMED_OUT);
    zx_handle_close(remote);
}

TEST_CASE(CloseSignalsPeerClosed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_close(local);
    zx_signals_t s = 0;
    ASSERT_OK(zx_object_wait_one(remote, ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &s));
    EXPECT_TRUE(s & ZX_CHANNEL_PEER_CLOSED);
    zx_handle_close(remote);
}

TEST_CASE(CloseClearsSignalsWriteable) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_signals_t s = 0;
    ASSERT_STATUS(zx_object_wait_one(remote, 0, 0, &s), ZX_ERR_TIMED_OUT);
    ASSERT_TRUE(s & ZX_CHANNEL_WRITABLE);
    zx_handle_close(local);
    ASSERT_OK(zx_object_wait_one(remote, ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &s));
    EXPECT_TRUE(!(s & ZX_CHANNEL_WRITABLE));
    zx_handle_close(remote);
}

TEST_CASE(CloseSignalsPeerReturnsPeerClosed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_close(local);
    EXPECT_STATUS(zx_object_signal_peer(remote, 0, ZX_USER_SIGNAL_0), ZX_ERR_PEER_CLOSED);
    zx_handle_close(remote);
}

TEST_CASE(OnFlightHandlesSignalledWhenPeerIsClosed) {
    zx_handle_t local, remote, fl[2], fr[2];
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_channel_create(0, &fl[0], &fr[0]));
    ASSERT_OK(zx_channel_create(0, &fl[1], &fr[1]));
    ASSERT_OK(zx_channel_write(local, 0, NULL, 0, &fr[0], 1));
    ASSERT_OK(zx_channel_write(remote, 0, NULL, 0, &fr[1], 1));
    zx_handle_close(local);  // the message queued for it (fr[1]) goes with it
    ASSERT_OK(zx_object_wait_one(fl[1], ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, NULL));
    zx_signals_t s = 0;
    ASSERT_STATUS(zx_object_wait_one(fl[0], 0, 0, &s), ZX_ERR_TIMED_OUT);
    ASSERT_TRUE(s & ZX_CHANNEL_WRITABLE);
    zx_handle_close(remote);
    ASSERT_OK(zx_object_wait_one(fl[0], ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, NULL));
    // Zircon waits for the status value ZX_ERR_PEER_CLOSED as a signal mask (sic): it times out.
    EXPECT_STATUS(zx_object_wait_one(fl[1], (zx_signals_t)ZX_ERR_PEER_CLOSED, 0, NULL), ZX_ERR_TIMED_OUT);
    zx_handle_close(fl[0]);
    zx_handle_close(fl[1]);
}

TEST_CASE(WriteNonTransferableHandleReturnsAccessDeniedAndClosesHandle) {
    zx_handle_t local, remote, event, weak;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_handle_duplicate(event, basic_info(event).rights & ~ZX_RIGHT_TRANSFER, &weak));
    ASSERT_STATUS(zx_channel_write(local, 0, NULL, 0, &weak, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_handle_close(weak), ZX_ERR_BAD_HANDLE);
    zx_handle_close(event);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(WriteRepeatedHandlesReturnsBadHandlesAndClosesHandle) {
    zx_handle_t local, remote, event;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_t handles[2] = {event, event};
    ASSERT_STATUS(zx_channel_write(local, 0, NULL, 0, handles, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_handle_close(event), ZX_ERR_BAD_HANDLE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

// ConcurrentReadsConsumeUniqueElements: two readers share 2000 messages (Zircon's count).
enum { kNumMessages = 2000 };
static struct {
    zx_handle_t remote, event;
    uint64_t data[kNumMessages];
    uint32_t size[kNumMessages];
    int ok[kNumMessages];
} cr;

static int concurrent_reader(void *arg) {
    uint32_t offset = (uint32_t)(uintptr_t)arg;
    if (zx_object_wait_one(cr.event, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE, NULL) != ZX_OK) return 0;
    for (uint32_t i = 0; i < kNumMessages / 2; i++) {
        uint64_t data = 0;
        uint32_t nb = 0;
        zx_status_t st = zx_channel_read(cr.remote, 0, &data, NULL, sizeof data, 0, &nb, NULL);
        cr.ok[offset + i] = st == ZX_OK;
        cr.data[offset + i] = data;
        cr.size[offset + i] = nb;
    }
    return 0;
}

TEST_CASE(ConcurrentReadsConsumeUniqueElements) {
    zx_handle_t local;
    memset(&cr, 0, sizeof cr);
    ASSERT_OK(zx_channel_create(0, &local, &cr.remote));
    ASSERT_OK(zx_event_create(0, &cr.event));
    thrd_t t1, t2;
    ASSERT_EQ(thrd_create(&t1, concurrent_reader, (void *)(uintptr_t)0), thrd_success);
    ASSERT_EQ(thrd_create(&t2, concurrent_reader, (void *)(uintptr_t)(kNumMessages / 2)), thrd_success);
    for (uint64_t i = 1; i <= kNumMessages; i++) EXPECT_OK(zx_channel_write(local, 0, &i, sizeof i, NULL, 0));
    EXPECT_OK(zx_object_signal(cr.event, 0, ZX_USER_SIGNAL_0));
    thrd_join(t1, NULL);
    thrd_join(t2, NULL);
    zx_handle_close(local);
    zx_handle_close(cr.event);
    zx_handle_close(cr.remote);
    static uint8_t seen[kNumMessages + 1];
    memset(seen, 0, sizeof seen);
    uint32_t distinct = 0;
    for (uint32_t half = 0; half < 2; half++) {
        uint64_t prev = 0;
        for (uint32_t i = half * (kNumMessages / 2); i < (half + 1) * (kNumMessages / 2); i++) {
            EXPECT_TRUE(cr.ok[i]);
            EXPECT_EQ(cr.size[i], sizeof(uint64_t));
            EXPECT_TRUE(cr.data[i] > prev && cr.data[i] <= kNumMessages);
            prev = cr.data[i];
            if (cr.data[i] <= kNumMessages && !seen[cr.data[i]]++) distinct++;
        }
    }
    EXPECT_EQ(distinct, kNumMessages);
}

// ---- ZX_CHANNEL_READ_MAY_DISCARD ------------------------------------------
// Zircon writes reply_handles duplicates of an event and, after the discarding read, checks
// with ZX_INFO_HANDLE_COUNT that only its own handle is left. ZX_INFO_HANDLE_COUNT is not
// here: the duplicates are of one side of an event pair whose own handle is closed first, so
// its peer shows ZX_EVENTPAIR_PEER_CLOSED exactly when every duplicate was closed.
static void read_may_discard(uint32_t buf_bytes, uint32_t buf_handles, bool null_buffers, uint32_t msg_bytes,
                             uint32_t msg_handles, uint32_t *actual_bytes, uint32_t *actual_handles) {
    zx_handle_t local, remote, ep0, ep1;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_eventpair_create(0, &ep0, &ep1));
    static const uint8_t empty[1000];
    zx_handle_t dups[10];
    for (uint32_t i = 0; i < msg_handles; i++) ASSERT_OK(zx_handle_duplicate(ep0, ZX_RIGHT_SAME_RIGHTS, &dups[i]));
    zx_handle_close(ep0);
    ASSERT_STATUS(zx_object_wait_one(remote, ZX_CHANNEL_READABLE, 0, NULL), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_channel_write(local, 0, empty, msg_bytes, dups, msg_handles));
    uint8_t buffer[16];
    zx_handle_t handles[4];
    EXPECT_STATUS(zx_channel_read(remote, ZX_CHANNEL_READ_MAY_DISCARD, null_buffers ? NULL : buffer,
                                  null_buffers ? NULL : handles, buf_bytes, buf_handles, actual_bytes,
                                  actual_handles),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(zx_object_wait_one(remote, ZX_CHANNEL_READABLE, 0, NULL), ZX_ERR_TIMED_OUT);
    EXPECT_TRUE(peer_closed(ep1));
    zx_handle_close(ep1);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(ReadMayDiscardWithNullBuffersReturnsBufferTooSmall) {
    uint32_t nb = 0, nh = 0;
    read_may_discard(0, 0, true, 1, 1, &nb, &nh);
    EXPECT_EQ(nh, 1);
    EXPECT_EQ(nb, 1);
}

TEST_CASE(ReadMayDiscardWithNullBufferDiscardsDataReturnsBufferTooSmall) {
    uint32_t nb = 0, nh = 0;
    read_may_discard(1, 0, true, 2, 0, &nb, &nh);
    EXPECT_EQ(nh, 0);
    EXPECT_EQ(nb, 2);
}

TEST_CASE(ReadMayDiscardWithNullBufferDiscardHandlesReturnsBufferTooSmall) {
    uint32_t nb = 0, nh = 0;
    read_may_discard(0, 1, true, 0, 2, &nb, &nh);
    EXPECT_EQ(nh, 2);
    EXPECT_EQ(nb, 0);
}

TEST_CASE(ReadMayDiscardWithZeroSizeBuffersDiscardHandlesAndDataReturnsBufferTooSmall) {
    uint32_t nb = 0, nh = 0;
    read_may_discard(0, 0, true, 1, 1, &nb, &nh);
    EXPECT_EQ(nh, 1);
    EXPECT_EQ(nb, 1);
}

TEST_CASE(ReadMayDiscardWithSmallerBufferDiscardHandlesAndDateReturnsBufferTooSmall) {
    uint32_t nb = 0, nh = 0;
    read_may_discard(10, 1, false, 11, 2, &nb, &nh);
    EXPECT_EQ(nh, 2);
    EXPECT_EQ(nb, 11);
}

// ---- zx_channel_call ------------------------------------------------------
// Zircon's Message: a txid, then data_size bytes of data, and handle_count handles.
enum { kDataWords = 64, kHandleMax = 10 };
struct message {
    zx_txid_t id;
    uint32_t data[kDataWords];
    uint32_t data_size;  // bytes
    zx_handle_t handles[kHandleMax];
    uint32_t handle_count;
};

static struct message make_message(uint32_t data_size, uint32_t handle_count) {
    struct message m;
    memset(&m, 0, sizeof m);
    m.data_size = data_size;
    m.handle_count = handle_count;
    return m;
}

static uint32_t msg_size(const struct message *m) { return (uint32_t)sizeof(zx_txid_t) + m->data_size; }

static zx_channel_call_args_t make_args(struct message *req, struct message *reply) {
    zx_channel_call_args_t a = {.wr_bytes = &req->id,
                                .wr_handles = req->handles,
                                .rd_bytes = &reply->id,
                                .rd_handles = reply->handles,
                                .wr_num_bytes = msg_size(req),
                                .wr_num_handles = req->handle_count,
                                .rd_num_bytes = msg_size(reply),
                                .rd_num_handles = reply->handle_count};
    return a;
}

static void close_handles(struct message *m) {
    for (uint32_t i = 0; i < m->handle_count; i++) zx_handle_close(m->handles[i]);
}

// Zircon's ReplyAndWait / Reply: read `count` requests like `req`; remember the first
// `accumulate` + 1 (ids must differ); once `accumulate` are in, answer each with a reply of
// reply_bytes of data and reply_handles new events; then wait for `wait_event` if given.
struct service {
    zx_handle_t svc;
    struct message req;
    uint32_t count, accumulate, reply_bytes, reply_handles;
    zx_handle_t wait_event;
    const char *error;
};

static int service_main(void *arg) {
    struct service *s = arg;
    static zx_txid_t ids[32];
    uint32_t live = 0;
    for (uint32_t i = 0; i < s->count; i++) {
        zx_object_wait_one(s->svc, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL);
        struct message r = make_message(s->req.data_size, s->req.handle_count);
        if (zx_channel_read(s->svc, 0, &r.id, r.handles, msg_size(&r), r.handle_count, NULL, NULL) != ZX_OK) {
            s->error = "Failed to read request.";
            goto out;
        }
        if (memcmp(r.data, s->req.data, r.data_size) != 0) {
            s->error = "Failed to validate request.";
            goto out;
        }
        close_handles(&r);
        if (i <= s->accumulate) {
            for (uint32_t j = 0; j < live; j++)
                if (ids[j] == r.id) {
                    s->error = "Repeated id used for live transaction.";
                    goto out;
                }
            ids[live++] = r.id;
            if (i + 1 < s->accumulate) continue;
        }
        for (uint32_t j = 0; j < live; j++) {
            struct message reply = make_message(s->reply_bytes, s->reply_handles);
            reply.id = ids[j];
            for (uint32_t k = 0; k < s->reply_handles; k++) zx_event_create(0, &reply.handles[k]);
            if (zx_channel_write(s->svc, 0, &reply.id, msg_size(&reply), reply.handles, reply.handle_count) !=
                ZX_OK) {
                s->error = "Failed to write reply.";
                goto out;
            }
        }
    }
    if (s->wait_event != ZX_HANDLE_INVALID &&
        zx_object_wait_one(s->wait_event, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE, NULL) != ZX_OK)
        s->error = "Failed to wait for signal event.";
out:
    zx_handle_close(s->svc);
    return 0;
}

static void start_service(struct service *s, thrd_t *t, zx_handle_t svc, const struct message *req, uint32_t count,
                          uint32_t accumulate, uint32_t reply_bytes, uint32_t reply_handles, zx_handle_t wait_event) {
    *s = (struct service){svc, *req, count, accumulate, reply_bytes, reply_handles, wait_event, NULL};
    thrd_create(t, service_main, s);
}

static void finish_service(struct service *s, thrd_t t) {
    thrd_join(t, NULL);
    if (s->error) zxrv_test_check_true(false, s->error, __FILE__, __LINE__);
}

TEST_CASE(CallWrittenBytesSmallerThanZxTxIdReturnsInvalidArgs) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    struct message request = make_message(64 * 4, 0), reply = make_message(64 * 4, 0);
    zx_channel_call_args_t args = make_args(&request, &reply);
    args.wr_num_bytes = sizeof(zx_txid_t) - 1;
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_INVALID_ARGS);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(CallWrittenBytesSmallerThanZxTxIdWithBadPointerReturnsInvalidArgs) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    struct message request = make_message(0, 0), reply = make_message(64 * 4, 0);
    zx_channel_call_args_t args = make_args(&request, &reply);
    args.wr_bytes = (const void *)(uintptr_t)-1;
    args.wr_num_bytes = sizeof(zx_txid_t) - 1;
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_INVALID_ARGS);
    zx_handle_close(local);
    zx_handle_close(remote);
}

static void call_expect(uint32_t req_bytes, uint32_t req_handles, uint32_t reply_bytes, uint32_t reply_handles,
                        uint32_t buf_bytes, uint32_t buf_handles, zx_status_t want) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    struct message request = make_message(req_bytes, req_handles);
    for (uint32_t i = 0; i < req_bytes / 4 && i < kDataWords; i++) request.data[i] = i + 1;
    request.id = 0x112233;
    for (uint32_t i = 0; i < req_handles; i++) ASSERT_OK(zx_event_create(0, &request.handles[i]));
    struct message reply = make_message(buf_bytes, buf_handles);
    zx_channel_call_args_t args = make_args(&request, &reply);
    struct service s;
    thrd_t t;
    start_service(&s, &t, remote, &request, 1, 0, reply_bytes, reply_handles, ZX_HANDLE_INVALID);
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, &nb, &nh), want);
    finish_service(&s, t);
    if (want == ZX_OK) close_handles(&reply);
    zx_handle_close(local);
}

TEST_CASE(CallResponseBiggerThanRdNumBytesReturnsBufferTooSmall) {
    call_expect(5 * 4, 0, 2, 0, 1, 0, ZX_ERR_BUFFER_TOO_SMALL);
}

TEST_CASE(CallResponseBiggerThanRdNumHandlesReturnsBufferTooSmall) {
    call_expect(0, 1, 0, 2, 0, 1, ZX_ERR_BUFFER_TOO_SMALL);
}

TEST_CASE(CallBytesFitIsOk) { call_expect(4, 0, 5, 0, 5, 0, ZX_OK); }
TEST_CASE(CallHandlesFitIsOk) { call_expect(0, 1, 0, 2, 0, 2, ZX_OK); }
TEST_CASE(CallHandleAndBytesFitsIsOk) { call_expect(2, 1, 2, 2, 2, 2, ZX_OK); }

static void call_null_actual(bool null_bytes) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    struct message request = make_message(2, 0), reply = make_message(0, 0);
    zx_channel_call_args_t args = make_args(&request, &reply);
    struct service s;
    thrd_t t;
    start_service(&s, &t, remote, &request, 1, 0, 0, 0, ZX_HANDLE_INVALID);
    uint32_t n = 0;
    EXPECT_STATUS(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, null_bytes ? NULL : &n, null_bytes ? &n : NULL),
                  ZX_ERR_INVALID_ARGS);
    finish_service(&s, t);
    zx_handle_close(local);
}

TEST_CASE(CallNullptrNumBytesIsInvalidArgs) { call_null_actual(true); }
TEST_CASE(CallNullptrNumHandlesInvalidArgs) { call_null_actual(false); }

// CallPendingTransactionsUseDifferentIds: 20 callers at once; the service answers once all
// 20 requests are in, so all 20 ids are pending together.
enum { kCallers = 20 };
static struct {
    zx_handle_t local;
    struct message request;
    zx_status_t result[kCallers];
} pend;

static int pending_caller(void *arg) {
    uint32_t i = (uint32_t)(uintptr_t)arg;
    struct message request = pend.request, reply = make_message(0, 0);
    zx_channel_call_args_t args = make_args(&request, &reply);
    uint32_t nb, nh;
    pend.result[i] = zx_channel_call(pend.local, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
    return 0;
}

TEST_CASE(CallPendingTransactionsUseDifferentIds) {
    zx_handle_t remote;
    ASSERT_OK(zx_channel_create(0, &pend.local, &remote));
    pend.request = make_message(2, 0);
    struct service s;
    thrd_t t, callers[kCallers];
    start_service(&s, &t, remote, &pend.request, kCallers, kCallers, 0, 0, ZX_HANDLE_INVALID);
    for (uint32_t i = 0; i < kCallers; i++) thrd_create(&callers[i], pending_caller, (void *)(uintptr_t)i);
    for (uint32_t i = 0; i < kCallers; i++) thrd_join(callers[i], NULL);
    finish_service(&s, t);
    for (uint32_t i = 0; i < kCallers; i++) EXPECT_OK(pend.result[i]);
    zx_handle_close(pend.local);
}

TEST_CASE(CallDeadlineExceededReturnsTimedOut) {
    zx_handle_t local, remote, event;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    struct message request = make_message(2, 0), reply = make_message(0, 0);
    zx_channel_call_args_t args = make_args(&request, &reply);
    struct service s;
    thrd_t t;
    start_service(&s, &t, remote, &request, 1, 2, 0, 0, event);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call(local, 0, 0 /* infinite past */, &args, &nb, &nh), ZX_ERR_TIMED_OUT);
    zx_object_signal(event, 0, ZX_USER_SIGNAL_0);
    finish_service(&s, t);
    zx_handle_close(event);
    zx_handle_close(local);
}

TEST_CASE(CallConsumesHandlesOnSuccess) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    struct message request = make_message(0, 2), reply = make_message(0, 0);
    ASSERT_OK(zx_event_create(0, &request.handles[0]));
    ASSERT_OK(zx_event_create(0, &request.handles[1]));
    zx_channel_call_args_t args = make_args(&request, &reply);
    struct service s;
    thrd_t t;
    start_service(&s, &t, remote, &request, 1, 0, 0, 0, ZX_HANDLE_INVALID);
    uint32_t nb, nh;
    EXPECT_OK(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, &nb, &nh));
    finish_service(&s, t);
    for (uint32_t i = 0; i < 2; i++) EXPECT_STATUS(zx_handle_close(request.handles[i]), ZX_ERR_BAD_HANDLE);
    zx_handle_close(local);
}

TEST_CASE(CallConsumesHandlesOnError) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_close(remote);
    struct message request = make_message(0, 2), reply = make_message(0, 0);
    ASSERT_OK(zx_event_create(0, &request.handles[0]));
    ASSERT_OK(zx_event_create(0, &request.handles[1]));
    zx_channel_call_args_t args = make_args(&request, &reply);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_PEER_CLOSED);
    for (uint32_t i = 0; i < 2; i++) EXPECT_STATUS(zx_handle_close(request.handles[i]), ZX_ERR_BAD_HANDLE);
    zx_handle_close(local);
}

static int close_on_request(void *arg) {
    zx_handle_t svc = (zx_handle_t)(uintptr_t)arg;
    zx_object_wait_one(svc, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL);
    zx_handle_close(svc);
    return 0;
}

TEST_CASE(CallNotifiedOnPeerClosed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    struct message request = make_message(0, 0), reply = make_message(0, 0);
    zx_channel_call_args_t args = make_args(&request, &reply);
    thrd_t t;
    thrd_create(&t, close_on_request, (void *)(uintptr_t)remote);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call(local, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_PEER_CLOSED);
    thrd_join(t, NULL);
    zx_handle_close(local);
}

// NestingIsOk: 200 channels, each end written into the previous one; closing the outermost
// frees them all (the kernel must not recurse once per level on its stack).
TEST_CASE(NestingIsOk) {
    enum { kNested = 200 };
    static zx_handle_t local[kNested], remote[kNested];
    for (uint32_t i = 0; i < kNested; i++) ASSERT_OK(zx_channel_create(0, &local[i], &remote[i]));
    for (uint32_t i = kNested - 1; i > 0; i--) {
        zx_handle_t h[2] = {local[i], remote[i]};
        ASSERT_OK(zx_channel_write(local[i - 1], 0, NULL, 0, h, 2));
    }
    EXPECT_OK(zx_handle_close(local[0]));
    EXPECT_OK(zx_handle_close(remote[0]));
}

TEST_CASE(WriteSelfHandleReturnsNotSupported) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_STATUS(zx_channel_write(local, 0, NULL, 0, &local, 1), ZX_ERR_NOT_SUPPORTED);
    zx_signals_t s = 0;
    ASSERT_OK(zx_object_wait_one(remote, ZX_CHANNEL_PEER_CLOSED, 0, &s));
    EXPECT_EQ(s, ZX_CHANNEL_PEER_CLOSED);
    zx_handle_close(remote);
}

TEST_CASE(ReadEtcHandleInfoValidation) {
    zx_handle_t local, remote, event, weak, ep0, ep1;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT, &weak));
    ASSERT_OK(zx_eventpair_create(0, &ep0, &ep1));
    zx_handle_t handles[4] = {ep0, event, weak, ep1};
    ASSERT_OK(zx_channel_write(local, 0, NULL, 0, handles, 4));
    zx_handle_info_t info[4];
    memset(info, 0, sizeof info);
    uint32_t nb = 1, nh = 0;
    ASSERT_OK(zx_channel_read_etc(remote, 0, NULL, info, 0, 4, &nb, &nh));
    ASSERT_EQ(nh, 4);
    ASSERT_EQ(nb, 0);
    EXPECT_EQ(info[0].type, ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(info[0].rights, ZX_DEFAULT_EVENTPAIR_RIGHTS);
    EXPECT_EQ(info[1].type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(info[1].rights, ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(info[2].type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(info[2].rights, ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT);
    EXPECT_EQ(info[3].type, ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(info[3].rights, ZX_DEFAULT_EVENTPAIR_RIGHTS);
    for (int i = 0; i < 4; i++) zx_handle_close(info[i].handle);
    zx_handle_close(local);
    zx_handle_close(remote);
}

// ReadAndWriteWithMultipleSizes: random sizes below the limits; Zircon's 1000 messages
// become 200 here (QEMU), seeded with a fixed number.
TEST_CASE(ReadAndWriteWithMultipleSizes) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    static uint8_t data[ZX_CHANNEL_MAX_MSG_BYTES], got[ZX_CHANNEL_MAX_MSG_BYTES];
    zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES], rh[ZX_CHANNEL_MAX_MSG_HANDLES];
    unsigned seed = 4242;
    for (uint32_t i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t nbytes = (seed >> 8) % ZX_CHANNEL_MAX_MSG_BYTES;
        seed = seed * 1103515245u + 12345u;
        uint32_t nhandles = (seed >> 8) % ZX_CHANNEL_MAX_MSG_HANDLES;
        for (uint32_t j = 0; j < nhandles; j++) ASSERT_OK(zx_event_create(0, &handles[j]));
        data[0] = (uint8_t)(i % 255);
        ASSERT_OK(zx_channel_write(local, 0, data, nbytes, handles, nhandles));
        uint32_t nb = 0, nh = 0;
        ASSERT_OK(zx_channel_read(remote, 0, got, rh, nbytes, nhandles, &nb, &nh));
        for (uint32_t j = 0; j < nhandles; j++) zx_handle_close(rh[j]);
        ASSERT_EQ(nb, nbytes);
        ASSERT_EQ(nh, nhandles);
        if (nbytes > 0) ASSERT_EQ(got[0], data[0]);
    }
    zx_handle_close(local);
    zx_handle_close(remote);
}

// ReadFaultDoesNotLeakHandles: a read whose handle copy-out faults must close the handle.
// Zircon loops (256 + 1) * 1024 times to exhaust its handle arena; the table here holds 4096
// handles per process, so 5000 rounds would run out if one leaked (and init's leak check runs).
TEST_CASE(ReadFaultDoesNotLeakHandles) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    char msg = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        zx_handle_t event;
        ASSERT_OK(zx_event_create(0, &event));
        zx_channel_write(a, 0, &msg, sizeof msg, &event, 1);
        ASSERT_STATUS(zx_channel_read(b, 0, &msg, (zx_handle_t *)(uintptr_t)0xfffffffffffffff0ull, sizeof msg, 1, NULL,
                                      NULL),
                      ZX_ERR_INVALID_ARGS);
    }
    zx_handle_close(a);
    zx_handle_close(b);
}

// NoSpuriousReadableSignalWhenRacing: a reader told READABLE must find a message. Zircon's
// 10000 attempts become 2000, and the writer yields with zx_thread_legacy_yield (on one
// hart a spinning writer would hold the reader off for a whole time slice).
enum { kAttempts = 2000 };
static volatile uint32_t race_attempt;
static volatile bool race_running;

static int race_writer(void *arg) {
    zx_handle_t b = (zx_handle_t)(uintptr_t)arg;
    uint32_t curr;
    while (race_running && (curr = race_attempt) < kAttempts) {
        char m = 0;
        zx_channel_write(b, 0, &m, 1, NULL, 0);
        while (race_running && race_attempt == curr) zx_thread_legacy_yield(0);
    }
    return 0;
}

TEST_CASE(NoSpuriousReadableSignalWhenRacing) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    race_attempt = 0;
    race_running = true;
    thrd_t w;
    ASSERT_EQ(thrd_create(&w, race_writer, (void *)(uintptr_t)b), thrd_success);
    for (uint32_t x = 0; x < kAttempts; x++) {
        race_attempt = x;
        char m;
        zx_status_t st = zx_channel_read(a, 0, &m, NULL, 1, 0, NULL, NULL);
        if (st == ZX_ERR_SHOULD_WAIT) {
            if (zx_object_wait_one(a, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL) != ZX_OK ||
                zx_channel_read(a, 0, &m, NULL, 1, 0, NULL, NULL) != ZX_OK) {
                EXPECT_TRUE(false);
                break;
            }
        }
    }
    race_attempt = kAttempts;
    race_running = false;
    thrd_join(w, NULL);
    zx_handle_close(a);
    zx_handle_close(b);
}

// ---- WaitMany cases: a worker waits on two channels with zx_object_wait_many ----

enum { kSuccess, kWaitError, kReadFrom1Error, kReadFrom2Error, kDataMismatchFrom1Error, kDataMismatchFrom2Error };

struct wait_on_channels {
    zx_handle_t remote_1, remote_2, event;
    uint32_t total_packets, received_bytes_1, received_bytes_2;
    int result;
};

// WaitOnChannels: until both peers are closed, wait for either channel; read what comes
// and tell the main thread through the event (USER_SIGNAL_0 for 1, USER_SIGNAL_1 for 2).
static int wait_on_channels(void *arg) {
    struct wait_on_channels *w = arg;
    zx_wait_item_t items[2] = {{w->remote_1, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0},
                               {w->remote_2, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0}};
    bool closed_1 = false, closed_2 = false;
    while (!closed_1 || !closed_2) {
        uint32_t data = 0, actual = 0;
        if (zx_object_wait_many(items, 2, ZX_TIME_INFINITE) != ZX_OK) {
            w->result = kWaitError;
            return 0;
        }
        if (items[0].pending & ZX_CHANNEL_READABLE) {
            zx_object_signal(w->event, 0, ZX_USER_SIGNAL_0);
            if (zx_channel_read(w->remote_1, 0, &data, NULL, sizeof data, 0, &actual, NULL) != ZX_OK) {
                w->result = kReadFrom1Error;
                return 0;
            }
            if (data != kChannelData) {
                w->result = kDataMismatchFrom1Error;
                return 0;
            }
            w->received_bytes_1 += actual;
            w->total_packets++;
        } else if (items[1].pending & ZX_CHANNEL_READABLE) {
            zx_object_signal(w->event, 0, ZX_USER_SIGNAL_1);
            if (zx_channel_read(w->remote_2, 0, &data, NULL, sizeof data, 0, &actual, NULL) != ZX_OK) {
                w->result = kReadFrom2Error;
                return 0;
            }
            if (data != kChannelData) {
                w->result = kDataMismatchFrom2Error;
                return 0;
            }
            w->received_bytes_2 += actual;
            w->total_packets++;
        } else {
            if (items[0].pending & ZX_CHANNEL_PEER_CLOSED) closed_1 = true;
            if (items[1].pending & ZX_CHANNEL_PEER_CLOSED) closed_2 = true;
        }
    }
    w->result = kSuccess;
    return 0;
}

// Both cases: start the worker, write to local_2 (second case only) and local_1, wait for
// the worker's notifications, close the local ends (the worker then ends) and check.
static void wait_many_case(bool both) {
    zx_handle_t local_1, local_2;
    struct wait_on_channels w = {0};
    ASSERT_OK(zx_channel_create(0, &local_1, &w.remote_1));
    ASSERT_OK(zx_channel_create(0, &local_2, &w.remote_2));
    ASSERT_OK(zx_event_create(0, &w.event));
    thrd_t worker;
    ASSERT_EQ(thrd_create(&worker, wait_on_channels, &w), thrd_success);
    if (both) EXPECT_OK(zx_channel_write(local_2, 0, &kChannelData, sizeof(uint32_t), NULL, 0));
    EXPECT_OK(zx_channel_write(local_1, 0, &kChannelData, sizeof(uint32_t), NULL, 0));
    EXPECT_OK(zx_object_wait_one(w.event, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE, NULL));
    if (both) EXPECT_OK(zx_object_wait_one(w.event, ZX_USER_SIGNAL_1, ZX_TIME_INFINITE, NULL));
    zx_handle_close(local_1);  // unblocks the worker
    zx_handle_close(local_2);
    thrd_join(worker, NULL);
    zx_signals_t event_signal = 0, signal_1 = 0, signal_2 = 0;
    EXPECT_OK(zx_object_wait_one(w.event, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1, ZX_TIME_INFINITE_PAST, &event_signal));
    EXPECT_STATUS(zx_object_wait_one(w.remote_1, 0, ZX_TIME_INFINITE_PAST, &signal_1), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_object_wait_one(w.remote_2, 0, ZX_TIME_INFINITE_PAST, &signal_2), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(w.result, kSuccess);
    EXPECT_EQ(event_signal, both ? ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1 : ZX_USER_SIGNAL_0);
    EXPECT_EQ(signal_1, ZX_CHANNEL_PEER_CLOSED);
    EXPECT_EQ(signal_2, ZX_CHANNEL_PEER_CLOSED);
    EXPECT_EQ(w.received_bytes_1, sizeof(uint32_t));
    EXPECT_EQ(w.received_bytes_2, both ? sizeof(uint32_t) : 0);
    EXPECT_EQ(w.total_packets, both ? 2u : 1u);
    zx_handle_close(w.remote_1);
    zx_handle_close(w.remote_2);
    zx_handle_close(w.event);
}

TEST_CASE(WaitManyIsSignaledOnAnyElementWrite) { wait_many_case(false); }

TEST_CASE(WaitManyIsSignaledForBothWrites) { wait_many_case(true); }

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
