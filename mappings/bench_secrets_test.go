package mappings_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings"
)

// scrReleaseLines builds a JSON Lines input of n SCR releases, each on one
// line with its own encryptedPin and the loadStatus bad, so that every
// line is one problem to clean of the secrets.
func scrReleaseLines(tb testing.TB, n int, loadStatus func(i int) string) []byte {
	tb.Helper()
	raw, err := os.ReadFile("../fixtures/scr/release/created-all-lights-green/input.json")
	require.NoError(tb, err)
	var one bytes.Buffer
	require.NoError(tb, json.Compact(&one, raw))
	line := one.String()
	require.Contains(tb, line, `"encryptedPin":"`+scrPin+`"`)
	require.Contains(tb, line, `"loadStatus":"full"`)
	var b bytes.Buffer
	for i := range n {
		l := bytes.Replace([]byte(line), []byte(scrPin), []byte(linePin(i)), 1)
		l = bytes.Replace(l, []byte(`"loadStatus":"full"`), []byte(`"loadStatus":"`+loadStatus(i)+`"`), 1)
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// linePin is the encryptedPin of line i+1 of scrReleaseLines.
func linePin(i int) string { return fmt.Sprintf("%064x", 0x5eed0000+i) }

// BenchmarkSecretCleaning decodes JSON Lines of SCR releases, each line
// with its own encryptedPin and a bad loadStatus, with the gateway's
// options (a seal key, SecretSeen), at 8k and 16k lines, and reports
// ns/line: cleaning that is linear in the input shows the same figure at
// both sizes. b.N counts lines, so make bench's fixed count decodes each
// input once.
func BenchmarkSecretCleaning(b *testing.B) {
	reg, err := mappings.Default()
	require.NoError(b, err)
	for _, n := range []int{8000, 16000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			data := scrReleaseLines(b, n, func(int) string { return "halffull" })
			opts := mappings.DecodeOptions{Name: "releases.jsonl", CredentialKey: []byte("k"),
				SealKey: bytes.Repeat([]byte{7}, seal.KeySize), SecretSeen: func() {}}
			b.ResetTimer()
			lines := 0
			for ; lines < b.N; lines += n {
				err := reg.Decode(bytes.NewReader(data), opts, func(mappings.Batch) error { return nil })
				if got := len(mappings.Lines(err)); got != n {
					b.Fatalf("%d problems, expected one per line (%d)", got, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(lines), "ns/line")
		})
	}
}
