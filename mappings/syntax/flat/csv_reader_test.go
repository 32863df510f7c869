package flat_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// readCSV reads all records; it returns the values and the rendered error
// of each record, and stops at io.EOF or a repeated (fatal) error.
func readCSV(t *testing.T, in string, opts flat.CSVOptions) ([][]string, []string) {
	t.Helper()
	r := flat.NewCSVReader(strings.NewReader(in), opts)
	var recs [][]string
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
		recs = append(recs, rec.Values)
	}
	t.Fatal("reader did not stop")
	return nil, nil
}

func TestCSVRead(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts flat.CSVOptions
		want [][]string
	}{
		{"header and records", "a,b\n1,2\n3,4\n", flat.CSVOptions{}, [][]string{{"1", "2"}, {"3", "4"}}},
		{"no final newline", "a,b\n1,2", flat.CSVOptions{}, [][]string{{"1", "2"}}},
		{"CRLF", "a,b\r\n1,2\r\n", flat.CSVOptions{}, [][]string{{"1", "2"}}},
		{"quoted with delimiter, quote and newline", "a,b\n\"x,y\",\"say \"\"hi\"\"\nthere\"\n", flat.CSVOptions{},
			[][]string{{"x,y", "say \"hi\"\nthere"}}},
		{"quoted CRLF kept", "a\r\n\"1\r\n2\"\r\n", flat.CSVOptions{}, [][]string{{"1\r\n2"}}},
		{"empty fields", "a,b,c\n,,\n\"\",x,\n", flat.CSVOptions{}, [][]string{{"", "", ""}, {"", "x", ""}}},
		{"blank lines skipped", "a\n\n1\n\r\n2\n", flat.CSVOptions{}, [][]string{{"1"}, {"2"}}},
		{"lone quoted empty value", "a\n\"\"\n", flat.CSVOptions{}, [][]string{{""}}},
		{"semicolon", "a;b\n1,5;2\n", flat.CSVOptions{Delimiter: ';'}, [][]string{{"1,5", "2"}}},
		{"tab", "a\tb\n 1 \t2\n", flat.CSVOptions{Delimiter: '\t', TrimSpace: true}, [][]string{{"1", "2"}}},
		{"multi-byte delimiter", "a¦b\n1¦2\n", flat.CSVOptions{Delimiter: '¦'}, [][]string{{"1", "2"}}},
		{"single quote", "a,b\n'x,y',z\n", flat.CSVOptions{Quote: '\''}, [][]string{{"x,y", "z"}}},
		{"no quoting", "a,b\n\"x\",5\"\n", flat.CSVOptions{NoQuote: true}, [][]string{{"\"x\"", "5\""}}},
		{"comments", "# export of 2026-11-20\na\n#1\n2\n", flat.CSVOptions{Comment: '#'}, [][]string{{"2"}}},
		{"trim space", "a , b\n  1 ,  \"2 \"  \n", flat.CSVOptions{TrimSpace: true}, [][]string{{"1", "2 "}}},
		{"spaces kept", "a,b\n 1 , 2\n", flat.CSVOptions{}, [][]string{{" 1 ", " 2"}}},
		{"byte order mark", "\xEF\xBB\xBFa,b\n1,2\n", flat.CSVOptions{Header: []string{"a", "b"}}, [][]string{{"1", "2"}}},
		{"no header", "1,2\n3,4\n", flat.CSVOptions{NoHeader: true}, [][]string{{"1", "2"}, {"3", "4"}}},
		{"latin-1", "naam\nBr\xfcgge\n", flat.CSVOptions{Encoding: "iso-8859-1"}, [][]string{{"Brügge"}}},
		{"lone CR is data", "a\nx\ry\n", flat.CSVOptions{}, [][]string{{"x\ry"}}},
		{"empty input", "", flat.CSVOptions{}, nil},
		{"header only", "a,b\n", flat.CSVOptions{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readCSV(t, tt.in, tt.opts)
			assert.Empty(t, errs)
			assert.Equal(t, tt.want, recs)
		})
	}
}

