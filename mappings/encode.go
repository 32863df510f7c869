package mappings

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nexport/pcsgate/canonical"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// EncodeOptions tune writing.
type EncodeOptions struct {
	// Now is the clock for envelope dates when an event has no occurredAt.
	Now func() time.Time
	// Name is the input's name (a file name) for error messages.
	Name string
}

// Encoder writes events in a profile's wire format. Encode takes the events
// of one source message; Close finishes the output (EDIFACT: UNZ).
type Encoder interface {
	Encode(events []*canonical.ReleaseEvent) error
	Close() error
}

// compiledEncode is a profile's encode section, ready to run.
type compiledEncode struct {
	types map[canonical.EventType]bool
	group []*accessor
	// key is "air" or "sea" when the profile declares encode.key.
	key string
	// syn is the syntax's own part: templates, envelope, columns.
	syn syntaxEncoding
}

// node is one piece of an output document template.
type node interface{}

type leafNode struct{ f *compiledField }
type constNode struct{ v any }
type objNode struct {
	keys   []string
	quoted [][]byte // keys as JSON strings, rendered once
	vals   []node
}
type listNode struct{ items []node }

// NewEncoder starts writing events in the profile's format to w.
func (p *Profile) NewEncoder(w io.Writer, opts EncodeOptions) (Encoder, error) {
	if p.enc == nil {
		return nil, fmt.Errorf("%s: %w: it has no encode section", p.Name(), ErrDirection)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return p.enc.syn.newEncoder(p, w, opts), nil
}

// encoding is the syntax's part of the compiled encode section, or nil.
func (p *Profile) encoding() syntaxEncoding {
	if p.enc == nil {
		return nil
	}
	return p.enc.syn
}

// Carries reports whether the profile can carry events of type t.
func (p *Profile) Carries(t canonical.EventType) bool {
	return p.enc != nil && p.enc.types[t]
}

// accepts checks an event against the profile's types.
func (p *Profile) accepts(e *canonical.ReleaseEvent) error {
	switch {
	case p.enc.key == "air" && !e.Key.Air():
		return &Error{Message: e.Source.MessageRef, Field: "key", Value: e.Key.ContainerNumber,
			Err: fmt.Errorf("%w: %s carries air waybill statuses, not container releases", ErrCannotCarry, p.Name())}
	case p.enc.key == "sea" && e.Key.Air():
		return &Error{Message: e.Source.MessageRef, Field: "type", Value: string(e.Type),
			Err: fmt.Errorf("%w: %s carries container releases, not air waybills (%s)", ErrCannotCarry, p.Name(), e.Key.AWB)}
	}
	if p.enc.types[e.Type] {
		return nil
	}
	if e.Key.Air() && !p.enc.types[canonical.StatusReported] {
		return &Error{Message: e.Source.MessageRef, Field: "type", Value: string(e.Type),
			Err: fmt.Errorf("%w: %s carries container releases, not air waybills (%s)", ErrCannotCarry, p.Name(), e.Key.AWB)}
	}
	return &Error{Message: e.Source.MessageRef, Field: "type", Value: string(e.Type),
		Err: fmt.Errorf("%w: %s carries %s", ErrCannotCarry, p.Name(), typeList(p.enc.types))}
}

// acceptsIn is accepts with the input's name and the event in the error.
func (p *Profile) acceptsIn(e *canonical.ReleaseEvent, name string) error {
	err := p.accepts(e)
	if x, ok := err.(*Error); ok {
		x.File, x.Event = name, eventLabel(e)
	}
	return err
}

// eventLabel names an event for error messages by what a user knows it
// by: its container number or air waybill.
func eventLabel(e *canonical.ReleaseEvent) string {
	switch {
	case e.Key.ContainerNumber != "":
		return "container " + e.Key.ContainerNumber
	case e.Key.AWB != "":
		return "air waybill " + e.Key.AWB
	case e.ID != "":
		return "event " + e.ID
	}
	return ""
}

func typeList(m map[canonical.EventType]bool) string {
	var s []string
	for _, t := range canonical.Types {
		if m[t] {
			s = append(s, string(t))
		}
	}
	out := ""
	for i, t := range s {
		if i > 0 {
			out += ", "
		}
		out += t
	}
	return out
}

func (c *compiler) compileEncode(p *Profile, s *Spec) (*compiledEncode, error) {
	es := s.Encode
	ce := &compiledEncode{types: map[canonical.EventType]bool{}, key: es.Key}
	for _, t := range es.Types {
		ce.types[canonical.EventType(t)] = true
	}
	if ce.key == "" && !ce.types[canonical.StatusReported] {
		ce.key = "sea" // a target without air statuses carries container releases
	}
	for _, g := range es.Group {
		a, err := compileAccessor(g)
		if err != nil {
			return nil, err
		}
		ce.group = append(ce.group, a)
	}
	var err error
	if ce.syn, err = p.syntax.CompileEncode(c, s); err != nil {
		return nil, err
	}
	return ce, nil
}

// asField reads a YAML mapping as a Field, strictly.
func asField(v any) (*Field, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	var f Field
	if err := yaml.UnmarshalWithOptions(b, &f, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSpec, oneLine(yaml.FormatError(err, false, false)))
	}
	return &f, nil
}

