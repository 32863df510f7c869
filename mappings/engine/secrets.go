package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings/spec"
)

// Secret fields: a profile declares them (spec secrets), and the engine
//
//  1. refuses at load a field read `as: handle` from an undeclared path, a
//     declared path the syntax cannot address, and an unknown kind;
//  2. collects the values found at them while decoding, reports them
//     through DecodeOptions.SecretSeen, and keeps them out of every problem
//     text it returns (see secretState.clean);
//  3. seals, with DecodeOptions.SealKey, a secret a field keeps whole (not
//     as a handle, not masked), bound to the canonical field it fills, and
//     opens it again on encode where the target profile declares the
//     place it is written and the event holds it in that same field;
//  4. refuses an input value that already starts as a sealed string.

// Errors of secret fields.
var (
	// ErrSecretSpec: a secret declaration or a field reading one is wrong.
	ErrSecretSpec = errors.New("secret field declared wrongly")
	// ErrSealed: an event holds a sealed value where it cannot be opened.
	ErrSealed = errors.New("holds a sealed secret")
)

// secretNote ends the text of a problem about a secret field.
const secretNote = "(value not shown: secret)"

// minSecretLen is the shortest collected value that problem texts are
// searched for: a shorter one (a digit, "OK") would blank ordinary words.
const minSecretLen = 4

// driverIDTarget is the canonical field that holds a driver's
// identification: only a field reading a declared secret may fill it.
const driverIDTarget = "assignment.driver.identification"

// secretField is a compiled declaration.
type secretField struct {
	*spec.Secret
	sel Selector // nil when the path is only a place the encode writes
}

// SecretMarker is a syntax that can say how a secret's name stands in its
// inputs (a JSON member name, an XML element, an EDIFACT qualifier), so
// that an input no profile reads can still be recognised as carrying one.
type SecretMarker interface {
	SecretMarks(path string) []string
}

// Secrets are the profile's declared secret fields.
func (p *Profile) Secrets() []*spec.Secret { return p.Spec.Secrets }

// SecretKind is the kind of the declared secret at path, or "".
func (p *Profile) SecretKind(path string) string {
	for _, s := range p.secrets {
		if s.Path == path {
			return s.Kind
		}
	}
	return ""
}

