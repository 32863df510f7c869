package pipeline_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// newIdle builds the default gateway in a new folder, its monitor on addr.
func newIdle(t *testing.T, addr string) *pipeline.Gateway {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	cfg := pipeline.DefaultConfig(filepath.Join(t.TempDir(), "data"), func(p string) bool {
		pr, err := reg.Profile(p)
		return err == nil && pr.CanEncode()
	})
	cfg.Monitor.Listen = addr
	gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
	require.NoError(t, err)
	return gw
}

// Listen binds before Run serves; Close releases what Listen bound, and a
// closed gateway neither listens nor runs again.
func TestListenThenClose(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := free.Addr().String()
	require.NoError(t, free.Close())

	gw := newIdle(t, addr)
	require.NoError(t, gw.Listen())
	require.NoError(t, gw.Listen(), "a second Listen keeps the listeners")
	_, err = net.Listen("tcp", addr)
	require.Error(t, err, "the monitor's address is bound")

	// The router never ran: Close does not wait for its handlers (its
	// close timeout is 10 s).
	start := time.Now()
	require.NoError(t, gw.Close())
	assert.Less(t, time.Since(start), 5*time.Second)
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err, "Close released the address")
	require.NoError(t, ln.Close())

	require.Error(t, gw.Listen())
	require.Error(t, gw.Run(context.Background()))
}
