package filedrop_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/filedrop"
	"github.com/nexport/pcsgate/transports/transporttest"
)

func TestSuite(t *testing.T) {
	features := transporttest.Features{AtLeastOnce: true, Dedupe: true, EmptyPayload: true, KeepsNames: true}
	transporttest.Run(t, features, transporttest.Harness{NewInbound: newSuiteInbound, NewOutbound: newSuiteOutbound})
}

func TestSuitePollingOnly(t *testing.T) {
	features := transporttest.Features{AtLeastOnce: true, Dedupe: true, EmptyPayload: true, KeepsNames: true}
	transporttest.Run(t, features, transporttest.Harness{NewInbound: func(t *testing.T) transporttest.Inbound {
		in := newSuiteInboundWith(t, func(c *filedrop.Config) { c.NoWatch = true; c.Poll = 10 * time.Millisecond })
		in.Poke = nil // only the poll timer finds files
		return in
	}})
}

func newSuiteInbound(t *testing.T) transporttest.Inbound {
	return newSuiteInboundWith(t, func(*filedrop.Config) {})
}

func newSuiteInboundWith(t *testing.T, adjust func(*filedrop.Config)) transporttest.Inbound {
	dir := t.TempDir()
	cfg := filedrop.Config{Dir: dir, Settle: time.Millisecond, Poll: 50 * time.Millisecond}
	adjust(&cfg)
	sub, err := filedrop.NewSubscriber(cfg, nil)
	require.NoError(t, err)
	return transporttest.Inbound{
		Sub:   sub,
		Send:  func(name string, payload []byte) error { return dropFile(dir, name, payload) },
		Acked: func() []string { return archived(t, filepath.Join(dir, "archive")) },
		Poke:  func() { _, _ = sub.Rescan() },
	}
}

// dropFile writes a file the way a careful partner does: under a temporary
// name, then renamed.
func dropFile(dir, name string, payload []byte) error {
	part := filepath.Join(dir, name+".part")
	if err := os.WriteFile(part, payload, 0o600); err != nil {
		return err
	}
	return os.Rename(part, filepath.Join(dir, name))
}

// archived lists the names of the files under archive/<day>/.
func archived(t *testing.T, archive string) []string {
	days, err := os.ReadDir(archive)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var names []string
	for _, day := range days {
		files, err := os.ReadDir(filepath.Join(archive, day.Name()))
		require.NoError(t, err)
		for _, f := range files {
			names = append(names, f.Name())
		}
	}
	return names
}

func newSuiteOutbound(t *testing.T) transporttest.Outbound {
	dir := t.TempDir()
	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir, Extension: ".edi"}, nil)
	require.NoError(t, err)
	return transporttest.Outbound{Pub: pub, Delivered: func() map[string][]byte {
		return delivered(t, dir, ".edi")
	}}
}

// delivered reads the complete files in dir, keyed by name without ext.
// A file that does not end in ext fails the test.
func delivered(t *testing.T, dir, ext string) map[string][]byte {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			continue
		}
		require.True(t, strings.HasSuffix(e.Name(), ext), "unexpected file %s", e.Name())
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[strings.TrimSuffix(e.Name(), ext)] = b
	}
	return out
}
