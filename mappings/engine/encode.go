package engine

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/spec"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// EncodeOptions tune writing.
type EncodeOptions struct {
	// Now is the clock for envelope dates when an event has no occurredAt.
	Now func() time.Time
	// Name is the input's name (a file name) for error messages.
	Name string
	// SenderID and SenderQualifier, when set, are the installation's own
	// party id and its code qualifier for interchange envelopes (EDIFACT UNB
	// S002), set per outbound endpoint; they replace the profile's sender.
	SenderID        string
	SenderQualifier string
	// AllowFormulas writes CSV cells that start with '=', '+', '-', '@',
	// a tab or a carriage return as they are. By default a CSV encode
	// neutralises them (a single quote before, plain numbers excepted) so
	// that spreadsheet programs do not run them as formulas. Other syntaxes
	// ignore it.
	AllowFormulas bool
	// SealKey opens the sealed secret values of events (see
	// DecodeOptions.SealKey) where the target format carries them.
	SealKey []byte
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
	Group []*Accessor
	// key is "air" or "sea" when the profile declares encode.key.
	key string
	// syn is the syntax's own part: templates, envelope, columns.
	syn Encoding
}

// Node is one piece of an output document template.
type Node interface{}

type LeafNode struct{ Field *CompiledField }
type ConstNode struct{ Value any }
type ObjNode struct {
	Keys   []string
	Quoted [][]byte // keys as JSON strings, rendered once
	Vals   []Node
}
type ListNode struct{ Items []Node }

