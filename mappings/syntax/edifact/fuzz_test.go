package edifact_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// seedFiles returns the sample interchanges of this package and every
// conformance fixture input.
func seedFiles(f *testing.F) [][]byte {
	local, err := filepath.Glob("testdata/*.edi")
	require.NoError(f, err)
	fixtures, err := filepath.Glob("../../../fixtures/*/*/*/input.edi")
	require.NoError(f, err)
	var out [][]byte
	for _, p := range append(local, fixtures...) {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		out = append(out, b)
	}
	return out
}

// FuzzReader reads arbitrary input: it must never panic, every error must
// render as one line per problem, and every good message must survive
// being written and read again.
func FuzzReader(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	for _, s := range []string{
		"", "UNA", "UNA:+.? 'UNH", "UNH+1+X'UNT+2+1'", "UNH+1+X'FTX+??'UNT+3+1'",
		"UNB+UNOY:4+S+R+1:2+I'UNH+1+X'FTX+\xc3'UNT+3+1'UNZ+1+I'",
		"UNB\x1dUNOB\x1f3\x1dS\x1dR\x1d1\x1f2\x1dI\x1cUNH\x1d1\x1dX\x1cUNT\x1d2\x1d1\x1cUNZ\x1d1\x1dI\x1c",
		"UNA:+.? \nUNH+1+X\r\nFTX+A?\r\nUNT+3+1\n",
		"UNB+UNOC:3+S+R+1:2+I'UNG+X+S+R+1:2+G'UNH+1+X'UNT+2+1'UNE+1+G'UNZ+1+I'",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		readEach(t, in, edifact.ReaderOptions{MaxSegmentBytes: 4096, MaxMessageSegments: 1000}, func(m *edifact.Message) {
			roundTrip(t, m)
		})
	})
}

// readEach reads every message of in, checks that each error is one line,
// and hands the good messages to each; the reader must reach io.EOF.
func readEach(t *testing.T, in []byte, opts edifact.ReaderOptions, each func(*edifact.Message)) {
	r := edifact.NewReader(bytes.NewReader(in), opts)
	for range 1000 {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			checkErrorLines(t, err)
			continue
		}
		each(m)
	}
	require.FailNow(t, "reader did not reach io.EOF")
}

// FuzzCheckElements reads arbitrary input with every value checked against
// its data element: errors stay one line each, and a message that passes
// the reader's checks passes the writer's.
func FuzzCheckElements(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Add([]byte("UNB+UNOC:3+S+R+260101:930+I'UNH+0123456789ABCDEF+X'CNT+16:x'UNT+000003+0123456789ABCDEF'UNZ+1+I'"))
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := edifact.ReaderOptions{MaxSegmentBytes: 4096, MaxMessageSegments: 1000, CheckElements: true}
		readEach(t, in, opts, func(m *edifact.Message) {
			var buf bytes.Buffer
			w := edifact.NewWriter(&buf, edifact.WriterOptions{Charset: "UNOY", CheckElements: true})
			require.NoError(t, w.WriteMessage(m))
		})
	})
}

// checkErrorLines requires each *Error in err to render on one line.
func checkErrorLines(t *testing.T, err error) {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ee *edifact.Error
		require.ErrorAs(t, e, &ee)
		assert.NotContains(t, ee.Error(), "\n")
	}
}

// roundTrip writes m as a bare UNOY message and reads it back.
func roundTrip(t *testing.T, m *edifact.Message) {
	t.Helper()
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{Charset: "UNOY"})
	require.NoError(t, w.WriteMessage(m))
	require.NoError(t, w.Flush())
	again, err := edifact.ParseMessage(buf.Bytes(), edifact.ReaderOptions{Charset: "UNOY"})
	require.NoError(t, err, "written: %q", buf.String())
	n := len(m.Segments)
	require.Len(t, again.Segments, n)
	assert.Equal(t, tagsAndValues(m.Segments[:n-1]), tagsAndValues(again.Segments[:n-1]))
	unt, unt2 := m.Segments[n-1], again.Segments[n-1]
	n1, err1 := strconv.Atoi(unt.Value(1, 1))
	n2, err2 := strconv.Atoi(unt2.Value(1, 1))
	assert.Equal(t, err1 == nil, err2 == nil)
	assert.Equal(t, n1, n2, "UNT counts the same (the writer drops leading zeros)")
	assert.Equal(t, unt.Value(2, 1), unt2.Value(2, 1))
}

