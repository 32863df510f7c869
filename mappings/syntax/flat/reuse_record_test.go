package flat_test

import (
	"bufio"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// nextValues reads n records and returns each one's values as they were
// right after its Next, and the slices as returned.
func nextValues(t *testing.T, next func() (flat.Record, error), n int) (seen [][]string, slices [][]string) {
	t.Helper()
	for range n {
		rec, err := next()
		require.NoError(t, err)
		seen = append(seen, append([]string(nil), rec.Values...))
		slices = append(slices, rec.Values)
	}
	return seen, slices
}

// With ReuseRecord a CSV reader hands out one Values slice, overwritten by
// each Next, while the values read and the header's names stay as they
// were; without it every record keeps its own. A buffered input is read
// through as it is.
func TestCSVReuseRecord(t *testing.T) {
	in := "a,b\n1,2\n3,4\n"
	for _, reuse := range []bool{false, true} {
		r := flat.NewCSVReader(bufio.NewReader(strings.NewReader(in)), flat.CSVOptions{ReuseRecord: reuse})
		seen, got := nextValues(t, r.Next, 2)
		assert.Equal(t, [][]string{{"1", "2"}, {"3", "4"}}, seen)
		assert.Equal(t, []string{"a", "b"}, r.Header(), "the header's names are not reused")
		assert.Equal(t, reuse, &got[0][0] == &got[1][0], "reuse %v", reuse)
		if reuse {
			assert.Equal(t, []string{"3", "4"}, got[0], "the slice holds the last record")
		}
	}
}

// The same for the fixed-width reader, where each layout has a slice of
// its own: a record's values stay until the next record of its layout, so
// a file header can be read after the lines that follow it.
func TestFixedReuseRecord(t *testing.T) {
	opts := flat.FixedOptions{Layouts: map[string]flat.FixedLayout{
		"H": {RecordType: &flat.FixedField{Name: "t", Start: 1, Length: 1}, Fields: []flat.FixedField{{Name: "x", Start: 2, Length: 3}}},
		"D": {RecordType: &flat.FixedField{Name: "t", Start: 1, Length: 1}, Fields: []flat.FixedField{{Name: "y", Start: 2, Length: 2}, {Name: "z", Start: 4, Length: 2}}},
	}}
	in := "D1234\nHabc\nD5678\n"
	for _, reuse := range []bool{false, true} {
		opts.ReuseRecord = reuse
		r := flat.NewFixedReader(strings.NewReader(in), opts)
		seen, got := nextValues(t, r.Next, 3)
		assert.Equal(t, [][]string{{"12", "34"}, {"abc"}, {"56", "78"}}, seen)
		assert.Equal(t, reuse, &got[0][0] == &got[2][0], "reuse %v: one slice per layout", reuse)
		assert.Equal(t, []string{"abc"}, got[1], "reuse %v: the header stays", reuse)
		if reuse {
			assert.Equal(t, []string{"56", "78"}, got[0], "the slice holds the last record of its layout")
			assert.Len(t, got[1][:cap(got[1])], 1, "a layout's slice does not reach into another's")
		}
	}
}
