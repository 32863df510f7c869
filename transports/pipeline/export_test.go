package pipeline

import (
	"bytes"
	"io"
	"testing"

	"github.com/nexport/pcsgate/mappings"
)

// DefaultProcsForTest is the Go runtime's own GOMAXPROCS.
var DefaultProcsForTest = defaultProcs

// SecretMarkerForTest stands in for the engine's secret declarations until
// the test ends: a message whose bytes contain marker is reported as
// carrying a secret (DecodeOptions.SecretSeen), and is otherwise decoded
// as usual. Call it before starting a gateway.
func SecretMarkerForTest(t testing.TB, marker string) {
	prev := decodeWith
	decodeWith = func(r *mappings.Registry, in io.Reader, opts mappings.DecodeOptions, emit func(mappings.Batch) error) error {
		b, err := io.ReadAll(in)
		if err != nil {
			return err
		}
		if opts.SecretSeen != nil && bytes.Contains(b, []byte(marker)) {
			opts.SecretSeen()
		}
		return prev(r, bytes.NewReader(b), opts, emit)
	}
	t.Cleanup(func() { decodeWith = prev })
}
