package json_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

func decodeFile(t testing.TB, name string) any {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	doc, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: name})
	require.NoError(t, err)
	return doc
}

func TestPathGetAll(t *testing.T) {
	doc := decodeFile(t, "testdata/releaseright.json")
	party := map[string]any{"role": "FW", "name": "Vanmoer Forwarding BV", "ids": []any{
		map[string]any{"scheme": "EORI", "value": "BE0876543210"},
		map[string]any{"scheme": "VAT", "value": "BE0876543210"},
	}}
	tests := []struct {
		name    string
		expr    string
		current any
		all     []any // nil: nothing matches
	}{
		{"dotted names", "data.container.containerNumber", nil, []any{"CSQU3054383"}},
		{"root prefix", "$.data.container.containerNumber", nil, []any{"CSQU3054383"}},
		{"root bracket", `$["id"]`, nil, []any{"CSQU3054383"}},
		{"index", "data.container.seals[1]", nil, []any{"CU-4410923"}},
		{"negative index", "data.container.seals[-1]", nil, []any{"CU-4410923"}},
		{"index out of range", "data.container.seals[2]", nil, nil},
		{"negative out of range", "data.container.seals[-3]", nil, nil},
		{"wildcard", "data.lights[*].kind", nil, []any{"COMMERCIAL", "CUSTOMS", "TERMINAL"}},
		{"wildcard skips missing", "data.lights[*].reason", nil, []any{"awaiting NCTS release"}},
		{"object wildcard in key order", "data.terminal.*", nil, []any{"1700", "BEANR", "MPET Deurganckdok"}},
		{"filter", "data.parties[role=FW].name", nil, []any{"Vanmoer Forwarding BV"}},
		{"filter quoted value", `data.parties[role="FW"]`, nil, []any{party}},
		{"filter then index", "data.parties[role=FW].ids[1].scheme", nil, []any{"VAT"}},
		{"filter on nested field", "data.parties[*].ids[scheme=NXT_ID].value", nil, []any{"NXT24918273", "NXT24551090"}},
		{"filter on dotted field", "data.lights[state=GREEN].kind", nil, []any{"COMMERCIAL", "TERMINAL"}},
		{"filter by number text", "data.container.grossWeight[value=24350.5].unit", nil, []any{"KGM"}},
		{"filter by bool", "data[blocked=false].status", nil, []any{"Transferred"}},
		{"filter no match", "data.parties[role=CZ]", nil, nil},
		{"null is present", "data.pickupWindow", nil, []any{nil}},
		{"missing", "data.nothing.here", nil, nil},
		{"name on array", "data.parties.role", nil, nil},
		{"index on object", "data[0]", nil, nil},
		{"current item", "@.name", party, []any{"Vanmoer Forwarding BV"}},
		{"current item itself", "@", "x", []any{"x"}},
		{"current item filter", "@[role=FW].ids[0].value", party, []any{"BE0876543210"}},
		{"current ignored by root path", "type", party, []any{"ReleaseRight"}},
		{"quoted odd key", `data["transfer"]['kind']`, nil, []any{"TRANSFER"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := jsonsyn.CompilePath(tt.expr)
			require.NoError(t, err)
			assert.Equal(t, tt.expr, p.String())
			assert.Equal(t, tt.all, p.All(doc, tt.current))
			var each []any
			p.Each(doc, tt.current, func(v any) bool { each = append(each, v); return true })
			assert.Equal(t, tt.all, each, "Each visits what All returns")
			got, ok := p.Get(doc, tt.current)
			if tt.all == nil {
				assert.False(t, ok)
				assert.Nil(t, got)
				return
			}
			assert.True(t, ok)
			assert.Equal(t, tt.all[0], got)
		})
	}
}

