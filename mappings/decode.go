package mappings

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// compiledDecode is a profile's decode section, ready to run.
type compiledDecode struct {
	each   splitter
	fields []*compiledField // fields needing no zone first, then zoned ones
	typ    *compiledField
	checks []*compiledField
}

// decodeCtx carries what one message's decoding needs.
type decodeCtx struct {
	p    *Profile
	file string
	ref  string // message reference for errors
	opts *DecodeOptions
	// sentAt is the envelope's preparation date and time as sent (EDIFACT
	// UNB 0017+0019), the fallback for occurredAt.
	sentAt string
}

// decodeDoc turns one wire message into events, one per split item. Items
// that fail are reported (joined) and skipped; the others are returned.
func (dc *decodeCtx) decodeDoc(d *doc, src canonical.Source) ([]*canonical.ReleaseEvent, error) {
	dec := dc.p.dec
	items := []any{nil}
	if dec.each != nil {
		items = dec.each.items(d)
		if len(items) == 0 {
			return nil, dc.errAt(position{segment: dc.p.Spec.Decode.Each}, "", fmt.Errorf("%w: no %s in the message", ErrRequired, dc.p.Spec.Decode.Each))
		}
		if hs, ok := dc.p.paths.(interface{ header(*doc, []any) any }); ok {
			d.header = hs.header(d, items)
		}
	}
	if err := dc.checkMessage(d, len(items)); err != nil {
		return nil, err
	}
	var out []*canonical.ReleaseEvent
	var errs []error
	for _, it := range items {
		d.item = it
		e := &canonical.ReleaseEvent{Source: src}
		if err := dc.fill(d, e); err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, e)
	}
	return out, errors.Join(errs...)
}

// checkMessage runs the message-level checks; count is the number of items.
func (dc *decodeCtx) checkMessage(d *doc, count int) error {
	var errs []error
	for _, cf := range dc.p.dec.checks {
		var val any
		var at position
		for _, sel := range cf.from {
			if l, ok := sel.first(d); ok {
				val, at = l.val, l.at
				break
			}
		}
		if val == nil && len(cf.from) > 0 {
			at = cf.from[0].where(d)
		}
		out, err := runExpr(cf.expr, &exprEnv{Value: val, Count: count, Root: d.root})
		if err != nil {
			errs = append(errs, dc.errAt(at, "", err))
			continue
		}
		if ok, _ := out.(bool); !ok {
			errs = append(errs, dc.errAt(at, "", fmt.Errorf("%w: %s (%d found)", ErrCheck, strings.TrimSuffix(cf.spec.Doc, "."), count)))
		}
	}
	return errors.Join(errs...)
}

