package sftp_test

import (
	"net"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/sftp"
)

// reports records what Connection.Reached is told.
type reports struct {
	mu   sync.Mutex
	errs []error
}

func (r *reports) reached(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *reports) last(t *testing.T) error {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.errs, "no report")
	return r.errs[len(r.errs)-1]
}

// TestReached: a poll that ran on the server reports nil; one that could
// not connect, or met a host key other than the pinned one, reports why.
func TestReached(t *testing.T) {
	var ok reports
	p := newPickup(t, nil, func(c *sftp.Config) { c.Reached = ok.reached })
	require.NoError(t, ok.last(t), "the initial poll reached the server")
	p.poll(t)
	require.NoError(t, ok.last(t))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())
	var refused reports
	p = newPickup(t, nil, func(c *sftp.Config) { c.Addr, c.MaxRetries, c.Reached = closed, -1, refused.reached })
	_, err = p.sub.Poll()
	require.Error(t, err)
	assert.ErrorIs(t, refused.last(t), syscall.ECONNREFUSED)

	other := newServer(t)
	var wrongKey reports
	p = newPickup(t, nil, func(c *sftp.Config) { c.HostKeyFingerprint, c.Reached = other.Fingerprint(), wrongKey.reached })
	_, err = p.sub.Poll()
	require.Error(t, err)
	assert.ErrorIs(t, wrongKey.last(t), sftp.ErrHostKey)
}
