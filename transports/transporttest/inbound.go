package transporttest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
)

// inboundCase is one case of the inbound suite.
type inboundCase struct {
	name string
	// skip, when it returns a reason, skips the case for these features.
	skip func(Features) string
	run  func(t *testing.T, f Features, newInbound func(*testing.T) Inbound)
}

var inboundCases = []inboundCase{
	{name: "AcksOnlyAfterConsumerAck", run: testAckAfterConsumerAck},
	{name: "NackRedelivers", run: testNackRedelivers, skip: func(f Features) string {
		if !f.AtLeastOnce {
			return "the transport does not declare AtLeastOnce"
		}
		return ""
	}},
	{name: "Metadata", run: testInboundMetadata},
	{name: "Payloads", run: testInboundPayloads},
	{name: "EmptyPayloadRefused", run: testEmptyRefused, skip: func(f Features) string {
		if f.EmptyPayload {
			return "the transport delivers empty payloads"
		}
		return ""
	}},
	{name: "ManyUnits", run: testManyUnits},
	{name: "Duplicates", run: testDuplicates, skip: func(f Features) string {
		if !f.Dedupe {
			return "the transport does not declare Dedupe"
		}
		return ""
	}},
	{name: "CloseWhileUnacked", run: testCloseWhileUnacked},
	{name: "CloseIsIdempotent", run: testInboundCloseIdempotent},
	{name: "SubscribeAfterClose", run: testSubscribeAfterClose},
	{name: "ContextCancelClosesChannel", run: testContextCancel},
	{name: "NoGoroutineLeak", run: testInboundNoLeak},
}

func runInbound(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	for _, c := range inboundCases {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != nil {
				if why := c.skip(f); why != "" {
					t.Skip(why)
				}
			}
			c.run(t, f, newInbound)
		})
	}
}

func testAckAfterConsumerAck(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	const name = "ack-after-commit.edi"
	s.send(t, name, []byte("UNH+1+COREOR:D:00B:UN'"))

	msg := s.receive(t)
	assert.Equal(t, "UNH+1+COREOR:D:00B:UN'", string(msg.Payload))
	s.poke()
	assert.False(t, s.acked(name), "the partner saw the unit acknowledged before the consumer acked it")

	require.True(t, msg.Ack())
	s.waitAcked(t, name)
}

func testNackRedelivers(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	const name = "nack-redeliver.edi"
	payload := []byte("redeliver me")
	s.send(t, name, payload)

	first := s.receive(t)
	require.True(t, first.Nack())
	assert.False(t, s.acked(name), "a nacked unit was acknowledged to the partner")

	second := s.receive(t)
	assert.Equal(t, payload, []byte(second.Payload))
	assert.Equal(t, first.Metadata.Get(transports.MetaContentHash), second.Metadata.Get(transports.MetaContentHash))
	assert.False(t, s.acked(name), "a nacked unit was acknowledged to the partner")

	require.True(t, second.Ack())
	s.waitAcked(t, name)
}

func testInboundMetadata(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	const name = "metadata.xml"
	payload := []byte("<release/>")
	s.send(t, name, payload)

	msg := s.receive(t)
	defer msg.Ack()
	assert.NotEmpty(t, msg.UUID)
	assert.Equal(t, Topic, msg.Metadata.Get(transports.MetaEndpoint))
	assert.Equal(t, transports.ContentHash(payload), msg.Metadata.Get(transports.MetaContentHash))
	assert.NotEmpty(t, msg.Metadata.Get(transports.MetaIdempotencyKey))
	at, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(transports.MetaReceivedAt))
	if assert.NoError(t, err, "MetaReceivedAt is RFC 3339") {
		assert.Equal(t, time.UTC, at.Location(), "MetaReceivedAt is UTC")
	}
	if f.KeepsNames {
		assert.Equal(t, name, msg.Metadata.Get(transports.MetaFilename))
	}
	assert.NotNil(t, msg.Context(), "messages carry the subscription context")
}

// payloadCases are the payloads every transport must carry intact.
func payloadCases(f Features) []struct {
	name    string
	payload []byte
} {
	binary := make([]byte, 0, 4*256)
	for i := range 4 * 256 {
		binary = append(binary, byte(i))
	}
	large := make([]byte, f.LargePayload)
	for i := range large {
		large[i] = byte(i*31 + i/251)
	}
	cases := []struct {
		name    string
		payload []byte
	}{
		{name: "binary", payload: binary},
		{name: "text-with-crlf-and-nul", payload: []byte("UNA:+.? '\r\nUNB+UNOC:3\x00'\r\n")},
		{name: "one-byte", payload: []byte{'\n'}},
		{name: "large", payload: large},
	}
	if f.EmptyPayload {
		cases = append(cases, struct {
			name    string
			payload []byte
		}{name: "empty", payload: []byte{}})
	}
	return cases
}

