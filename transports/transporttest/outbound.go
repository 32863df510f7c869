package transporttest

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
)

var outboundCases = []struct {
	name string
	run  func(t *testing.T, f Features, newOutbound func(*testing.T) Outbound)
}{
	{name: "DeliversEveryMessage", run: testDeliversEvery},
	{name: "SameOutNameOnce", run: testSameOutNameOnce},
	{name: "RetryReplaces", run: testRetryReplaces},
	{name: "UUIDWithoutOutName", run: testUUIDWithoutOutName},
	{name: "UnsafeOutNameIsPermanent", run: testUnsafeOutName},
	{name: "CloseIsIdempotent", run: testOutboundCloseIdempotent},
	{name: "PublishAfterClose", run: testPublishAfterClose},
	{name: "NoGoroutineLeak", run: testOutboundNoLeak},
}

func runOutbound(t *testing.T, f Features, newOutbound func(*testing.T) Outbound) {
	for _, c := range outboundCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, f, newOutbound) })
	}
}

// newOut builds a fresh outbound transport, closed when the case ends.
func newOut(t *testing.T, newOutbound func(*testing.T) Outbound) Outbound {
	t.Helper()
	out := newOutbound(t)
	require.NotNil(t, out.Pub, "harness: Outbound.Pub")
	require.NotNil(t, out.Delivered, "harness: Outbound.Delivered")
	t.Cleanup(func() { _ = out.Pub.Close() })
	return out
}

// outMessage builds a message as the pipeline publishes it.
func outMessage(outName string, payload []byte) *message.Message {
	msg := message.NewMessage(watermill.NewUUID(), payload)
	if outName != "" {
		msg.Metadata.Set(transports.MetaOutName, outName)
	}
	return msg
}

func testDeliversEvery(t *testing.T, f Features, newOutbound func(*testing.T) Outbound) {
	out := newOut(t, newOutbound)
	want := map[string][]byte{}
	var msgs []*message.Message
	for _, c := range payloadCases(f) {
		name := "evt-" + c.name
		want[name] = c.payload
		msgs = append(msgs, outMessage(name, c.payload))
	}
	empty := []byte{}
	want["evt-empty-out"] = empty
	msgs = append(msgs, outMessage("evt-empty-out", empty))

	require.NoError(t, out.Pub.Publish(Topic, msgs...))
	got := out.Delivered()
	require.Len(t, got, len(want))
	for name, payload := range want {
		if assert.Contains(t, got, name) {
			assert.Len(t, got[name], len(payload), name)
			assert.Equal(t, transports.ContentHash(payload), transports.ContentHash(got[name]), name)
		}
	}
}

func testSameOutNameOnce(t *testing.T, _ Features, newOutbound func(*testing.T) Outbound) {
	out := newOut(t, newOutbound)
	payload := []byte("UNH+1+COREOR:D:00B:UN'")
	require.NoError(t, out.Pub.Publish(Topic, outMessage("evt-1", payload)))
	require.NoError(t, out.Pub.Publish(Topic, outMessage("evt-1", payload)))

	assert.Equal(t, map[string][]byte{"evt-1": payload}, out.Delivered())
}

func testRetryReplaces(t *testing.T, _ Features, newOutbound func(*testing.T) Outbound) {
	out := newOut(t, newOutbound)
	require.NoError(t, out.Pub.Publish(Topic, outMessage("evt-2", []byte("first attempt, longer"))))
	require.NoError(t, out.Pub.Publish(Topic, outMessage("evt-2", []byte("retry"))))

	assert.Equal(t, map[string][]byte{"evt-2": []byte("retry")}, out.Delivered())
}

func testUUIDWithoutOutName(t *testing.T, _ Features, newOutbound func(*testing.T) Outbound) {
	out := newOut(t, newOutbound)
	msg := outMessage("", []byte("no out name"))
	require.NoError(t, out.Pub.Publish(Topic, msg))

	assert.Equal(t, map[string][]byte{msg.UUID: []byte("no out name")}, out.Delivered())
}

func testUnsafeOutName(t *testing.T, _ Features, newOutbound func(*testing.T) Outbound) {
	for _, name := range []string{"../escape", "sub/dir", "/etc/passwd", `..\win`, ".hidden", "line\nbreak"} {
		t.Run(name, func(t *testing.T) {
			out := newOut(t, newOutbound)
			err := out.Pub.Publish(Topic, outMessage(name, []byte("x")))
			require.Error(t, err)
			assert.True(t, transports.IsPermanent(err), "an unsafe out name is a permanent failure: %v", err)
			assert.ErrorIs(t, err, transports.ErrUnsafeName)
			assert.Empty(t, out.Delivered())
		})
	}
}

func testOutboundCloseIdempotent(t *testing.T, f Features, newOutbound func(*testing.T) Outbound) {
	out := newOut(t, newOutbound)
	require.NoError(t, out.Pub.Publish(Topic, outMessage("before-close", []byte("x"))))
	closeConcurrently(t, f.Timeout, out.Pub.Close)
	assert.NoError(t, out.Pub.Close(), "a second Close")
	assert.Contains(t, out.Delivered(), "before-close")
}

func testPublishAfterClose(t *testing.T, f Features, newOutbound func(*testing.T) Outbound) {
	out := newOut(t, newOutbound)
	closeWithin(t, f.Timeout, out.Pub.Close)
	err := out.Pub.Publish(Topic, outMessage("after-close", []byte("x")))
	require.ErrorIs(t, err, transports.ErrClosed)
	assert.Empty(t, out.Delivered())
}

func testOutboundNoLeak(t *testing.T, f Features, newOutbound func(*testing.T) Outbound) {
	checkNoLeak(t, f.Timeout, func(t *testing.T) {
		out := newOut(t, newOutbound)
		require.NoError(t, out.Pub.Publish(Topic, outMessage("leak", []byte("x"))))
		closeWithin(t, f.Timeout, out.Pub.Close)
	})
}