func TestCSVRecordFields(t *testing.T) {
	r := flat.NewCSVReader(strings.NewReader("\n\nport,containerNumber\nNLRTM,\"MSKU\n1234565\"\nBEANR,CSQU3054383\n"), flat.CSVOptions{})
	assert.Equal(t, []string{"port", "containerNumber"}, r.Header())
	first, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, 4, first.Line)
	v, ok := first.Get("containerNumber")
	assert.True(t, ok)
	assert.Equal(t, "MSKU\n1234565", v)
	_, ok = first.Get("seal")
	assert.False(t, ok)
	second, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, flat.Record{Line: 6, Names: []string{"port", "containerNumber"}, Values: []string{"BEANR", "CSQU3054383"}}, second)
	_, err = r.Next()
	assert.ErrorIs(t, err, io.EOF)
}

func TestCSVHeaderNamesFileWithoutOne(t *testing.T) {
	r := flat.NewCSVReader(strings.NewReader("NLRTM,MSKU1234565\n"), flat.CSVOptions{NoHeader: true, Header: []string{"port", "containerNumber"}})
	rec, err := r.Next()
	require.NoError(t, err)
	v, ok := rec.Get("containerNumber")
	assert.True(t, ok)
	assert.Equal(t, "MSKU1234565", v)
	assert.Equal(t, []string{"port", "containerNumber"}, r.Header())
}

