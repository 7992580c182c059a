// Conformance: Zircon's EventPairTest family (zircon/system/utest/core/event-pair/event-pair.cc,
// misttech/fuchsia @096c65e): 11 cases, one per Zircon case name, in C against our own headers.
// zx::eventpair's destructor closes the handles: each case closes what it made (init's leak
// check follows the program). zx::time::infinite_past() is ZX_TIME_INFINITE_PAST.
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

// GetPendingSignals: a wait for nothing that times out at once reports the signals.
static zx_signals_t pending_signals(zx_handle_t h) {
    zx_signals_t pending = 0;
    EXPECT_STATUS(zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, &pending), ZX_ERR_TIMED_OUT);
    return pending;
}

static void close_pair(zx_handle_t a, zx_handle_t b) {
    if (a != ZX_HANDLE_INVALID) EXPECT_OK(zx_handle_close(a));
    if (b != ZX_HANDLE_INVALID) EXPECT_OK(zx_handle_close(b));
}

// HandlesNotInvalid: both handles of a new pair are valid.
TEST_CASE(HandlesNotInvalid) {
    zx_handle_t e0 = ZX_HANDLE_INVALID, e1 = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    EXPECT_NE(e0, ZX_HANDLE_INVALID);
    EXPECT_NE(e1, ZX_HANDLE_INVALID);
    close_pair(e0, e1);
}

// HandleRightsAreCorrect: each side has BASIC | SIGNAL | SIGNAL_PEER and type EVENTPAIR.
TEST_CASE(HandleRightsAreCorrect) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(e0, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rights, ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_EVENTPAIR);
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(e1, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.rights, ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_EVENTPAIR);
    close_pair(e0, e1);
}

// KoidsAreCorrect: each side's related_koid is the other's koid.
TEST_CASE(KoidsAreCorrect) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    zx_info_handle_basic_t info0, info1;
    memset(&info0, 0, sizeof(info0));
    memset(&info1, 0, sizeof(info1));
    EXPECT_OK(zx_object_get_info(e0, ZX_INFO_HANDLE_BASIC, &info0, sizeof(info0), NULL, NULL));
    EXPECT_OK(zx_object_get_info(e1, ZX_INFO_HANDLE_BASIC, &info1, sizeof(info1), NULL, NULL));
    EXPECT_NE(info0.koid, 0);
    EXPECT_NE(info0.related_koid, 0);
    EXPECT_NE(info1.koid, 0);
    EXPECT_NE(info1.related_koid, 0);
    EXPECT_EQ(info0.koid, info1.related_koid);
    EXPECT_EQ(info1.koid, info0.related_koid);
    close_pair(e0, e1);
}

// CheckNoFlagsSupported: options 1 is NOT_SUPPORTED and no handle comes out.
TEST_CASE(CheckNoFlagsSupported) {
    zx_handle_t e0 = ZX_HANDLE_INVALID, e1 = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_eventpair_create(1, &e0, &e1), ZX_ERR_NOT_SUPPORTED);
    EXPECT_EQ(e0, ZX_HANDLE_INVALID);
    EXPECT_EQ(e1, ZX_HANDLE_INVALID);
    close_pair(e0, e1);
}

// SignalEventPairAndClearVerifySignals: zx_object_signal sets and clears on this side only.
TEST_CASE(SignalEventPairAndClearVerifySignals) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    EXPECT_EQ(pending_signals(e0), 0);
    EXPECT_EQ(pending_signals(e1), 0);
    EXPECT_OK(zx_object_signal(e0, 0, ZX_USER_SIGNAL_0));
    EXPECT_EQ(pending_signals(e0), ZX_USER_SIGNAL_0);
    EXPECT_EQ(pending_signals(e1), 0);
    EXPECT_OK(zx_object_signal(e0, ZX_USER_SIGNAL_0, 0));
    EXPECT_EQ(pending_signals(e1), 0);
    EXPECT_EQ(pending_signals(e0), 0);
    close_pair(e0, e1);
}

// SignalPeerAndVerifyRecived (sic): zx_object_signal_peer sets and clears on the other side.
TEST_CASE(SignalPeerAndVerifyRecived) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    EXPECT_OK(zx_object_signal_peer(e0, 0, ZX_USER_SIGNAL_0));
    EXPECT_EQ(pending_signals(e0), 0);
    EXPECT_EQ(pending_signals(e1), ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_object_signal_peer(e1, 0, ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2));
    EXPECT_EQ(pending_signals(e0), ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2);
    EXPECT_EQ(pending_signals(e1), ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_object_signal_peer(e0, ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_3 | ZX_USER_SIGNAL_4));
    EXPECT_EQ(pending_signals(e0), ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2);
    EXPECT_EQ(pending_signals(e1), ZX_USER_SIGNAL_3 | ZX_USER_SIGNAL_4);
    close_pair(e0, e1);
}

// SignalPeerThenCloseAndVerifySignalReceived: signals set by the peer stay after it closes,
// and PEER_CLOSED joins them.
TEST_CASE(SignalPeerThenCloseAndVerifySignalReceived) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    EXPECT_OK(zx_object_signal_peer(e0, 0, ZX_USER_SIGNAL_3 | ZX_USER_SIGNAL_4));
    EXPECT_OK(zx_handle_close(e0));
    EXPECT_EQ(pending_signals(e1), ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_3 | ZX_USER_SIGNAL_4);
    close_pair(ZX_HANDLE_INVALID, e1);
}

// SignalingClosedPeerReturnsPeerClosed.
TEST_CASE(SignalingClosedPeerReturnsPeerClosed) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    EXPECT_OK(zx_handle_close(e1));
    EXPECT_STATUS(zx_object_signal_peer(e0, 0, ZX_USER_SIGNAL_0), ZX_ERR_PEER_CLOSED);
    close_pair(e0, ZX_HANDLE_INVALID);
}

// The three rights cases: a duplicate without one right.
static zx_handle_t reduced(zx_handle_t h, zx_rights_t without) {
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    zx_handle_t r = ZX_HANDLE_INVALID;
    EXPECT_OK(zx_handle_duplicate(h, info.rights & ~without, &r));
    return r;
}

// SignalAccessDeniedMissingSignalRight.
TEST_CASE(SignalAccessDeniedMissingSignalRight) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    zx_handle_t r = reduced(e0, ZX_RIGHT_SIGNAL);
    EXPECT_STATUS(zx_object_signal(r, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    close_pair(e0, e1);
    close_pair(r, ZX_HANDLE_INVALID);
}

// SignalPeerAccessDeniedMissingSignalPeerRight.
TEST_CASE(SignalPeerAccessDeniedMissingSignalPeerRight) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    zx_handle_t r = reduced(e0, ZX_RIGHT_SIGNAL_PEER);
    EXPECT_STATUS(zx_object_signal_peer(r, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    close_pair(e0, e1);
    close_pair(r, ZX_HANDLE_INVALID);
}

// WaitAccessDeniedMissingWaitRight.
TEST_CASE(WaitAccessDeniedMissingWaitRight) {
    zx_handle_t e0, e1;
    ASSERT_OK(zx_eventpair_create(0, &e0, &e1));
    zx_handle_t r = reduced(e0, ZX_RIGHT_WAIT);
    zx_signals_t pending;
    EXPECT_STATUS(zx_object_wait_one(r, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE_PAST, &pending), ZX_ERR_ACCESS_DENIED);
    close_pair(e0, e1);
    close_pair(r, ZX_HANDLE_INVALID);
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