func TestPathOddKeys(t *testing.T) {
	doc := map[string]any{
		"odd.key": "dot", "@type": "at", "a b": "space", `q"uote`: "quote", "": "empty",
		"n": []any{map[string]any{"k v": "x", "v": "1"}},
	}
	tests := []struct {
		expr string
		want any
	}{
		{`["odd.key"]`, "dot"},
		{`$['@type']`, "at"},
		{`["a b"]`, "space"},
		{`["q\"uote"]`, "quote"},
		{`['q"uote']`, "quote"},
		{`[""]`, "empty"},
		{`n[0]["k v"]`, "x"},
		{`n["k v"=x].v`, "1"},
		{`n[v='1']["k v"]`, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, ok := jsonsyn.MustCompilePath(tt.expr).Get(doc, nil)
			assert.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPathOnObject(t *testing.T) {
	o := jsonsyn.Object{{Key: "z", Value: "1"}, {Key: "a", Value: jsonsyn.Object{{Key: "role", Value: "FW"}}}}
	p := jsonsyn.MustCompilePath("$.*")
	assert.Equal(t, []any{"1", jsonsyn.Object{{Key: "role", Value: "FW"}}}, p.All(o, nil), "insertion order")
	got, ok := jsonsyn.MustCompilePath("a[role=FW].role").Get(&o, nil)
	assert.True(t, ok)
	assert.Equal(t, "FW", got)
}

func TestPathLocate(t *testing.T) {
	doc := decodeFile(t, "testdata/releaseright.json")
	tests := []struct {
		expr    string
		current any
		want    []jsonsyn.Match
	}{
		{"data.parties[role=TO].ids[-1].value", nil, []jsonsyn.Match{{Pointer: "/data/parties/2/ids/0/value", Value: "NXT24551090"}}},
		{"data.lights[*].state", nil, []jsonsyn.Match{
			{Pointer: "/data/lights/0/state", Value: "GREEN"},
			{Pointer: "/data/lights/1/state", Value: "ORANGE"},
			{Pointer: "/data/lights/2/state", Value: "GREEN"},
		}},
		{"$", nil, []jsonsyn.Match{{Pointer: "", Value: doc}}},
		{`@["a/b"]`, map[string]any{"a/b": "x"}, []jsonsyn.Match{{Pointer: "/a~1b", Value: "x"}}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, jsonsyn.MustCompilePath(tt.expr).Locate(doc, tt.current))
		})
	}
}

func TestCompilePathErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"", `path "", column 1: expression is empty, expected a name, $ or @`},
		{"a..b", `path "a..b", column 3: unexpected '.', expected a name (letters, digits, '_', '-'; quote others as ["odd.key"])`},
		{"a.", `path "a.", column 3: expression ends, expected a name`},
		{"parties[role=FW", `path "parties[role=FW", column 8: '[' is not closed, expected ']'`},
		{"parties[role=]", `path "parties[role=]", column 14: expected a filter value after '=' (quote an empty value as "")`},
		{"parties[role]", `path "parties[role]", column 13: expected '=' after the filter field, as in [role=FW]`},
		{"a[1x]", `path "a[1x]", column 4: unexpected 'x', expected ']'`},
		{"a[-]", `path "a[-]", column 3: index "-" is not an integer`},
		{"a[99999999999999999999]", `path "a[99999999999999999999]", column 3: index "99999999999999999999" is not an integer`},
		{`a["b]`, `path "a[\"b]", column 3: quoted name is not closed, expected "`},
		{"a b", `path "a b", column 2: unexpected ' ', expected '.' or '['`},
		{"$x", `path "$x", column 2: unexpected 'x', expected '.' or '['`},
		{"é.ß[", `path "é.ß[", column 4: '[' is not closed, expected an index, '*', a quoted name or a filter`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, err := jsonsyn.CompilePath(tt.expr)
			require.Error(t, err)
			assert.Nil(t, p)
			require.ErrorIs(t, err, jsonsyn.ErrPath)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestMustCompilePathPanics(t *testing.T) {
	assert.Panics(t, func() { jsonsyn.MustCompilePath("a[") })
}

func TestPathRelative(t *testing.T) {
	assert.True(t, jsonsyn.MustCompilePath("@.a").Relative())
	assert.False(t, jsonsyn.MustCompilePath("$.a").Relative())
	assert.False(t, jsonsyn.MustCompilePath("a").Relative())
}

func TestPointer(t *testing.T) {
	tests := []struct {
		name   string
		tokens []any
		want   string
	}{
		{"root", nil, ""},
		{"names and index", []any{"release_data", "container", 0, "containerNumber"}, "/release_data/container/0/containerNumber"},
		{"escapes", []any{"a/b", "m~n"}, "/a~1b/m~0n"},
		{"empty key", []any{""}, "/"},
		{"other types", []any{int64(7), true}, "/7/true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, jsonsyn.Pointer(tt.tokens...))
		})
	}
}

func TestDecodeNotification(t *testing.T) {
	data, err := os.ReadFile("testdata/releaseright.json")
	require.NoError(t, err)
	doc, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: "releaseright.json"})
	require.NoError(t, err)
	m, ok := doc.(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "ReleaseRight", m["type"])
	assert.Equal(t, "CSQU3054383", m["id"])
	grossWeight := jsonsyn.MustCompilePath("data.container.grossWeight.value")
	v, ok := grossWeight.Get(doc, nil)
	require.True(t, ok)
	assert.Equal(t, jsonsyn.Number("24350.5"), v)
}
