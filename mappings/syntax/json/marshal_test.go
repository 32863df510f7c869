package json_test

import (
	stdjson "encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

type sample struct {
	Number string         `json:"number"`
	Extra  jsonsyn.Object `json:"extra"`
}

func TestMarshalCompact(t *testing.T) {
	at := time.Date(2026, 11, 27, 22, 59, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"null", nil, `null`},
		{"bools", []any{true, false}, `[true,false]`},
		{"number verbatim", jsonsyn.Number("12.50"), `12.50`},
		{"integers", []any{int8(-8), int16(16), int32(-32), int64(64), 7, uint(1), uint8(8), uint16(16), uint32(32), uint64(math.MaxUint64)}, `[-8,16,-32,64,7,1,8,16,32,18446744073709551615]`},
		{"floats as encoding/json", []any{1.5, 1e21, 1e-7, float32(0.1), 100.0, math.Copysign(0, -1)}, `[1.5,1e+21,1e-7,0.1,100,-0]`},
		{"no HTML escaping", "<a href=\"x\">&</a>", `"<a href=\"x\">&</a>"`},
		{"control characters", "a\x00b\x1fc\n\r\t\b\f", `"a\u0000b\u001fc\n\r\t\b\f"`},
		{"backslash and slash", `C:\x/y`, `"C:\\x/y"`},
		{"UTF-8 kept", "Brügge – 🚢 \u2028", "\"Brügge – 🚢 \u2028\""},
		{"map sorted", map[string]any{"b": 1, "a": map[string]any{"d": nil, "c": "x"}}, `{"a":{"c":"x","d":null},"b":1}`},
		{"map of strings sorted", map[string]string{"z": "1", "m": "2"}, `{"m":"2","z":"1"}`},
		{"object keeps order", jsonsyn.Object{{Key: "z", Value: 1}, {Key: "a", Value: 2}}, `{"z":1,"a":2}`},
		{"pointer to object", &jsonsyn.Object{{Key: "k", Value: "v"}}, `{"k":"v"}`},
		{"nil pointer to object", (*jsonsyn.Object)(nil), `null`},
		{"nil map", map[string]any(nil), `null`},
		{"empty object and array", []any{jsonsyn.Object{}, map[string]any{}, []any{}, []string{}}, `[{},{},[],[]]`},
		{"string slice", []string{"a", "b"}, `["a","b"]`},
		{"slice of maps", []map[string]any{{"a": 1}}, `[{"a":1}]`},
		{"slice of objects", []jsonsyn.Object{{{Key: "a", Value: 1}}}, `[{"a":1}]`},
		{"time as RFC 3339", at, `"2026-11-27T22:59:00Z"`},
		{"time with fraction and zone", time.Date(2026, 1, 2, 3, 4, 5, 600000000, time.FixedZone("", 3600)), `"2026-01-02T03:04:05.6+01:00"`},
		{"pointer to time", &at, `"2026-11-27T22:59:00Z"`},
		{"nil pointer to time", (*time.Time)(nil), `null`},
		{"struct through encoding/json keeps nested object order", sample{Number: "<1>", Extra: jsonsyn.Object{{Key: "b", Value: 1}, {Key: "a", Value: 2}}}, `{"number":"<1>","extra":{"b":1,"a":2}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonsyn.Marshal(tt.in, false)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			appended, err := jsonsyn.AppendValue([]byte("x="), tt.in)
			require.NoError(t, err)
			assert.Equal(t, "x="+tt.want, string(appended))
			assert.True(t, stdjson.Valid(got), "valid JSON")
		})
	}
}

func TestMarshalIndent(t *testing.T) {
	in := jsonsyn.Object{
		{Key: "type", Value: "ReleaseRight"},
		{Key: "data", Value: map[string]any{"seals": []any{"S1", "S2"}, "empty": []any{}, "none": jsonsyn.Object{}}},
		{Key: "extra", Value: sample{Number: "1", Extra: jsonsyn.Object{{Key: "k", Value: true}}}},
	}
	want := `{
  "type": "ReleaseRight",
  "data": {
    "empty": [],
    "none": {},
    "seals": [
      "S1",
      "S2"
    ]
  },
  "extra": {
    "number": "1",
    "extra": {
      "k": true
    }
  }
}`
	got, err := jsonsyn.Marshal(in, true)
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
}

func TestMarshalErrors(t *testing.T) {
	cyclic := []any{nil}
	cyclic[0] = cyclic
	tests := []struct {
		name     string
		in       any
		sentinel error
		want     string
	}{
		{"NaN", map[string]any{"w": math.NaN()}, jsonsyn.ErrUnsupported, `/w: number NaN has no JSON form`},
		{"infinity", []any{1, float32(math.Inf(-1))}, jsonsyn.ErrUnsupported, `/1: number -Inf has no JSON form`},
		{"bad number", jsonsyn.Object{{Key: "n", Value: jsonsyn.Number("0x1F")}}, jsonsyn.ErrUnsupported, `/n: number "0x1F" is not a valid JSON number`},
		{"empty number", jsonsyn.Number(""), jsonsyn.ErrUnsupported, `number "" is not a valid JSON number`},
		{"invalid UTF-8 value", map[string]string{"name": "Br\xfcgge"}, jsonsyn.ErrUnsupported, `/name: string "Br\xfcgge" is not UTF-8 text`},
		{"invalid UTF-8 key", map[string]any{"\xff": 1}, jsonsyn.ErrUnsupported, `string "\xff" is not UTF-8 text`},
		{"duplicate key", jsonsyn.Object{{Key: "a", Value: 1}, {Key: "b", Value: 2}, {Key: "a", Value: 3}}, jsonsyn.ErrDuplicateKey, `/a: duplicate key "a"`},
		{"time year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), jsonsyn.ErrUnsupported, `time in year 10000 has no RFC 3339 form`},
		{"cyclic", cyclic, jsonsyn.ErrUnsupported, strings.Repeat("/0", 1000) + ": value nests deeper than 1000 levels; is it cyclic?"},
		{"unsupported type", map[string]any{"c": make(chan int)}, jsonsyn.ErrUnsupported, `/c: value has no JSON form`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonsyn.Marshal(tt.in, false)
			require.Error(t, err)
			assert.Nil(t, got)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}
