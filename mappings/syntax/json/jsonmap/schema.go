package jsonmap

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
	"github.com/xeipuuv/gojsonschema"
)

// CheckSchema validates a JSON input against the profile's JSON Schema;
// one error line per problem, with the line and column of the value, its
// path, the value as received and what the schema expects.
func CheckSchema(p *engine.Profile, data []byte, name string) error {
	return validate(p, data, gojsonschema.NewBytesLoader(data), name)
}

// CheckDecoded is CheckSchema for an input that jsonsyn.Decode has already
// turned into root. Decode gives the values the schema validator would
// decode data into itself (objects as map[string]any, numbers as their
// text), so the validator works on root instead of parsing data again.
// Decode skips a leading byte order mark that the validator's own parser
// rejects; such an input is still handed over as bytes, to be rejected as
// before.
func CheckDecoded(p *engine.Profile, data []byte, root any, name string) error {
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		return CheckSchema(p, data, name)
	}
	if p.QuickSchema != nil && p.QuickSchema.Valid(root) {
		return nil
	}
	return validate(p, data, gojsonschema.NewRawLoader(root), name)
}

// validate runs the schema on the document doc loads; data is the input as
// received, for positions.
func validate(p *engine.Profile, data []byte, doc gojsonschema.JSONLoader, name string) error {
	if p.Schema == nil {
		return nil
	}
	res, err := p.Schema.Validate(doc)
	if err != nil {
		return &engine.Error{File: name, Err: fmt.Errorf("%w: %s", engine.ErrInput, spec.OneLine(err.Error()))}
	}
	if res.Valid() {
		return nil
	}
	var errs []*engine.Error
	for _, re := range res.Errors() {
		errs = append(errs, schemaError(p, data, name, re))
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Column < errs[j].Column
	})
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// schemaError renders one gojsonschema result as an Error.
func schemaError(p *engine.Profile, data []byte, name string, re gojsonschema.ResultError) *engine.Error {
	field := re.Field()
	var tokens []string
	if field != "(root)" && field != "" {
		tokens = strings.Split(field, ".")
	} else {
		field = ""
	}
	e := &engine.Error{File: name, Segment: field}
	if line, col, ok := jsonsyn.Locate(data, tokens); ok {
		e.Line, e.Column = line, col
	}
	got := ""
	switch v := re.Value().(type) {
	case string:
		e.Value = v
	case nil, map[string]any, []any:
	default:
		got = fmt.Sprint(v)
	}
	switch {
	case re.Type() == "additional_property_not_allowed":
		// The value of a member that has no place here says nothing about
		// what is wrong, and may be a secret sent under the wrong name.
		e.Value, got = "", ""
	case (e.Value != "" || got != "") && secretField(p, field):
		e.Secret, got = true, ""
		if e.Value != "" {
			got = fmt.Sprintf("%d characters", utf8.RuneCountInString(e.Value))
		}
		e.Value = ""
	}
	e.Err = &inputError{msg: schemaReason(re, got) + " (schema " + p.Spec.Schema + ")"}
	return e
}

// secretField reports whether a schema problem's field (dotted, with
// array indexes: containers.0.pin) is one the profile declares secret.
// Declared paths are compared by their member names, filters and indexes
// left out; a relative one (@.pin) matches at any depth.
func secretField(p *engine.Profile, field string) bool {
	if field == "" || len(p.Secrets()) == 0 {
		return false
	}
	var names []string
	for _, t := range strings.Split(field, ".") {
		if _, err := strconv.Atoi(t); err != nil {
			names = append(names, t)
		}
	}
	got := strings.Join(names, ".")
	for _, s := range p.Secrets() {
		want := memberNames(s.Path)
		if got == want || strings.HasPrefix(s.Path, "@") && strings.HasSuffix(got, "."+want) {
			return true
		}
	}
	return false
}

// memberNames is a JSON path's member names, dotted, without the root,
// the current item, indexes and filters.
func memberNames(path string) string {
	var names []string
	for _, t := range strings.Split(path, ".") {
		if i := strings.IndexByte(t, '['); i >= 0 {
			t = t[:i]
		}
		if t != "" && t != "$" && t != "@" {
			names = append(names, t)
		}
	}
	return strings.Join(names, ".")
}

// inputError is a schema problem's text; it wraps ErrInput without
// repeating its words.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return engine.ErrInput }

// schemaReason says what the schema expects, in pcsgate's words rather
// than gojsonschema's; got is a non-text value as received, to show it.
func schemaReason(re gojsonschema.ResultError, got string) string {
	d := re.Details()
	str := func(k string) string { return spec.OneLine(fmt.Sprint(d[k])) }
	var s string
	switch re.Type() {
	case "required":
		return fmt.Sprintf("member %q is required but missing", str("property"))
	case "invalid_type":
		s = "must be " + article(str("expected")) + ", not " + article(str("given"))
	case "enum":
		s = "must be one of " + str("allowed")
	case "const":
		s = "must be " + str("allowed")
	case "pattern":
		s = "does not match the pattern " + str("pattern")
	case "format":
		s = "is not a valid " + str("format")
	case "string_gte":
		s = "must be at least " + str("min") + " characters long"
	case "string_lte":
		s = "must be at most " + str("max") + " characters long"
	case "additional_property_not_allowed":
		return fmt.Sprintf("member %q is not allowed here", str("property"))
	default:
		s = spec.OneLine(re.Description())
		if s != "" {
			s = strings.ToLower(s[:1]) + s[1:]
		}
	}
	if got != "" {
		s += " (got " + errtext.Clip(got, errtext.MaxValue) + ")"
	}
	return s
}

func article(t string) string {
	if t == "" {
		return t
	}
	switch t[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + t
	}
	return "a " + t
}
