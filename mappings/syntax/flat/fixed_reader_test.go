package flat_test

import (
	"bufio"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// readFixed reads all records; it returns them and the rendered errors,
// and stops at io.EOF or a repeated (fatal) error.
func readFixed(t *testing.T, in string, opts flat.FixedOptions) ([]flat.Record, []string) {
	t.Helper()
	r := flat.NewFixedReader(strings.NewReader(in), opts)
	var recs []flat.Record
	var errs []string
	var last error
	for range 1000 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, errs
		}
		if err != nil {
			if last != nil && err.Error() == last.Error() {
				return recs, errs
			}
			last = err
			errs = append(errs, err.Error())
			continue
		}
		recs = append(recs, rec)
	}
	t.Fatal("reader did not stop")
	return nil, nil
}

func TestFixedReadFile(t *testing.T) {
	data, err := os.ReadFile("testdata/release.txt")
	require.NoError(t, err)
	recs, errs := readFixed(t, string(data), flat.FixedOptions{Layouts: releaseLayouts(), Name: "release.txt"})
	require.Empty(t, errs)
	require.Len(t, recs, 4)
	assert.Equal(t, flat.Record{Line: 1, Type: "H0", Names: []string{"sender", "created"}, Values: []string{"VANMOERFWD", "202611200814"}}, recs[0])
	assert.Equal(t, []string{"CSQU3054383", "MEDUAN123456", "BEANR", "MSCU", "20261130", "9100", "Brügge Logistics NV"}, recs[2].Values)
	assert.Equal(t, "D1", recs[2].Type)
	kg, ok := recs[1].Get("grossKg")
	assert.True(t, ok)
	assert.Equal(t, "24350", kg)
	count, _ := recs[3].Get("count")
	assert.Equal(t, "2", count)
}

func TestFixedRead(t *testing.T) {
	single := func(fields ...flat.FixedField) map[string]flat.FixedLayout {
		return map[string]flat.FixedLayout{"": {Fields: fields}}
	}
	tests := []struct {
		name string
		in   string
		opts flat.FixedOptions
		want [][]string
	}{
		{"left and right", "AB   00042  x\n", flat.FixedOptions{Layouts: single(
			flat.FixedField{Name: "a", Start: 1, Length: 5},
			flat.FixedField{Name: "n", Start: 6, Length: 5, Align: "right", Pad: "0"},
			flat.FixedField{Name: "r", Start: 11, Length: 3, Align: "right"},
		)}, [][]string{{"AB", "42", "x"}}},
		{"leading spaces kept in left field", "  AB \n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 5})}, [][]string{{"  AB"}}},
		{"zeros read as 0", "0000\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "n", Start: 1, Length: 4, Align: "right", Pad: "0"})}, [][]string{{"0"}}},
		{"sign before zeros", "-0012\n+0000\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "n", Start: 1, Length: 5, Align: "right", Pad: "0"})}, [][]string{{"-12"}, {"+0"}}},
		{"zeros after a sign", "0+00\n00-5\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "n", Start: 1, Length: 4, Align: "right", Pad: "0"})}, [][]string{{"+0"}, {"-5"}}},
		{"blank number is empty", "    \n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "n", Start: 1, Length: 4, Align: "right", Pad: "0"})}, [][]string{{""}}},
		{"custom padding", "AB**\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 4, Pad: "*"})}, [][]string{{"AB"}}},
		{"longer record accepted without record length", "ABCDEF\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 2, Length: 2})}, [][]string{{"BC"}}},
		{"CRLF and no final newline", "AB\r\nCD", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 2})}, [][]string{{"AB"}, {"CD"}}},
		{"columns count characters", "ÄÖÜxy\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 3, Length: 2})}, [][]string{{"Üx"}}},
		{"latin-1", "Br\xfcgge\n", flat.FixedOptions{Encoding: "iso-8859-1", Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 6})}, [][]string{{"Brügge"}}},
		{"skip blank", "AB\n\n   \nCD\n", flat.FixedOptions{SkipBlank: true, Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 2})}, [][]string{{"AB"}, {"CD"}}},
		{"pad short", "AB\nABCD 1\n", flat.FixedOptions{PadShort: true, Layouts: single(
			flat.FixedField{Name: "a", Start: 1, Length: 2},
			flat.FixedField{Name: "b", Start: 3, Length: 3},
			flat.FixedField{Name: "n", Start: 6, Length: 3, Align: "right", Pad: "0"},
		)}, [][]string{{"AB", "", ""}, {"AB", "CD", "1"}}},
		{"tab is data", "A\tB\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 3})}, [][]string{{"A\tB"}}},
		{"byte order mark", "\xEF\xBB\xBFAB\n", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 2})}, [][]string{{"AB"}}},
		{"empty input", "", flat.FixedOptions{Layouts: single(flat.FixedField{Name: "a", Start: 1, Length: 2})}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readFixed(t, tt.in, tt.opts)
			assert.Empty(t, errs)
			var got [][]string
			for _, r := range recs {
				got = append(got, r.Values)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFixedReadErrors(t *testing.T) {
	line := func(s string) string { return s + strings.Repeat(" ", 80-len([]rune(s))) + "\n" }
	tests := []struct {
		name     string
		in       string
		opts     flat.FixedOptions
		sentinel error
		errs     []string
		types    []string // types of the good records
	}{
		{"short record continues", line("H0X")[:63] + "\n" + line("T9000000"), flat.FixedOptions{Name: "r.txt", Layouts: releaseLayouts()}, flat.ErrShortRecord,
			[]string{`r.txt:1: record is 63 characters, layout "H0" needs 80`}, []string{"T9"}},
		{"long record", line("H0") + line("T9")[:80] + "XY\n", flat.FixedOptions{Name: "r.txt", Layouts: releaseLayouts()}, flat.ErrLongRecord,
			[]string{`r.txt:2:81: record is 82 characters, layout "T9" has 80`}, []string{"H0"}},
		{"unknown record type", line("Z9") + line("T9"), flat.FixedOptions{Name: "r.txt", Layouts: releaseLayouts()}, flat.ErrUnknownRecordType,
			[]string{`r.txt:1:1: record type "Z9" is not one of "D1", "H0", "T9"`}, []string{"T9"}},
		{"too short for the type", "H\n", flat.FixedOptions{Layouts: releaseLayouts()}, flat.ErrShortRecord,
			[]string{`line 1: record is 1 characters, the record type needs 2`}, nil},
		{"blank line is short", "\n", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}}}, flat.ErrShortRecord,
			[]string{`line 1: record is 0 characters, layout needs 2`}, nil},
		{"invalid UTF-8", "AB\xfcD\n", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}}}, flat.ErrEncoding,
			[]string{`line 1 column 3: byte 0xFC is not UTF-8 text (is the file ISO 8859-1?)`}, nil},
		{"control character", "ÄB\x00D\n", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}}}, flat.ErrControlChar,
			[]string{`line 1 column 3: record contains control character '\x00'`}, nil},
		{"byte order mark inside", "AB\nA\xEF\xBB\xBFB\n", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}}}, flat.ErrEncoding,
			[]string{`line 2 column 2: record contains U+FEFF, a byte order mark, which has no place inside a file`}, []string{""}},
		{"too large", "AB\nCD\nEF\n", flat.FixedOptions{MaxBytes: 7, Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}}}, flat.ErrTooLarge,
			[]string{`line 3: input is larger than the limit of 7 bytes`}, []string{"", ""}},
		{"line too long", strings.Repeat("x", 2<<20), flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}}}, flat.ErrTooLarge,
			[]string{`line 1: line is longer than 1048576 bytes`}, nil},
		{"invalid options", "AB\n", flat.FixedOptions{Name: "r.txt"}, flat.ErrLayout,
			[]string{`r.txt: options have no layouts`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readFixed(t, tt.in, tt.opts)
			assert.Equal(t, tt.errs, errs)
			var types []string
			for _, r := range recs {
				types = append(types, r.Type)
			}
			assert.Equal(t, tt.types, types)

			r := flat.NewFixedReader(strings.NewReader(tt.in), tt.opts)
			var err error
			for err == nil {
				_, err = r.Next()
			}
			require.ErrorIs(t, err, tt.sentinel)
			var ferr *flat.Error
			require.ErrorAs(t, err, &ferr)
		})
	}
}

