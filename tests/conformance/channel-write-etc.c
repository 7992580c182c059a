// Conformance: Zircon's ChannelWriteEtcTest family (zircon/system/utest/core/channel-write-etc/
// write_etc.cc, misttech/fuchsia @6a32dca), one case per Zircon case name, written in C against
// our own headers. Zircon sends a socket end as "some transferable object" in 17 cases; there
// are no sockets here, so an event-pair side stands in (and the cases that check the type the
// receiver sees expect ZX_OBJ_TYPE_EVENTPAIR where Zircon expects ZX_OBJ_TYPE_SOCKET). Where
// Zircon's case runs a helper once per operation (MOVE, DUPLICATE), so does the port.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

static const uint32_t kChannelData = 0xbaadcafe;

static zx_info_handle_basic_t basic_info(zx_handle_t h) {
    zx_info_handle_basic_t info = {0};
    zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
    return info;
}

static zx_status_t expected_close(zx_handle_op_t op) { return op == ZX_HANDLE_OP_DUPLICATE ? ZX_OK : ZX_ERR_BAD_HANDLE; }

// An event-pair side to send (Zircon: a socket end); *other is the side kept.
static zx_handle_t new_object(zx_handle_t *other) {
    zx_handle_t a = ZX_HANDLE_INVALID;
    zx_eventpair_create(0, &a, other);
    return a;
}

static zx_handle_disposition_t disp(zx_handle_op_t op, zx_handle_t h, zx_obj_type_t type, zx_rights_t rights) {
    zx_handle_disposition_t d = {op, h, type, rights, ZX_OK};
    return d;
}

