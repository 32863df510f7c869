package pipeline

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/filedrop"
	"github.com/nexport/pcsgate/transports/store"
)

// A message an inbound endpoint accepts must fit the store as a dead
// letter: with the store's 16 MiB default under the file drop's 64 MiB
// max_bytes, a refused file between the two failed its dead letter and
// came back under a new id for ever.
func TestStoreCapCoversEveryInboundMaxBytes(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	dir := t.TempDir()
	cfg := DefaultConfig(dir, func(p string) bool {
		pr, err := reg.Profile(p)
		return err == nil && pr.CanEncode()
	})
	cfg.Store = "sqlite:" + filepath.Join(dir, "pcsgate.db")
	var big *filedrop.Config
	for i := range cfg.Endpoints {
		if f := cfg.Endpoints[i].Filedrop; f != nil && big == nil {
			big = f
		}
	}
	require.NotNil(t, big, "the default configuration has a file drop")
	big.MaxBytes = 40 << 20

	cfg.setDefaults()
	capBytes := storeMaxBytes(cfg)
	for _, ep := range cfg.Endpoints {
		if f := ep.Filedrop; f != nil {
			assert.GreaterOrEqual(t, int64(capBytes), max(f.MaxBytes, filedrop.DefaultMaxBytes)+storeHeadroom, ep.Name)
		}
	}

	g, err := New(context.Background(), cfg, reg, watermill.NopLogger{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = g.Close() })
	// A dead letter as large as the largest file the drop takes, with its
	// reason, is kept.
	payload := make([]byte, filedrop.DefaultMaxBytes)
	require.NoError(t, g.store.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.AddDeadLetter(store.DeadLetter{ID: "big", Stage: "intake", Endpoint: "partner-in",
			Reason: "cannot decode", Payload: payload})
	}))
}

func TestInboundMaxBytesOverStoreLimitRefused(t *testing.T) {
	cfg := DefaultConfig(t.TempDir(), func(string) bool { return true })
	require.NoError(t, cfg.Validate())
	for i := range cfg.Endpoints {
		if f := cfg.Endpoints[i].Filedrop; f != nil {
			f.MaxBytes = maxInboundBytes + 1
			break
		}
	}
	err := cfg.Validate()
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "filedrop.max_bytes 536870913: at most 536870912 expected")
}
