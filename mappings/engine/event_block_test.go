//go:build !purego

package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// A COREOR's event holds its release, pickup terminal, equipment and
// voyage in the allocation of the event itself, and leaves the structs
// the message does not fill unset.
func TestEventBlockHoldsStructs(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	in := filepath.Join("..", "..", "fixtures", "portbase", "coreor", "d00b-two-containers", "input.edi")
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	var events []*canonical.ReleaseEvent
	err = reg.Decode(bytes.NewReader(data), mappings.DecodeOptions{Name: "input.edi", From: "portbase/coreor"}, func(b mappings.Batch) error {
		events = append(events, b.Events...)
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, events)
	for _, e := range events {
		start := uintptr(unsafe.Pointer(e))
		inBlock := func(p unsafe.Pointer) bool {
			return uintptr(p) > start && uintptr(p) < start+4096
		}
		require.NotNil(t, e.Release)
		require.True(t, inBlock(unsafe.Pointer(e.Release)), "release beside the event")
		require.NotNil(t, e.Equipment)
		require.True(t, inBlock(unsafe.Pointer(e.Equipment)), "equipment beside the event")
		require.Nil(t, e.Transfer, "a struct no field fills stays unset")
		require.Nil(t, e.Gate)
	}
}
