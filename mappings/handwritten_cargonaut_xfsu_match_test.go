package mappings_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHandwrittenCargonautXFSUMatchesEngine holds the XFSU baseline to the
// profile: on every good case of the cargonaut/xfsu pack both decoders
// give the same events, ids included, and every bad case is refused by the
// hand-written decoder too.
func TestHandwrittenCargonautXFSUMatchesEngine(t *testing.T) {
	good := matchHandwritten(t, handMatch{profile: "cargonaut/xfsu", input: "input.xml", decode: newHandXFSU().Decode})
	assert.GreaterOrEqual(t, good, 12, "the pack has fewer good cases than expected")
}
