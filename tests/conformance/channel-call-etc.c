// Conformance: Zircon's ChannelCallEtcTest family (zircon/system/utest/core/channel-call-etc/
// call_etc.cc, misttech/fuchsia @2649132), one case per Zircon case name, written in C against
// our own headers. Zircon sends ports where it needs "some object": there are no ports in this
// kernel yet, so events and event pairs stand in (the points are rights, types and results,
// not ports). DispositionFailureSetsResultFieldAndReturnsFirstError and HandlesInfoValidation
// send an event-pair side where Zircon sends a socket. Not here: IovecSuccessCase and
// IovecTotalCapacityLessThanTxidSizeReturnsInvalidArgs (ZX_CHANNEL_WRITE_USE_IOVEC gives
// ZX_ERR_NOT_SUPPORTED here). zx_handle_check_valid is not a call of this kernel: check_valid
// below answers the same through ZX_INFO_HANDLE_BASIC.
#include <string.h>
#include <threads.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

static zx_status_t check_valid(zx_handle_t h) {
    zx_info_handle_basic_t info;
    return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) == ZX_OK ? ZX_OK
                                                                                                : ZX_ERR_NOT_FOUND;
}

static zx_info_handle_basic_t basic_info(zx_handle_t h) {
    zx_info_handle_basic_t info = {0};
    zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
    return info;
}

// Zircon's EchoServer: read one message and write it back, handles and all.
static uint8_t echo_bytes[ZX_CHANNEL_MAX_MSG_BYTES];
static int echo_main(void *arg) {
    zx_handle_t server = (zx_handle_t)(uintptr_t)arg;
    zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
    uint32_t nb = 0, nh = 0;
    zx_signals_t pending = 0;
    if (zx_object_wait_one(server, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &pending) ==
            ZX_OK &&
        (pending & ZX_CHANNEL_READABLE) &&
        zx_channel_read(server, 0, echo_bytes, handles, sizeof echo_bytes, ZX_CHANNEL_MAX_MSG_HANDLES, &nb, &nh) ==
            ZX_OK)
        zx_channel_write(server, 0, echo_bytes, nb, handles, nh);
    zx_handle_close(server);
    return 0;
}

static zx_handle_t start_echo(thrd_t *t) {
    zx_handle_t client, server;
    if (zx_channel_create(0, &client, &server) != ZX_OK) return ZX_HANDLE_INVALID;
    thrd_create(t, echo_main, (void *)(uintptr_t)server);
    return client;
}

// The one-shot servers of the later cases: read the request's txid, then answer with
// `reply_bytes` bytes (txid first) and `reply_handles` new events.
struct replier {
    zx_handle_t server;
    uint32_t reply_bytes, reply_handles;
};

static int replier_main(void *arg) {
    struct replier *r = arg;
    zx_txid_t txid = 0;
    uint32_t nb, nh;
    zx_object_wait_one(r->server, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL);
    if (zx_channel_read(r->server, 0, &txid, NULL, sizeof txid, 0, &nb, &nh) == ZX_OK) {
        uint8_t payload[32] = {0};
        memcpy(payload, &txid, sizeof txid);
        zx_handle_t handles[3];
        for (uint32_t i = 0; i < r->reply_handles; i++) zx_event_create(0, &handles[i]);
        zx_channel_write(r->server, 0, payload, r->reply_bytes, handles, r->reply_handles);
    }
    zx_handle_close(r->server);
    return 0;
}

static zx_handle_t start_replier(struct replier *r, thrd_t *t, uint32_t reply_bytes, uint32_t reply_handles) {
    zx_handle_t client;
    if (zx_channel_create(0, &client, &r->server) != ZX_OK) return ZX_HANDLE_INVALID;
    r->reply_bytes = reply_bytes;
    r->reply_handles = reply_handles;
    thrd_create(t, replier_main, r);
    return client;
}

