package flat_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

func TestCSVWriteFormulas(t *testing.T) {
	tests := []struct {
		name string
		opts flat.CSVOptions
		in   string
		want string // the written cell
	}{
		{"equals", flat.CSVOptions{}, `=HYPERLINK("http://x","y")`, `"'=HYPERLINK(""http://x"",""y"")"`},
		{"plus", flat.CSVOptions{}, "+cmd", `"'+cmd"`},
		{"minus", flat.CSVOptions{}, "-2+3+cmd|' /C calc'!A0", `"'-2+3+cmd|' /C calc'!A0"`},
		{"at", flat.CSVOptions{}, "@SUM(A1)", `"'@SUM(A1)"`},
		{"tab", flat.CSVOptions{}, "\t=1", "\"'\t=1\""},
		{"carriage return", flat.CSVOptions{}, "\r=1", "\"'\r=1\""},
		{"lone minus", flat.CSVOptions{}, "-", `"'-"`},
		{"exponent is not a plain number", flat.CSVOptions{}, "-1e5", `"'-1e5"`},
		{"trailing separator is not a plain number", flat.CSVOptions{}, "-1.", `"'-1."`},
		{"negative number left alone", flat.CSVOptions{}, "-12.5", "-12.5"},
		{"signed number left alone", flat.CSVOptions{}, "+3", "+3"},
		{"leading separator number left alone", flat.CSVOptions{}, "-.5", "-.5"},
		{"decimal comma left alone", flat.CSVOptions{Delimiter: ';'}, "-0,75", "-0,75"},
		{"inside is harmless", flat.CSVOptions{}, "A=B", "A=B"},
		{"allowed", flat.CSVOptions{AllowFormulas: true}, "=1+1", "=1+1"},
		{"allowed minus", flat.CSVOptions{AllowFormulas: true}, "-x", "-x"},
		{"no quoting: prefix only", flat.CSVOptions{NoQuote: true}, "=1+1", "'=1+1"},
		{"single quote as the quote", flat.CSVOptions{Quote: '\''}, "=1", "'''=1'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := flat.NewCSVWriter(&buf, tt.opts)
			require.NoError(t, w.Write([]string{"x", tt.in}))
			require.NoError(t, w.Flush())
			d := ","
			if tt.opts.Delimiter != 0 {
				d = string(tt.opts.Delimiter)
			}
			assert.Equal(t, "x"+d+tt.want+"\n", buf.String())

			readOpts := tt.opts
			readOpts.NoHeader = true
			recs, errs := readCSV(t, buf.String(), readOpts)
			assert.Empty(t, errs)
			want := tt.in
			if tt.want != tt.in {
				want = "'" + tt.in
			}
			assert.Equal(t, [][]string{{"x", want}}, recs, "reads back the cell as written")
		})
	}
}

func TestCSVWriteFormulaPrefixCountsTowardsTheLimit(t *testing.T) {
	var buf bytes.Buffer
	w := flat.NewCSVWriter(&buf, flat.CSVOptions{MaxFieldBytes: 3})
	err := w.Write([]string{"=ab"})
	assert.ErrorIs(t, err, flat.ErrFieldTooLong)
	require.NoError(t, w.Write([]string{"=a"}))
	require.NoError(t, w.Flush())
	assert.Equal(t, "\"'=a\"\n", buf.String())
}