// FuzzWriteRead writes arbitrary values with arbitrary delimiters in UNOY
// and requires them to read back unchanged.
func FuzzWriteRead(f *testing.F) {
	f.Add("O'BRIEN + SONS: A?B", "", "Société 東京", byte(':'), byte('+'), byte('?'), byte('\''))
	f.Add("a|b*c!d", "~", "line\nbreak\r", byte('|'), byte('*'), byte('!'), byte('~'))
	f.Add("\r", "x\r\n", "", byte(':'), byte('+'), byte('?'), byte('\n'))
	f.Add("?", "??", "???'", byte(':'), byte('+'), byte('?'), byte('\''))
	for _, b := range seedFiles(f) {
		if m, err := edifact.ParseMessage(b, edifact.ReaderOptions{}); err == nil && len(m.Segments) > 2 {
			s := m.Segments[1]
			f.Add(s.Value(1, 1), s.Value(2, 1), s.Value(3, 2), byte(':'), byte('+'), byte('?'), byte('\''))
		}
	}
	f.Fuzz(func(t *testing.T, a, b, c string, comp, elem, rel, term byte) {
		d := edifact.Delims{Component: comp, Element: elem, Decimal: '.', Release: rel, Repetition: ' ', Segment: term}
		if d.Validate() != nil {
			return
		}
		elements := [][]string{{a, b}, {c}}
		var buf bytes.Buffer
		w := edifact.NewWriter(&buf, edifact.WriterOptions{Charset: "UNOY", Delims: d})
		require.NoError(t, w.BeginInterchange(testIC))
		require.NoError(t, w.BeginMessage("M1", coreorID))
		err := w.WriteSegment("FTX", elements)
		if rel == 0 && errors.Is(err, edifact.ErrSyntax) {
			return // a service character in data needs a release character
		}
		if !carriable(a) || !carriable(b) || !carriable(c) {
			require.ErrorIs(t, err, edifact.ErrCharset)
			return
		}
		require.NoError(t, err)
		require.NoError(t, w.EndMessage())
		require.NoError(t, w.EndInterchange())
		require.NoError(t, w.Flush())

		got := readAll(t, buf.String(), edifact.ReaderOptions{})
		require.Len(t, got, 1, "written: %q", buf.String())
		require.NoError(t, got[0].err, "written: %q", buf.String())
		assert.Equal(t, normalize(elements), got[0].msg.Segments[1].Elements, "written: %q", buf.String())
	})
}

// carriable reports whether UNOY can carry s: valid UTF-8 without control
// characters other than TAB, LF and CR.
func carriable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7F && r < 0xA0 {
			return false
		}
	}
	return true
}

// normalize drops trailing empty components and elements as the writer
// and reader do.
func normalize(elements [][]string) [][]string {
	var out [][]string
	for _, e := range elements {
		n := len(e)
		for n > 1 && e[n-1] == "" {
			n--
		}
		if n == 0 {
			out = append(out, []string{""})
			continue
		}
		out = append(out, e[:n])
	}
	for len(out) > 0 && len(out[len(out)-1]) == 1 && out[len(out)-1][0] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func TestNormalize(t *testing.T) {
	assert.Equal(t, [][]string{{"a"}, {""}, {"", "b"}}, normalize([][]string{{"a", ""}, nil, {"", "b", ""}, {"", ""}}))
	assert.Nil(t, normalize([][]string{{""}}))
}

// FuzzContrl checks arbitrary input: it must never panic, and the CONTRL
// of every interchange found must read back without a problem, its values
// fitting the Directory, with one UCM at most per message reported.
func FuzzContrl(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Add([]byte("UNB+UNOX:3+A+B+261126:1000+R'UNH+1+X:D:1:UN'UNT+2+1'UNZ+1+R'"))
	f.Add([]byte("UNB+UNOA:3+A\xc3\xa9+B+261126:1000+R'UNH+1+X:D:1:UN'FTX+\x01'UNT+2+1'"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, rep := range edifact.Check(bytes.NewReader(in), edifact.ReaderOptions{CheckElements: true}) {
			var buf bytes.Buffer
			w := edifact.NewWriter(&buf, edifact.WriterOptions{CheckElements: true})
			require.NoError(t, w.BeginInterchange(edifact.Reply(rep.Interchange, "ACK", time.Time{})))
			require.NoError(t, edifact.WriteContrl(w, "1", rep))
			require.NoError(t, w.EndInterchange())
			require.NoError(t, w.Flush())
			r := edifact.NewReader(&buf, edifact.ReaderOptions{CheckElements: true})
			m, err := r.Next()
			require.NoError(t, err, buf.String())
			assert.LessOrEqual(t, len(m.Segments), 3+3*len(rep.Messages))
		}
	})
}
