package edifact_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// TestRecycle reads messages one after the other, recycling each before
// the next: the values taken from a recycled message stay what they
// were, the next message reads right, and the component slices kept with
// keepComponents are not overwritten.
func TestRecycle(t *testing.T) {
	in := "UNB+UNOC:3+S+R+260101:1200+REF'" +
		"UNH+1+COREOR:D:00B:UN'BGM+129+DOC1+9'EQD+CN+ABCU1234560:X'UNT+4+1'" +
		"UNH+2+COREOR:D:00B:UN'BGM+129+DOC2+9'EQD+CN+WXYZ7654321:Y'UNT+4+2'" +
		"UNH+3+COREOR:D:00B:UN'BGM+129+DOC3+9'EQD+CN+MNOP1111111:Z'UNT+4+3'" +
		"UNZ+3+REF'"
	r := edifact.NewReader(strings.NewReader(in), edifact.ReaderOptions{})
	var docs []string
	var kept []string
	for i := range 3 {
		m, err := r.Next()
		require.NoError(t, err)
		require.Len(t, m.Segments, 4)
		docs = append(docs, m.Segments[1].Value(2, 1))
		if i == 1 {
			kept = m.Segments[2].Composite(2)
			m.Recycle(true)
			continue
		}
		m.Recycle(false)
		require.Nil(t, m.Segments)
	}
	require.Equal(t, []string{"DOC1", "DOC2", "DOC3"}, docs)
	require.Equal(t, []string{"WXYZ7654321", "Y"}, kept)
}

// TestReaderRelease reads an interchange halfway, releases the Reader and
// reads another with a new one: the second reads from its own start, and
// what the first returned stays as it was.
func TestReaderRelease(t *testing.T) {
	first := "UNB+UNOC:3+S1+R+260101:1200+REF1'UNH+1+COREOR:D:00B:UN'BGM+129+A+9'UNT+3+1'" +
		"UNH+2+COREOR:D:00B:UN'BGM+129+B+9'UNT+3+2'UNZ+2+REF1'"
	r := edifact.NewReader(strings.NewReader(first), edifact.ReaderOptions{})
	m, err := r.Next()
	require.NoError(t, err)
	ic, err := r.Interchange()
	require.NoError(t, err)
	r.Release()
	second := "UNA:+.? 'UNB+UNOC:3+S2+R+260101:1300+REF2'UNH+9+COREOR:D:00B:UN'BGM+129+C+9'UNT+3+9'UNZ+1+REF2'"
	r = edifact.NewReader(strings.NewReader(second), edifact.ReaderOptions{})
	m2, err := r.Next()
	require.NoError(t, err)
	ic2, err := r.Interchange()
	require.NoError(t, err)
	r.Release()
	require.Equal(t, "A", m.Segments[1].Value(2, 1))
	require.Equal(t, "C", m2.Segments[1].Value(2, 1))
	require.Equal(t, []string{"S1", "REF1", "S2", "REF2"}, []string{ic.Sender, ic.ControlRef, ic2.Sender, ic2.ControlRef})
	require.True(t, ic2.UNA)
	require.False(t, ic.UNA)
}
