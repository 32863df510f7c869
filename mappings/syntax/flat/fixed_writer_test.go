package flat_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

func TestFixedWriteReproducesFile(t *testing.T) {
	want, err := os.ReadFile("testdata/release.txt")
	require.NoError(t, err)
	opts := flat.FixedOptions{Layouts: releaseLayouts()}
	recs, errs := readFixed(t, string(want), opts)
	require.Empty(t, errs)
	var buf bytes.Buffer
	w := flat.NewFixedWriter(&buf, opts)
	for _, rec := range recs {
		require.NoError(t, w.WriteRecord(rec))
	}
	require.NoError(t, w.Flush())
	assert.Equal(t, string(want), buf.String())
}

func TestFixedWrite(t *testing.T) {
	single := func(length int, fields ...flat.FixedField) map[string]flat.FixedLayout {
		return map[string]flat.FixedLayout{"": {RecordLength: length, Fields: fields}}
	}
	tests := []struct {
		name   string
		opts   flat.FixedOptions
		typ    string
		values map[string]string
		want   string
	}{
		{"pads and aligns", flat.FixedOptions{Layouts: single(0,
			flat.FixedField{Name: "a", Start: 1, Length: 4},
			flat.FixedField{Name: "n", Start: 7, Length: 5, Align: "right", Pad: "0"},
			flat.FixedField{Name: "r", Start: 12, Length: 3, Align: "right"},
		)}, "", map[string]string{"a": "AB", "n": "42", "r": "x"}, "AB    00042  x\n"},
		{"missing fields blank, record length filled", flat.FixedOptions{Layouts: single(8, flat.FixedField{Name: "a", Start: 1, Length: 2})}, "", nil, "        \n"},
		{"negative number", flat.FixedOptions{Layouts: single(0, flat.FixedField{Name: "n", Start: 1, Length: 6, Align: "right", Pad: "0"})}, "", map[string]string{"n": "-12"}, "-00012\n"},
		{"empty number is blank", flat.FixedOptions{Layouts: single(0, flat.FixedField{Name: "n", Start: 1, Length: 4, Align: "right", Pad: "0"})}, "", map[string]string{"n": ""}, "    \n"},
		{"zero", flat.FixedOptions{Layouts: single(0, flat.FixedField{Name: "n", Start: 1, Length: 4, Align: "right", Pad: "0"})}, "", map[string]string{"n": "0"}, "0000\n"},
		{"exact fit", flat.FixedOptions{Layouts: single(0, flat.FixedField{Name: "a", Start: 1, Length: 3})}, "", map[string]string{"a": "ÄÖÜ"}, "ÄÖÜ\n"},
		{"record type", flat.FixedOptions{Layouts: releaseLayouts()}, "T9", map[string]string{"count": "7"}, "T9000007" + strings.Repeat(" ", 72) + "\n"},
		{"latin-1 and CRLF", flat.FixedOptions{Encoding: "iso-8859-1", CRLF: true, Layouts: single(0, flat.FixedField{Name: "a", Start: 1, Length: 7})}, "", map[string]string{"a": "Brügge"}, "Br\xfcgge \r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := flat.NewFixedWriter(&buf, tt.opts)
			require.NoError(t, w.Write(tt.typ, tt.values))
			require.NoError(t, w.Flush())
			assert.Equal(t, tt.want, buf.String())
		})
	}
}

