package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFastExprMatchesVM runs expressions of the shapes fast forms take
// (and some they refuse) on documents with absent, null, empty, mistyped
// and numeric members, and requires every answer a fast form gives to be
// the VM's, and an expression the VM fails on never to be answered.
func TestFastExprMatchesVM(t *testing.T) {
	exprs := []string{
		`root.type`,
		`root.type + "/" + root.event`,
		`root.type == "ReleaseLight"`,
		`root.type != "TerminalEvent" && (root.body?.terminalCode ?? "") != ""`,
		`root.type == "ReleaseRight" && root.event in ["Transferred", "Accepted"]`,
		`root.event in ["", "x"]`,
		`root.event + ((root.body?.actionType ?? "") != "" ? "/" + root.body.actionType : "")`,
		`root.body?.carrier == nil && root.body?.sender != nil`,
		`root.body?.carrier != nil`,
		`(root.body?.driver?.alfapassNumber ?? "") != ""`,
		`root.body.actionType`,
		`root.body?.actionType`,
		`root.n == nil`,
		`root.n ?? "none"`,
		`root.flag == true ? "yes" : "no"`,
		`!root.flag`,
		`root.flag && root.type`,
		`root.flag || root.type`,
		`root.type && true`,
		`lower(root.type) == "releaselight"`,
		`upper(root.body?.actionType ?? "")`,
		`value`,
		`value == "x" ? value : nil`,
		`value + "!"`,
		`root.body`,
		`root.list`,
		`root.body == root.body`,
		`root.body == nil`,
		`nil`,
		`"a" + "b"`,
		`value == nil ? "" : let code = len(value) > 1 ? value[1] : ""; code == "146" || code == "" && value[0] matches "^[0-9]+$" ? value[0] : ""`,
		`value == nil ? "" : let code = len(value) > 1 ? value[1] : ""; code == "103" || code == "" && !(value[0] matches "^[0-9]+$") ? value[0] : ""`,
		`len(value) >= 2 && len(value) < 3 && len(value) <= 2`,
		`value[1]`,
		`value[2]`,
		`value[-1]`,
		`value matches "^x"`,
		`root.type matches "^Release"`,
		`let a = value; let b = root.type; a == b`,
		`let a = root.body; a?.actionType`,
		`len(root.type) > 1`,
		`root.type == "ReleaseLight" && text(root.event) == "Accepted"`,
		`root.flag == true ? text(root.n) : "no"`,
		`root.n ?? text(root.type)`,
		`root.type != "ReleaseLight" || len(root.list) > 0`,
	}
	docs := []string{
		`{"type":"ReleaseLight","event":"Accepted","body":{"terminalCode":"0100","actionType":"Assign","carrier":{"name":"c"},"driver":{"alfapassNumber":"**12"}},"flag":true,"n":1,"list":[1]}`,
		`{"type":"ReleaseRight","event":"Transferred","body":{"terminalCode":"","actionType":null,"sender":{},"driver":null},"flag":false,"n":null}`,
		`{"type":"TerminalEvent","event":"","body":null,"flag":"yes"}`,
		`{"type":3,"event":null}`,
		`{"body":"text","flag":null}`,
		`{}`,
	}
	answered := 0
	values := []Value{{}, Str("x"), Str(""), {V: map[string]any{"a": "b"}, OK: true}, {Parts: []string{"a", "b"}, OK: true},
		{Parts: []string{"9074729", "146"}, OK: true}, {Parts: []string{"PDHX", "103"}, OK: true}, {Parts: []string{"9074729"}, OK: true}, {Parts: []string{"PDHX", ""}, OK: true}}
	for _, src := range exprs {
		p, err := compileExpr(src)
		require.NoError(t, err, src)
		fast := compileFast(p)
		for _, doc := range docs {
			root := decodeTestDoc(t, doc)
			for _, w := range values {
				want, vmErr := RunExpr(p, &ExprEnv{Root: plainNumbers(root), Value: w.box()})
				if fast == nil {
					continue
				}
				got, ok := fast(&fastEnv{root: root, value: w})
				if !ok {
					continue
				}
				answered++
				require.NoError(t, vmErr, "%s on %s: the fast form answered %#v where the VM fails", src, doc, got.box())
				require.Equal(t, want, got.box(), "%s on %s with value %#v", src, doc, w.box())
				require.Equal(t, Boxed(want), got.result(), "%s on %s", src, doc)
			}
		}
	}
	require.Greater(t, answered, len(exprs)*len(docs), "fast forms answered too few cases to compare")
}

// TestFastExprShapes pins which expressions get a fast form, so that a
// change to the expr library's syntax tree cannot silently send every
// expression back to the VM.
func TestFastExprShapes(t *testing.T) {
	for src, want := range map[string]bool{
		`root.type + "/" + root.event`:                                             true,
		`root.type == "ReleaseRight" && root.event in ["A", "B"]`:                  true,
		`(root.body?.driver?.alfapassNumber ?? "") != ""`:                          true,
		`root.body?.carrier == nil ? "x" : lower(root.event)`:                      true,
		`event.release?.status == "PICKED_UP"`:                                     true,
		`string(event.type) == "GATED_OUT"`:                                        false,
		`text(value) matches "^0x[0-9a-fA-F]{1,64}$" ? value : ""`:                 false,
		`let x = root.type; x`:                                                     true,
		`let code = len(value) > 1 ? value[1] : ""; code == "146" ? value[0] : ""`: true,
		`map(filter(sort(keys(root.greenLights)), # != "total"), ({"n": #}))`:      false,
	} {
		p, err := compileExpr(src)
		require.NoError(t, err, src)
		require.Equal(t, want, compileFast(p) != nil, src)
	}
}

// decodeTestDoc decodes JSON as the JSON syntax does: numbers as text.
func decodeTestDoc(t *testing.T, doc string) any {
	t.Helper()
	var root any
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	require.NoError(t, d.Decode(&root))
	return root
}

// plainNumbers is the document as expressions see it: numbers as float64.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainNumbers(e)
		}
		return out
	}
	return v
}
