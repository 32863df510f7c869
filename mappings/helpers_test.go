package mappings_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// withCodelists returns fsys plus the built-in code lists, so a test spec
// can use them.
func withCodelists(t testing.TB, files map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	emb := mappings.Embedded()
	names, err := fs.Glob(emb, "codelists/*.yaml")
	require.NoError(t, err)
	for _, n := range names {
		b, err := fs.ReadFile(emb, n)
		require.NoError(t, err)
		m[n] = &fstest.MapFile{Data: b}
	}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

// withBuiltins returns the built-in specs, code lists and schemas plus files.
func withBuiltins(t testing.TB, files map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	emb := mappings.Embedded()
	require.NoError(t, fs.WalkDir(emb, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(emb, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	}))
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

// decode runs Registry.Decode and returns the events and the error lines.
func decode(t testing.TB, reg *mappings.Registry, input string, opts mappings.DecodeOptions) ([]*canonical.ReleaseEvent, []string) {
	t.Helper()
	var events []*canonical.ReleaseEvent
	err := reg.Decode(strings.NewReader(input), opts, func(b mappings.Batch) error {
		events = append(events, b.Events...)
		return nil
	})
	return events, mappings.Lines(err)
}

// interchange wraps messages (each a list of segments without UNH/UNT) in
// UNB/UNZ with correct counts, one segment per line. Message i gets the
// reference refs[i] and the identifier id.
func interchange(id string, refs []string, msgs ...[]string) string {
	var b strings.Builder
	b.WriteString("UNA:+.? '\nUNB+UNOC:3+MSC:ZZZ+PORTBASE:ZZZ+261125:0930+CREF1'\n")
	for i, segs := range msgs {
		fmt.Fprintf(&b, "UNH+%s+%s'\n", refs[i], id)
		for _, s := range segs {
			b.WriteString(s + "'\n")
		}
		fmt.Fprintf(&b, "UNT+%d+%s'\n", len(segs)+2, refs[i])
	}
	fmt.Fprintf(&b, "UNZ+%d+CREF1'\n", len(msgs))
	return b.String()
}

const coreorID = "COREOR:D:00B:UN:SMDG20"

// coreorSegments is a good COREOR body with two EQD groups; edit copies.
func coreorSegments() []string {
	return []string{
		"BGM+129+DOC1+9",
		"DTM+137:202611250930:203",
		"RFF+RE:REL-1",
		"RFF+BM:MEDUNL123456",
		"TDT+20+AT847A+1++MSC:172:20+++9141780:146::MSC GIANNINA",
		"LOC+11+NLRTM:139:6+ECTDELTA:TER:ZZZ",
		"NAD+CA+MSC:172:20++MEDITERRANEAN SHIPPING COMPANY",
		"NAD+FW+NL123456789B01:160++EXAMPLE FORWARDER",
		"EQD+CN+CSQU3054383+4510:102:5++3+5",
		"DTM+36:20261127:102",
		"EQD+CN+MWCU6059784+45G1:102:5++3+5",
		"DTM+36:202611272359:203",
		"CNT+16:2",
	}
}

func defaultRegistry(t testing.TB) *mappings.Registry {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	return reg
}
