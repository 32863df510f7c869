package jsonmap_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/engine"
)

// goodDocs are the inputs of the good fixture cases of profile, each on
// one line.
func goodDocs(t testing.TB, profile string) [][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("../../../../fixtures", profile, "*", "input.json"))
	require.NoError(t, err)
	var out [][]byte
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(filepath.Dir(p)), "bad-") {
			continue
		}
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, readFile(t, p)))
		out = append(out, buf.Bytes())
	}
	require.NotEmpty(t, out, "good cases of %s", profile)
	return out
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// decodeAll decodes in and returns its batches and its problems.
func decodeAll(t *testing.T, in []byte, opts mappings.DecodeOptions) ([]mappings.Batch, error) {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	var batches []mappings.Batch
	err = reg.Decode(bytes.NewReader(in), opts, func(b mappings.Batch) error {
		batches = append(batches, b)
		return nil
	})
	return batches, err
}

// eventIDs are the ids of the events of batches.
func eventIDs(batches []mappings.Batch) []string {
	var ids []string
	for _, b := range batches {
		for _, e := range b.Events {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// A JSON Lines input: each line is decoded, its profile detected, as the
// document alone would be; blank lines are skipped; a bad line is one
// LineError naming its line, and the lines after it are still read.
func TestDecodeLines(t *testing.T) {
	cpu, cci := goodDocs(t, "cpu/notification")[0], goodDocs(t, "portbase/cci-status")[0]
	in := bytes.Join([][]byte{cpu, {}, []byte(`{"a": 1,,}`), []byte("  \t"), cci, []byte(`{"hello":"world"}`)}, []byte("\n"))
	batches, err := decodeAll(t, in, mappings.DecodeOptions{Name: "export.jsonl", CredentialKey: []byte("k")})

	alone := func(doc []byte) []mappings.Batch {
		b, err := decodeAll(t, doc, mappings.DecodeOptions{Name: "doc.json", CredentialKey: []byte("k")})
		require.NoError(t, err)
		return b
	}
	require.Len(t, batches, 2)
	assert.Equal(t, eventIDs(alone(cpu)), eventIDs(batches[:1]))
	assert.Equal(t, eventIDs(alone(cci)), eventIDs(batches[1:]))
	assert.Equal(t, "cpu/notification", batches[0].Profile.Name())
	assert.Equal(t, "portbase/cci-status", batches[1].Profile.Name())
	for i, want := range []struct {
		line int
		doc  []byte
	}{{1, cpu}, {5, cci}} {
		s := batches[i].Span
		assert.Equal(t, want.line, s.Line)
		assert.Equal(t, want.doc, in[s.Start:s.End], "the span is the line")
	}

	assert.Equal(t, []string{
		`export.jsonl:3:9: "," where a quoted object key was expected`,
		"export.jsonl:6: no profile matches: no JSON profile recognises this document; name one with --from",
	}, mappings.Lines(err))
	var lines []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var le *engine.LineError
		require.ErrorAs(t, e, &le)
		lines = append(lines, le.Line)
		assert.Equal(t, strings.Split(string(in), "\n")[le.Line-1], string(in[le.Start:le.End]))
	}
	assert.Equal(t, []int{3, 6}, lines)
	assert.ErrorIs(t, err, engine.ErrNoProfile)
}

// Lines ending in CRLF read the same; --lines (Lines) reads any name as
// JSON Lines, and .ndjson is JSON Lines too.
func TestDecodeLinesCRLFAndNames(t *testing.T) {
	docs := goodDocs(t, "cpu/notification")
	in := append(bytes.Join(docs, []byte("\r\n")), "\r\n"...)
	for _, opts := range []mappings.DecodeOptions{{Name: "x.txt", Lines: true}, {Name: "EXPORT.NDJSON"}, {Name: "a.jsonl", From: "cpu/notification"}} {
		batches, err := decodeAll(t, in, opts)
		require.NoError(t, err, opts.Name)
		require.Len(t, batches, len(docs), opts.Name)
		for i, b := range batches {
			assert.Equal(t, docs[i], in[b.Span.Start:b.Span.End], "%s line %d without its line end", opts.Name, i+1)
		}
	}
	// Without either, several documents are no JSON document.
	_, err := decodeAll(t, in, mappings.DecodeOptions{Name: "x.json"})
	assert.ErrorContains(t, err, "after the document")
}

// A profile that does not read JSON cannot read JSON Lines; an empty JSON
// Lines input has no messages and no problems.
func TestDecodeLinesEdges(t *testing.T) {
	_, err := decodeAll(t, goodDocs(t, "cpu/notification")[0], mappings.DecodeOptions{Name: "a.jsonl", From: "portbase/coreor"})
	assert.EqualError(t, err, "a.jsonl: input rejected: read as JSON Lines, but portbase/coreor reads edifact")
	batches, err := decodeAll(t, []byte("\n\r\n  \n"), mappings.DecodeOptions{Name: "empty.jsonl"})
	assert.NoError(t, err)
	assert.Empty(t, batches)
}

// An error from emit stops reading at once.
func TestDecodeLinesEmitStops(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	docs := goodDocs(t, "cpu/notification")
	require.Greater(t, len(docs), 1)
	stop := errors.New("stop")
	calls := 0
	err = reg.Decode(bytes.NewReader(bytes.Join(docs, []byte("\n"))), mappings.DecodeOptions{Name: "a.jsonl"}, func(mappings.Batch) error {
		calls++
		return stop
	})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, calls)
}

// Lines are decoded as they are read: the events of the lines before a
// failing read are emitted, and the failure names the line it stopped at.
func TestDecodeLinesStreams(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	docs := goodDocs(t, "cpu/notification")
	require.Greater(t, len(docs), 1)
	boom := errors.New("connection reset")
	in := io.MultiReader(bytes.NewReader(append(bytes.Join(docs[:2], []byte("\n")), "\n"...)), iotest.ErrReader(boom))
	n := 0
	err = reg.Decode(in, mappings.DecodeOptions{Name: "a.jsonl"}, func(mappings.Batch) error {
		n++
		return nil
	})
	assert.Equal(t, 2, n, "both lines before the failure")
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "a.jsonl:3: connection reset")
}

// FuzzDecodeLines: any input read as JSON Lines must not panic; each
// batch's span is one line of the input, each event passes the canonical
// schema and each problem is one line.
func FuzzDecodeLines(f *testing.F) {
	var all [][]byte
	for _, p := range []string{"cpu/notification", "portbase/cci-status", "scr/event", "scr/release"} {
		all = append(all, goodDocs(f, p)...)
	}
	f.Add(bytes.Join(all, []byte("\n")))
	for _, d := range all {
		f.Add(append(append([]byte("\n\r\n"), d...), "\n{"...))
	}
	reg, err := mappings.Default()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, in []byte) {
		err := reg.Decode(bytes.NewReader(in), mappings.DecodeOptions{Name: "fuzz.jsonl", CredentialKey: []byte("k")}, func(b mappings.Batch) error {
			line := in[b.Span.Start:b.Span.End]
			require.NotContains(t, string(line), "\n")
			for _, e := range b.Events {
				js, err := json.Marshal(e)
				require.NoError(t, err)
				require.NoError(t, canonical.ValidateEventJSON(js))
			}
			return nil
		})
		for _, l := range mappings.Lines(err) {
			assert.True(t, strings.HasPrefix(l, "fuzz.jsonl:"), l)
		}
	})
}
