package flat

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
)

// readEvery reads every record of in, with plain lines split in one pass
// or not, and returns the values and errors in order.
func readEvery(in []byte, opts CSVOptions, plain bool) []string {
	r := NewCSVReader(bytes.NewReader(in), opts)
	r.noPlain = !plain
	var out []string
	for range len(in) + 2 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out = append(out, "error: "+err.Error())
			if len(out) > 1 && out[len(out)-2] == out[len(out)-1] {
				break // a fatal error repeats
			}
			continue
		}
		out = append(out, slices.Concat([]string{"record:"}, rec.Values)...)
	}
	return out
}

// FuzzCSVPlainSplit holds the one-pass split of plain lines, and the
// expected header taken whole, to reading field by field: both give the
// same records and the same errors, at the limits on fields and field
// length too.
func FuzzCSVPlainSplit(f *testing.F) {
	for _, b := range seedfiles.Read(f, "testdata/*.csv", "../../../fixtures/*/*/*/input.csv") {
		f.Add(b, byte(0))
		f.Add(b, byte(0x31))
	}
	for _, s := range []string{"a,b\n1,2\n3\n", "\"a\",b\n1,2\n", "a,bc\n", "\n#x\na;b\n", "a,b\n1,\x00\n", "a,b\n\xff,1\n", "a;b\r\n1;2;3;4;5\n", "a,b\n12345678901234567890,x\n", "a,b\n\"1\",2\n"} {
		f.Add([]byte(s), byte(0))
		f.Add([]byte(s), byte(0x07))
	}
	f.Fuzz(func(t *testing.T, in []byte, v byte) {
		opts := CSVOptions{NoHeader: v&1 != 0, ReuseRecord: v&2 != 0, MaxFields: 2 + int(v>>4), MaxFieldBytes: 4 + int(v>>6)*16}
		if v&4 != 0 {
			opts.Delimiter = ';'
		}
		if v&8 != 0 {
			opts.Comment = '#'
		}
		if v&32 != 0 && !opts.NoHeader {
			opts.Header = []string{"a", "b"}
		}
		require.Equal(t, readEvery(in, opts, false), readEvery(in, opts, true))
	})
}