func TestCSVErrors(t *testing.T) {
	header := []string{"port", "carrier", "blNumber", "containerNumber", "seal"}
	tests := []struct {
		name     string
		in       string
		opts     flat.CSVOptions
		sentinel error
		errs     []string // every error, in order
		recs     [][]string
	}{
		{"ragged row continues", "a,b,c,d,e\n1,2,3,4\n1,2,3,4,5\n1,2,3,4,5,6\n", flat.CSVOptions{Name: "partner.csv"}, flat.ErrRaggedRow,
			[]string{"partner.csv:2: record has 4 fields, header has 5", "partner.csv:4: record has 6 fields, header has 5"},
			[][]string{{"1", "2", "3", "4", "5"}}},
		{"ragged without header", "1,2\n3\n", flat.CSVOptions{NoHeader: true}, flat.ErrRaggedRow,
			[]string{"line 2: record has 1 fields, the first record has 2"}, [][]string{{"1", "2"}}},
		{"unclosed quote is fatal", "a,b\n1,2\n3,\"4\n5,6\n", flat.CSVOptions{Name: "p.csv"}, flat.ErrUnclosedQuote,
			[]string{`p.csv:3:3: field "b" opens a quote that is not closed by the end of the input`}, [][]string{{"1", "2"}}},
		{"bare quote", "a,b\n1,5\" pipe\n3,4\n", flat.CSVOptions{Name: "p.csv"}, flat.ErrQuote,
			[]string{`p.csv:2:4: field "b" has a bare '"' in an unquoted value "5\" pipe"; quote the value and double the quote`},
			[][]string{{"3", "4"}}},
		{"text after closing quote", "a,b\n\"1\"x,2\n3,4\n", flat.CSVOptions{Name: "p.csv"}, flat.ErrQuote,
			[]string{`p.csv:2:4: field "a" has "x,2" after its closing quote, expected ',' or the end of the line`},
			[][]string{{"3", "4"}}},
		{"header differs", "port,carrier,bl,containerNumber,seal\n", flat.CSVOptions{Name: "p.csv", Header: header}, flat.ErrHeader,
			[]string{`p.csv:1:14: header column 3 is "bl", expected "blNumber"`}, nil},
		{"header short", "port,carrier,blNumber,containerNumber\n", flat.CSVOptions{Name: "p.csv", Header: header}, flat.ErrHeader,
			[]string{`p.csv:1: header has 4 columns, expected 5: "seal" is missing`}, nil},
		{"header long", "port,carrier,blNumber,containerNumber,seal,x\n1,2,3,4,5,6\n", flat.CSVOptions{Name: "p.csv", Header: header}, flat.ErrHeader,
			[]string{`p.csv:1:44: header column 6 "x" is not expected, the header has 5 columns`}, nil},
		{"header repeats a name", "port,seal,seal\n", flat.CSVOptions{Name: "p.csv"}, flat.ErrHeader,
			[]string{`p.csv:1:11: header column 3 "seal" repeats column 2`}, nil},
		{"expected header repeats a name", "a\n", flat.CSVOptions{Header: []string{"a", "a"}}, flat.ErrLayout,
			[]string{`expected header repeats "a" in columns 1 and 2`}, nil},
		{"too large", "a\n1\n2\n3\n", flat.CSVOptions{Name: "p.csv", MaxBytes: 5}, flat.ErrTooLarge,
			[]string{`p.csv:3: input is larger than the limit of 5 bytes`}, [][]string{{"1"}}},
		{"too large in one line", "a\n" + strings.Repeat("x", 100<<10), flat.CSVOptions{MaxBytes: 70 << 10}, flat.ErrTooLarge,
			[]string{`line 2: input is larger than the limit of 71680 bytes`}, nil},
		{"too many fields", "a\n1,2,3,4\n5\n", flat.CSVOptions{NoHeader: true, MaxFields: 3}, flat.ErrTooLarge,
			[]string{`line 2 column 7: record has more than 3 fields`}, [][]string{{"a"}, {"5"}}},
		{"field too long", "a,b\n1,123456\n2,3\n", flat.CSVOptions{MaxFieldBytes: 4}, flat.ErrFieldTooLong,
			[]string{`line 2 column 3: field "b" is longer than 4 bytes: "123456"`}, [][]string{{"2", "3"}}},
		{"quoted field too long", "a\n\"12\n345\"\n", flat.CSVOptions{MaxFieldBytes: 4}, flat.ErrFieldTooLong,
			[]string{`line 3 column 1: field "a" is longer than 4 bytes: "12\n345"`}, nil},
		{"invalid UTF-8", "naam,x\nBr\xfcgge,1\nok,2\n", flat.CSVOptions{Name: "p.csv"}, flat.ErrEncoding,
			[]string{`p.csv:2:3: field "naam" has byte 0xFC, which is not UTF-8 text (is the file ISO 8859-1?)`}, [][]string{{"ok", "2"}}},
		{"NUL", "a\nx\x00y\n", flat.CSVOptions{}, flat.ErrControlChar,
			[]string{`line 2 column 2: field "a" contains NUL`}, nil},
		{"column counts characters", "a,b\nü,\"x\"y\n", flat.CSVOptions{}, flat.ErrQuote,
			[]string{`line 2 column 6: field "b" has "y" after its closing quote, expected ',' or the end of the line`}, nil},
		{"quote equals delimiter", "a\n", flat.CSVOptions{Quote: ','}, flat.ErrLayout,
			[]string{`quote ',' is also the delimiter`}, nil},
		{"newline delimiter", "a\n", flat.CSVOptions{Delimiter: '\n'}, flat.ErrLayout,
			[]string{`delimiter '\n' cannot separate or quote fields`}, nil},
		{"unknown encoding", "a\n", flat.CSVOptions{Encoding: "ebcdic"}, flat.ErrLayout,
			[]string{`encoding "ebcdic" is not supported, expected "utf-8" or "iso-8859-1"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readCSV(t, tt.in, tt.opts)
			assert.Equal(t, tt.errs, errs)
			assert.Equal(t, tt.recs, recs)
			r := flat.NewCSVReader(strings.NewReader(tt.in), tt.opts)
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

func TestCSVErrorFields(t *testing.T) {
	r := flat.NewCSVReader(strings.NewReader("port,seal\nNLRTM,\"a\"b\n"), flat.CSVOptions{Name: "p.csv"})
	_, err := r.Next()
	var ferr *flat.Error
	require.ErrorAs(t, err, &ferr)
	assert.Equal(t, "p.csv", ferr.Name)
	assert.Equal(t, 2, ferr.Line)
	assert.Equal(t, 10, ferr.Column)
	assert.Equal(t, "seal", ferr.Field)
}

func TestCSVRaggedRowReturnsValues(t *testing.T) {
	r := flat.NewCSVReader(strings.NewReader("a,b\n1\n"), flat.CSVOptions{})
	rec, err := r.Next()
	require.ErrorIs(t, err, flat.ErrRaggedRow)
	assert.Equal(t, []string{"1"}, rec.Values)
	assert.Equal(t, 2, rec.Line)
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

func TestCSVReadErrorIsFatal(t *testing.T) {
	boom := errors.New("connection reset")
	r := flat.NewCSVReader(failingReader{boom}, flat.CSVOptions{Name: "p.csv"})
	_, err := r.Next()
	require.ErrorIs(t, err, boom)
	assert.Equal(t, "p.csv:1: connection reset", err.Error())
	_, again := r.Next()
	assert.Equal(t, err, again)
}