static zx_channel_call_etc_args_t args_of(void *wr, uint32_t wr_n, zx_handle_disposition_t *wh, uint32_t wh_n,
                                          void *rd, uint32_t rd_n, zx_handle_info_t *rh, uint32_t rh_n) {
    zx_channel_call_etc_args_t a = {.wr_bytes = wr,
                                    .wr_handles = wh,
                                    .rd_bytes = rd,
                                    .rd_handles = rh,
                                    .wr_num_bytes = wr_n,
                                    .wr_num_handles = wh_n,
                                    .rd_num_bytes = rd_n,
                                    .rd_num_handles = rh_n};
    return a;
}

static zx_handle_disposition_t move_of(zx_handle_t h, zx_obj_type_t type, zx_rights_t rights) {
    zx_handle_disposition_t d = {ZX_HANDLE_OP_MOVE, h, type, rights, ZX_OK};
    return d;
}

TEST_CASE(BytesOnlySuccessCase) {
    thrd_t t;
    zx_handle_t client = start_echo(&t);
    static uint8_t req[512], rep[512];
    for (int i = 0; i < 512; i++) req[i] = (uint8_t)i;
    zx_channel_call_etc_args_t args = args_of(req, 512, NULL, 0, rep, 512, NULL, 0);
    uint32_t nb = 0, nh = 0;
    EXPECT_OK(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh));
    EXPECT_EQ(nb, 512);
    EXPECT_EQ(nh, 0);
    EXPECT_TRUE(memcmp(req + 4, rep + 4, 512 - 4) == 0);  // the first 4 bytes are the txid
    thrd_join(t, NULL);
    zx_handle_close(client);
}

TEST_CASE(HandlesSuccessCase) {
    thrd_t t;
    zx_handle_t client = start_echo(&t);
    zx_handle_t e0, e1;
    ASSERT_OK(zx_event_create(0, &e0));
    ASSERT_OK(zx_event_create(0, &e1));
    zx_info_handle_basic_t i0 = basic_info(e0), i1 = basic_info(e1);
    zx_handle_disposition_t wh[2] = {move_of(e0, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS),
                                     move_of(e1, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS)};
    zx_handle_info_t rh[2];
    memset(rh, 0, sizeof rh);
    uint8_t req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, wh, 2, rep, 4, rh, 2);
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh));
    ASSERT_EQ(nb, 4);
    ASSERT_EQ(nh, 2);
    EXPECT_NE(rh[0].handle, 0);
    EXPECT_EQ(rh[0].type, i0.type);
    EXPECT_EQ(rh[0].rights, i0.rights);
    EXPECT_NE(rh[1].handle, 0);
    EXPECT_EQ(rh[1].type, i1.type);
    EXPECT_EQ(rh[1].rights, i1.rights);
    zx_handle_close(rh[0].handle);
    zx_handle_close(rh[1].handle);
    thrd_join(t, NULL);
    zx_handle_close(client);
}

TEST_CASE(ReducedRightsSuccessCase) {
    thrd_t t;
    zx_handle_t client = start_echo(&t);
    zx_handle_t e;
    ASSERT_OK(zx_event_create(0, &e));
    zx_handle_disposition_t wh = move_of(e, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_TRANSFER);
    zx_handle_info_t rh = {0};
    uint8_t req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, &wh, 1, rep, 4, &rh, 1);
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh));
    ASSERT_EQ(nb, 4);
    ASSERT_EQ(nh, 1);
    EXPECT_NE(rh.handle, 0);
    EXPECT_EQ(rh.type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(rh.rights, ZX_RIGHT_TRANSFER);
    zx_handle_close(rh.handle);
    thrd_join(t, NULL);
    zx_handle_close(client);
}

static void one_disposition_fails(zx_handle_disposition_t d, zx_status_t want) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    zx_handle_info_t rh = {0};
    uint8_t req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, &d, 1, rep, 4, &rh, 1);
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), want);
    zx_handle_close(d.handle);
    zx_handle_close(client);
    zx_handle_close(server);
}

TEST_CASE(IncreasedRightsFailureCase) {
    zx_handle_t e;
    ASSERT_OK(zx_event_create(0, &e));
    one_disposition_fails(move_of(e, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_TRANSFER | ZX_RIGHT_MANAGE_PROCESS),
                          ZX_ERR_INVALID_ARGS);
}