TEST_CASE(MultipleHandlesSomeInvalidResultsReportedCorrectly) {
    zx_handle_t local, remote, arg_local, arg_remote, other0, other1, event;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_channel_create(0, &arg_local, &arg_remote));
    zx_handle_t obj0 = new_object(&other0), obj1 = new_object(&other1);
    ASSERT_OK(zx_event_create(0, &event));
    // obj0: wrong type; obj1: fine; a channel cannot be duplicated; the event: fine.
    zx_handle_disposition_t d[4] = {disp(ZX_HANDLE_OP_MOVE, obj0, ZX_OBJ_TYPE_PORT, ZX_RIGHT_SAME_RIGHTS),
                                    disp(ZX_HANDLE_OP_MOVE, obj1, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS),
                                    disp(ZX_HANDLE_OP_DUPLICATE, arg_local, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS),
                                    disp(ZX_HANDLE_OP_MOVE, event, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, d, 4), ZX_ERR_WRONG_TYPE);
    EXPECT_EQ(d[0].result, ZX_ERR_WRONG_TYPE);
    EXPECT_EQ(d[1].result, ZX_OK);
    EXPECT_EQ(d[2].result, ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(d[3].result, ZX_OK);
    EXPECT_OK(zx_handle_close(arg_local));
    zx_handle_close(arg_remote);
    zx_handle_close(other0);
    zx_handle_close(other1);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(MoveHandlesWithRightsCheckFailure) {
    zx_handle_t local, remote, event, dup, weak;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(zx_handle_duplicate(event, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER, &weak));
    zx_handle_disposition_t d[2] = {disp(ZX_HANDLE_OP_MOVE, weak, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS),
                                    disp(ZX_HANDLE_OP_MOVE, dup, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, d, 2), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(d[0].result, ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(d[1].result, ZX_OK);
    zx_handle_close(event);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(ImproperlyInitalizedResultsArgReportedBackAsOriginallyInitalized) {
    zx_handle_t local, remote, event;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_disposition_t d = {ZX_HANDLE_OP_MOVE, event, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS, ZX_ERR_WRONG_TYPE};
    EXPECT_OK(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1));
    EXPECT_EQ(d.result, ZX_ERR_WRONG_TYPE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(FailureDoesNotResultInReceivedPacket) {
    zx_handle_t local, remote, event;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_MOVE, event, ZX_OBJ_TYPE_SOCKET, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_WRONG_TYPE);
    uint32_t bytes;
    zx_handle_t h;
    EXPECT_STATUS(zx_channel_read(remote, 0, &bytes, &h, sizeof bytes, 1, NULL, NULL), ZX_ERR_SHOULD_WAIT);
    zx_handle_close(local);
    zx_handle_close(remote);
}

static void sent_handle_same_object(zx_handle_op_t op) {
    zx_handle_t local, remote, event;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    zx_handle_disposition_t d = disp(op, event, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    zx_info_handle_basic_t before = basic_info(event);
    ASSERT_OK(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1));
    ASSERT_STATUS(zx_handle_close(event), expected_close(op));
    uint32_t bytes;
    zx_handle_t in;
    ASSERT_OK(zx_channel_read(remote, 0, &bytes, &in, sizeof bytes, 1, NULL, NULL));
    zx_info_handle_basic_t after = basic_info(in);
    EXPECT_EQ(after.koid, before.koid);
    EXPECT_EQ(after.rights, before.rights);
    EXPECT_EQ(after.type, before.type);
    EXPECT_OK(zx_handle_close(in));
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(SentHandleReferrsToSameObject) {
    sent_handle_same_object(ZX_HANDLE_OP_MOVE);
    sent_handle_same_object(ZX_HANDLE_OP_DUPLICATE);
}

static void invalid_op(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), local, remote;
    zx_handle_disposition_t d = disp(op, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_close(obj), ZX_ERR_BAD_HANDLE);
    zx_handle_close(other);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(InvalidOpArgShouldFail) {
    invalid_op(0xffffffff);
    invalid_op(2);
}

static void not_a_channel(zx_handle_op_t op) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    zx_handle_disposition_t d = disp(op, b, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_STATUS(zx_channel_write_etc(a, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_WRONG_TYPE);
    ASSERT_OK(zx_handle_close(a));
    ASSERT_STATUS(zx_handle_close(b), expected_close(op));
}

TEST_CASE(HandleArgNotAChannelHandleShouldFail) {
    not_a_channel(ZX_HANDLE_OP_MOVE);
    not_a_channel(ZX_HANDLE_OP_DUPLICATE);
}

static void channel_not_valid(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), local, remote;
    zx_handle_disposition_t d = disp(op, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_handle_close(local));
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_handle_close(obj), expected_close(op));
    zx_handle_close(other);
    zx_handle_close(remote);
}

TEST_CASE(ChannelHandleNotValidShouldFail) {
    channel_not_valid(ZX_HANDLE_OP_MOVE);
    channel_not_valid(ZX_HANDLE_OP_DUPLICATE);
}

static void without_write(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), local, remote, weak;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_disposition_t d = disp(op, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_OK(zx_handle_replace(local, basic_info(local).rights & ~ZX_RIGHT_WRITE, &weak));
    ASSERT_STATUS(zx_channel_write_etc(weak, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_handle_close(obj), expected_close(op));
    zx_handle_close(other);
    zx_handle_close(weak);
    zx_handle_close(remote);
}

TEST_CASE(ChannelHandleWithoutWriteRightShouldFail) {
    without_write(ZX_HANDLE_OP_MOVE);
    without_write(ZX_HANDLE_OP_DUPLICATE);
}

static void without_transfer(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), local, remote, weak;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_handle_replace(obj, basic_info(obj).rights & ~ZX_RIGHT_TRANSFER, &weak));
    zx_handle_disposition_t d = disp(op, weak, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_handle_close(weak), expected_close(op));
    zx_handle_close(other);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(HandleWithoutTransferRightShouldFail) {
    without_transfer(ZX_HANDLE_OP_MOVE);
    without_transfer(ZX_HANDLE_OP_DUPLICATE);
}

static void invalid_handle(zx_handle_t bad) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_DUPLICATE, bad, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_BAD_HANDLE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(InvalidHandleInTransferredHandlesShouldFail) {
    zx_handle_t other, obj = new_object(&other);
    EXPECT_OK(zx_handle_close(obj));
    zx_handle_close(other);
    invalid_handle(obj);
    invalid_handle(ZX_HANDLE_INVALID);
    invalid_handle(0xffffffff);
}

TEST_CASE(RepeatedHandlesWithOpMoveHandlesShouldFail) {
    zx_handle_t other, obj = new_object(&other), local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_disposition_t d[2] = {disp(ZX_HANDLE_OP_MOVE, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS),
                                    disp(ZX_HANDLE_OP_MOVE, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, d, 2), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_handle_close(obj), ZX_ERR_BAD_HANDLE);
    zx_handle_close(other);
    zx_handle_close(local);
    zx_handle_close(remote);
}

static void duplicates_succeed(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), dup, local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_handle_duplicate(obj, ZX_RIGHT_SAME_RIGHTS, &dup));
    zx_handle_disposition_t d[2] = {disp(op, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS),
                                    disp(op, dup, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS)};
    EXPECT_OK(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, d, 2));
    EXPECT_STATUS(zx_handle_close(obj), expected_close(op));
    EXPECT_STATUS(zx_handle_close(dup), expected_close(op));
    zx_handle_close(other);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(DuplicateHandlesInTransferredHandlesShouldSucceed) {
    duplicates_succeed(ZX_HANDLE_OP_MOVE);
    duplicates_succeed(ZX_HANDLE_OP_DUPLICATE);
}

TEST_CASE(HandleDoesNotMatchTypeShouldFail) {
    for (zx_obj_type_t type = 0; type < 256; type++) {
        if (type == ZX_OBJ_TYPE_EVENTPAIR || type == ZX_OBJ_TYPE_NONE) continue;
        for (zx_handle_op_t op = ZX_HANDLE_OP_MOVE; op <= ZX_HANDLE_OP_DUPLICATE; op++) {
            zx_handle_t other, obj = new_object(&other), local, remote;
            ASSERT_OK(zx_channel_create(0, &local, &remote));
            zx_handle_disposition_t d = disp(op, obj, type, ZX_RIGHT_SAME_RIGHTS);
            EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1),
                          ZX_ERR_WRONG_TYPE);
            EXPECT_STATUS(zx_handle_close(obj), expected_close(op));
            zx_handle_close(other);
            zx_handle_close(local);
            zx_handle_close(remote);
        }
    }
}

