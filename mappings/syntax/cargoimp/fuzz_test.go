package cargoimp_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// FuzzParseFSU checks that no input panics and that whatever parses also
// writes, and parses back to the same message.
func FuzzParseFSU(f *testing.F) {
	for _, b := range seedfiles.Read(f, "testdata/*.fsu", "testdata/*.txt", "../../../fixtures/*/*/*/input.fsu") {
		f.Add(b)
	}
	f.Add([]byte("FSU/1\n000-00000000AAABBB/P01K0.0T01\nTRM/9A/ZZZ/D0/\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := cargoimp.ParseFSU(in, cargoimp.Options{MaxBytes: 1 << 16})
		if err != nil {
			var e *cargoimp.Error
			require.ErrorAs(t, err, &e, "every failure is an *Error: %v", err)
			return
		}
		var out bytes.Buffer
		require.NoError(t, cargoimp.WriteFSU(&out, m), "a parsed message must write")
		back, err := cargoimp.ParseFSU(out.Bytes(), cargoimp.Options{})
		require.NoError(t, err, "written output must parse:\n%s", out.String())
		assert.Equal(t, normalise(m), normalise(back))

		var again bytes.Buffer
		require.NoError(t, cargoimp.WriteFSU(&again, back))
		assert.Equal(t, out.String(), again.String(), "writing is idempotent")
	})
}
