package flat_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

func TestCSVWrite(t *testing.T) {
	tests := []struct {
		name    string
		opts    flat.CSVOptions
		header  []string
		records [][]string
		want    string
	}{
		{"plain", flat.CSVOptions{}, []string{"a", "b"}, [][]string{{"1", "2"}}, "a,b\n1,2\n"},
		{"quotes only when needed", flat.CSVOptions{}, nil,
			[][]string{{"x,y", `say "hi"`, "two\nlines", "cr\r", " lead", "trail\t", "plain", ""}},
			"\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\" lead\",\"trail\t\",plain,\n"},
		{"lone empty value quoted", flat.CSVOptions{}, []string{"a"}, [][]string{{""}}, "a\n\"\"\n"},
		{"comment character quoted in first field", flat.CSVOptions{Comment: '#'}, nil, [][]string{{"#1", "#2"}}, "\"#1\",#2\n"},
		{"byte order mark quoted on the first line", flat.CSVOptions{}, nil, [][]string{{"\uFEFFa"}, {"\uFEFFb"}}, "\"\uFEFFa\"\n\uFEFFb\n"},
		{"semicolon and CRLF", flat.CSVOptions{Delimiter: ';', CRLF: true}, []string{"a", "b"}, [][]string{{"1,5", "x;y"}}, "a;b\r\n1,5;\"x;y\"\r\n"},
		{"single quote", flat.CSVOptions{Quote: '\''}, nil, [][]string{{"it's", `"x"`}}, "'it''s',\"x\"\n"},
		{"no quoting", flat.CSVOptions{NoQuote: true}, nil, [][]string{{`5"`, "x"}}, "5\",x\n"},
		{"latin-1", flat.CSVOptions{Encoding: "iso-8859-1"}, nil, [][]string{{"Brügge"}}, "Br\xfcgge\n"},
		{"header from options", flat.CSVOptions{Header: []string{"port", "seal"}}, nil, [][]string{{"NLRTM", "S1"}}, "port,seal\nNLRTM,S1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := flat.NewCSVWriter(&buf, tt.opts)
			if tt.header != nil || tt.opts.Header != nil {
				require.NoError(t, w.WriteHeader(tt.header))
			}
			for _, rec := range tt.records {
				require.NoError(t, w.Write(rec))
			}
			require.NoError(t, w.Flush())
			assert.Equal(t, tt.want, buf.String())

			readOpts := tt.opts
			readOpts.NoHeader = tt.header == nil && tt.opts.Header == nil
			readOpts.Header = nil
			recs, errs := readCSV(t, buf.String(), readOpts)
			assert.Empty(t, errs)
			assert.Equal(t, tt.records, recs, "reads back the same records")
		})
	}
}

func TestCSVWriteErrors(t *testing.T) {
	tests := []struct {
		name     string
		opts     flat.CSVOptions
		header   []string
		record   []string
		sentinel error
		want     string
	}{
		{"ragged", flat.CSVOptions{Name: "out.csv"}, []string{"a", "b"}, []string{"1"}, flat.ErrRaggedRow,
			"out.csv:2: record has 1 fields, header has 2"},
		{"no fields", flat.CSVOptions{}, nil, []string{}, flat.ErrRaggedRow, "line 1: record has no fields"},
		{"NUL", flat.CSVOptions{Name: "out.csv"}, []string{"a", "remarks"}, []string{"1", "x\x00"}, flat.ErrControlChar,
			`out.csv:2: field "remarks" "x\x00": NUL cannot be written`},
		{"invalid UTF-8", flat.CSVOptions{}, nil, []string{"Br\xfcgge"}, flat.ErrEncoding,
			`line 1: field 1 "Br\xfcgge": byte 0xFC is not UTF-8 text`},
		{"not latin-1", flat.CSVOptions{Encoding: "iso-8859-1"}, nil, []string{"ok", "€"}, flat.ErrEncoding,
			`line 1: field 2 "€": character '€' (U+20AC) has no ISO 8859-1 form`},
		{"needs quoting without quoting", flat.CSVOptions{NoQuote: true}, []string{"a"}, []string{"x,y"}, flat.ErrQuote,
			`line 2: field "a" "x,y" needs quoting, but quoting is off`},
		{"too long", flat.CSVOptions{MaxFieldBytes: 3}, nil, []string{"abcd"}, flat.ErrFieldTooLong,
			`line 1: field 1 "abcd": longer than 3 bytes`},
		{"bad options", flat.CSVOptions{Delimiter: '\r'}, nil, []string{"a"}, flat.ErrLayout,
			`delimiter '\r' cannot separate or quote fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := flat.NewCSVWriter(&buf, tt.opts)
			if tt.header != nil {
				require.NoError(t, w.WriteHeader(tt.header))
			}
			err := w.Write(tt.record)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.want, err.Error())
			if !errors.Is(err, flat.ErrLayout) {
				require.NoError(t, w.Flush())
				written := ""
				if tt.header != nil {
					written = strings.Join(tt.header, ",") + "\n"
				}
				assert.Equal(t, written, buf.String(), "refused record not written")
			}
		})
	}
}

func TestCSVWriteHeaderErrors(t *testing.T) {
	var buf bytes.Buffer
	w := flat.NewCSVWriter(&buf, flat.CSVOptions{})
	err := w.WriteHeader([]string{"a", "b", "a"})
	require.ErrorIs(t, err, flat.ErrHeader)
	assert.Equal(t, `line 1: header repeats "a" in columns 1 and 3`, err.Error())
	require.NoError(t, w.Write([]string{"1"}))
	err = w.WriteHeader([]string{"a"})
	require.ErrorIs(t, err, flat.ErrHeader)
	assert.Equal(t, "line 2: header must be the first line", err.Error())
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestCSVWriteErrorIsSticky(t *testing.T) {
	boom := errors.New("disk full")
	w := flat.NewCSVWriter(failingWriter{boom}, flat.CSVOptions{})
	require.NoError(t, w.Write([]string{strings.Repeat("x", 10)}))
	require.ErrorIs(t, w.Flush(), boom)
	assert.ErrorIs(t, w.Write([]string{"y"}), boom)
}