static void options_nonzero(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_disposition_t d = disp(op, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_STATUS(zx_channel_write_etc(local, 1, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_handle_close(obj), expected_close(op));
    zx_handle_close(other);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(OptionsArgNonZeroShouldFail) {
    options_nonzero(ZX_HANDLE_OP_MOVE);
    options_nonzero(ZX_HANDLE_OP_DUPLICATE);
}

static void channel_in_handles(zx_handle_op_t op) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_disposition_t d = disp(op, local, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_NOT_SUPPORTED);
    ASSERT_STATUS(zx_handle_close(local), expected_close(op));
    ASSERT_OK(zx_handle_close(remote));
}

TEST_CASE(ChannelHandleInTransferredHandlesShouldFail) {
    channel_in_handles(ZX_HANDLE_OP_MOVE);
    channel_in_handles(ZX_HANDLE_OP_DUPLICATE);
}

static void peer_closed(zx_handle_op_t op) {
    zx_handle_t other, obj = new_object(&other), local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_close(remote);
    zx_handle_disposition_t d = disp(op, obj, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_PEER_CLOSED);
    ASSERT_STATUS(zx_handle_close(obj), expected_close(op));
    zx_handle_close(other);
    zx_handle_close(local);
}

TEST_CASE(OppositeChannelEndClosedShouldFail) {
    peer_closed(ZX_HANDLE_OP_MOVE);
    peer_closed(ZX_HANDLE_OP_DUPLICATE);
}

static void handle_count(zx_handle_op_t op, uint32_t n, zx_status_t want) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_handle_t ev[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
    zx_handle_disposition_t d[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
    for (uint32_t i = 0; i < n; i++) {
        ASSERT_OK(zx_event_create(0, &ev[i]));
        d[i] = disp(op, ev[i], ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    }
    ASSERT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, d, n), want);
    for (uint32_t i = 0; i < n; i++) EXPECT_STATUS(zx_handle_close(ev[i]), expected_close(op));
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(HandleCountBoundaryChecks) {
    for (zx_handle_op_t op = ZX_HANDLE_OP_MOVE; op <= ZX_HANDLE_OP_DUPLICATE; op++) {
        handle_count(op, 0, ZX_OK);
        handle_count(op, ZX_CHANNEL_MAX_MSG_HANDLES, ZX_OK);
        handle_count(op, ZX_CHANNEL_MAX_MSG_HANDLES + 1, ZX_ERR_OUT_OF_RANGE);
    }
}

TEST_CASE(HandleCountAndDataCountBothZeroShouldSucceed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_OK(zx_channel_write_etc(local, 0, NULL, 0, NULL, 0));
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(MaximumNumberHandlesWithZeroCountArrayArgShouldSucceed) {
    for (zx_handle_op_t op = ZX_HANDLE_OP_MOVE; op <= ZX_HANDLE_OP_DUPLICATE; op++) {
        zx_handle_t local, remote, ev[ZX_CHANNEL_MAX_MSG_HANDLES];
        zx_handle_disposition_t d[ZX_CHANNEL_MAX_MSG_HANDLES];
        ASSERT_OK(zx_channel_create(0, &local, &remote));
        for (uint32_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++) {
            ASSERT_OK(zx_event_create(0, &ev[i]));
            d[i] = disp(op, ev[i], ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
        }
        ASSERT_OK(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, d, 0));
        for (uint32_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++) EXPECT_OK(zx_handle_close(ev[i]));
        zx_handle_close(local);
        zx_handle_close(remote);
    }
}

static uint8_t big[ZX_CHANNEL_MAX_MSG_BYTES + 1];

TEST_CASE(ByteCountIsMaxShouldSucceed) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_OK(zx_channel_write_etc(local, 0, big, ZX_CHANNEL_MAX_MSG_BYTES, NULL, 0));
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(ByteCountIsMaxPlusOneShouldFail) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_STATUS(zx_channel_write_etc(local, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0), ZX_ERR_OUT_OF_RANGE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(NullptrArgWhenSizeNonZeroShouldFail) {
    zx_handle_t local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    EXPECT_STATUS(zx_channel_write_etc(local, 0, NULL, 10, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_write_etc(local, 0, NULL, 0, NULL, 10), ZX_ERR_INVALID_ARGS);
    zx_handle_close(local);
    zx_handle_close(remote);
}

// The four rights cases: send with `rights` (or the handle's own when want_same_bits),
// read it back and compare.
static void send_with_rights(zx_handle_op_t op, int mode) {
    zx_handle_t other, obj = new_object(&other), local, remote;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    zx_rights_t before = basic_info(obj).rights, want;
    zx_rights_t rights;
    switch (mode) {
    case 0: rights = ZX_RIGHT_NONE; want = ZX_RIGHT_NONE; break;           // RemoveAll
    case 1: rights = before & ~ZX_RIGHT_WRITE; want = rights; break;       // RemovingSome
    case 2: rights = before; want = before; break;                          // SameBits
    default: rights = ZX_RIGHT_SAME_RIGHTS; want = before; break;           // SameFlag
    }
    zx_handle_disposition_t d = disp(op, obj, ZX_OBJ_TYPE_NONE, rights);
    ASSERT_OK(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1));
    if (op == ZX_HANDLE_OP_DUPLICATE) EXPECT_EQ(basic_info(obj).rights, before);
    ASSERT_STATUS(zx_handle_close(obj), expected_close(op));
    uint32_t bytes;
    zx_handle_t in;
    ASSERT_OK(zx_channel_read(remote, 0, &bytes, &in, sizeof bytes, 1, NULL, NULL));
    zx_info_handle_basic_t after = basic_info(in);
    EXPECT_EQ(after.rights, want);
    EXPECT_EQ(after.type, ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_OK(zx_handle_close(in));
    zx_handle_close(other);
    zx_handle_close(local);
    zx_handle_close(remote);
}

TEST_CASE(RemoveAllHandleRightsShouldSucceed) {
    send_with_rights(ZX_HANDLE_OP_MOVE, 0);
    send_with_rights(ZX_HANDLE_OP_DUPLICATE, 0);
}

TEST_CASE(RemovingSomeHandleRightsShouldSucceed) {
    send_with_rights(ZX_HANDLE_OP_MOVE, 1);
    send_with_rights(ZX_HANDLE_OP_DUPLICATE, 1);
}

TEST_CASE(SameHandleRightsBitsShouldSucceed) {
    send_with_rights(ZX_HANDLE_OP_MOVE, 2);
    send_with_rights(ZX_HANDLE_OP_DUPLICATE, 2);
}

TEST_CASE(SameHandleRightsFlagShouldSucceed) {
    send_with_rights(ZX_HANDLE_OP_MOVE, 3);
    send_with_rights(ZX_HANDLE_OP_DUPLICATE, 3);
}

TEST_CASE(HandleWithoutDuplicateRightsMoveOpSucceedsDuplicateOpFails) {
    zx_handle_t local, remote, event, nodup;
    ASSERT_OK(zx_channel_create(0, &local, &remote));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_handle_replace(event, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_DUPLICATE, &nodup));
    zx_handle_disposition_t d = disp(ZX_HANDLE_OP_DUPLICATE, nodup, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_STATUS(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(d.result, ZX_ERR_ACCESS_DENIED);
    d = disp(ZX_HANDLE_OP_MOVE, nodup, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
    EXPECT_OK(zx_channel_write_etc(local, 0, &kChannelData, sizeof kChannelData, &d, 1));
    EXPECT_STATUS(zx_handle_close(nodup), ZX_ERR_BAD_HANDLE);
    zx_handle_close(local);
    zx_handle_close(remote);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