// NewEncoder starts writing events in the profile's format to w.
func (p *Profile) NewEncoder(w io.Writer, opts EncodeOptions) (Encoder, error) {
	if p.Enc == nil {
		return nil, fmt.Errorf("%s: %w: it has no encode section", p.Name(), ErrDirection)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return p.Enc.syn.NewEncoder(p, w, opts), nil
}

// Encoding is the syntax's part of the compiled encode section, or nil.
func (p *Profile) Encoding() Encoding {
	if p.Enc == nil {
		return nil
	}
	return p.Enc.syn
}

// Carries reports whether the profile can carry events of type t.
func (p *Profile) Carries(t canonical.EventType) bool {
	return p.Enc != nil && p.Enc.types[t]
}

// Accepts checks an event against the profile's types.
func (p *Profile) Accepts(e *canonical.ReleaseEvent) error {
	switch {
	case p.Enc.key == "air" && !e.Key.Air():
		return &Error{Message: e.Source.MessageRef, Field: "key", Value: e.Key.ContainerNumber,
			Err: fmt.Errorf("%w: %s carries air waybill statuses, not container releases", ErrCannotCarry, p.Name())}
	case p.Enc.key == "sea" && e.Key.Air():
		return &Error{Message: e.Source.MessageRef, Field: "type", Value: string(e.Type),
			Err: fmt.Errorf("%w: %s carries container releases, not air waybills (%s)", ErrCannotCarry, p.Name(), e.Key.AWB)}
	}
	if p.Enc.types[e.Type] {
		return nil
	}
	if e.Key.Air() && !p.Enc.types[canonical.StatusReported] {
		return &Error{Message: e.Source.MessageRef, Field: "type", Value: string(e.Type),
			Err: fmt.Errorf("%w: %s carries container releases, not air waybills (%s)", ErrCannotCarry, p.Name(), e.Key.AWB)}
	}
	return &Error{Message: e.Source.MessageRef, Field: "type", Value: string(e.Type),
		Err: fmt.Errorf("%w: %s carries %s", ErrCannotCarry, p.Name(), typeList(p.Enc.types))}
}

// AcceptsIn is accepts with the input's name and the event in the error.
func (p *Profile) AcceptsIn(e *canonical.ReleaseEvent, name string) error {
	err := p.Accepts(e)
	if x, ok := err.(*Error); ok {
		x.File, x.Event = name, EventLabel(e)
	}
	return err
}

// EventLabel names an event for error messages by what a user knows it
// by: its container number or air waybill.
func EventLabel(e *canonical.ReleaseEvent) string {
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

func (c *Compiler) compileEncode(p *Profile, s *spec.Spec) (*compiledEncode, error) {
	es := s.Encode
	ce := &compiledEncode{types: map[canonical.EventType]bool{}, key: es.Key}
	for _, t := range es.Types {
		ce.types[canonical.EventType(t)] = true
	}
	if ce.key == "" && !ce.types[canonical.StatusReported] {
		ce.key = "sea" // a target without air statuses carries container releases
	}
	for _, g := range es.Group {
		a, err := CompileAccessor(g)
		if err != nil {
			return nil, err
		}
		ce.Group = append(ce.Group, a)
	}
	var err error
	if ce.syn, err = p.syntax.CompileEncode(c, s); err != nil {
		return nil, err
	}
	return ce, nil
}

// AsField reads a YAML mapping as a Field, strictly.
func AsField(v any) (*spec.Field, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	var f spec.Field
	if err := yaml.UnmarshalWithOptions(b, &f, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%w: %s", spec.ErrSpec, spec.OneLine(yaml.FormatError(err, false, false)))
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

func (c *Compiler) CompileNode(v any, where string) (Node, error) {
	switch x := v.(type) {
	case yaml.MapSlice:
		if isLeaf(x) {
			f, err := AsField(x)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			cf, err := c.CompileEncodeField(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			cf.Label = strings.TrimPrefix(strings.TrimPrefix(where, "document"), ".")
			return LeafNode{Field: cf}, nil
		}
		o := ObjNode{}
		for _, it := range x {
			k := fmt.Sprint(it.Key)
			n, err := c.CompileNode(it.Value, where+"."+k)
			if err != nil {
				return nil, err
			}
			q, err := jsonsyn.AppendValue(nil, k)
			if err != nil {
				return nil, fmt.Errorf("%s: key %q: %w", where, k, err)
			}
			o.Keys = append(o.Keys, k)
			o.Quoted = append(o.Quoted, q)
			o.Vals = append(o.Vals, n)
		}
		return o, nil
	case []any:
		l := ListNode{}
		for i, it := range x {
			n, err := c.CompileNode(it, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, n)
		}
		return l, nil
	}
	return ConstNode{Value: v}, nil
}

// EncodeCtx evaluates leaves for one event.
type EncodeCtx struct {
	Profile *Profile
	Name    string // input name for errors
	Env     ExprEnv
	// SealKey opens sealed secrets at the places the profile declares
	// secret (EncodeOptions.SealKey).
	SealKey []byte
}

// Leaf evaluates an encode field; nil means absent.
func (ec *EncodeCtx) Leaf(cf *CompiledField) (any, error) {
	env := &ec.Env
	if ok, err := ec.wanted(cf); !ok {
		return nil, err
	}
	val := ec.fromEvent(cf)
	fromSet := len(cf.FromCan) > 0 || cf.Spec.Const != nil
	if fromSet && val != nil && cf.table != nil {
		s, err := cf.lookup(Text(val))
		if err != nil {
			return nil, ec.Fail(cf, Text(val), err)
		}
		val = s
	}
	if cf.Expr != nil {
		env.Value = val
		out, err := RunExpr(cf.Expr, env)
		if err != nil {
			err = ExprField(err, cf.where)
			return nil, ec.Fail(nil, "", err)
		}
		val = out
		if val != nil && Text(val) == "" {
			val = nil
		}
		if !fromSet && val != nil && cf.table != nil {
			s, err := cf.lookup(Text(val))
			if err != nil {
				return nil, ec.Fail(cf, Text(val), err)
			}
			val = s
		}
	}
	if val == nil && cf.Spec.Default != nil {
		val = cf.Spec.Default
	}
	val, err := ec.openSealed(cf, val)
	if err != nil {
		return nil, err
	}
	if val == nil {
		if cf.Spec.Required {
			return nil, ec.Fail(cf, "", ErrRequired)
		}
		return nil, nil
	}
	out, err := ec.convert(cf, val)
	if err != nil {
		return nil, err
	}
	return out, ec.check(cf, out)
}

// wanted runs the field's `when`: false leaves the field out.
func (ec *EncodeCtx) wanted(cf *CompiledField) (bool, error) {
	if cf.when == nil {
		return true, nil
	}
	ok, err := RunExpr(cf.when, &ec.Env)
	if err != nil {
		err = ExprField(err, func() string { return cf.where() + " (when)" })
		return false, ec.Fail(nil, "", err)
	}
	b, _ := ok.(bool)
	return b, nil
}

// fromEvent is the field's value as its `from` paths find it in the
// event (the first that is set), its party id of the schemes asked for,
// else its `const`; nil when none is.
func (ec *EncodeCtx) fromEvent(cf *CompiledField) any {
	var val any
	for _, a := range cf.FromCan {
		if a == nil {
			val = ec.Env.Item
		} else {
			val = a.Get(ec.Env.Event)
		}
		if val != nil { // get returns nil for zero values
			break
		}
	}
	if cf.schemes != nil && val != nil {
		val = partyID(val, cf.schemes)
	}
	if val == nil && cf.Spec.Const != nil {
		val = cf.Spec.Const
	}
	return val
}

// check applies the field's `check` to the value about to be written, so
// a target never receives an identifier that fails its own validator
// (a GLN with a wrong check digit in a Portbase nomination).
func (ec *EncodeCtx) check(cf *CompiledField, out any) error {
	if cf.Spec.Check == "" || out == nil {
		return nil
	}
	s := ScalarText(out)
	if err := runCheck(cf.Spec.Check, s); err != nil {
		return ec.Fail(cf, s, err)
	}
	return nil
}

// where names an encode field for errors: the place it fills in the
// output (a segment position, a document path) and the canonical path it
// reads, never the expression source.
func (cf *CompiledField) where() string {
	from := ""
	if len(cf.Spec.From) > 0 {
		from = cf.Spec.From[0]
	}
	switch {
	case cf.Label != "" && from != "":
		return cf.Label + " (" + from + ")"
	case cf.Label != "":
		return cf.Label
	case from != "":
		return from
	}
	return "expression"
}

// Fail reports a problem with one encode field of the current event;
// cf nil means err already names the field (expression errors).
func (ec *EncodeCtx) Fail(cf *CompiledField, value string, err error) error {
	e := &Error{File: ec.Name, Message: ec.Env.Event.Source.MessageRef, Event: EventLabel(ec.Env.Event), Value: value, Err: err}
	if cf != nil {
		e.Field = cf.where()
		if cf.secret != "" && value != "" {
			e.Secret, e.Value = true, ""
		}
	}
	return e
}

func (ec *EncodeCtx) Err(cf *CompiledField, err error) error { return ec.Fail(cf, "", err) }

// convert applies an encode `as`.
func (ec *EncodeCtx) convert(cf *CompiledField, val any) (any, error) {
	switch cf.Spec.As {
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
		return upper(Text(val)), nil
	case "int", "decimal":
		f, ok := toFloat(val)
		if !ok {
			var err error
			if f, err = parseDecimal(Text(val)); err != nil {
				return nil, ec.Err(cf, err)
			}
		}
		if cf.Spec.As == "int" {
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
		b, err := parseBool(Text(val))
		if err != nil {
			return nil, ec.Err(cf, err)
		}
		return b, nil
	case "mask":
		return mask(Text(val)), nil
	case "datetime", "date", "edifact-203", "edifact-102", "yymmdd", "hhmm":
		t, ok := AsTime(val)
		if !ok {
			return nil, ec.Err(cf, fmt.Errorf("%w: %w", ErrConvert, ErrNotDate))
		}
		loc, err := ZoneFor(FirstNonEmpty(cf.Spec.Zone, ec.Profile.Zone), ec.Env.Event)
		if err != nil {
			return nil, ec.Err(cf, err)
		}
		return formatTime(cf.Spec.As, t, loc), nil
	}
	if c, ok := ec.Profile.syntax.(Converter); ok {
		if out, done, err := c.EncodeAs(ec.Profile, cf, val, ec.Env.Event); done {
			if err != nil {
				return nil, ec.Err(cf, err)
			}
			return out, nil
		}
	}
	return nil, ec.Err(cf, fmt.Errorf("conversion %q cannot be used in encode", cf.Spec.As))
}

// ScalarText renders a leaf value as wire text.
func ScalarText(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return Text(v)
}

// partyID returns a party's identifier in the first of schemes it has, or
// nil.
func partyID(v any, schemes []string) any {
	var p *canonical.Party
	switch x := v.(type) {
	case canonical.Party:
		p = &x
	case *canonical.Party:
		p = x
	}
	for _, scheme := range schemes {
		if id := p.ID(scheme); id != "" {
			return id
		}
	}
	return nil
}

// AsTime is the time an encode value holds (a time.Time or a non-nil
// *time.Time, as canonical fields give them); false for anything else.
func AsTime(val any) (time.Time, bool) {
	switch x := val.(type) {
	case time.Time:
		return x, true
	case *time.Time:
		if x != nil {
			return *x, true
		}
	}
	return time.Time{}, false
}