TEST_CASE(WrongObjectTypeFailureCase) {
    zx_handle_t e;
    ASSERT_OK(zx_event_create(0, &e));
    one_disposition_fails(move_of(e, ZX_OBJ_TYPE_VMO, ZX_RIGHT_SAME_RIGHTS), ZX_ERR_WRONG_TYPE);
}

static void call_status(zx_handle_t h, uint32_t options, zx_channel_call_etc_args_t *args, uint32_t *nb,
                        uint32_t *nh, zx_status_t want, const char *what) {
    zxrv_test_check_status(zx_channel_call_etc(h, options, ZX_TIME_INFINITE, args, nb, nh), want, what, __FILE__,
                           __LINE__);
}

TEST_CASE(BadChannelFailureCase) {
    uint8_t req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, NULL, 0, rep, 4, NULL, 0);
    uint32_t nb, nh;
    call_status(ZX_HANDLE_INVALID, 0, &args, &nb, &nh, ZX_ERR_BAD_HANDLE, "call on ZX_HANDLE_INVALID");
}

TEST_CASE(NullArgsReturnsInvalidArgs) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    uint32_t nb, nh;
    call_status(client, 0, NULL, &nb, &nh, ZX_ERR_INVALID_ARGS, "call with NULL args");
    zx_handle_close(client);
    zx_handle_close(server);
}

TEST_CASE(BadArgsPointerReturnsInvalidArgs) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    uint32_t nb, nh;
    call_status(client, 0, (zx_channel_call_etc_args_t *)(uintptr_t)1, &nb, &nh, ZX_ERR_INVALID_ARGS,
                "call with args at address 1");
    zx_handle_close(client);
    zx_handle_close(server);
}

// The four cases whose call goes out and fails on its way back (a bad pointer for a size
// or a reply buffer): the server answers with a 4-byte txid, plus `handles` events.
static void bad_out_pointer(uint32_t *nb, uint32_t *nh, void *rd_bytes, zx_handle_info_t *rd_handles,
                            uint32_t reply_handles) {
    struct replier r;
    thrd_t t;
    zx_handle_t client = start_replier(&r, &t, 4, reply_handles);
    zx_txid_t txid = 0;
    zx_channel_call_etc_args_t args = args_of(&txid, 4, NULL, 0, rd_bytes, 8, rd_handles, reply_handles);
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, nb, nh), ZX_ERR_INVALID_ARGS);
    thrd_join(t, NULL);
    zx_handle_close(client);
}

TEST_CASE(NullActualBytesReturnsInvalidArgs) {
    uint32_t nh = 0;
    char rep[8];
    bad_out_pointer(NULL, &nh, rep, NULL, 0);
}

TEST_CASE(NullActualHandlesReturnsInvalidArgs) {
    uint32_t nb = 0;
    char rep[8];
    bad_out_pointer(&nb, NULL, rep, NULL, 0);
}

TEST_CASE(BadActualBytesPointerReturnsInvalidArgs) {
    uint32_t nh = 0;
    char rep[8];
    bad_out_pointer((uint32_t *)(uintptr_t)1, &nh, rep, NULL, 0);
}

TEST_CASE(BadActualHandlesPointerReturnsInvalidArgs) {
    uint32_t nb = 0;
    char rep[8];
    bad_out_pointer(&nb, (uint32_t *)(uintptr_t)1, rep, NULL, 0);
}

TEST_CASE(InvalidOptionsReturnsInvalidArgs) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, NULL, 0, rep, 4, NULL, 0);
    uint32_t nb, nh;
    call_status(client, 0xff, &args, &nb, &nh, ZX_ERR_INVALID_ARGS, "call with options 0xff");
    zx_handle_close(client);
    zx_handle_close(server);
}

static void without_right(zx_rights_t drop) {
    zx_handle_t client, server, weak;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    ASSERT_OK(zx_handle_replace(client, ZX_DEFAULT_CHANNEL_RIGHTS & ~drop, &weak));
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, NULL, 0, rep, 4, NULL, 0);
    uint32_t nb, nh;
    call_status(weak, 0, &args, &nb, &nh, ZX_ERR_ACCESS_DENIED, "call without a right");
    zx_handle_close(weak);
    zx_handle_close(server);
}

