package edifact_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// result is what one call of Next returned.
type result struct {
	msg *edifact.Message
	err error
}

// readAll calls Next until io.EOF, with a bound so a bug cannot loop.
func readAll(t testing.TB, in string, opts edifact.ReaderOptions) []result {
	t.Helper()
	r := edifact.NewReader(strings.NewReader(in), opts)
	var out []result
	for range 10000 {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			// io.EOF is final: ask once more.
			_, again := r.Next()
			require.ErrorIs(t, again, io.EOF)
			return out
		}
		out = append(out, result{m, err})
	}
	require.FailNow(t, "reader did not reach io.EOF")
	return nil
}

// shape renders segments as "TAG+a:b+c" with the default delimiters and
// no escaping, for compact expectations.
func shape(segs []edifact.Segment) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		var b strings.Builder
		b.WriteString(s.Tag)
		for _, e := range s.Elements {
			b.WriteString("+" + strings.Join(e, ":"))
		}
		out[i] = b.String()
	}
	return out
}

// tagsAndValues strips positions so segments read from different layouts
// compare equal.
func tagsAndValues(segs []edifact.Segment) []edifact.Segment {
	out := make([]edifact.Segment, len(segs))
	for i, s := range segs {
		out[i] = edifact.Segment{Tag: s.Tag, Elements: s.Elements}
	}
	return out
}

// asError returns the first *edifact.Error in err.
func asError(t testing.TB, err error) *edifact.Error {
	t.Helper()
	var e *edifact.Error
	require.ErrorAs(t, err, &e)
	return e
}

// interchange wraps body segments (one per line) in UNB/UNZ.
func interchange(charset string, body ...string) string {
	return "UNB+" + charset + ":3+SENDER+RECIPIENT+260101:1200+REF1'\n" + strings.Join(body, "\n") + "\n"
}
