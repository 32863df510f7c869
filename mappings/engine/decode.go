package engine

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/canonical/seal"
)

// compiledDecode is a profile's decode section, ready to run.
type compiledDecode struct {
	each   Splitter
	Fields []*CompiledField // fields needing no zone first, then zoned ones
	typ    *CompiledField
	checks []*CompiledField
	// eventBlock allocates the events (see layoutEvents).
	eventBlock
}

// DecodeCtx carries what one message's decoding needs.
type DecodeCtx struct {
	Profile *Profile
	File    string
	Ref     string // message reference for errors
	Opts    *DecodeOptions
	// SentAt is the envelope's preparation date and time as sent (EDIFACT
	// UNB 0017+0019), the fallback for occurredAt.
	SentAt string

	collected bool // CollectSecrets ran
	// whenFalse: the last field run was skipped by its condition (see
	// CompiledField.sameWhen).
	whenFalse bool
	// known is the last event type found known, most often the next one's.
	known canonical.EventType
	// fast is what the expressions' fast forms read; its value is the
	// one the expression environment holds, boxed into it only when the
	// VM runs.
	fast fastEnv
	// env is the expression environment of the event being filled, kept
	// here so that it is not allocated per event.
	env ExprEnv
	// zone is the last zone resolved, for the next date of the message.
	zone zoneCache
}

// Next readies dc for the next message of a file: p reads it, file and
// opts are the file's, ref names the message. What dc resolved for the
// messages before (the last zone, the last event type) it keeps.
func (dc *DecodeCtx) Next(p *Profile, file, ref string, opts *DecodeOptions) {
	*dc = DecodeCtx{Profile: p, File: file, Ref: ref, Opts: opts, zone: dc.zone, known: dc.known}
}

// zoneCache is a resolved zone and what it was resolved from.
type zoneCache struct {
	spec, port, airport string
	loc                 *time.Location
}

// zoneFor is ZoneFor remembering its last answer: the dates of a message,
// and the events of a file, are mostly in one zone, and resolving it
// normalises the place and looks it up in maps each time.
func (dc *DecodeCtx) zoneFor(spec string, e *canonical.ReleaseEvent) (*time.Location, error) {
	z := &dc.zone
	if z.loc != nil && z.spec == spec && z.port == e.Key.Port && z.airport == e.Key.Airport {
		return z.loc, nil
	}
	loc, err := ZoneFor(spec, e)
	if err == nil {
		*z = zoneCache{spec: spec, port: e.Key.Port, airport: e.Key.Airport, loc: loc}
	}
	return loc, err
}

// DecodeDoc turns one wire message into events, one per split item. Items
// that fail are reported (joined) and skipped; the others are returned.
func (dc *DecodeCtx) DecodeDoc(d *Doc, src canonical.Source) ([]*canonical.ReleaseEvent, error) {
	dc.CollectSecrets(d)
	dec := dc.Profile.Dec
	items := noSplit
	if dec.each != nil {
		items = dec.each.Items(d)
		if len(items) == 0 {
			return nil, dc.errAt(Position{Segment: dc.Profile.Spec.Decode.Each}, "", fmt.Errorf("%w: no %s in the message", ErrRequired, dc.Profile.Spec.Decode.Each))
		}
		if hs, ok := dc.Profile.paths.(HeaderFinder); ok {
			d.Header = hs.Header(d, items)
		}
	}
	if err := dc.checkMessage(d, len(items)); err != nil {
		return nil, err
	}
	out := make([]*canonical.ReleaseEvent, 0, len(items))
	var errs []error
	for _, it := range items {
		d.Item = it
		e := dec.newEvent()
		e.Source = src
		if err := dc.fill(d, e); err != nil {
			errs = append(errs, err)
			continue
		}
		if out == nil {
			out = make([]*canonical.ReleaseEvent, 0, len(items))
		}
		out = append(out, e)
	}
	if len(errs) == 0 {
		return out, nil
	}
	return out, errors.Join(dedupe(errs)...)
}

// noSplit is the one item of a message a profile does not split: the
// message itself (read only).
var noSplit = []any{nil}

