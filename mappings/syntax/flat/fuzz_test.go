package flat_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, b := range seedfiles.Read(f, patterns...) {
		for v := range byte(4) {
			f.Add(b, v)
		}
	}
}

// csvVariant derives reader options from a fuzzed byte.
func csvVariant(v byte) flat.CSVOptions {
	opts := flat.CSVOptions{NoHeader: v&1 != 0, TrimSpace: v&2 != 0, MaxFields: 64, MaxFieldBytes: 256}
	switch v >> 2 & 3 {
	case 1:
		opts.Delimiter = ';'
	case 2:
		opts.Delimiter = '\t'
	case 3:
		opts.Delimiter = '¦'
	}
	if v&16 != 0 {
		opts.Comment = '#'
	}
	if v&32 != 0 {
		opts.NoQuote = true
	}
	if v&64 != 0 {
		opts.Encoding = flat.EncodingLatin1
	}
	return opts
}

type csvResult struct {
	header []string
	recs   [][]string
}

// readAllCSV returns the header and the records read without error.
func readAllCSV(t *testing.T, in []byte, opts flat.CSVOptions) (csvResult, int) {
	r := flat.NewCSVReader(bytes.NewReader(in), opts)
	var res csvResult
	failures := 0
	for range len(in) + 2 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var ferr *flat.Error
			require.ErrorAs(t, err, &ferr)
			assert.NotContains(t, err.Error(), "\n")
			failures++
			if failures > len(in)+2 {
				break // a fatal error repeats
			}
			continue
		}
		res.recs = append(res.recs, rec.Values)
	}
	res.header = r.Header()
	return res, failures
}

func FuzzCSV(f *testing.F) {
	addSeeds(f, "testdata/*.csv", "../../../fixtures/*/*/*/input.csv")
	for _, s := range []string{"a,b\n1,2\n", "\"a\nb\",\"\"\"\"\n", "a\n\"\"\n", "x\r\ny\r\n", "#c\n a ,\" b \"\n", "a,b\n1\n"} {
		f.Add([]byte(s), byte(0))
		f.Add([]byte(s), byte(0x13))
	}
	f.Fuzz(func(t *testing.T, in []byte, variant byte) {
		opts := csvVariant(variant)
		first, _ := readAllCSV(t, in, opts)

		var out bytes.Buffer
		wopts := opts
		wopts.AllowFormulas = true // the round trip is exact only without the formula prefix
		w := flat.NewCSVWriter(&out, wopts)
		check := func(err error) bool {
			if opts.NoQuote && errors.Is(err, flat.ErrQuote) {
				return false // without quoting, some values cannot be written
			}
			require.NoError(t, err)
			return true
		}
		if !opts.NoHeader && first.header != nil && !check(w.WriteHeader(first.header)) {
			return
		}
		for _, rec := range first.recs {
			if !check(w.Write(rec)) {
				return
			}
		}
		require.NoError(t, w.Flush())

		second, failures := readAllCSV(t, out.Bytes(), opts)
		assert.Zero(t, failures, "re-reading %q", out.String())
		if !opts.NoHeader {
			assert.Equal(t, first.header, second.header)
		}
		assert.Equal(t, first.recs, second.recs, "re-reading %q", out.String())
	})
}

// fixedVariant derives reader options from a fuzzed byte.
func fixedVariant(v byte) flat.FixedOptions {
	opts := flat.FixedOptions{Layouts: releaseLayouts(), SkipBlank: v&1 != 0, PadShort: v&2 != 0, MaxBytes: 1 << 20}
	if v&4 != 0 {
		opts.Layouts = map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{
			{Name: "a", Start: 1, Length: 3},
			{Name: "n", Start: 5, Length: 4, Align: "right", Pad: "0"},
			{Name: "r", Start: 9, Length: 3, Align: "right"},
			{Name: "s", Start: 12, Length: 2, Pad: "*"},
		}}}
	}
	if v&8 != 0 {
		opts.Encoding = flat.EncodingLatin1
	}
	return opts
}

func readAllFixed(t *testing.T, in []byte, opts flat.FixedOptions) ([]flat.Record, int) {
	r := flat.NewFixedReader(bytes.NewReader(in), opts)
	var recs []flat.Record
	failures := 0
	for range len(in) + 2 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var ferr *flat.Error
			require.ErrorAs(t, err, &ferr)
			assert.NotContains(t, err.Error(), "\n")
			failures++
			if failures > len(in)+2 {
				break
			}
			continue
		}
		rec.Line = 0
		recs = append(recs, rec)
	}
	return recs, failures
}

func FuzzFixed(f *testing.F) {
	addSeeds(f, "testdata/*.txt", "../../../fixtures/*/*/*/input.txt")
	for _, s := range []string{"AB  -012  x**\n", "abc 0000   \n\n", "H0\n", "\xEF\xBB\xBFAB\n"} {
		f.Add([]byte(s), byte(4))
		f.Add([]byte(s), byte(7))
	}
	f.Fuzz(func(t *testing.T, in []byte, variant byte) {
		opts := fixedVariant(variant)
		first, _ := readAllFixed(t, in, opts)

		var out bytes.Buffer
		w := flat.NewFixedWriter(&out, opts)
		for _, rec := range first {
			require.NoError(t, w.WriteRecord(rec))
		}
		require.NoError(t, w.Flush())

		second, failures := readAllFixed(t, out.Bytes(), opts)
		assert.Zero(t, failures, "re-reading %q", out.String())
		if opts.SkipBlank {
			// A record whose fields are all empty (its text was filler)
			// is written as a blank line, which SkipBlank skips.
			first = slices.DeleteFunc(first, func(r flat.Record) bool {
				return r.Type == "" && !slices.ContainsFunc(r.Values, func(v string) bool { return v != "" })
			})
			if len(first) == 0 {
				first = nil
			}
		}
		assert.Equal(t, first, second, "re-reading %q", out.String())
	})
}
