package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xeipuuv/gojsonschema"
)

// Schema answers one question about a decoded JSON input: does it
// certainly pass the profile's JSON Schema? gojsonschema boxes every value
// and allocates a context per member on every document, which made schema
// checking the larger part of decoding a JSON message. A document the
// quick check passes is accepted without it; any other goes to gojsonschema,
// which decides and words the errors as before.
//
// The quick check must give gojsonschema's verdict exactly, not merely err
// on the side of failing: under not, oneOf and if a wrong "fails" turns
// into a wrong "passes". It knows the keywords pcsgate's schemas use, with
// gojsonschema's semantics for draft-07 ($ref ignoring its siblings,
// lengths in runes, integers by value, enum and const by their JSON text,
// formats checked by gojsonschema's own checkers). A schema with any other
// keyword, or of another draft, gets no quick check (compileQuickSchema
// returns an error).
type Schema struct {
	pass, fail bool // the schemas true and false

	typed bool
	types uint8 // jsonType bits

	// objects
	props    map[string]*Schema
	propList []namedSchema // props by name, to look members up
	required []string
	addl     *Schema // additionalProperties; nil allows any
	minProps int     // -1: none
	maxProps int

	// arrays
	items    *Schema
	minItems int
	maxItems int

	// strings
	minLen, maxLen int
	pattern        *regexp.Regexp
	format         string

	// numbers
	minimum, maximum, exclMin, exclMax *big.Rat

	// any value
	enum    []string // the allowed strings; only string enums are known
	hasEnum bool
	konst   *string

	allOf, anyOf, oneOf []*Schema
	not                 *Schema
	cond, then, els     *Schema
}

const (
	jsonNull uint8 = 1 << iota
	jsonBool
	jsonInteger
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

var jsonTypes = map[string]uint8{
	"null": jsonNull, "boolean": jsonBool, "integer": jsonInteger, "number": jsonNumber,
	"string": jsonString, "array": jsonArray, "object": jsonObject,
}

// annotations are keywords that do not affect validation.
var annotations = map[string]bool{
	"$schema": true, "title": true, "description": true, "$comment": true,
	"default": true, "examples": true, "definitions": true,
}

// Compile compiles a JSON Schema document for the quick check.
func Compile(data []byte) (*Schema, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	m, _ := root.(map[string]any)
	if d, _ := m["$schema"].(string); strings.TrimSuffix(d, "#") != "http://json-schema.org/draft-07/schema" {
		return nil, fmt.Errorf("$schema %q is not draft-07", d)
	}
	c := &quickCompiler{root: root, refs: map[string]*Schema{}}
	return c.compile(root)
}

type quickCompiler struct {
	root any
	refs map[string]*Schema
}

func (c *quickCompiler) compile(node any) (*Schema, error) {
	switch n := node.(type) {
	case bool:
		return &Schema{pass: n, fail: !n}, nil
	case map[string]any:
		if ref, ok := n["$ref"]; ok {
			s, _ := ref.(string)
			return c.ref(s)
		}
		q := &Schema{minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}
		for k, v := range n {
			if err := c.keyword(q, k, v); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
		}
		return q, nil
	}
	return nil, fmt.Errorf("schema of type %T", node)
}

// ref resolves a reference into the root's definitions.
func (c *quickCompiler) ref(s string) (*Schema, error) {
	name, ok := strings.CutPrefix(s, "#/definitions/")
	if !ok || strings.ContainsAny(name, "/~%") {
		return nil, fmt.Errorf("reference %q", s)
	}
	if q, ok := c.refs[name]; ok {
		return q, nil
	}
	defs, _ := c.root.(map[string]any)["definitions"].(map[string]any)
	def, ok := defs[name]
	if !ok {
		return nil, fmt.Errorf("reference %q", s)
	}
	q := &Schema{}
	c.refs[name] = q // before compiling, for recursive definitions
	compiled, err := c.compile(def)
	if err != nil {
		return nil, err
	}
	*q = *compiled
	return q, nil
}

// keyword compiles keyword k, of value v, into q, by keyword family. A
// keyword the quick check does not know is an error, so that the schema
// gets no quick check rather than a wrong one.
func (c *quickCompiler) keyword(q *Schema, k string, v any) error {
	switch k {
	case "type", "enum", "const":
		return valueKeyword(q, k, v)
	case "properties", "required", "additionalProperties", "minProperties", "maxProperties":
		return c.objectKeyword(q, k, v)
	case "items", "minItems", "maxItems":
		return c.arrayKeyword(q, k, v)
	case "minLength", "maxLength", "pattern", "format":
		return stringKeyword(q, k, v)
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		return numberKeyword(q, k, v)
	case "allOf", "anyOf", "oneOf", "not", "if", "then", "else":
		return c.combinator(q, k, v)
	}
	if !annotations[k] {
		return errUnknownKeyword
	}
	return nil
}

// errUnknownKeyword refuses a keyword the quick check does not know.
var errUnknownKeyword = errors.New("keyword not known to the quick check")

// valueKeyword compiles type, enum and const, the keywords that apply to a
// value of any type.
func valueKeyword(q *Schema, k string, v any) error {
	var err error
	switch k {
	case "type":
		q.typed = true
		switch t := v.(type) {
		case string:
			q.types, err = typeBit(t)
		case []any:
			for _, e := range t {
				s, _ := e.(string)
				b, err := typeBit(s)
				if err != nil {
					return err
				}
				q.types |= b
			}
		default:
			return fmt.Errorf("unexpected %T", v)
		}
	case "enum":
		q.hasEnum = true
		q.enum, err = stringList(v)
	case "const":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("non-string const")
		}
		q.konst = &s
	default:
		return errUnknownKeyword
	}
	return err
}

