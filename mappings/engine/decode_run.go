package engine

import (
	"fmt"
	"reflect"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// fieldRun decodes one field into the event. It is bound when the profile
// is compiled (bindDecode) for the fields read from the wire into their
// target with nothing that depends on the event being built: the
// selectors, table, default, conversion, check and target are resolved
// once, so that a message runs such a field without asking its spec what
// to do. It reports the same problems, at the same positions, as field.
type fieldRun func(dc *DecodeCtx, d *Doc, e *canonical.ReleaseEvent) error

// bindDecode binds the decode fields of p that can be bound. It runs once
// the secrets are known, since a field that seals is left to field.
func (p *Profile) bindDecode() {
	if p.Dec == nil {
		return
	}
	for _, cf := range p.Dec.Fields {
		cf.run = cf.bind()
		if cp := cf.party; cp != nil {
			cp.name.bindValue()
			for _, id := range cp.ids {
				id.from.bindValue()
				id.schemeFrom.bindValue()
			}
		}
	}
}

// bindValue gives a party's name, identifier or scheme field the bound
// form of value, when it can have one.
func (cf *CompiledField) bindValue() {
	if cf != nil && cf.valueBindable() {
		cf.val = newBoundField(cf)
	}
}

// fieldValue is value for a field without an expression: its bound form
// when it has one.
func (dc *DecodeCtx) fieldValue(cf *CompiledField, d *Doc, e *canonical.ReleaseEvent, env *ExprEnv) (Value, error) {
	if b := cf.val; b != nil {
		w, i, err := cf.firstFound(d)
		if err != nil {
			return Value{}, err
		}
		return b.resolve(dc, d, w, i)
	}
	w, _, err := dc.value(cf, d, e, env)
	return w, err
}

// bindable reports whether a decode field can be bound: read from the
// wire into a target, without a condition, an expression, a constant, a
// party or a list, and not sealed.
func (cf *CompiledField) bindable() bool {
	return cf.target != nil && cf.valueBindable()
}

// valueBindable reports whether value can be bound for a field: read
// from the wire, without a condition, an expression, a constant, a party
// or a list, and not sealed.
func (cf *CompiledField) valueBindable() bool {
	s := cf.Spec
	return len(cf.From) > 0 && cf.when == nil && cf.Expr == nil &&
		cf.party == nil && s.Const == nil && !s.All && !cf.seal &&
		(s.Default == nil || !holdsSealed(Boxed(s.Default)))
}

// bind returns the field's fieldRun, nil when it has none.
func (cf *CompiledField) bind() fieldRun {
	if !cf.bindable() {
		return nil
	}
	if cf.plainDecode && cf.texts != nil {
		return func(dc *DecodeCtx, d *Doc, e *canonical.ReleaseEvent) error {
			done, err := dc.plainText(cf, d, e)
			if !done {
				return dc.field(cf, d, e, &dc.env)
			}
			return err
		}
	}
	return newBoundField(cf).run
}

// newBoundField resolves what a bound field needs from its spec.
func newBoundField(cf *CompiledField) *boundField {
	b := &boundField{cf: cf, def: Boxed(cf.Spec.Default), check: checks[cf.Spec.Check]}
	b.strTarget = cf.target != nil && cf.target.leaf.Kind() == reflect.String
	b.handle = cf.Spec.As == "handle"
	b.conv = convertFor(cf.Spec.As)
	if cf.target != nil && cf.target.leafSlotted() {
		b.leaf = blockLeafOf(cf)
	}
	return b
}

// isTimeAs reports whether as is one of the conversions convertTime does.
func isTimeAs(as string) bool {
	return as == "edifact-datetime" || as == "datetime" || as == "date"
}

// boundField is what a bound field's run needs, resolved from its spec.
type boundField struct {
	cf    *CompiledField
	def   Value // the default, !OK for none
	check func(string) error
	conv  func(dc *DecodeCtx, cf *CompiledField, w Value, e *canonical.ReleaseEvent) (Value, error)
	// strTarget: the target is a string field; handle: the check is on the
	// value a handle is made from.
	strTarget, handle bool
	// leaf is what the field converts its value to when the event's
	// block holds it (see setLeaf).
	leaf blockLeaf
}

// blockLeaf is a value a bound field keeps in the event's block.
type blockLeaf uint8

const (
	noLeaf blockLeaf = iota
	timeLeaf
	intLeaf
	decimalLeaf
)

// blockLeafOf is what the event's block may hold for a field: a date or
// time, an int or a decimal its target points to, converted without a
// check by a field without a condition.
func blockLeafOf(cf *CompiledField) blockLeaf {
	if !cf.bindable() || cf.Spec.Check != "" {
		return noLeaf
	}
	switch leaf := cf.target.leaf; {
	case leaf == reflect.TypeFor[*time.Time]() && isTimeAs(cf.Spec.As):
		return timeLeaf
	case leaf == reflect.TypeFor[*int]() && cf.Spec.As == "int":
		return intLeaf
	case leaf == reflect.TypeFor[*float64]() && cf.Spec.As == "decimal":
		return decimalLeaf
	}
	return noLeaf
}

// setInBlock converts w as convert does and stores it in the event's
// block; the error is convert's.
func (b *boundField) setInBlock(dc *DecodeCtx, w Value, e *canonical.ReleaseEvent) error {
	cf := b.cf
	switch b.leaf {
	case timeLeaf:
		t, err := parseTime(dc, cf, w, e)
		if err != nil {
			return err
		}
		setLeaf(cf.target, e, t)
	case intLeaf:
		f, err := parseDecimal(w.Text())
		if err != nil || f != float64(int(f)) {
			return fmt.Errorf("%w: %w", ErrConvert, ErrNotNumber)
		}
		setLeaf(cf.target, e, int(f))
	case decimalLeaf:
		f, err := parseDecimal(w.Text())
		if err != nil {
			return err
		}
		setLeaf(cf.target, e, f)
	}
	return nil
}

// run is field for a bound field.
func (b *boundField) run(dc *DecodeCtx, d *Doc, e *canonical.ReleaseEvent) error {
	cf := b.cf
	w, i, err := cf.firstFound(d)
	if err != nil {
		return err
	}
	if w, err = b.resolve(dc, d, w, i); err != nil || !w.OK {
		return err
	}
	if b.leaf != noLeaf {
		if err := b.setInBlock(dc, w, e); err != nil {
			return dc.errAt(cf.at(d, i), cf.Spec.Target, err)
		}
		return nil
	}
	raw := w
	if w, err = b.conv(dc, cf, w, e); err != nil {
		return dc.errAt(cf.at(d, i), cf.Spec.Target, err)
	}
	if b.check != nil {
		checked := w.Text()
		if b.handle {
			checked = raw.Text()
		}
		if err := dc.checkFailed(cf, e, checked, b.check(checked)); err != nil {
			return dc.errAt(cf.at(d, i), cf.Spec.Target, err)
		}
	}
	if b.strTarget && w.V == nil && w.Parts == nil {
		cf.target.setString(e, w.S)
		return nil
	}
	if err := cf.target.set(e, w.box()); err != nil {
		return dc.errAt(cf.at(d, i), cf.Spec.Target, fmt.Errorf("%w: %v", ErrConvert, err))
	}
	return nil
}

// resolve is value for a bound field: the table, the default, a sealed
// input and a required value missing. i is the selector that found w,
// -1 for none.
func (b *boundField) resolve(dc *DecodeCtx, d *Doc, w Value, i int) (Value, error) {
	cf := b.cf
	if w.OK && cf.table != nil {
		mapped, err := cf.lookup(w.Text())
		if err != nil {
			return Value{}, dc.errAt(cf.at(d, i), cf.Spec.Target, err)
		}
		w = Str(mapped)
	}
	if !w.OK {
		if b.def.OK {
			return b.def, nil
		}
		if cf.Spec.Required {
			return Value{}, dc.errAt(cf.at(d, i), cf.Spec.Target, ErrRequired)
		}
		return w, nil
	}
	if holdsSealed(w) {
		return Value{}, dc.sealedInput(cf.at(d, i), cf)
	}
	return w, nil
}

// at is the position of the value selector i found, or what found nothing
// when i < 0 (source.position).
func (cf *CompiledField) at(d *Doc, i int) Position {
	if i < 0 {
		return Position{missing: cf.From[0], Doc: d}
	}
	return source{sel: cf.From[i]}.position(d)
}

// firstFound is firstOf giving the selector's index (-1 for none), asking
// the selectors for text first when they are all TextFinders.
func (cf *CompiledField) firstFound(d *Doc) (Value, int, error) {
	if cf.texts == nil {
		w, sel, err := firstOf(cf, d)
		return w, cf.indexOf(sel), err
	}
	for i, tf := range cf.texts {
		s, found, text := tf.FirstText(d)
		if verifyFast {
			if l, ok := cf.From[i].First(d); ok != found || found && text != (l.W.V == nil && l.W.Parts == nil) || text && l.W.S != s {
				return Value{}, -1, fmt.Errorf("fast form of selector %v gave text %q (found %v, text %v), First %#v", cf.From[i], s, found, text, l.W)
			}
		}
		switch {
		case !found:
			continue
		case text:
			return Str(s), i, nil
		}
		if vf := cf.finders[i]; vf != nil {
			w, _ := vf.FirstValue(d)
			return w, i, nil
		}
		l, _ := cf.From[i].First(d)
		return l.W, i, nil
	}
	return Value{}, -1, nil
}

// indexOf is the index of sel in the field's selectors, -1 for nil.
func (cf *CompiledField) indexOf(sel Selector) int {
	if sel == nil {
		return -1
	}
	for i, s := range cf.From {
		if s == sel {
			return i
		}
	}
	return -1
}

// convertFor is convert resolved for one `as`: the common text
// conversions done in place, the others through convert.
func convertFor(as string) func(dc *DecodeCtx, cf *CompiledField, w Value, e *canonical.ReleaseEvent) (Value, error) {
	switch {
	case as == "" || as == "string":
		return convertString
	case as == "upper":
		return convertUpper
	case isTimeAs(as):
		return convertTime
	}
	return (*DecodeCtx).convert
}

// convertString is convert for as string of a field that is not a list.
func convertString(_ *DecodeCtx, _ *CompiledField, w Value, _ *canonical.ReleaseEvent) (Value, error) {
	if w.V == nil && w.Parts == nil || isDocument(w.V) {
		return w, nil
	}
	return Str(w.Text()), nil
}

// convertUpper is convert for as upper.
func convertUpper(_ *DecodeCtx, _ *CompiledField, w Value, _ *canonical.ReleaseEvent) (Value, error) {
	return Str(upper(w.Text())), nil
}

// convertTime is convert for the dates and times: an EDIFACT composite's
// parts are read without boxing them, and the time is allocated only for
// a good value.
func convertTime(dc *DecodeCtx, cf *CompiledField, w Value, e *canonical.ReleaseEvent) (Value, error) {
	t, err := parseTime(dc, cf, w, e)
	if err != nil {
		return Value{}, err
	}
	p := new(time.Time)
	*p = t
	return Value{V: p, OK: true}, nil
}

// parseTime reads a date or time as the field's `as` says, in its zone.
func parseTime(dc *DecodeCtx, cf *CompiledField, w Value, e *canonical.ReleaseEvent) (time.Time, error) {
	loc, err := dc.zoneFor(FirstNonEmpty(cf.Spec.Zone, dc.Profile.Zone), e)
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case cf.Spec.As != "edifact-datetime":
		return parseDateTime(w.Text(), loc, cf.endOfDay)
	case w.Parts != nil:
		return parseEdifactParts(w.Parts, loc, cf.endOfDay)
	}
	return parseEdifactText(w.Text(), "", loc, cf.endOfDay)
}
