package sftp_test

import (
	"path"
	"strings"
	"testing"

	pkgsftp "github.com/pkg/sftp"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
	"github.com/nexport/pcsgate/transports/transporttest"
)

var suiteFeatures = transporttest.Features{AtLeastOnce: true, Dedupe: true, KeepsNames: true}

func TestSuite(t *testing.T) {
	transporttest.Run(t, suiteFeatures, transporttest.Harness{NewInbound: newSuiteInbound, NewOutbound: newSuiteOutbound})
}

// TestSuiteDelete runs the inbound suite with files deleted instead of
// archived: the partner sees a unit acknowledged when its file is gone.
func TestSuiteDelete(t *testing.T) {
	transporttest.Run(t, suiteFeatures, transporttest.Harness{NewInbound: func(t *testing.T) transporttest.Inbound {
		srv := newServer(t)
		sub, err := sftp.NewSubscriber(sftp.Config{Connection: connection(srv), Dir: "/in", Delete: true}, nil)
		require.NoError(t, err)
		var sent []string
		return transporttest.Inbound{
			Sub: sub,
			Send: func(name string, payload []byte) error {
				sent = append(sent, name)
				return srv.Put(path.Join("/in", name), payload)
			},
			Acked: func() []string {
				var gone []string
				for _, name := range sent {
					if !srv.Exists(path.Join("/in", name)) {
						gone = append(gone, name)
					}
				}
				return gone
			},
			Poke: func() { _, _ = sub.Poll() },
		}
	}})
}

// TestSuiteWithoutPosixRename runs the outbound suite against a server
// that lacks posix-rename: uploads fall back to remove and rename.
func TestSuiteWithoutPosixRename(t *testing.T) {
	transporttest.Run(t, suiteFeatures, transporttest.Harness{NewOutbound: func(t *testing.T) transporttest.Outbound {
		srv := newServer(t)
		srv.SetHook(func(op sftptest.Op) error {
			if op.Method == "PosixRename" {
				return pkgsftp.ErrSSHFxOpUnsupported
			}
			return nil
		})
		return newSuiteOutboundOn(t, srv)
	}})
}

func newSuiteInbound(t *testing.T) transporttest.Inbound {
	srv := newServer(t)
	sub, err := sftp.NewSubscriber(sftp.Config{Connection: connection(srv), Dir: "/in"}, nil)
	require.NoError(t, err)
	return transporttest.Inbound{
		Sub:  sub,
		Send: func(name string, payload []byte) error { return srv.Put(path.Join("/in", name), payload) },
		Acked: func() []string {
			var names []string
			for _, f := range files(t, srv, "/in/archive") {
				names = append(names, path.Base(f))
			}
			return names
		},
		Poke: func() { _, _ = sub.Poll() },
	}
}

func newSuiteOutbound(t *testing.T) transporttest.Outbound {
	return newSuiteOutboundOn(t, newServer(t))
}

func newSuiteOutboundOn(t *testing.T, srv *sftptest.Server) transporttest.Outbound {
	pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: connection(srv), Dir: "/out", Extension: ".edi"}, nil)
	require.NoError(t, err)
	return transporttest.Outbound{Pub: pub, Delivered: func() map[string][]byte {
		return delivered(t, srv, "/out", ".edi")
	}}
}

// delivered reads the complete files in dir, keyed by name without ext.
// A file that does not end in ext fails the test.
func delivered(t *testing.T, srv *sftptest.Server, dir, ext string) map[string][]byte {
	names, err := srv.List(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, name := range names {
		if strings.HasSuffix(name, ".part") {
			continue
		}
		require.True(t, strings.HasSuffix(name, ext), "unexpected file %s", name)
		b, err := srv.ReadFile(path.Join(dir, name))
		require.NoError(t, err)
		out[strings.TrimSuffix(name, ext)] = b
	}
	return out
}