func testInboundPayloads(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	for _, c := range payloadCases(f) {
		t.Run(c.name, func(t *testing.T) {
			s := subscribe(t, f, newInbound)
			name := "payload-" + c.name + ".bin"
			s.send(t, name, c.payload)

			msg := s.receive(t)
			// Compare hash and length, not bytes: a diff of 1 MiB helps no one.
			assert.Len(t, msg.Payload, len(c.payload))
			assert.Equal(t, transports.ContentHash(c.payload), transports.ContentHash(msg.Payload))
			assert.Equal(t, transports.ContentHash(c.payload), msg.Metadata.Get(transports.MetaContentHash))
			require.True(t, msg.Ack())
			s.waitAcked(t, name)
		})
	}
}

func testEmptyRefused(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	s.send(t, "empty.edi", nil)
	s.send(t, "after-empty.edi", []byte("x"))

	msg := s.receive(t)
	assert.Equal(t, "x", string(msg.Payload), "the empty unit was delivered")
	require.True(t, msg.Ack())
	s.waitAcked(t, "after-empty.edi")
	assert.False(t, s.acked("empty.edi"), "the empty unit was acknowledged")
}

func testManyUnits(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	const n = 25
	want := map[string]bool{}
	names := make([]string, 0, n)
	for i := range n {
		name := fmt.Sprintf("many-%02d.edi", i)
		payload := fmt.Sprintf("unit %02d", i)
		want[payload] = true
		names = append(names, name)
		s.send(t, name, []byte(payload))
	}

	got := map[string]bool{}
	for range n {
		msg := s.receive(t)
		assert.False(t, got[string(msg.Payload)], "unit %q delivered twice although acked", msg.Payload)
		got[string(msg.Payload)] = true
		require.True(t, msg.Ack())
	}
	assert.Equal(t, want, got)
	s.waitAcked(t, names...)
}

func testDuplicates(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	payload := []byte("same bytes twice")
	s.send(t, "dup-1.edi", payload)
	first := s.receive(t)
	require.True(t, first.Ack())
	s.waitAcked(t, "dup-1.edi")

	s.send(t, "dup-2.edi", payload)
	if f.CollapsesDuplicates {
		// A different unit after the duplicate: if the duplicate became a
		// second message, it would arrive instead of this one.
		s.send(t, "dup-3.edi", []byte("different bytes"))
		next := s.receive(t)
		assert.Equal(t, "different bytes", string(next.Payload), "the duplicate became a second message")
		require.True(t, next.Ack())
		s.waitAcked(t, "dup-2.edi", "dup-3.edi")
		return
	}
	second := s.receive(t)
	assert.Equal(t, payload, []byte(second.Payload))
	assert.Equal(t, first.Metadata.Get(transports.MetaContentHash), second.Metadata.Get(transports.MetaContentHash))
	assert.Equal(t, first.Metadata.Get(transports.MetaIdempotencyKey), second.Metadata.Get(transports.MetaIdempotencyKey))
	require.True(t, second.Ack())
	s.waitAcked(t, "dup-2.edi")
}

func testCloseWhileUnacked(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	const name = "unacked-at-close.edi"
	s.send(t, name, []byte("never acked"))
	msg := s.receive(t)
	require.NotNil(t, msg)

	closeWithin(t, f.Timeout, s.in.Sub.Close)
	waitClosed(t, s.msgs, f.Timeout)
	assert.False(t, s.acked(name), "a unit whose message was never acked was acknowledged")
}

func testInboundCloseIdempotent(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	closeConcurrently(t, f.Timeout, s.in.Sub.Close)
	waitClosed(t, s.msgs, f.Timeout)
	assert.NoError(t, s.in.Sub.Close(), "a second Close")
}

func testSubscribeAfterClose(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	closeWithin(t, f.Timeout, s.in.Sub.Close)
	msgs, err := s.in.Sub.Subscribe(context.Background(), Topic)
	require.ErrorIs(t, err, transports.ErrClosed)
	assert.Nil(t, msgs)
}

func testContextCancel(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	s := subscribe(t, f, newInbound)
	s.cancel()
	waitClosed(t, s.msgs, f.Timeout)
}

func testInboundNoLeak(t *testing.T, f Features, newInbound func(*testing.T) Inbound) {
	checkNoLeak(t, f.Timeout, func(t *testing.T) {
		s := subscribe(t, f, newInbound)
		s.send(t, "leak.edi", []byte("leak"))
		msg := s.receive(t)
		require.True(t, msg.Ack())
		s.waitAcked(t, "leak.edi")
		closeWithin(t, f.Timeout, s.in.Sub.Close)
		waitClosed(t, s.msgs, f.Timeout)
	})
}

// closeWithin calls closeFn and fails the case if it errs or hangs.
func closeWithin(t *testing.T, timeout time.Duration, closeFn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- closeFn() }()
	select {
	case err := <-done:
		require.NoError(t, err, "Close")
	case <-time.After(timeout):
		require.FailNow(t, "Close did not return", "waited %s", timeout)
	}
}

// closeConcurrently calls closeFn from several goroutines at once; every call
// must return nil.
func closeConcurrently(t *testing.T, timeout time.Duration, closeFn func() error) {
	t.Helper()
	const callers = 8
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	start := make(chan struct{})
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- closeFn()
		}()
	}
	close(start)
	closeWithin(t, timeout, func() error { wg.Wait(); return nil })
	close(errs)
	for err := range errs {
		assert.NoError(t, err, "concurrent Close")
	}
}