TEST_CASE(WithoutReadRightReturnsAccessDenied) { without_right(ZX_RIGHT_READ); }
TEST_CASE(WithoutWriteRightReturnsAccessDenied) { without_right(ZX_RIGHT_WRITE); }

TEST_CASE(FromWrongObjectTypeReturnsWrongType) {
    zx_handle_t event;
    ASSERT_OK(zx_event_create(0, &event));
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, NULL, 0, rep, 4, NULL, 0);
    uint32_t nb, nh;
    call_status(event, 0, &args, &nb, &nh, ZX_ERR_WRONG_TYPE, "call on an event");
    zx_handle_close(event);
}

TEST_CASE(WithDuplicateOpHandleSucceeds) {
    thrd_t t;
    zx_handle_t client = start_echo(&t);
    zx_handle_t event;
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_disposition_t wd = {ZX_HANDLE_OP_DUPLICATE, event, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS, ZX_OK};
    zx_handle_info_t ri = {0};
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, &wd, 1, rep, 4, &ri, 1);
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh));
    EXPECT_EQ(nb, 4);
    EXPECT_EQ(nh, 1);
    EXPECT_EQ(wd.result, ZX_OK);
    EXPECT_OK(check_valid(event));
    EXPECT_NE(ri.handle, ZX_HANDLE_INVALID);
    EXPECT_EQ(ri.type, ZX_OBJ_TYPE_EVENT);
    EXPECT_OK(zx_handle_close(ri.handle));
    zx_handle_close(event);
    thrd_join(t, NULL);
    zx_handle_close(client);
}

TEST_CASE(DispositionFailureSetsResultFieldAndReturnsFirstError) {
    zx_handle_t client, server, ep0, ep1, event;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    ASSERT_OK(zx_eventpair_create(0, &ep0, &ep1));
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_disposition_t d[3] = {move_of(ep0, ZX_OBJ_TYPE_EVENTPAIR, ZX_RIGHT_SAME_RIGHTS),
                                    move_of(event, ZX_OBJ_TYPE_VMO, ZX_RIGHT_SAME_RIGHTS),
                                    move_of(0x4, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS)};
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, d, 3, rep, 4, NULL, 0);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_WRONG_TYPE);
    EXPECT_EQ(d[0].result, ZX_OK);
    EXPECT_EQ(d[1].result, ZX_ERR_WRONG_TYPE);
    EXPECT_EQ(d[2].result, ZX_ERR_BAD_HANDLE);
    zx_handle_close(ep1);
    zx_handle_close(client);
    zx_handle_close(server);
}

TEST_CASE(MixedMoveAndDuplicateOnFailure) {
    zx_handle_t client, server, dup, mv;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    ASSERT_OK(zx_event_create(0, &dup));
    ASSERT_OK(zx_event_create(0, &mv));
    zx_handle_disposition_t d[3] = {{ZX_HANDLE_OP_DUPLICATE, dup, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS, ZX_OK},
                                    move_of(mv, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
                                    move_of(0x4, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS)};
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, d, 3, rep, 4, NULL, 0);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_BAD_HANDLE);
    EXPECT_EQ(d[0].result, ZX_OK);
    EXPECT_EQ(d[1].result, ZX_OK);
    EXPECT_EQ(d[2].result, ZX_ERR_BAD_HANDLE);
    EXPECT_OK(check_valid(dup));
    EXPECT_STATUS(check_valid(mv), ZX_ERR_NOT_FOUND);
    zx_handle_close(dup);
    zx_handle_close(client);
    zx_handle_close(server);
}

TEST_CASE(SelfHandleTransferReturnsNotSupported) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    zx_handle_disposition_t d = {ZX_HANDLE_OP_DUPLICATE, client, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_SAME_RIGHTS, ZX_OK};
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, &d, 1, rep, 4, NULL, 0);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_NOT_SUPPORTED);
    EXPECT_EQ(d.result, ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(check_valid(client));
    zx_handle_close(client);
    zx_handle_close(server);
}