func isLeaf(m yaml.MapSlice) bool {
	for _, it := range m {
		switch it.Key {
		case "from", "const", "expr":
			return true
		}
	}
	return false
}

func (c *compiler) compileNode(v any, where string) (node, error) {
	switch x := v.(type) {
	case yaml.MapSlice:
		if isLeaf(x) {
			f, err := asField(x)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			cf, err := c.compileEncodeField(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			cf.label = strings.TrimPrefix(strings.TrimPrefix(where, "document"), ".")
			return leafNode{f: cf}, nil
		}
		o := objNode{}
		for _, it := range x {
			k := fmt.Sprint(it.Key)
			n, err := c.compileNode(it.Value, where+"."+k)
			if err != nil {
				return nil, err
			}
			q, err := jsonsyn.AppendValue(nil, k)
			if err != nil {
				return nil, fmt.Errorf("%s: key %q: %w", where, k, err)
			}
			o.keys = append(o.keys, k)
			o.quoted = append(o.quoted, q)
			o.vals = append(o.vals, n)
		}
		return o, nil
	case []any:
		l := listNode{}
		for i, it := range x {
			n, err := c.compileNode(it, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			l.items = append(l.items, n)
		}
		return l, nil
	}
	return constNode{v: v}, nil
}

// encodeCtx evaluates leaves for one event.
type encodeCtx struct {
	p    *Profile
	name string // input name for errors
	env  exprEnv
}

// leaf evaluates an encode field; nil means absent.
func (ec *encodeCtx) leaf(cf *compiledField) (any, error) {
	env := &ec.env
	if cf.when != nil {
		ok, err := runExpr(cf.when, env)
		if err != nil {
			err = exprField(err, func() string { return cf.where() + " (when)" })
			return nil, ec.fail(nil, "", err)
		}
		if b, _ := ok.(bool); !b {
			return nil, nil
		}
	}
	var val any
	for _, a := range cf.fromCan {
		if a == nil {
			val = env.Item
		} else {
			val = a.get(env.Event)
		}
		if val != nil { // get returns nil for zero values
			break
		}
	}
	if cf.spec.ID != "" && val != nil {
		val = partyID(val, cf.spec.ID)
	}
	if val == nil && cf.spec.Const != nil {
		val = cf.spec.Const
	}
	fromSet := len(cf.fromCan) > 0 || cf.spec.Const != nil
	if fromSet && val != nil && cf.table != nil {
		s, err := cf.lookup(text(val))
		if err != nil {
			return nil, ec.fail(cf, text(val), err)
		}
		val = s
	}
	if cf.expr != nil {
		env.Value = val
		out, err := runExpr(cf.expr, env)
		if err != nil {
			err = exprField(err, cf.where)
			return nil, ec.fail(nil, "", err)
		}
		val = out
		if val != nil && text(val) == "" {
			val = nil
		}
		if !fromSet && val != nil && cf.table != nil {
			s, err := cf.lookup(text(val))
			if err != nil {
				return nil, ec.fail(cf, text(val), err)
			}
			val = s
		}
	}
	if val == nil && cf.spec.Default != nil {
		val = cf.spec.Default
	}
	if val == nil {
		if cf.spec.Required {
			return nil, ec.fail(cf, "", ErrRequired)
		}
		return nil, nil
	}
	return ec.convert(cf, val)
}

// where names an encode field for errors: the place it fills in the
// output (a segment position, a document path) and the canonical path it
// reads, never the expression source.
func (cf *compiledField) where() string {
	from := ""
	if len(cf.spec.From) > 0 {
		from = cf.spec.From[0]
	}
	switch {
	case cf.label != "" && from != "":
		return cf.label + " (" + from + ")"
	case cf.label != "":
		return cf.label
	case from != "":
		return from
	}
	return "expression"
}

// fail reports a problem with one encode field of the current event;
// cf nil means err already names the field (expression errors).
func (ec *encodeCtx) fail(cf *compiledField, value string, err error) error {
	e := &Error{File: ec.name, Message: ec.env.Event.Source.MessageRef, Event: eventLabel(ec.env.Event), Value: value, Err: err}
	if cf != nil {
		e.Field = cf.where()
	}
	return e
}

func (ec *encodeCtx) err(cf *compiledField, err error) error { return ec.fail(cf, "", err) }

// pathOf names an encode field for errors (see where).
func pathOf(cf *compiledField) string { return cf.where() }

// convert applies an encode `as`.
func (ec *encodeCtx) convert(cf *compiledField, val any) (any, error) {
	switch cf.spec.As {
	case "", "string":
		switch x := val.(type) {
		case time.Time:
			return x.UTC().Format(time.RFC3339), nil
		case *time.Time:
			return x.UTC().Format(time.RFC3339), nil
		case *float64, *int:
			f, _ := toFloat(x)
			return f, nil
		case *bool:
			return *x, nil
		}
		return val, nil
	case "upper":
		return upper(text(val)), nil
	case "int", "decimal":
		f, ok := toFloat(val)
		if !ok {
			var err error
			if f, err = parseDecimal(text(val)); err != nil {
				return nil, ec.err(cf, err)
			}
		}
		if cf.spec.As == "int" {
			return int(f), nil
		}
		return f, nil
	case "bool":
		if b, ok := val.(bool); ok {
			return b, nil
		}
		if b, ok := val.(*bool); ok {
			return *b, nil
		}
		b, err := parseBool(text(val))
		if err != nil {
			return nil, ec.err(cf, err)
		}
		return b, nil
	case "mask":
		return mask(text(val)), nil
	case "datetime", "date", "edifact-203", "edifact-102", "yymmdd", "hhmm":
		var t time.Time
		switch x := val.(type) {
		case time.Time:
			t = x
		case *time.Time:
			t = *x
		default:
			return nil, ec.err(cf, fmt.Errorf("%w: %w", ErrConvert, errNotDate))
		}
		loc, err := zoneFor(firstNonEmpty(cf.spec.Zone, ec.p.zone), ec.env.Event)
		if err != nil {
			return nil, ec.err(cf, err)
		}
		return formatTime(cf.spec.As, t, loc), nil
	}
	if c, ok := ec.p.syntax.(converter); ok {
		if out, done, err := c.encodeAs(ec, cf, val); done {
			return out, err
		}
	}
	return nil, ec.err(cf, fmt.Errorf("conversion %q cannot be used in encode", cf.spec.As))
}

// scalarText renders a leaf value as wire text.
func scalarText(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return text(v)
}

var errSkip = errors.New("skip")

// partyID returns a party's identifier in scheme, or nil.
func partyID(v any, scheme string) any {
	var p *canonical.Party
	switch x := v.(type) {
	case canonical.Party:
		p = &x
	case *canonical.Party:
		p = x
	}
	if id := p.ID(scheme); id != "" {
		return id
	}
	return nil
}
