package pipeline

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/sftp"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestHealth(eps ...Endpoint) (*health, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	return newHealth(&Config{Endpoints: eps}, clock.now), clock
}

func one(t *testing.T, h *health) EndpointHealth {
	t.Helper()
	r := h.report()
	require.Len(t, r, 1)
	return r[0]
}

// TestHealthTransitions: an endpoint is ok, failing from its first
// failure, degraded once it has failed for its degraded_after without a
// success, and ok again at the next success.
func TestHealthTransitions(t *testing.T) {
	h, clock := newTestHealth(Endpoint{Name: "cpu-out", Direction: "out", Transport: "http", DegradedAfter: 2 * time.Minute})
	e := one(t, h)
	assert.Equal(t, StateOK, e.State, "never used")
	assert.Nil(t, e.Since)

	h.record("cpu-out", nil)
	start := clock.t
	e = one(t, h)
	assert.Equal(t, StateOK, e.State)
	assert.Equal(t, &start, e.LastSuccess)

	clock.advance(time.Minute)
	failedAt := clock.t
	h.record("cpu-out", errors.New(`POST https://cpu.example/in: message m1: answered 503 Service Unavailable "PIN 4711 refused"`))
	e = one(t, h)
	assert.Equal(t, StateFailing, e.State, "below the threshold")
	assert.Equal(t, 1, e.ConsecutiveFailures)
	assert.Equal(t, &failedAt, e.Since)

	clock.advance(90 * time.Second)
	h.record("cpu-out", errors.New("POST https://cpu.example/in: message m1: answered 503 Service Unavailable"))
	assert.Equal(t, StateFailing, one(t, h).State, "failing for 90s of 2m")

	clock.advance(30 * time.Second)
	e = one(t, h)
	assert.Equal(t, StateDegraded, e.State, "failing for 2m, with no success since")
	assert.Equal(t, &failedAt, e.Since, "since its first failure")
	assert.Equal(t, 2, e.ConsecutiveFailures)
	assert.Equal(t, "deliveries failing for 2m0s: answered 503", e.public)
	assert.Contains(t, e.Reason, "deliveries failing for 2m0s (2 failures): POST https://cpu.example/in")
	assert.Equal(t, &start, e.LastSuccess, "the last success is kept")

	clock.advance(time.Second)
	h.record("cpu-out", nil)
	e = one(t, h)
	assert.Equal(t, StateOK, e.State, "ok again at the next success")
	assert.Zero(t, e.ConsecutiveFailures)
	assert.Empty(t, e.Reason)
	assert.Equal(t, "2m0s", e.DegradedAfter)
}

// TestHealthSFTP: an SFTP pick-up's polls are its heartbeat; an upload's
// reach is shown, but its outcome is counted by the delivery alone.
func TestHealthSFTP(t *testing.T) {
	refused := fmt.Errorf("sftp sftp.terminal.example:22: list \"out\": %w",
		&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})

	h, clock := newTestHealth(Endpoint{Name: "terminal-in", Direction: "in", Transport: "sftp"})
	h.reached("terminal-in", refused)
	clock.advance(DefaultDegradedAfter)
	e := one(t, h)
	assert.Equal(t, StateDegraded, e.State, "the default threshold")
	require.NotNil(t, e.Reachable)
	assert.False(t, *e.Reachable)
	assert.Equal(t, "SFTP unreachable for 5m0s: connection refused", e.public)
	h.reached("terminal-in", nil)
	e = one(t, h)
	assert.Equal(t, StateOK, e.State)
	assert.True(t, *e.Reachable)

	h, _ = newTestHealth(Endpoint{Name: "terminal-out", Direction: "out", Transport: "sftp"})
	h.reached("terminal-out", refused)
	e = one(t, h)
	assert.Equal(t, StateOK, e.State, "the delivery counts the failed upload")
	assert.False(t, *e.Reachable)
}

// TestErrorClass: /healthz names the kind of an error only, never its
// text.
func TestErrorClass(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "connection refused"},
		{"host key", fmt.Errorf("sftp x:22: host key SHA256:abc %w", sftp.ErrHostKey), "host key not the pinned one"},
		{"login", fmt.Errorf("sftp x:22: login %w", sftp.ErrLogin), "login refused"},
		{"dns", &net.DNSError{Err: "no such host", Name: "partner.example"}, "host name not found"},
		{"timeout", fmt.Errorf("server %w (30s)", sftp.ErrTimeout), "timed out"},
		{"permission", &os.PathError{Op: "open", Path: "/out/x", Err: os.ErrPermission}, "permission denied"},
		{"full disk", &os.PathError{Op: "write", Path: "/out/x", Err: syscall.ENOSPC}, "no space left on device"},
		{"http", errors.New(`POST u: message m "PIN 1234" was rejected by the receiver: answered 400 Bad Request {"pin":"1234"}`), "answered 400"},
		{"other", errors.New(`event e1 (GATED_OUT CSQU3054383): "PIN 1234"`), "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, errorClass(tc.err))
		})
	}
}
