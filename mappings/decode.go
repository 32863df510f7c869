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
	return out, errors.Join(dedupe(errs)...)
}

// checkMessage runs the message-level checks; count is the number of items.
func (dc *decodeCtx) checkMessage(d *doc, count int) error {
	var errs []error
	for _, cf := range dc.p.dec.checks {
		var val any
		var at position
		for _, sel := range cf.from {
			if l, ok := sel.first(d); ok {
				val, at = l.w.box(), l.at
				break
			}
		}
		if val == nil && len(cf.from) > 0 {
			at = position{missing: cf.from[0], d: d}
		}
		out, err := runExpr(cf.expr, &exprEnv{Value: val, Count: count, Root: d.exprRoot()})
		if err != nil {
			err = exprField(err, func() string { return "check " + strings.Join(cf.spec.From, ", ") })
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
	env := &exprEnv{Event: e, Root: d.exprRoot()}
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
	t := canonical.EventType(v.text())
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

// value evaluates a field's source: wire paths, constant, table,
// expression and default. A result with ok=false means "absent".
func (dc *decodeCtx) value(cf *compiledField, d *doc, e *canonical.ReleaseEvent, env *exprEnv) (wv, position, error) {
	var w wv
	var at position
	if cf.spec.All {
		var list []string
		for _, sel := range cf.from {
			for _, l := range sel.all(d) {
				if s := l.w.text(); s != "" {
					list = append(list, s)
				}
			}
		}
		if len(list) > 0 {
			w = wv{parts: list, ok: true}
		}
	} else {
		for _, sel := range cf.from {
			if l, ok := sel.first(d); ok {
				w, at = l.w, l.at
				break
			}
		}
	}
	if !w.ok && len(cf.from) > 0 {
		at = position{missing: cf.from[0], d: d}
	}
	if !w.ok && cf.spec.Const != nil {
		w = boxed(cf.spec.Const)
	}
	// Without from, the expression computes the value and the table maps
	// it; with from, the table maps the wire value and the expression
	// adjusts the result.
	computed := len(cf.from) == 0 && cf.spec.Const == nil
	if w.ok && cf.table != nil && !computed {
		mapped, err := cf.lookup(w.text())
		if err != nil {
			return wv{}, at, dc.errAt(at, cf.spec.Target, err)
		}
		w = str(mapped)
	}
	if cf.expr != nil {
		env.Value = w.box()
		out, err := runExpr(cf.expr, env)
		if err != nil {
			err = exprField(err, func() string { return firstNonEmpty(cf.spec.Target, "type") })
			return wv{}, at, dc.errAt(at, cf.spec.Target, err)
		}
		w = boxed(out)
		if w.ok && w.v != nil && text(w.v) == "" {
			w.ok = false
		}
		if w.ok && cf.table != nil && computed {
			mapped, err := cf.lookup(w.text())
			if err != nil {
				at.value = w.text()
				return wv{}, at, dc.errAt(at, cf.spec.Target, err)
			}
			w = str(mapped)
		}
	}
	if !w.ok && cf.spec.Default != nil {
		w = boxed(cf.spec.Default)
	}
	if !w.ok && cf.spec.Required {
		return wv{}, at, dc.errAt(at, cf.spec.Target, ErrRequired)
	}
	return w, at, nil
}

// field decodes one field into the event.
func (dc *decodeCtx) field(cf *compiledField, d *doc, e *canonical.ReleaseEvent, env *exprEnv) error {
	if cf.when != nil {
		ok, err := runExpr(cf.when, env)
		if err != nil {
			err = exprField(err, func() string { return cf.spec.Target + " (when)" })
			return dc.errAt(position{}, "", err)
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
	w, at, err := dc.value(cf, d, e, env)
	if err != nil || !w.ok {
		return err
	}
	w, err = dc.convert(cf, w, e)
	if err != nil {
		return dc.errAt(at, cf.spec.Target, err)
	}
	if cf.spec.Check != "" {
		if err := runCheck(cf.spec.Check, w.text()); err != nil {
			if dc.p.allowBadCheckDigit && errors.Is(err, canonical.ErrCheckDigit) {
				e.Warnings = append(e.Warnings, fmt.Sprintf("%s %q %v", cf.spec.Target, w.text(), err))
			} else {
				return dc.errAt(at, cf.spec.Target, err)
			}
		}
	}
	if w.v == nil && w.parts == nil && cf.target.setString(e, w.s) {
		return nil
	}
	if err := cf.target.set(e, w.box()); err != nil {
		return dc.errAt(at, cf.spec.Target, fmt.Errorf("%w: %v", ErrConvert, err))
	}
	return nil
}

// convert applies the field's `as`.
func (dc *decodeCtx) convert(cf *compiledField, w wv, e *canonical.ReleaseEvent) (wv, error) {
	switch cf.spec.As {
	case "", "string":
		if w.parts != nil && cf.spec.All {
			return w, nil
		}
		if w.v == nil && w.parts == nil {
			return w, nil
		}
		return str(w.text()), nil
	case "list":
		if w.parts != nil {
			return w, nil
		}
		return wv{parts: []string{w.text()}, ok: true}, nil
	case "upper":
		return str(upper(w.text())), nil
	case "int":
		f, err := parseDecimal(w.text())
		if err != nil || f != float64(int(f)) {
			return wv{}, fmt.Errorf("%w: %w", ErrConvert, errNotNumber)
		}
		return wv{v: int(f), ok: true}, nil
	case "decimal":
		f, err := parseDecimal(w.text())
		return wv{v: f, ok: err == nil}, err
	case "bool":
		if b, ok := w.v.(bool); ok {
			return wv{v: b, ok: true}, nil
		}
		b, err := parseBool(w.text())
		return wv{v: b, ok: err == nil}, err
	case "size-type":
		st, err := canonical.NormalizeSizeType(w.text())
		return str(st), err
	case "handle":
		return str(credentialHandle(dc.opts.credentialKey(), w.text())), nil
	case "mask":
		return str(mask(w.text())), nil
	case "edifact-datetime", "datetime", "date":
		loc, err := zoneFor(firstNonEmpty(cf.spec.Zone, dc.p.zone), e)
		if err != nil {
			return wv{}, err
		}
		var t time.Time
		if cf.spec.As == "edifact-datetime" {
			if w.parts != nil {
				t, err = parseEdifactTime(w.parts, loc, cf.endOfDay)
			} else {
				t, err = parseEdifactTime(w.text(), loc, cf.endOfDay)
			}
		} else {
			t, err = parseDateTime(w.text(), loc, cf.endOfDay)
		}
		if err != nil {
			return wv{}, err
		}
		return wv{v: &t, ok: true}, nil
	}
	if c, ok := dc.p.syntax.(converter); ok {
		if out, done, err := c.decodeAs(dc, cf, w, e); done {
			return out, err
		}
	}
	return wv{}, fmt.Errorf("unknown conversion %q", cf.spec.As)
}

// buildParty assembles a Party; nil when the message names none.
func (dc *decodeCtx) buildParty(cp *compiledParty, d *doc, e *canonical.ReleaseEvent, env *exprEnv) (*canonical.Party, error) {
	var p *canonical.Party
	if len(cp.ids) <= len(partyWithIDs{}.ids) {
		b := &partyWithIDs{}
		p = &b.p
		p.IDs = b.ids[:0]
	} else {
		p = &canonical.Party{IDs: make([]canonical.PartyID, 0, len(cp.ids))}
	}
	p.Role = cp.role
	if cp.name != nil {
		v, _, err := dc.value(cp.name, d, e, env)
		if err != nil {
			return nil, err
		}
		p.Name = v.text()
	}
	for _, id := range cp.ids {
		v, _, err := dc.value(id.from, d, e, env)
		if err != nil {
			return nil, err
		}
		if v.text() == "" {
			continue
		}
		scheme := id.scheme
		if id.schemeFrom != nil {
			s, _, err := dc.value(id.schemeFrom, d, e, env)
			if err != nil {
				return nil, err
			}
			if s.text() != "" {
				scheme = s.text()
			}
		}
		if scheme == "" {
			scheme = "OTHER"
		}
		p.IDs = append(p.IDs, canonical.PartyID{Scheme: scheme, Value: v.text()})
	}
	if len(p.IDs) == 0 {
		if p.Name == "" {
			return nil, nil
		}
		p.IDs = nil
	}
	return p, nil
}

// partyWithIDs lets a party and its identifiers share one allocation; most
// parties have one or two.
type partyWithIDs struct {
	p   canonical.Party
	ids [2]canonical.PartyID
}

func (dc *decodeCtx) errAt(at position, target string, err error) error {
	var xe *ExprError
	if errors.As(err, &xe) {
		target = "" // the expression error names it
	}
	at = at.resolve()
	e := &Error{File: dc.file, Line: at.line, Column: at.col, Message: dc.ref, Segment: at.segment, Value: at.value, Err: err, elem: at.field}
	if target != "" {
		e.targets = []string{target}
	}
	e.Field = fieldLabel(at.field, at.segment, e.targets)
	return e
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
