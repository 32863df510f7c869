package mappings_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings"
)

// handwrittenLenient lists the bad cases of the cpu/notification pack that
// only the engine's JSON reader or the JSON Schema refuses, and why the
// hand-written decoder takes them.
var handwrittenLenient = map[string]string{
	"bad-duplicate-keys": "encoding/json keeps the last of two equal keys",
}

// TestHandwrittenCPUNotificationMatchesEngine holds the baseline to the
// profile: on every good case of the pack both decoders give the same
// events, ids included (the hand-written one derives them with
// canonical.NewEventID), and every bad case not in handwrittenLenient is
// refused by both.
func TestHandwrittenCPUNotificationMatchesEngine(t *testing.T) {
	h, err := newHandCPU()
	require.NoError(t, err)
	good := matchHandwritten(t, handMatch{profile: "cpu/notification", input: "input.json", decode: h.Decode, lenient: handwrittenLenient})
	assert.GreaterOrEqual(t, good, 8, "the pack has fewer good cases than expected")
}

// eventsJSON renders events as canonical output does: indented, keys in
// model order, no HTML escaping.
func eventsJSON(t *testing.T, events []*canonical.ReleaseEvent) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(events))
	return buf.Bytes()
}

// BenchmarkHandwritten decodes, with the hand-written baseline, the same
// input BenchmarkInbound gives the engine (the largest good case of the
// pack), and reports the same figures: events per CPU-second, events/s
// and allocations per event.
func BenchmarkHandwritten(b *testing.B) {
	input := largestValidInput(b, filepath.Join("..", "fixtures", "cpu", "notification"))
	require.NotEmpty(b, input)
	h, err := newHandCPU()
	require.NoError(b, err)
	b.Run("cpu-notification", func(b *testing.B) {
		data, err := os.ReadFile(input)
		require.NoError(b, err)
		benchHandwritten(b, data, h.Decode)
	})
}

// benchHandwritten is benchDecode for a decoder that is not the engine.
func benchHandwritten(b *testing.B, data []byte, decode func([]byte) ([]*canonical.ReleaseEvent, error)) {
	b.Helper()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	b.ResetTimer()
	events := 0
	for range b.N {
		out, err := decode(data)
		if err != nil {
			b.Fatal(err)
		}
		events += len(out)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	require.Positive(b, events, "the hand-written decoder gave no events")
	b.ReportMetric(float64(events)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
}

// Outcomes of a rare shape for the engine and the hand-written decoder.
const (
	sameEvents = iota // both give the same events
	bothRefuse        // both refuse the input
	schemaOnly        // only the profile's JSON Schema refuses it; the baseline takes it
)

// TestHandwrittenCPUNotificationRareShapes edits good inputs into shapes
// the pack does not hold (null against "", a clear Alfapass number, a
// sealed value, a driver on a transfer) and requires the hand-written
// decoder to give the engine's events or to refuse, except for the
// shapes only the JSON Schema refuses, which are listed here as such.
func TestHandwrittenCPUNotificationRareShapes(t *testing.T) {
	reg := defaultRegistry(t)
	h, err := newHandCPU()
	require.NoError(t, err)
	const (
		assigned    = "release-right-assigned-masked-alfapass"
		transferred = "release-right-transferred-to-transport-operator"
		gateOut     = "terminal-event-gate-out-0100"
		light       = "release-light-commercial-ok-to-nok"
	)
	cases := []struct {
		name, fixture string
		edits         map[string]any // dotted path -> new value; nil writes null
		want          int
	}{
		{"clear alfapass is masked", assigned, map[string]any{"body.driver.alfapassNumber": "AP20481234"}, sameEvents},
		{"empty alfapass and null alias: no driver", assigned, map[string]any{"body.driver.alfapassNumber": "", "body.driver.alias": nil}, sameEvents},
		{"null driver", assigned, map[string]any{"body.driver": nil}, sameEvents},
		{"empty terminal code", assigned, map[string]any{"body.terminalCode": ""}, sameEvents},
		{"null terminal and port", assigned, map[string]any{"body.terminalCode": nil, "body.portLoCode": nil}, sameEvents},
		{"empty carrier hides the sender", assigned, map[string]any{"body.carrier": map[string]any{}}, sameEvents},
		{"no carrier: the sender issues", assigned, map[string]any{"body.carrier": nil}, sameEvents},
		{"null action type", assigned, map[string]any{"body.actionType": nil}, sameEvents},
		{"timestamp with an offset", assigned, map[string]any{"timestamp": "2026-11-20T16:45:10.27+01:00"}, sameEvents},
		{"driver on a transfer", transferred, map[string]any{"body.driver": map[string]any{"alfapassNumber": "**77"}}, sameEvents},
		{"bad EORI of the receiving party", transferred, map[string]any{"body.releaseTo.eori": "btw0783205614"}, sameEvents},
		{"gate without terminal", gateOut, map[string]any{"body.terminalCode": nil, "senderId": "NXT1"}, sameEvents},
		{"empty original value", light, map[string]any{"body.originalValue": ""}, sameEvents},
		{"sealed value", assigned, map[string]any{"body.releaseIdentification": seal.StringPrefix + "abc"}, bothRefuse},
		{"expiry before release", assigned, map[string]any{"body.expirationDateTimeUtc": "2026-11-01T00:00:00Z"}, bothRefuse},
		{"date without zone", assigned, map[string]any{"body.releaseDateTimeUtc": "2026-11-19 14:00"}, bothRefuse},
		{"unknown gate event", gateOut, map[string]any{"event": "Moved"}, bothRefuse},
		{"empty release date", assigned, map[string]any{"body.releaseDateTimeUtc": ""}, schemaOnly},
		{"empty port", assigned, map[string]any{"body.portLoCode": ""}, schemaOnly},
		{"port in small letters", assigned, map[string]any{"body.portLoCode": "beanr"}, schemaOnly},
		{"public reference not a GUID", assigned, map[string]any{"publicReferenceId": "call-42"}, schemaOnly},
		{"null envelope id", assigned, map[string]any{"id": nil}, schemaOnly},
		{"unknown party member", assigned, map[string]any{"body.releaseTo.vat": "BE0783205614"}, schemaOnly},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := editJSON(t, filepath.Join("..", "fixtures", "cpu", "notification", c.fixture, "input.json"), c.edits)
			want, lines := decode(t, reg, string(data), mappings.DecodeOptions{Name: "input.json", From: "cpu/notification", CredentialKey: []byte("k")})
			got, herr := h.Decode(data)
			switch c.want {
			case bothRefuse:
				assert.NotEmpty(t, lines, "the engine takes it")
				assert.Error(t, herr, "the hand-written decoder takes it")
			case schemaOnly:
				require.NotEmpty(t, lines, "the engine takes it")
				assert.Contains(t, lines[0], "(schema notification.schema.json)")
				assert.NoError(t, herr, "the hand-written decoder refuses it: drop it from the schema-only shapes")
			default:
				require.Empty(t, lines)
				require.NoError(t, herr)
				assert.Equal(t, string(eventsJSON(t, want)), string(eventsJSON(t, got)))
			}
		})
	}
}

// editJSON reads the JSON document at path and sets each dotted path of
// edits to its value.
func editJSON(t *testing.T, path string, edits map[string]any) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	for p, v := range edits {
		m := doc
		parts := strings.Split(p, ".")
		for _, k := range parts[:len(parts)-1] {
			next, ok := m[k].(map[string]any)
			require.True(t, ok, "%s: %s is not an object", p, k)
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}