func TestFixedUnknownTypeErrorFields(t *testing.T) {
	r := flat.NewFixedReader(strings.NewReader("Z9"+strings.Repeat(" ", 78)), flat.FixedOptions{Name: "r.txt", Layouts: releaseLayouts()})
	_, err := r.Next()
	var ferr *flat.Error
	require.ErrorAs(t, err, &ferr)
	assert.Equal(t, flat.Error{Name: "r.txt", Line: 1, Column: 1, Field: "recordType", Value: "Z9", Err: errors.Unwrap(err)}, *ferr)
}

// Records read the same whatever part of the input is buffered when a line
// is read: one byte at a time, in small pieces through a small buffer, or
// all at once; also with blank lines skipped, CRLF line ends, a line longer
// than the buffer and ISO 8859-1 text.
func TestFixedReadPieces(t *testing.T) {
	data, err := os.ReadFile("testdata/release.txt")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	in := lines[0] + "\n" + strings.Repeat(" ", 30) + "\n" + strings.Join(lines[1:], "\r\n")
	long := strings.Repeat("X", 20000)
	for _, c := range []struct {
		name string
		in   string
		opts flat.FixedOptions
	}{
		{"release", in, flat.FixedOptions{Layouts: releaseLayouts(), SkipBlank: true}},
		{"long", "ab" + long + "\n" + "cd" + long + "\ncd\n", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "x", Start: 1, Length: 2}}}}}},
		{"latin1", "caf\xe9\nbar\n", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "x", Start: 1, Length: 4}}}}, Encoding: "iso-8859-1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, wantErrs := readFixed(t, c.in, c.opts)
			require.NotEmpty(t, want)
			if c.name == "latin1" {
				assert.Equal(t, "café", want[0].Values[0])
			}
			for _, r := range []io.Reader{iotest.OneByteReader(strings.NewReader(c.in)), bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(c.in)), 16)} {
				fr := flat.NewFixedReader(r, c.opts)
				var got []flat.Record
				var errs []string
				for {
					rec, err := fr.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						errs = append(errs, err.Error())
						continue
					}
					rec.Values = append([]string(nil), rec.Values...)
					got = append(got, rec)
				}
				assert.Equal(t, want, got)
				assert.Equal(t, wantErrs, errs)
			}
		})
	}
}
