package errtext_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/canonical/errtext"
)

func TestAppendPosition(t *testing.T) {
	for _, tc := range []struct {
		name      string
		line, col int
		want      string
	}{
		{"a.edi", 14, 3, "a.edi:14:3: "},
		{"a.edi", 14, 0, "a.edi:14: "},
		{"a.edi", 0, 5, "a.edi: "},
		{"", 7, 0, "line 7: "},
		{"", 7, 2, "line 7 column 2: "},
		{"", 0, 0, ""},
		{"my file.edi", 2, 0, `"my file.edi":2: `},
	} {
		var b strings.Builder
		errtext.AppendPosition(&b, tc.name, tc.line, tc.col)
		assert.Equal(t, tc.want, b.String(), "%q %d %d", tc.name, tc.line, tc.col)
	}
}

func TestClipAndQuote(t *testing.T) {
	assert.Equal(t, "abc", errtext.Clip("abc", 3))
	assert.Equal(t, "abc…", errtext.Clip("abcd", 3))
	assert.Equal(t, "a…", errtext.Clip("aä", 2), "a cut must not split a rune")
	assert.Equal(t, "\x80\x80\x80…", errtext.Clip("\x80\x80\x80\x80\x80", 3), "stray continuation bytes are not all dropped")
	assert.Equal(t, "…", errtext.Clip("abc", 0))
	assert.Equal(t, `"a\nb"`, errtext.Quote("a\nb"))
	long := string(make([]byte, 100))
	q := errtext.Quote(long)
	assert.Equal(t, "…", q[len(q)-len("…"):])
	assert.Len(t, q, 2+4*errtext.MaxValue+len("…"), "NUL bytes are quoted as \\x00")
	x63 := strings.Repeat("x", errtext.MaxValue-1)
	assert.Equal(t, `"`+x63+`"…`, errtext.Quote(x63+"éé"), "a cut must not split a rune")
}

func TestSafeAndOneLine(t *testing.T) {
	assert.Equal(t, "DO134792", errtext.Safe("DO134792"))
	assert.Equal(t, `"DO 1"`, errtext.Safe("DO 1"))
	assert.Equal(t, "a b c", errtext.OneLine(" a\n  b\r\nc "))
	assert.Equal(t, "a  b", errtext.OneLine("a  b"), "spaces inside a line are kept")
}
