package canonical_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

// stdJSON is what the NDJSON writer wrote before AppendJSON: encoding/json
// without HTML escaping, a newline after each event.
func stdJSON(e *canonical.ReleaseEvent) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(e)
	return buf.Bytes(), err
}

// requireSameJSON holds AppendJSON to encoding/json on e: the same bytes,
// or both refusing it; AppendJSON keeps what b held before.
func requireSameJSON(t *testing.T, e *canonical.ReleaseEvent) {
	t.Helper()
	want, werr := stdJSON(e)
	got, gerr := e.AppendJSON([]byte("prefix"))
	if werr != nil {
		require.Error(t, gerr, "encoding/json refuses it: %v", werr)
		return
	}
	require.NoError(t, gerr)
	require.Equal(t, "prefix", string(got[:6]))
	require.Equal(t, string(want), string(got[6:]))
}

// fixtureEvents are the events of every fixture's canonical.json.
func fixtureEvents(t testing.TB) []*canonical.ReleaseEvent {
	files, err := filepath.Glob("../fixtures/*/*/*/canonical.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var all []*canonical.ReleaseEvent
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var events []*canonical.ReleaseEvent
		require.NoError(t, json.Unmarshal(data, &events), f)
		all = append(all, events...)
	}
	return all
}

func TestAppendJSONMatchesEncodingJSONOnFixtures(t *testing.T) {
	events := fixtureEvents(t)
	require.Greater(t, len(events), 100)
	for _, e := range events {
		requireSameJSON(t, e)
	}
}

// TestAppendJSONWritesEveryField fills every field of the model, through
// reflection, so that a field added to the model and forgotten by
// AppendJSON fails here; and with every field zero, for omitempty.
func TestAppendJSONWritesEveryField(t *testing.T) {
	var e canonical.ReleaseEvent
	fill(reflect.ValueOf(&e).Elem(), &filler{all: true})
	out, err := e.AppendJSON(nil)
	require.NoError(t, err)
	require.NotContains(t, string(out), `""`, "every string filled")
	requireSameJSON(t, &e)
	requireSameJSON(t, &canonical.ReleaseEvent{})
}

// TestAppendJSONEscapes covers the characters encoding/json escapes.
func TestAppendJSONEscapes(t *testing.T) {
	for _, s := range []string{"a\"b\\c", "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<a href='x'>&amp;</a>",
		"\u2028\u2029", "caf\xc3", "\xff\xfe", "Zoë ÅÄÖ 港", "\xed\xa0\x80"} {
		requireSameJSON(t, &canonical.ReleaseEvent{ID: s, Warnings: []string{s, ""}})
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 1e-7, 1e-6, 123456.789, 1e20, 1e21, 1.5e300, -2.5e-10, math.Inf(1), math.NaN()} {
		requireSameJSON(t, &canonical.ReleaseEvent{Equipment: &canonical.Equipment{GrossKg: &f}})
	}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.FixedZone("", 3600+1800)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 25*3600)),
	} {
		requireSameJSON(t, &canonical.ReleaseEvent{OccurredAt: &tm})
	}
}

// FuzzAppendJSON compares AppendJSON with encoding/json on events read
// from the fuzzed JSON (seeded with every fixture's events) and then
// changed, field by field, by the fuzzed noise: strings of any bytes, any
// floats and times, parts set and cleared.
func FuzzAppendJSON(f *testing.F) {
	for i, e := range fixtureEvents(f) {
		doc, err := json.Marshal(e)
		require.NoError(f, err)
		f.Add(doc, []byte{byte(i), 2, 0xff, 'x', 0x80, 1, 7, 0})
	}
	f.Fuzz(func(t *testing.T, doc, noise []byte) {
		var e canonical.ReleaseEvent
		_ = json.Unmarshal(doc, &e)
		fill(reflect.ValueOf(&e).Elem(), &filler{noise: noise})
		requireSameJSON(t, &e)
	})
}

// filler sets fields: every one (all), or as the noise bytes say.
type filler struct {
	all   bool
	noise []byte
	n     int
	depth int // slices entered
}

// next returns the next noise byte, or 0 once they are used up.
func (f *filler) next() byte {
	if f.n >= len(f.noise) {
		return 0
	}
	f.n++
	return f.noise[f.n-1]
}

// bytes returns the next k noise bytes, fewer at the end.
func (f *filler) bytes(k int) []byte {
	k = min(k, len(f.noise)-f.n)
	b := f.noise[f.n : f.n+k]
	f.n += k
	return b
}

var timeType = reflect.TypeOf(time.Time{})

// fill sets v and what it holds. With noise, each value is kept,
// cleared or set as the next byte says.
func fill(v reflect.Value, f *filler) {
	if !f.all {
		switch f.next() % 3 {
		case 0:
			return
		case 1:
			v.SetZero()
			return
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(f.time()))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fill(v.Elem(), f)
	case reflect.Slice:
		if f.depth >= 3 { // light components hold lights
			v.SetZero()
			return
		}
		f.depth++
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), &filler{all: true, depth: f.depth})
			fill(s.Index(i), f)
		}
		f.depth--
		v.Set(s)
	case reflect.String:
		v.SetString(f.str(v.Type().Name()))
	case reflect.Float64:
		v.SetFloat(f.float())
	case reflect.Int:
		v.SetInt(int64(int32(binary.LittleEndian.Uint32(append(f.bytes(4), 0, 0, 0, 0)))) + 1)
	case reflect.Bool:
		v.SetBool(f.all || f.next()%2 == 1)
	default:
		panic("canonical model holds a " + v.Kind().String() + ": teach fill and AppendJSON about it")
	}
}

func (f *filler) str(name string) string {
	if f.all {
		return "v" + name + "\"\n<&>é"
	}
	return string(f.bytes(int(f.next() % 16)))
}

func (f *filler) float() float64 {
	if f.all {
		return 25079.5
	}
	b := append(f.bytes(8), 0, 0, 0, 0, 0, 0, 0, 0)
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (f *filler) time() time.Time {
	if f.all {
		return time.Date(2026, 11, 25, 9, 30, 0, 500, time.FixedZone("", 3600))
	}
	b := append(f.bytes(12), make([]byte, 12)...)
	sec := int64(binary.LittleEndian.Uint64(b)) % (400 * 365 * 86400 * 30)
	zone := int(int32(binary.LittleEndian.Uint32(b[8:]))) % (30 * 3600)
	return time.Unix(sec, int64(b[0])*1000003).In(time.FixedZone("", zone))
}