func TestFixedWriteErrors(t *testing.T) {
	opts := flat.FixedOptions{Name: "out.txt", Layouts: releaseLayouts()}
	tests := []struct {
		name     string
		opts     flat.FixedOptions
		typ      string
		values   map[string]string
		sentinel error
		want     string
	}{
		{"value too long", opts, "D1", map[string]string{"containerNumber": "CSQU30543831"}, flat.ErrFieldTooLong,
			`out.txt:1:3: field "containerNumber" "CSQU30543831" is 12 characters, the field holds 11`},
		{"long value clipped", opts, "D1", map[string]string{"containerNumber": strings.Repeat("C", 100)}, flat.ErrFieldTooLong,
			`out.txt:1:3: field "containerNumber" "` + strings.Repeat("C", errtext.MaxValue) + `"… is 100 characters, the field holds 11`},
		{"unknown field", opts, "D1", map[string]string{"containerNumber": "x", "sael": "S1"}, flat.ErrUnknownField,
			`out.txt:1: field "sael" is not in layout "D1"`},
		{"unknown record type", opts, "X1", nil, flat.ErrUnknownRecordType,
			`out.txt:1: record type "X1" is not one of "D1", "H0", "T9"`},
		{"record type with a single layout", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1}}}}}, "D1", nil, flat.ErrUnknownRecordType,
			`line 1: record type "D1" is not one of "" (the only layout)`},
		{"control character", opts, "D1", map[string]string{"releaseTo": "a\nb"}, flat.ErrControlChar,
			`out.txt:1:59: field "releaseTo" "a\nb" contains control character '\n'`},
		{"invalid UTF-8", opts, "D1", map[string]string{"releaseTo": "Br\xfcgge"}, flat.ErrEncoding,
			`out.txt:1:59: field "releaseTo" "Br\xfcgge": byte 0xFC is not UTF-8 text`},
		{"not latin-1", flat.FixedOptions{Encoding: "iso-8859-1", Layouts: releaseLayouts()}, "D1", map[string]string{"releaseTo": "€"}, flat.ErrEncoding,
			`line 1 column 59: field "releaseTo" "€": character '€' (U+20AC) has no ISO 8859-1 form`},
		{"byte order mark", opts, "D1", map[string]string{"releaseTo": "\uFEFFx"}, flat.ErrEncoding,
			`out.txt:1:59: field "releaseTo" "\ufeffx" contains U+FEFF, which readers take for a byte order mark`},
		{"invalid options", flat.FixedOptions{}, "", nil, flat.ErrLayout, `options have no layouts`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := flat.NewFixedWriter(&buf, tt.opts)
			err := w.Write(tt.typ, tt.values)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.want, err.Error())
			if !errors.Is(err, flat.ErrLayout) {
				require.NoError(t, w.Flush())
				assert.Empty(t, buf.String(), "refused record not written")
			}
		})
	}
}

func TestFixedWriteRecordTypeField(t *testing.T) {
	typ := &flat.FixedField{Start: 1, Length: 2}
	opts := flat.FixedOptions{Layouts: map[string]flat.FixedLayout{
		"A1": {RecordType: typ, Fields: []flat.FixedField{{Name: "kind", Start: 1, Length: 2}, {Name: "v", Start: 3, Length: 2}}},
		"B1": {RecordType: typ, Fields: []flat.FixedField{{Name: "kind", Start: 1, Length: 2}}},
	}}
	var buf bytes.Buffer
	w := flat.NewFixedWriter(&buf, opts)
	require.NoError(t, w.Write("A1", map[string]string{"kind": "A1", "v": "x"}))
	require.NoError(t, w.Write("B1", nil))
	err := w.Write("A1", map[string]string{"kind": "B1"})
	require.ErrorIs(t, err, flat.ErrUnknownRecordType)
	assert.Equal(t, `line 3 column 1: field "kind" is "B1", but the record type is "A1"`, err.Error())
	require.NoError(t, w.Flush())
	assert.Equal(t, "A1x \nB1\n", buf.String())
	recs, errs := readFixed(t, buf.String(), opts)
	assert.Empty(t, errs)
	assert.Equal(t, []flat.Record{
		{Line: 1, Type: "A1", Names: []string{"kind", "v"}, Values: []string{"A1", "x"}},
		{Line: 2, Type: "B1", Names: []string{"kind"}, Values: []string{"B1"}},
	}, recs)
}

func TestFixedWriteRecordUnknownName(t *testing.T) {
	w := flat.NewFixedWriter(&bytes.Buffer{}, flat.FixedOptions{Layouts: releaseLayouts()})
	err := w.WriteRecord(flat.Record{Type: "T9", Names: []string{"cnt"}, Values: []string{"1"}})
	require.ErrorIs(t, err, flat.ErrUnknownField)
	assert.Equal(t, `line 1: field "cnt" is not in layout "T9"`, err.Error())
}

func TestFixedWriteErrorIsSticky(t *testing.T) {
	boom := errors.New("disk full")
	w := flat.NewFixedWriter(failingWriter{boom}, flat.FixedOptions{Layouts: releaseLayouts()})
	require.NoError(t, w.Write("T9", nil))
	require.ErrorIs(t, w.Flush(), boom)
	assert.ErrorIs(t, w.Write("T9", nil), boom)
}
