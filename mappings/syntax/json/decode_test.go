package json_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"null", `null`, nil},
		{"true", ` true `, true},
		{"false", "\n\tfalse\r\n", false},
		{"integer keeps text", `-0`, jsonsyn.Number("-0")},
		{"decimal keeps trailing zero", `12.50`, jsonsyn.Number("12.50")},
		{"exponent keeps text", `1E+3`, jsonsyn.Number("1E+3")},
		{"huge number kept exactly", `123456789012345678901234567890`, jsonsyn.Number("123456789012345678901234567890")},
		{"string", `"CSQU3054383"`, "CSQU3054383"},
		{"escapes", `"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{"unicode escape", `"\u00e0 \u20AC"`, "à €"},
		{"surrogate pair", `"\ud83d\udea2"`, "🚢"},
		{"raw UTF-8", `"Zeebrugge – Brügge"`, "Zeebrugge – Brügge"},
		{"escape after UTF-8", `"é\n"`, "é\n"},
		{"empty object", `{}`, map[string]any{}},
		{"empty array", `[ ]`, []any{}},
		{"nested", `{"a":[1,{"b":null}],"c":"d"}`, map[string]any{
			"a": []any{jsonsyn.Number("1"), map[string]any{"b": nil}}, "c": "d",
		}},
		{"byte order mark skipped", "\xEF\xBB\xBF{\"a\":true}", map[string]any{"a": true}},
		{"same key in sibling objects", `[{"a":1},{"a":2}]`, []any{
			map[string]any{"a": jsonsyn.Number("1")}, map[string]any{"a": jsonsyn.Number("2")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonsyn.Decode([]byte(tt.in), jsonsyn.DecodeOptions{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		opts     jsonsyn.DecodeOptions
		sentinel error
		want     string
	}{
		{"empty", ``, jsonsyn.DecodeOptions{Name: "in.json"}, jsonsyn.ErrSyntax,
			`in.json:1:1: document is empty, expected a value`},
		{"only whitespace", "  \n ", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 2 column 2: document is empty, expected a value`},
		{"trailing garbage", `{"a":1} x`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 9: "x" after the document, expected the end of input`},
		{"two documents", "{}\n{}", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 2 column 1: "{" after the document, expected the end of input`},
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", jsonsyn.DecodeOptions{Name: "n.json"}, jsonsyn.ErrSyntax,
			`n.json:3:3: "\"b\"" where ',' or '}' after an object member was expected`},
		{"trailing comma in object", `{"a":1,}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 8: "}" where a quoted object key was expected`},
		{"trailing comma in array", `{"a":[1,]}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 9: /a/1: "]" where a value was expected`},
		{"unquoted key", `{a:1}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: "a" where a quoted object key was expected`},
		{"missing colon", `{"a" 1}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 6: /a: "1" where ':' after object key was expected`},
		{"key with a newline, on one line", `{"\n0"0`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 7: "/\n0": "0" where ':' after object key was expected`},
		{"bad literal", `{"data":{"blocked":tru}}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 20: /data/blocked: "tru" where a value was expected`},
		{"single quotes", `['x']`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: /0: "'x'" where a value was expected`},
		{"leading zero", `[01]`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 3: "1" where ',' or ']' after an array element was expected`},
		{"leading plus", `+1`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 1: "+1" where a value was expected`},
		{"bare minus", `-`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 1: "-" is not a number, expected a digit`},
		{"dot without digits", `1.`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 1: "1." is not a number, expected a digit after '.'`},
		{"exponent without digits", `[1e+]`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: /0: "1e+" is not a number, expected a digit in the exponent`},
		{"NaN", `NaN`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 1: "NaN" where a value was expected`},
		{"unclosed string", `{"id":"CSQU`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 7: /id: string "\"CSQU" is not closed, expected '"'`},
		{"unclosed object", `{"a":1`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 7: unexpected end of input, expected ',' or '}'`},
		{"unclosed array", "{\"a\":[1,", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 9: /a/1: unexpected end of input, expected a value`},
		{"raw newline in string", "[\"a\nb\"]", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 4: /0: control character '\n' in a string, expected it escaped`},
		{"raw tab after escape", "[\"\\n\tb\"]", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 5: /0: control character '\t' in a string, expected it escaped`},
		{"bad escape", `{"k":"a\x"}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 8: /k: escape "\\x" in a string, expected one of \" \\ \/ \b \f \n \r \t \uXXXX`},
		{"short unicode escape", `"\u12"`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: escape "\\u12\"" in a string, expected \u and four hex digits`},
		{"lone high surrogate", `"\ud83d!"`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: escape "\\ud83d" is half a surrogate pair, expected a low surrogate to follow`},
		{"lone low surrogate", `"\udea2"`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: escape "\\udea2" is half a surrogate pair, expected a high surrogate before it`},
		{"invalid UTF-8", "{\"name\":\"Br\xfcgge\"}", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 12: /name: byte 0xFC in a string, expected UTF-8 text`},
		{"invalid UTF-8 after escape", "[\"\\t\xff\"]", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 5: /0: byte 0xFF in a string, expected UTF-8 text`},
		{"column counts characters", "{\"é\": \"ü\" x}", jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 11: "x" where ',' or '}' after an object member was expected`},
		{"duplicate key", "{\n \"role\": \"FW\",\n \"role\": \"CZ\"\n}", jsonsyn.DecodeOptions{Name: "n.json"}, jsonsyn.ErrDuplicateKey,
			`n.json:3:2: duplicate key "role"`},
		{"duplicate key nested", `{"data":{"parties":[{"role":"FW","name":"a","role":"CZ"}]}}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrDuplicateKey,
			`line 1 column 45: /data/parties/0: duplicate key "role"`},
		{"first of two duplicate keys", `{"a":1,"b":2,"b":3,"a":4}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrDuplicateKey,
			`line 1 column 14: duplicate key "b"`},
		{"duplicate key through escape", `{"id":"A","\u0069d":"B"}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrDuplicateKey,
			`line 1 column 11: duplicate key "id"`},
		{"too deep", `{"a":[[1]]}`, jsonsyn.DecodeOptions{MaxDepth: 2}, jsonsyn.ErrTooDeep,
			`line 1 column 7: /a/0: '[' opens level 3, limit is 2`},
		{"default depth", strings.Repeat("[", 65) + strings.Repeat("]", 65), jsonsyn.DecodeOptions{}, jsonsyn.ErrTooDeep,
			`line 1 column 65: ` + strings.Repeat("/0", 64) + `: '[' opens level 65, limit is 64`},
		{"too large", `{"a":"bcdef"}`, jsonsyn.DecodeOptions{MaxBytes: 8, Name: "big.json"}, jsonsyn.ErrTooLarge,
			`big.json: document of 13 bytes is larger than the limit of 8 bytes`},
		{"negative limit", `{}`, jsonsyn.DecodeOptions{MaxDepth: -1}, jsonsyn.ErrOptions,
			`max depth -1 is negative`},
		{"pointer escapes", `{"a/b":{"c~d":[x]}}`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 16: /a~1b/c~0d/0: "x" where a value was expected`},
		{"long value clipped", `[` + strings.Repeat("z", 100) + `]`, jsonsyn.DecodeOptions{}, jsonsyn.ErrSyntax,
			`line 1 column 2: /0: "` + strings.Repeat("z", 64) + `"… where a value was expected`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonsyn.Decode([]byte(tt.in), tt.opts)
			require.Error(t, err)
			assert.Nil(t, got)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.want, err.Error())
			assert.NotContains(t, err.Error(), "\n")
			var jerr *jsonsyn.Error
			require.ErrorAs(t, err, &jerr)
		})
	}
}

func TestDecodeErrorFields(t *testing.T) {
	_, err := jsonsyn.Decode([]byte("{\n \"data\": {\"id\": tru}\n}"), jsonsyn.DecodeOptions{Name: "n.json"})
	var jerr *jsonsyn.Error
	require.ErrorAs(t, err, &jerr)
	assert.Equal(t, jsonsyn.Error{
		Name: "n.json", Line: 2, Column: 17, Pointer: "/data/id", Value: "tru", Err: errors.Unwrap(err),
	}, *jerr)
}