// checkMessage runs the message-level checks; count is the number of items.
func (dc *DecodeCtx) checkMessage(d *Doc, count int) error {
	var errs []error
	for _, cf := range dc.Profile.Dec.checks {
		var val any
		var at Position
		for _, sel := range cf.From {
			if l, ok := sel.First(d); ok {
				val, at = l.W.box(), l.At
				break
			}
		}
		if val == nil && len(cf.From) > 0 {
			at = Position{missing: cf.From[0], Doc: d}
		}
		out, err := RunExpr(cf.Expr, &ExprEnv{Value: val, Count: count, Root: d.exprRoot()})
		if err != nil {
			err = ExprField(err, func() string { return "check " + strings.Join(cf.Spec.From, ", ") })
			errs = append(errs, dc.errAt(at, "", err))
			continue
		}
		if ok, _ := out.(bool); !ok {
			errs = append(errs, dc.errAt(at, "", fmt.Errorf("%w: %s (%d found)", ErrCheck, strings.TrimSuffix(cf.Spec.Doc, "."), count)))
		}
	}
	return errors.Join(errs...)
}

// fill runs every field and then the type on one event.
func (dc *DecodeCtx) fill(d *Doc, e *canonical.ReleaseEvent) error {
	dc.env = ExprEnv{Event: e} // Root and Value are set when the VM runs
	env := &dc.env
	dc.fast = fastEnv{root: d.Root, event: e}
	dc.whenFalse = false
	var errs []error
	for _, cf := range dc.Profile.Dec.Fields {
		var err error
		if cf.run != nil {
			dc.whenFalse = false
			err = cf.run(dc, d, e)
		} else {
			err = dc.field(cf, d, e, env)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if r := e.Release; r != nil && r.ValidFrom != nil && r.ValidUntil != nil {
		if err := canonical.CheckValidity(r.ValidFrom, r.ValidUntil); err != nil {
			errs = append(errs, &Error{File: dc.File, Message: dc.Ref, Field: "release.validUntil", Value: r.ValidUntil.Format(time.RFC3339), Err: err})
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if e.OccurredAt == nil && dc.SentAt != "" {
		if loc, err := dc.zoneFor(dc.Profile.Zone, e); err == nil {
			if t, err := parseEdifactText(dc.SentAt, "", loc, false); err == nil {
				e.OccurredAt = &t
			}
		}
	}
	v, src, err := dc.value(dc.Profile.Dec.typ, d, e, env)
	if err != nil {
		return err
	}
	t := canonical.EventType(v.Text())
	if (t == "" || t != dc.known) && !knownType(t) {
		return dc.errAt(src.position(d), "type", fmt.Errorf("%w: %q is not an event type", ErrConvert, t))
	}
	e.Type, dc.known = t, t
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return nil
}

// warning renders a failed check kept as a warning on the event; a
// secret's value is not shown.
func warning(cf *CompiledField, v string, err error) string {
	if cf.secret != "" {
		return fmt.Sprintf("%s %v %s", cf.Spec.Target, err, secretNote)
	}
	return fmt.Sprintf("%s %q %v", cf.Spec.Target, v, err)
}

// valueLister is a Selector that can hand over the values it selects
// without their positions, which All builds for errors that rarely come.
type valueLister interface {
	EachValue(d *Doc, yield func(Value))
}

// eachValue calls yield with the value of everything sel selects, in All's
// order.
func eachValue(sel Selector, d *Doc, yield func(Value)) {
	if vl, ok := sel.(valueLister); ok {
		vl.EachValue(d, yield)
		return
	}
	for _, l := range sel.All(d) {
		yield(l.W)
	}
}

// TextsAppender is a Selector that can append the texts of what it
// selects, in All's order and leaving out empty ones, without a callback
// (which is allocated per call).
type TextsAppender interface {
	AppendTexts(dst []string, d *Doc) []string
}

// appendTexts appends to dst the non-empty texts of what sel selects.
func appendTexts(dst []string, sel Selector, d *Doc) []string {
	if ta, ok := sel.(TextsAppender); ok {
		return ta.AppendTexts(dst, d)
	}
	return appendEachText(dst, sel, d)
}

// appendEachText is appendTexts through eachValue, in a function of its
// own so that appendTexts's dst does not move to the heap.
func appendEachText(dst []string, sel Selector, d *Doc) []string {
	eachValue(sel, d, func(w Value) {
		if s := w.Text(); s != "" {
			dst = append(dst, s)
		}
	})
	return dst
}

// emptyText is Text(v) == "" without printing a list or an object an
// expression built, whose text (brackets at least) is never empty.
func emptyText(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	return Text(v) == ""
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
func (dc *DecodeCtx) value(cf *CompiledField, d *Doc, e *canonical.ReleaseEvent, env *ExprEnv) (Value, source, error) {
	var w Value
	var src source
	if cf.Spec.All {
		var list []string
		for _, sel := range cf.From {
			list = appendTexts(list, sel, d)
		}
		if len(list) > 0 {
			w = Value{Parts: list, OK: true}
		}
	} else {
		var err error
		if w, src.sel, err = firstOf(cf, d); err != nil {
			return Value{}, src, err
		}
	}
	if !w.OK && len(cf.From) > 0 {
		src.missing = cf.From[0]
	}
	if !w.OK && cf.Spec.Const != nil {
		w = Boxed(cf.Spec.Const)
	}
	// Without from, the expression computes the value and the table maps
	// it; with from, the table maps the wire value and the expression
	// adjusts the result.
	computed := len(cf.From) == 0 && cf.Spec.Const == nil
	if w.OK && cf.table != nil && !computed {
		mapped, err := cf.lookup(w.Text())
		if err != nil {
			return Value{}, src, dc.errAt(src.position(d), cf.Spec.Target, err)
		}
		w = Str(mapped)
	}
	if cf.Expr != nil {
		var err error
		if w, err = dc.evalExpr(cf, d, env, w); err != nil {
			err = ExprField(err, func() string { return FirstNonEmpty(cf.Spec.Target, "type") })
			return Value{}, src, dc.errAt(src.position(d), cf.Spec.Target, err)
		}
		if w.OK && w.V != nil && emptyText(w.V) {
			w.OK = false
		}
		if w.OK && cf.table != nil && computed {
			mapped, err := cf.lookup(w.Text())
			if err != nil {
				at := src.position(d)
				at.Value = w.Text()
				return Value{}, src, dc.errAt(at, cf.Spec.Target, err)
			}
			w = Str(mapped)
		}
	}
	if !w.OK && cf.Spec.Default != nil {
		w = Boxed(cf.Spec.Default)
	}
	if w.OK && holdsSealed(w) {
		return Value{}, src, dc.sealedInput(src.position(d), cf)
	}
	if !w.OK && cf.Spec.Required {
		return Value{}, src, dc.errAt(src.position(d), cf.Spec.Target, ErrRequired)
	}
	return w, src, nil
}

// source is where a field's value came from, kept small: a position is
// large and costs to build, and is needed only for an error, so it is
// found again then.
type source struct {
	sel     Selector // the selector that found the value
	missing Selector // nothing found: the first selector tried
}

// position is where the value was found, or what found nothing.
func (s source) position(d *Doc) Position {
	switch {
	case s.sel != nil:
		l, _ := s.sel.First(d)
		return l.At
	case s.missing != nil:
		return Position{missing: s.missing, Doc: d}
	}
	return Position{}
}

// ValueFinder is a Selector that can give its first value without its
// position (see source).
type ValueFinder interface {
	FirstValue(d *Doc) (Value, bool)
}

// firstOf is the first value any of sels finds, and the selector that
// found it; with verifyFast on, a ValueFinder's answer that First does
// not give is an error (tests).
func firstOf(cf *CompiledField, d *Doc) (Value, Selector, error) {
	for i, sel := range cf.From {
		var vf ValueFinder
		if i < len(cf.finders) {
			vf = cf.finders[i]
		}
		if vf == nil {
			if l, ok := sel.First(d); ok {
				return l.W, sel, nil
			}
			continue
		}
		w, ok := vf.FirstValue(d)
		if verifyFast {
			if l, lok := sel.First(d); lok != ok || !reflect.DeepEqual(l.W, w) {
				return Value{}, nil, fmt.Errorf("fast form of selector %v gave %#v, First %#v", sel, w, l.W)
			}
		}
		if ok {
			return w, sel, nil
		}
	}
	return Value{}, nil, nil
}

// field decodes one field into the event.
func (dc *DecodeCtx) field(cf *CompiledField, d *Doc, e *canonical.ReleaseEvent, env *ExprEnv) error {
	skip := cf.sameWhen && dc.whenFalse
	dc.whenFalse = false
	if cf.plainDecode && !cf.seal {
		if done, err := dc.plainField(cf, d, e); done {
			return err
		}
	}
	if cf.when != nil {
		if skip {
			dc.whenFalse = true
			return nil
		}
		ok, err := dc.evalWhen(cf, d, env)
		if err != nil {
			err = ExprField(err, func() string { return cf.Spec.Target + " (when)" })
			return dc.errAt(Position{}, "", err)
		}
		if b, _ := ok.(bool); !b {
			dc.whenFalse = true
			return nil
		}
	}
	if cf.party != nil {
		p, err := dc.buildParty(cf.party, d, e, env)
		if err != nil {
			return err
		}
		if p == nil {
			if cf.Spec.Required {
				return dc.errAt(Position{Segment: cf.Spec.Party.Name}, cf.Spec.Target, ErrRequired)
			}
			return nil
		}
		return cf.target.set(e, p)
	}
	w, src, err := dc.value(cf, d, e, env)
	if err != nil || !w.OK {
		return err
	}
	raw := w // a handle's check is on the secret it is made from
	w, err = dc.convert(cf, w, e)
	if err != nil {
		return dc.errAt(src.position(d), cf.Spec.Target, err)
	}
	if cf.Spec.Check != "" {
		checked := w.Text()
		if cf.Spec.As == "handle" {
			checked = raw.Text()
		}
		if err := dc.checkFailed(cf, e, checked, runCheck(cf.Spec.Check, checked)); err != nil {
			return dc.errAt(src.position(d), cf.Spec.Target, err)
		}
	}
	if w, err = dc.sealValue(cf, w); err != nil {
		return dc.errAt(src.position(d), cf.Spec.Target, err)
	}
	if w.V == nil && w.Parts == nil && cf.target.setString(e, w.S) {
		return nil
	}
	if w.V == nil && w.Parts != nil && cf.target.setStrings(e, w.Parts) {
		return nil
	}
	if err := cf.target.set(e, w.box()); err != nil {
		return dc.errAt(src.position(d), cf.Spec.Target, fmt.Errorf("%w: %v", ErrConvert, err))
	}
	return nil
}

// checkFailed decides what the check of checked answering err does: nil
// when it passed, or when its failure is a warning on e (the field says
// warn, or the profile allows bad check digits and that is what it is);
// else err.
func (dc *DecodeCtx) checkFailed(cf *CompiledField, e *canonical.ReleaseEvent, checked string, err error) error {
	if err != nil && (cf.Spec.Warn || dc.Profile.allowBadCheckDigit && errors.Is(err, canonical.ErrCheckDigit)) {
		e.Warnings = append(e.Warnings, warning(cf, checked, err))
		return nil
	}
	return err
}

// TextFinder is a Selector that can give its first value as text, without
// building a Value: found=false when it selects nothing, text=false when
// what it found is not text (FirstValue then gives it).
type TextFinder interface {
	FirstText(d *Doc) (s string, found, text bool)
}

// plainText is plainField for a field whose selectors are all TextFinders.
func (dc *DecodeCtx) plainText(cf *CompiledField, d *Doc, e *canonical.ReleaseEvent) (done bool, err error) {
	for i, tf := range cf.texts {
		s, found, text := tf.FirstText(d)
		if verifyFast {
			if l, ok := cf.From[i].First(d); ok != found || found && text != (l.W.V == nil && l.W.Parts == nil) || text && l.W.S != s {
				return true, fmt.Errorf("fast form of selector %v gave text %q (found %v, text %v), First %#v", cf.From[i], s, found, text, l.W)
			}
		}
		switch {
		case !found:
			continue
		case !text:
			return false, nil
		case seal.IsSealedString(s):
			return true, dc.sealedInput(source{sel: cf.From[i]}.position(d), cf)
		}
		cf.target.setString(e, s)
		return true, nil
	}
	if cf.Spec.Required {
		return true, dc.errAt(Position{missing: cf.From[0], Doc: d}, cf.Spec.Target, ErrRequired)
	}
	return true, nil
}

// plainField is field for a plain field (CompiledField.plainDecode)
// whose wire value is text: value, convert and set reduced to what they
// do for it. done=false (a composite or another value) leaves it to
// field.
func (dc *DecodeCtx) plainField(cf *CompiledField, d *Doc, e *canonical.ReleaseEvent) (done bool, err error) {
	if cf.texts != nil {
		return dc.plainText(cf, d, e)
	}
	w, sel, err := firstOf(cf, d)
	switch {
	case err != nil:
		return true, err
	case !w.OK:
		if cf.Spec.Required {
			return true, dc.errAt(Position{missing: cf.From[0], Doc: d}, cf.Spec.Target, ErrRequired)
		}
		return true, nil
	case w.V != nil || w.Parts != nil:
		return false, nil
	case holdsSealed(w):
		return true, dc.sealedInput(source{sel: sel}.position(d), cf)
	}
	cf.target.setString(e, w.S)
	return true, nil
}

// convert applies the field's `as`.
func (dc *DecodeCtx) convert(cf *CompiledField, w Value, e *canonical.ReleaseEvent) (Value, error) {
	switch cf.Spec.As {
	case "", "string":
		if w.Parts != nil && cf.Spec.All {
			return w, nil
		}
		if w.V == nil && w.Parts == nil || isDocument(w.V) {
			return w, nil // a list or object an expression built goes to its target whole
		}
		return Str(w.Text()), nil
	case "list":
		if w.Parts != nil {
			return w, nil
		}
		return Value{Parts: []string{w.Text()}, OK: true}, nil
	case "upper":
		return Str(upper(w.Text())), nil
	case "int":
		f, err := parseDecimal(w.Text())
		if err != nil || f != float64(int(f)) {
			return Value{}, fmt.Errorf("%w: %w", ErrConvert, ErrNotNumber)
		}
		if cf.numPtr {
			p := new(int)
			*p = int(f)
			return Value{V: p, OK: true}, nil
		}
		return Value{V: int(f), OK: true}, nil
	case "decimal":
		f, err := parseDecimal(w.Text())
		if err == nil && cf.numPtr {
			p := new(float64)
			*p = f
			return Value{V: p, OK: true}, nil
		}
		return Value{V: f, OK: err == nil}, err
	case "bool":
		if b, ok := w.V.(bool); ok {
			return Value{V: b, OK: true}, nil
		}
		b, err := parseBool(w.Text())
		return Value{V: b, OK: err == nil}, err
	case "size-type":
		st, err := canonical.NormalizeSizeType(w.Text())
		return Str(st), err
	case "handle":
		return Str(credentialHandle(dc.Opts.credentialKey(), w.Text())), nil
	case "mask":
		return Str(mask(w.Text())), nil
	case "edifact-datetime", "datetime", "date":
		loc, err := dc.zoneFor(FirstNonEmpty(cf.Spec.Zone, dc.Profile.Zone), e)
		if err != nil {
			return Value{}, err
		}
		var t time.Time
		if cf.Spec.As == "edifact-datetime" {
			if w.Parts != nil {
				t, err = parseEdifactParts(w.Parts, loc, cf.endOfDay)
			} else {
				t, err = parseEdifactText(w.Text(), "", loc, cf.endOfDay)
			}
		} else {
			t, err = parseDateTime(w.Text(), loc, cf.endOfDay)
		}
		if err != nil {
			return Value{}, err
		}
		return Value{V: &t, OK: true}, nil
	}
	if c, ok := dc.Profile.syntax.(Converter); ok {
		if out, done, err := c.DecodeAs(dc.Profile, dc.Opts, cf, w, e); done {
			return out, err
		}
	}
	return Value{}, fmt.Errorf("unknown conversion %q", cf.Spec.As)
}

// buildParty assembles a Party; nil when the message names none. The
// identifiers are gathered on the stack first, so that the party holds
// only the ones the message sends.
func (dc *DecodeCtx) buildParty(cp *compiledParty, d *Doc, e *canonical.ReleaseEvent, env *ExprEnv) (*canonical.Party, error) {
	var name string
	if cp.name != nil {
		v, err := dc.fieldValue(cp.name, d, e, env)
		if err != nil {
			return nil, err
		}
		name = v.Text()
	}
	var buf [8]canonical.PartyID
	ids := buf[:0]
	for _, id := range cp.ids {
		v, err := dc.fieldValue(id.from, d, e, env)
		if err != nil {
			return nil, err
		}
		if v.Text() == "" {
			continue
		}
		scheme, err := dc.partyScheme(id, d, e, env)
		if err != nil {
			return nil, err
		}
		if scheme == canonical.SchemeEORI {
			dc.flagEORI(cp, v.Text(), e)
		}
		ids = append(ids, canonical.PartyID{Scheme: scheme, Value: v.Text()})
	}
	if len(ids) == 0 && name == "" {
		return nil, nil
	}
	var p *canonical.Party
	switch {
	case len(ids) == 0:
		p = &canonical.Party{}
	case len(ids) <= len(partyWithIDs{}.ids):
		b := &partyWithIDs{}
		p = &b.p
		p.IDs = append(b.ids[:0], ids...)
	default:
		p = &canonical.Party{IDs: slices.Clone(ids)}
	}
	p.Role, p.Name = cp.role, name
	return p, nil
}

// partyScheme is an identifier's scheme: from the message when the
// profile reads it there, else the declared one, else OTHER.
func (dc *DecodeCtx) partyScheme(id compiledPartyID, d *Doc, e *canonical.ReleaseEvent, env *ExprEnv) (string, error) {
	scheme := id.scheme
	if id.schemeFrom != nil {
		s, err := dc.fieldValue(id.schemeFrom, d, e, env)
		if err != nil {
			return "", err
		}
		if s.Text() != "" {
			scheme = s.Text()
		}
	}
	if scheme == "" {
		scheme = "OTHER"
	}
	return scheme, nil
}

// flagEORI records a warning for an identifier sent as an EORI number that
// is not shaped like one. Port systems pass on what their users typed, so
// the value is kept and the message goes through.
func (dc *DecodeCtx) flagEORI(cp *compiledParty, v string, e *canonical.ReleaseEvent) {
	if err := canonical.CheckEORI(v); err != nil {
		e.Warnings = append(e.Warnings, fmt.Sprintf("%s EORI %s %v", cp.target, errtext.Quote(v), err))
	}
}

// partyWithIDs lets a party and its identifiers share one allocation; most
// parties have one or two.
type partyWithIDs struct {
	p   canonical.Party
	ids [2]canonical.PartyID
}

func (dc *DecodeCtx) errAt(at Position, target string, err error) error {
	var xe *ExprError
	if errors.As(err, &xe) {
		target = "" // the expression error names it
	}
	at = at.resolve()
	e := &Error{File: dc.File, Line: at.Line, Column: at.Col, Message: dc.Ref, Segment: at.Segment, Value: at.Value, Err: err, elem: at.Field}
	if target != "" {
		e.targets = []string{target}
		if at.Value != "" && dc.Profile.secretTargets[target] != "" {
			e.Secret, e.Value = true, ""
		}
	}
	e.Field = fieldLabel(at.Field, at.Segment, e.targets)
	return e
}

func FirstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// verifyFast makes every fast form's answer be checked against the VM's
// (tests); a difference is an error naming the expression.
var verifyFast bool

// evalExpr runs a field's expression on the value w: its fast form when
// that decides, else the VM.
func (dc *DecodeCtx) evalExpr(cf *CompiledField, d *Doc, env *ExprEnv, w Value) (Value, error) {
	dc.fast.value = w
	if cf.fastExpr != nil {
		if v, ok := cf.fastExpr(&dc.fast); ok {
			return v.result(), dc.verify(cf.Expr, cf.Spec.Expr, d, env, v)
		}
	}
	out, err := RunExpr(cf.Expr, dc.vmEnv(env, d))
	if err != nil {
		return Value{}, err
	}
	return Boxed(out), nil
}

// evalWhen runs a field's condition, as evalExpr does.
func (dc *DecodeCtx) evalWhen(cf *CompiledField, d *Doc, env *ExprEnv) (any, error) {
	if cf.fastWhen != nil {
		if v, ok := cf.fastWhen(&dc.fast); ok {
			return v.box(), dc.verify(cf.when, cf.Spec.When, d, env, v)
		}
	}
	return RunExpr(cf.when, dc.vmEnv(env, d))
}

// vmEnv completes env for the VM: the document as expressions see it and
// the current value.
func (dc *DecodeCtx) vmEnv(env *ExprEnv, d *Doc) *ExprEnv {
	if env.Root == nil {
		env.Root = d.exprRoot()
	}
	env.Value = dc.fast.value.box()
	return env
}

// verify compares a fast form's answer with the VM's when verifyFast is on.
func (dc *DecodeCtx) verify(p *vm.Program, src string, d *Doc, env *ExprEnv, v fval) error {
	if !verifyFast {
		return nil
	}
	out, err := RunExpr(p, dc.vmEnv(env, d))
	if err != nil || !reflect.DeepEqual(out, v.box()) {
		return fmt.Errorf("fast form of %q gave %#v, the VM %#v (%v)", src, v.box(), out, err)
	}
	return nil
}
