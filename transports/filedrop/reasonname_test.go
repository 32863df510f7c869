package filedrop_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/filedrop"
)

func TestReasonNameFitsTheNameLimit(t *testing.T) {
	assert.Equal(t, "a.edi.error.txt", filedrop.ReasonNameForTest("a.edi"))

	// 2-, 3- and 4-byte characters so that every cut can fall inside one.
	for _, unit := range []string{"é", "€", "🚢", "a"} {
		for _, n := range []int{240, 245, 250, 255} {
			long := strings.Repeat(unit, n/len(unit))
			long += strings.Repeat("x", n-len(long))
			other := long[:len(long)-1] + "y"
			a, b := filedrop.ReasonNameForTest(long), filedrop.ReasonNameForTest(other)
			assert.LessOrEqual(t, len(a), 255, "%q", a)
			assert.True(t, utf8.ValidString(a), "%q", a)
			assert.True(t, strings.HasSuffix(a, ".error.txt"), "%q", a)
			assert.NotEqual(t, a, b, "two long names share a reason file")
		}
	}
}

// A file whose name is as long as a name may be (refused: too long to be
// safe elsewhere) lands in error/ with a reason file of a name the file
// system takes.
func TestLongNameRefusedWithReason(t *testing.T) {
	m := newManual(t, func(c *filedrop.Config) { c.MaxBytes = 4 })
	name := strings.Repeat("é", 125) + ".edi" // 254 bytes
	m.write(t, name, "too big")
	m.write(t, "ok.edi", "UNB")
	m.subscribe(t)
	m.settle(t)
	msg := m.receive(t)
	assert.Equal(t, "UNB", string(msg.Payload))
	require.True(t, msg.Ack())

	reason := filepath.Join(m.dir, "error", filedrop.ReasonNameForTest(name))
	waitFile(t, reason)
	assert.Contains(t, readFile(t, reason), "is not a safe file name")
	assert.Equal(t, "too big", readFile(t, filepath.Join(m.dir, "error", name)))
	_, err := os.Stat(filepath.Join(m.dir, name))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