// objectKeyword compiles a keyword that applies to objects.
func (c *quickCompiler) objectKeyword(q *Schema, k string, v any) error {
	var err error
	switch k {
	case "properties":
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		q.props = make(map[string]*Schema, len(m))
		for name, sub := range m {
			if q.props[name], err = c.compile(sub); err != nil {
				return err
			}
			q.propList = append(q.propList, namedSchema{name, q.props[name]})
		}
		slices.SortFunc(q.propList, func(a, b namedSchema) int { return strings.Compare(a.name, b.name) })
	case "required":
		q.required, err = stringList(v)
	case "additionalProperties":
		q.addl, err = c.compile(v)
	case "minProperties":
		q.minProps, err = count(v)
	case "maxProperties":
		q.maxProps, err = count(v)
	default:
		return errUnknownKeyword
	}
	return err
}

// arrayKeyword compiles a keyword that applies to arrays; tuple items are
// not known to the quick check.
func (c *quickCompiler) arrayKeyword(q *Schema, k string, v any) error {
	var err error
	switch k {
	case "items":
		if _, ok := v.([]any); ok {
			return fmt.Errorf("tuple items")
		}
		q.items, err = c.compile(v)
	case "minItems":
		q.minItems, err = count(v)
	case "maxItems":
		q.maxItems, err = count(v)
	default:
		return errUnknownKeyword
	}
	return err
}

// stringKeyword compiles a keyword that applies to strings.
func stringKeyword(q *Schema, k string, v any) error {
	var err error
	switch k {
	case "minLength":
		q.minLen, err = count(v)
	case "maxLength":
		q.maxLen, err = count(v)
	case "pattern":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		q.pattern, err = regexp.Compile(s)
	case "format":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		q.format = s
	default:
		return errUnknownKeyword
	}
	return err
}

// numberKeyword compiles a bound on numbers.
func numberKeyword(q *Schema, k string, v any) error {
	var err error
	switch k {
	case "minimum":
		q.minimum, err = rat(v)
	case "maximum":
		q.maximum, err = rat(v)
	case "exclusiveMinimum":
		q.exclMin, err = rat(v)
	case "exclusiveMaximum":
		q.exclMax, err = rat(v)
	default:
		return errUnknownKeyword
	}
	return err
}