// compileSecrets checks the profile's declarations and marks the decode
// fields and encode leaves that read or write them.
func (c *Compiler) compileSecrets(p *Profile) error {
	var errs []error
	seen := map[string]bool{}
	var leaves map[string]*CompiledField
	if len(p.Spec.Secrets) > 0 {
		leaves = p.encodeLeaves()
	}
	for i, s := range p.Spec.Secrets {
		at := fmt.Sprintf("secrets[%d] %s", i, s.Path)
		if !slices.Contains(spec.SecretKinds, s.Kind) {
			errs = append(errs, fmt.Errorf("%s: %w: kind %q is not one of %s", at, ErrSecretSpec, s.Kind, strings.Join(spec.SecretKinds, ", ")))
		}
		if seen[s.Path] {
			errs = append(errs, fmt.Errorf("%s: %w: declared twice", at, ErrSecretSpec))
		}
		seen[s.Path] = true
		sf := secretField{Secret: s}
		if p.Dec != nil {
			sel, err := p.paths.CompilePath(s.Path)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w: the %s syntax cannot address it: %v", at, ErrSecretSpec, p.Spec.Syntax, err))
			}
			sf.sel = sel
		} else if leaves[s.Path] == nil {
			errs = append(errs, fmt.Errorf("%s: %w: the encode section writes no field there", at, ErrSecretSpec))
		}
		p.secrets = append(p.secrets, sf)
	}
	for path, cf := range leaves {
		if kind := p.SecretKind(path); kind != "" {
			cf.secret, cf.plain = kind, false
		}
	}
	if p.Dec != nil {
		for _, cf := range p.Dec.Fields {
			if err := p.markSecretField(cf); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// markSecretField marks a decode field that reads a declared secret, and
// refuses a handle made from an undeclared path and a driver's
// identification read from one.
func (p *Profile) markSecretField(cf *CompiledField) error {
	for _, from := range cf.Spec.From {
		if kind := p.SecretKind(from); kind != "" {
			cf.secret = kind
		} else if cf.Spec.As == "handle" || cf.Spec.Target == driverIDTarget {
			return fmt.Errorf("field %s: %w: it reads %s, which is not declared under secrets", cf.Spec.Target, ErrSecretSpec, from)
		}
	}
	switch {
	case cf.secret == "" && cf.Spec.Target == driverIDTarget:
		return fmt.Errorf("field %s: %w: a driver's identification must be read from a path declared under secrets (kind DRIVER_ID)", cf.Spec.Target, ErrSecretSpec)
	case cf.secret == "" && cf.Spec.As == "handle":
		return fmt.Errorf("field %s: %w: as handle needs a from path declared under secrets", cf.Spec.Target, ErrSecretSpec)
	}
	if cf.secret != "" {
		if p.secretTargets == nil {
			p.secretTargets = map[string]string{}
		}
		p.secretTargets[cf.Spec.Target] = cf.secret
		cf.seal = cf.Spec.As != "handle" && cf.Spec.As != "mask"
	}
	return nil
}

// encodeLeaves are the encode fields by the place they write (their
// label), for the encodings that label them with a path.
func (p *Profile) encodeLeaves() map[string]*CompiledField {
	out := map[string]*CompiledField{}
	if e := p.Encoding(); e != nil {
		e.Fields(func(cf *CompiledField) {
			if cf != nil && cf.Label != "" {
				out[cf.Label] = cf
			}
		}, func(string) {})
	}
	return out
}

// secretMarks are the byte strings that show a declared secret's name in
// an input, over every profile whose syntax can say.
func (r *Registry) secretMarks() []string {
	var out []string
	for _, p := range r.sorted {
		m, ok := p.syntax.(SecretMarker)
		if !ok {
			continue
		}
		for _, s := range p.secrets {
			for _, mk := range m.SecretMarks(s.Path) {
				if mk != "" && !slices.Contains(out, mk) {
					out = append(out, mk)
				}
			}
		}
	}
	return out
}

// Unread tells the engine that a message could not be read far enough to
// collect its secrets; p is its profile, nil when none was found. Syntaxes
// call it where they give up on a message.
func (o *DecodeOptions) Unread(p *Profile) {
	st := o.secretState()
	switch {
	case p == nil:
		st.record(opUnknown, "")
		st.unknown = true
	case len(p.secrets) > 0:
		st.record(opUnread, "")
		st.unread = true
	}
}

func (o *DecodeOptions) secretState() *secretState {
	if o.sec == nil {
		o.sec = &secretState{seen: o.SecretSeen, found: o.OnSecret}
	}
	return o.sec
}

// CollectSecrets gathers the values at the profile's declared secret
// paths in one message, every split item included. Syntaxes that check a
// message before DecodeDoc (a JSON Schema) call it first, so that those
// problems are cleaned too; DecodeDoc calls it otherwise.
func (dc *DecodeCtx) CollectSecrets(d *Doc) {
	if dc.collected {
		return
	}
	dc.collected = true
	st := dc.Opts.secretState()
	st.beginMessage()
	p := dc.Profile
	if len(p.secrets) == 0 {
		return
	}
	items := []any{nil}
	if p.Dec != nil && p.Dec.each != nil {
		items = p.Dec.each.Items(d)
	}
	// One callback for every item and path: it is allocated.
	collect := func(w Value) {
		if w.Parts != nil {
			for _, part := range w.Parts {
				st.add(part)
			}
			return
		}
		st.add(w.Text())
	}
	saved := d.Item
	for _, it := range items {
		d.Item = it
		for _, s := range p.secrets {
			if s.sel != nil {
				eachValue(s.sel, d, collect)
			}
		}
	}
	d.Item = saved
}

// sealValue seals a secret a field keeps whole, when the options carry a
// key, bound to the canonical field it fills; without a key it is kept as
// read.
func (dc *DecodeCtx) sealValue(cf *CompiledField, w Value) (Value, error) {
	if !cf.seal || len(dc.Opts.SealKey) == 0 || w.V != nil || w.Parts != nil || w.S == "" {
		return w, nil
	}
	s, err := seal.SealStringFor(dc.Opts.SealKey, cf.Spec.Target, w.S)
	if err != nil {
		return Value{}, fmt.Errorf("cannot be sealed: %w", err)
	}
	return Str(s), nil
}

// openSealed opens a sealed value an encode leaf is about to write: only
// at a place the profile declares secret, only with the key, and only
// for the canonical field it was sealed for. The field is where the
// event holds the value, so a sealed value copied or moved to another
// field (a train's id) does not open, whichever path or expression
// picked it.
func (ec *EncodeCtx) openSealed(cf *CompiledField, val any) (any, error) {
	s, ok := val.(string)
	if !ok || !seal.IsSealedString(s) {
		return val, nil
	}
	switch {
	case cf.secret == "":
		return nil, ec.Fail(cf, "", fmt.Errorf("%w: %s does not declare this place secret, so it is not written", ErrSealed, ec.Profile.Name()))
	case len(ec.SealKey) == 0:
		return nil, ec.Fail(cf, "", fmt.Errorf("%w and no seal key was given to open it", ErrSealed))
	}
	places := sealedPlaces(ec.Env.Event, s)
	if len(places) == 0 {
		return nil, ec.Fail(cf, "", fmt.Errorf("%w that comes from no field of the event, so it is not opened", ErrSealed))
	}
	var out string
	for _, path := range places {
		v, err := seal.OpenStringFor(ec.SealKey, path, s)
		if err != nil {
			return nil, ec.Fail(cf, "", fmt.Errorf("%w: the one in %s was sealed for another field, or under another key", ErrSealed, path))
		}
		out = v
	}
	return out, nil
}