// fill runs every field and then the type on one event.
func (dc *decodeCtx) fill(d *doc, e *canonical.ReleaseEvent) error {
	env := &exprEnv{Event: e, Root: d.root}
	var errs []error
	for _, cf := range dc.p.dec.fields {
		if err := dc.field(cf, d, e, env); err != nil {
			errs = append(errs, err)
		}
	}
	if r := e.Release; r != nil && r.ValidFrom != nil && r.ValidUntil != nil {
		if err := canonical.CheckValidity(r.ValidFrom, r.ValidUntil); err != nil {
			errs = append(errs, &Error{File: dc.file, Message: dc.ref, Field: "release.validUntil", Value: r.ValidUntil.Format(time.RFC3339), Err: err})
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if e.OccurredAt == nil && dc.sentAt != "" {
		if loc, err := zoneFor(dc.p.zone, e); err == nil {
			if t, err := parseEdifactTime(dc.sentAt, loc, false); err == nil {
				e.OccurredAt = &t
			}
		}
	}
	v, at, err := dc.value(dc.p.dec.typ, d, e, env)
	if err != nil {
		return err
	}
	t := canonical.EventType(text(v))
	if !knownType(t) {
		return dc.errAt(at, "type", fmt.Errorf("%w: %q is not an event type", ErrConvert, t))
	}
	e.Type = t
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return nil
}

func knownType(t canonical.EventType) bool {
	for _, k := range canonical.Types {
		if k == t {
			return true
		}
	}
	return false
}

// value evaluates a field's source: wire paths, constant, expression, table
// and default, in that order. ok=false (nil value) means "absent".
func (dc *decodeCtx) value(cf *compiledField, d *doc, e *canonical.ReleaseEvent, env *exprEnv) (any, position, error) {
	var val any
	var at position
	found := false
	if cf.spec.All {
		var list []string
		for _, sel := range cf.from {
			for _, l := range sel.all(d) {
				if s := text(l.val); s != "" {
					list = append(list, s)
				}
			}
		}
		if len(list) > 0 {
			val, found = list, true
		}
	} else {
		for _, sel := range cf.from {
			if l, ok := sel.first(d); ok {
				val, at, found = l.val, l.at, true
				break
			}
		}
	}
	if !found && len(cf.from) > 0 {
		at = cf.from[0].where(d)
	}
	if !found && cf.spec.Const != nil {
		val, found = cf.spec.Const, true
	}
	// Without from, the expression computes the value and the table maps
	// it; with from, the table maps the wire value and the expression
	// adjusts the result.
	if len(cf.from) > 0 || cf.spec.Const != nil {
		if found && cf.table != nil {
			mapped, err := cf.lookup(text(val))
			if err != nil {
				return nil, at, dc.errAt(at, cf.spec.Target, err)
			}
			val = mapped
		}
	}
	if cf.expr != nil {
		env.Value = val
		out, err := runExpr(cf.expr, env)
		if err != nil {
			return nil, at, dc.errAt(at, cf.spec.Target, err)
		}
		val = out
		found = val != nil && text(val) != ""
		if found && cf.table != nil && len(cf.from) == 0 && cf.spec.Const == nil {
			mapped, err := cf.lookup(text(val))
			if err != nil {
				at.value = text(val)
				return nil, at, dc.errAt(at, cf.spec.Target, err)
			}
			val = mapped
		}
	}
	if !found && cf.spec.Default != nil {
		val, found = cf.spec.Default, true
	}
	if !found {
		if cf.spec.Required {
			return nil, at, dc.errAt(at, cf.spec.Target, ErrRequired)
		}
		return nil, at, nil
	}
	return val, at, nil
}

// field decodes one field into the event.
func (dc *decodeCtx) field(cf *compiledField, d *doc, e *canonical.ReleaseEvent, env *exprEnv) error {
	if cf.when != nil {
		ok, err := runExpr(cf.when, env)
		if err != nil {
			return dc.errAt(position{}, cf.spec.Target, err)
		}
		if b, _ := ok.(bool); !b {
			return nil
		}
	}
	if cf.party != nil {
		p, err := dc.buildParty(cf.party, d, e, env)
		if err != nil {
			return err
		}
		if p == nil {
			if cf.spec.Required {
				return dc.errAt(position{segment: cf.spec.Party.Name}, cf.spec.Target, ErrRequired)
			}
			return nil
		}
		return cf.target.set(e, p)
	}
	val, at, err := dc.value(cf, d, e, env)
	if err != nil || val == nil {
		return err
	}
	val, err = dc.convert(cf, val, e)
	if err != nil {
		return dc.errAt(at, cf.spec.Target, err)
	}
	if cf.spec.Check != "" {
		if err := runCheck(cf.spec.Check, text(val)); err != nil {
			if dc.p.allowBadCheckDigit && errors.Is(err, canonical.ErrCheckDigit) {
				e.Warnings = append(e.Warnings, fmt.Sprintf("%s %q %v", cf.spec.Target, text(val), err))
			} else {
				return dc.errAt(at, cf.spec.Target, err)
			}
		}
	}
	if err := cf.target.set(e, val); err != nil {
		return dc.errAt(at, cf.spec.Target, fmt.Errorf("%w: %v", ErrConvert, err))
	}
	return nil
}

// convert applies the field's `as`.
func (dc *decodeCtx) convert(cf *compiledField, val any, e *canonical.ReleaseEvent) (any, error) {
	switch cf.spec.As {
	case "", "string":
		if _, isList := val.([]string); isList && cf.spec.All {
			return val, nil
		}
		return text(val), nil
	case "list":
		if l, ok := val.([]string); ok {
			return l, nil
		}
		return []string{text(val)}, nil
	case "upper":
		return upper(text(val)), nil
	case "int":
		f, err := parseDecimal(text(val))
		if err != nil || f != float64(int(f)) {
			return nil, fmt.Errorf("%w: %w", ErrConvert, errNotNumber)
		}
		return int(f), nil
	case "decimal":
		return parseDecimal(text(val))
	case "bool":
		if b, ok := val.(bool); ok {
			return b, nil
		}
		return parseBool(text(val))
	case "size-type":
		return canonical.NormalizeSizeType(text(val))
	case "handle":
		return credentialHandle(dc.opts.credentialKey(), text(val)), nil
	case "mask":
		return mask(text(val)), nil
	case "edifact-datetime", "datetime", "date":
		loc, err := zoneFor(firstNonEmpty(cf.spec.Zone, dc.p.zone), e)
		if err != nil {
			return nil, err
		}
		if cf.spec.As == "edifact-datetime" {
			return parseEdifactTime(val, loc, cf.endOfDay)
		}
		return parseDateTime(text(val), loc, cf.endOfDay)
	}
	return nil, fmt.Errorf("unknown conversion %q", cf.spec.As)
}

// buildParty assembles a Party; nil when the message names none.
func (dc *decodeCtx) buildParty(cp *compiledParty, d *doc, e *canonical.ReleaseEvent, env *exprEnv) (*canonical.Party, error) {
	p := &canonical.Party{Role: cp.role}
	if cp.name != nil {
		v, _, err := dc.value(cp.name, d, e, env)
		if err != nil {
			return nil, err
		}
		p.Name = text(v)
	}
	for _, id := range cp.ids {
		v, _, err := dc.value(id.from, d, e, env)
		if err != nil {
			return nil, err
		}
		if text(v) == "" {
			continue
		}
		scheme := id.scheme
		if id.schemeFrom != nil {
			s, _, err := dc.value(id.schemeFrom, d, e, env)
			if err != nil {
				return nil, err
			}
			if text(s) != "" {
				scheme = text(s)
			}
		}
		if scheme == "" {
			scheme = "OTHER"
		}
		p.IDs = append(p.IDs, canonical.PartyID{Scheme: scheme, Value: text(v)})
	}
	if p.Name == "" && len(p.IDs) == 0 {
		return nil, nil
	}
	return p, nil
}

func (dc *decodeCtx) errAt(at position, target string, err error) error {
	field := at.field
	seg := at.segment
	if field == "" && target != "" {
		field = target
	} else if target != "" {
		field += " (" + target + ")"
	}
	return &Error{File: dc.file, Line: at.line, Message: dc.ref, Segment: seg, Field: field, Value: at.value, Err: err}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