// combinator compiles a keyword that combines subschemas: allOf, anyOf,
// oneOf, not, and if with then and else.
func (c *quickCompiler) combinator(q *Schema, k string, v any) error {
	var err error
	switch k {
	case "allOf":
		q.allOf, err = c.list(v)
	case "anyOf":
		q.anyOf, err = c.list(v)
	case "oneOf":
		q.oneOf, err = c.list(v)
	case "not":
		q.not, err = c.compile(v)
	case "if":
		q.cond, err = c.compile(v)
	case "then":
		q.then, err = c.compile(v)
	case "else":
		q.els, err = c.compile(v)
	default:
		return errUnknownKeyword
	}
	return err
}

func (c *quickCompiler) list(v any) ([]*Schema, error) {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return nil, fmt.Errorf("unexpected %T", v)
	}
	out := make([]*Schema, len(l))
	for i, e := range l {
		var err error
		if out[i], err = c.compile(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func typeBit(t string) (uint8, error) {
	if b, ok := jsonTypes[t]; ok {
		return b, nil
	}
	return 0, fmt.Errorf("type %q", t)
}

func stringList(v any) ([]string, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("unexpected %T", v)
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("non-string %v", e)
		}
		out[i] = s
	}
	return out, nil
}

func count(v any) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("unexpected %T", v)
	}
	i, err := strconv.Atoi(string(n))
	if err != nil || i < 0 {
		return 0, fmt.Errorf("count %s", n)
	}
	return i, nil
}

func rat(v any) (*big.Rat, error) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("unexpected %T", v)
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, fmt.Errorf("number %s", n)
	}
	return r, nil
}

// Valid reports whether v certainly passes the schema.
func (q *Schema) Valid(v any) bool {
	if q.pass {
		return true
	}
	if q.fail {
		return false
	}
	switch x := v.(type) {
	case nil:
		if !q.allows(jsonNull) {
			return false
		}
	case bool:
		if !q.allows(jsonBool) {
			return false
		}
	case json.Number:
		if !q.number(x) {
			return false
		}
	case string:
		if !q.allows(jsonString) || !q.str(x) {
			return false
		}
	case []any:
		if !q.allows(jsonArray) || !q.array(x) {
			return false
		}
	case map[string]any:
		if !q.allows(jsonObject) || !q.object(x) {
			return false
		}
	default:
		return false // not a decoded value; let gojsonschema judge
	}
	if q.hasEnum || q.konst != nil {
		s, ok := v.(string)
		if !ok || q.konst != nil && s != *q.konst || q.hasEnum && !slices.Contains(q.enum, s) {
			return false
		}
	}
	return q.combined(v)
}

func (q *Schema) allows(t uint8) bool { return !q.typed || q.types&t != 0 }

func (q *Schema) number(n json.Number) bool {
	if q.typed && q.types&jsonNumber == 0 && (q.types&jsonInteger == 0 || !isInteger(n)) {
		return false
	}
	if q.minimum == nil && q.maximum == nil && q.exclMin == nil && q.exclMax == nil && q.format == "" {
		return true
	}
	if i, ok := smallInt(n); ok && q.format == "" {
		if c, ok := q.intBounds(i); ok {
			return c
		}
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return false
	}
	// gojsonschema checks a format on numbers too, given as a *big.Rat.
	return (q.format == "" || gojsonschema.FormatCheckers.IsFormat(q.format, r)) &&
		(q.minimum == nil || r.Cmp(q.minimum) >= 0) &&
		(q.maximum == nil || r.Cmp(q.maximum) <= 0) &&
		(q.exclMin == nil || r.Cmp(q.exclMin) > 0) &&
		(q.exclMax == nil || r.Cmp(q.exclMax) < 0)
}

// smallInt reads n when it is a plain integer of at most 18 digits, the
// common case, so that bounds are checked without big.Rat allocations.
func smallInt(n json.Number) (int64, bool) {
	s := string(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var i int64
	for j := 0; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return 0, false
		}
		i = i*10 + int64(s[j]-'0')
	}
	if neg {
		i = -i
	}
	return i, true
}