TEST_CASE(PeerClosedBeforeCallReturnsPeerClosed) {
    zx_handle_t client, server, event;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    zx_handle_close(server);
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_disposition_t d = move_of(event, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
    char req[4] = {0}, rep[4];
    zx_channel_call_etc_args_t args = args_of(req, 4, &d, 1, rep, 4, NULL, 0);
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_PEER_CLOSED);
    EXPECT_STATUS(check_valid(event), ZX_ERR_NOT_FOUND);
    zx_handle_close(client);
}

TEST_CASE(ResponseTooLargeForRdNumBytesReturnsBufferTooSmall) {
    struct replier r;
    thrd_t t;
    zx_handle_t client = start_replier(&r, &t, 32, 0);
    zx_txid_t txid = 0;
    uint8_t rd[8];
    zx_channel_call_etc_args_t args = args_of(&txid, 4, NULL, 0, rd, sizeof rd, NULL, 0);
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    thrd_join(t, NULL);
    zx_handle_close(client);
}

TEST_CASE(ResponseTooLargeForRdNumHandlesReturnsBufferTooSmall) {
    struct replier r;
    thrd_t t;
    zx_handle_t client = start_replier(&r, &t, 4, 2);
    zx_txid_t txid = 0;
    uint8_t rd[8];
    zx_handle_info_t rh[1];
    zx_channel_call_etc_args_t args = args_of(&txid, 4, NULL, 0, rd, sizeof rd, rh, 1);
    uint32_t nb = 0, nh = 0;
    EXPECT_STATUS(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
    thrd_join(t, NULL);
    zx_handle_close(client);
}

TEST_CASE(BadRdBytesBufferReturnsInvalidArgs) {
    uint32_t nb = 0, nh = 0;
    bad_out_pointer(&nb, &nh, (void *)(uintptr_t)1, NULL, 0);
}

TEST_CASE(BadRdHandlesBufferReturnsInvalidArgs) {
    uint32_t nb = 0, nh = 0;
    uint8_t rd[8];
    bad_out_pointer(&nb, &nh, rd, (zx_handle_info_t *)(uintptr_t)1, 1);
}

// HandlesInfoValidation: a reply of an event, an event-pair side (Zircon: a socket) and
// another event (Zircon: a port) reports each one's type and default rights.
static int info_server(void *arg) {
    zx_handle_t server = (zx_handle_t)(uintptr_t)arg;
    zx_txid_t txid = 0;
    uint32_t nb, nh;
    zx_object_wait_one(server, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL);
    if (zx_channel_read(server, 0, &txid, NULL, sizeof txid, 0, &nb, &nh) == ZX_OK) {
        zx_handle_t h[3], other;
        zx_event_create(0, &h[0]);
        zx_eventpair_create(0, &h[1], &other);
        zx_event_create(0, &h[2]);
        zx_channel_write(server, 0, &txid, sizeof txid, h, 3);
        zx_handle_close(other);
    }
    zx_handle_close(server);
    return 0;
}

TEST_CASE(HandlesInfoValidation) {
    zx_handle_t client, server;
    ASSERT_OK(zx_channel_create(0, &client, &server));
    thrd_t t;
    thrd_create(&t, info_server, (void *)(uintptr_t)server);
    zx_txid_t txid = 0;
    uint8_t rd[8];
    zx_handle_info_t rh[3];
    memset(rh, 0, sizeof rh);
    zx_channel_call_etc_args_t args = args_of(&txid, 4, NULL, 0, rd, sizeof rd, rh, 3);
    uint32_t nb = 0, nh = 0;
    ASSERT_OK(zx_channel_call_etc(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh));
    EXPECT_EQ(nb, sizeof txid);
    EXPECT_EQ(nh, 3);
    EXPECT_EQ(rh[0].type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(rh[0].rights, ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(rh[1].type, ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(rh[1].rights, ZX_DEFAULT_EVENTPAIR_RIGHTS);
    EXPECT_EQ(rh[2].type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(rh[2].rights, ZX_DEFAULT_EVENT_RIGHTS);
    for (int i = 0; i < 3; i++) {
        EXPECT_NE(rh[i].handle, ZX_HANDLE_INVALID);
        zx_handle_close(rh[i].handle);
    }
    thrd_join(t, NULL);
    zx_handle_close(client);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