// intBounds checks i against the numeric bounds when every bound present
// is a whole number that fits an int64; ok=false leaves it to big.Rat.
func (q *Schema) intBounds(i int64) (valid, ok bool) {
	valid = true
	for _, b := range [...]struct {
		r   *big.Rat
		cmp func(i, b int64) bool
	}{
		{q.minimum, func(i, b int64) bool { return i >= b }},
		{q.maximum, func(i, b int64) bool { return i <= b }},
		{q.exclMin, func(i, b int64) bool { return i > b }},
		{q.exclMax, func(i, b int64) bool { return i < b }},
	} {
		if b.r == nil {
			continue
		}
		if !b.r.IsInt() || !b.r.Num().IsInt64() {
			return false, false
		}
		valid = valid && b.cmp(i, b.r.Num().Int64())
	}
	return valid, true
}

// isInteger is gojsonschema's test: the number's value is whole ("1.0" is).
func isInteger(n json.Number) bool {
	s := strings.TrimPrefix(string(n), "-")
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= '0' && s[i] <= '9'
	}
	if plain {
		return true
	}
	r, ok := new(big.Rat).SetString(string(n))
	return ok && r.IsInt()
}

func (q *Schema) str(s string) bool {
	if q.minLen >= 0 || q.maxLen >= 0 {
		n := utf8.RuneCountInString(s)
		if q.minLen >= 0 && n < q.minLen || q.maxLen >= 0 && n > q.maxLen {
			return false
		}
	}
	if q.pattern != nil && !q.pattern.MatchString(s) {
		return false
	}
	if q.format == "date-time" && isRFC3339(s) {
		// gojsonschema's date-time checker accepts what any of its
		// layouts parses, RFC 3339 among them; it tries three others
		// first, each failure allocating an error.
		return true
	}
	return q.format == "" || gojsonschema.FormatCheckers.IsFormat(q.format, s)
}

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func (q *Schema) array(a []any) bool {
	if q.minItems >= 0 && len(a) < q.minItems || q.maxItems >= 0 && len(a) > q.maxItems {
		return false
	}
	if q.items != nil {
		for _, e := range a {
			if !q.items.Valid(e) {
				return false
			}
		}
	}
	return true
}

func (q *Schema) object(m map[string]any) bool {
	if q.minProps >= 0 && len(m) < q.minProps || q.maxProps >= 0 && len(m) > q.maxProps {
		return false
	}
	for _, r := range q.required {
		if _, ok := m[r]; !ok {
			return false
		}
	}
	if 2*len(m) < len(q.propList) {
		return q.members(m)
	}
	// Looking each property up beats ranging over the members, which
	// costs more per member than a lookup; the members no property names
	// are visited only when there are some and they have a schema.
	found := 0
	for _, p := range q.propList {
		if v, ok := m[p.name]; ok {
			found++
			if !p.schema.Valid(v) {
				return false
			}
		}
	}
	if q.addl == nil || found == len(m) {
		return true
	}
	for k, v := range m {
		if _, ok := q.props[k]; !ok && !q.addl.Valid(v) {
			return false
		}
	}
	return true
}

// members checks each member of m against its property or
// additionalProperties, for objects with few members.
func (q *Schema) members(m map[string]any) bool {
	for k, v := range m {
		if sub, ok := q.props[k]; ok {
			if !sub.Valid(v) {
				return false
			}
		} else if q.addl != nil && !q.addl.Valid(v) {
			return false
		}
	}
	return true
}

// namedSchema is a property's name and schema.
type namedSchema struct {
	name   string
	schema *Schema
}

func (q *Schema) combined(v any) bool {
	for _, s := range q.allOf {
		if !s.Valid(v) {
			return false
		}
	}
	if len(q.anyOf) > 0 {
		ok := false
		for _, s := range q.anyOf {
			if ok = s.Valid(v); ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(q.oneOf) > 0 {
		n := 0
		for _, s := range q.oneOf {
			if s.Valid(v) {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	if q.not != nil && q.not.Valid(v) {
		return false
	}
	if q.cond != nil {
		if q.cond.Valid(v) {
			if q.then != nil && !q.then.Valid(v) {
				return false
			}
		} else if q.els != nil && !q.els.Valid(v) {
			return false
		}
	}
	return true
}
