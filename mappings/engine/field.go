package engine

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"
	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/spec"
)

// CompiledField is a Field ready to run: paths, expressions, tables and the
// target accessor are resolved once when the profile is loaded.
type CompiledField struct {
	Spec   *spec.Field
	target *Accessor
	From   []Selector // decode: wire paths
	// finders are From as ValueFinders, nil where a selector is not one
	// (resolved once, not per value read); texts are From as TextFinders,
	// nil unless every selector is one.
	finders  []ValueFinder
	texts    []TextFinder
	FromCan  []*Accessor // encode: canonical paths
	Expr     *vm.Program
	when     *vm.Program
	table    map[string]string
	tableSrc string
	party    *compiledParty
	// schemes are the party id schemes of an encode field's `id`, in order
	// of preference ("TIN|VAT").
	schemes []string
	zoned   bool // needs the event's port/airport, so runs after the other fields
	// plain: an encode leaf that only copies canonical string fields, so it
	// can be written without boxing (see CopiedText).
	plain    bool
	endOfDay bool
	// secret is the kind of the declared secret the field reads (decode)
	// or writes (encode), "" for none; seal: decode keeps it sealed.
	secret string
	seal   bool
	// plainDecode: a decode field that copies the first wire text found
	// into a string field, with nothing to compute, map, convert or check
	// (see plainField); whether it is sealed is known only at run time.
	plainDecode bool
	// numPtr: an int or decimal decode field whose target is a pointer to
	// that type and which has no check, so convert gives the pointer the
	// target stores, not a boxed number that set copies through reflect.
	numPtr bool
	// fastExpr and fastWhen are the decode expressions' fast forms, nil
	// when their shape has none (see compileFast).
	fastExpr, fastWhen fastExpr
	// sameWhen: the decode field before this one has the same condition,
	// both with fast forms. When that one was false, the field did nothing
	// and changed nothing the condition reads, so this one is false too.
	sameWhen bool
	// run decodes the field when it can be bound (see fieldRun), nil
	// when field does it.
	run fieldRun
	// val is value bound for a party's field (see bindValue), nil when
	// value does it.
	val *boundField

	// Label is where an encode field writes (a segment position such as
	// "NAD+FW C082.3055", a document path), for error messages.
	Label string
}

type compiledParty struct {
	target string // canonical path, for warnings
	name   *CompiledField
	role   string
	ids    []compiledPartyID
}

type compiledPartyID struct {
	scheme     string
	schemeFrom *CompiledField
	from       *CompiledField
}

// compileDecodeField prepares a decode field: From are wire paths, which
// paths compiles, and tables map wire codes to canonical values.
func (c *Compiler) compileDecodeField(f *spec.Field, paths PathCompiler) (*CompiledField, error) {
	cf, err := c.compileCommon(f, false)
	if err != nil {
		return nil, err
	}
	for _, p := range f.From {
		sel, err := paths.CompilePath(p)
		if err != nil {
			return nil, err
		}
		cf.addFrom(sel)
	}
	switch f.As {
	case "edifact-datetime", "datetime", "date":
		cf.zoned = true
	}
	if f.Party != nil {
		if cf.party, err = c.compileParty(f.Target, f.Party, func(f *spec.Field) (*CompiledField, error) { return c.compileDecodeField(f, paths) }); err != nil {
			return nil, err
		}
	}
	switch {
	case f.Check != "" || cf.target == nil:
	case f.As == "int":
		cf.numPtr = cf.target.leaf == reflect.TypeFor[*int]()
	case f.As == "decimal":
		cf.numPtr = cf.target.leaf == reflect.TypeFor[*float64]()
	}
	cf.plainDecode = len(cf.From) > 0 && cf.target != nil && cf.target.leaf.Kind() == reflect.String &&
		cf.when == nil && cf.party == nil && cf.Expr == nil && cf.table == nil &&
		f.Const == nil && f.Default == nil && !f.All && f.Check == "" && (f.As == "" || f.As == "string")
	return cf, nil
}

// addFrom appends a wire path to a decode field.
func (cf *CompiledField) addFrom(sel Selector) {
	cf.From = append(cf.From, sel)
	vf, _ := sel.(ValueFinder)
	cf.finders = append(cf.finders, vf)
	if tf, ok := sel.(TextFinder); ok && len(cf.texts) == len(cf.From)-1 {
		cf.texts = append(cf.texts, tf)
	} else {
		cf.texts = nil
	}
}

// CompileEncodeField prepares an encode field: From are canonical paths
// ("@" is the current `for` item), and tables map canonical values to wire
// codes.
func (c *Compiler) CompileEncodeField(f *spec.Field) (*CompiledField, error) {
	cf, err := c.compileCommon(f, true)
	if err != nil {
		return nil, err
	}
	for _, p := range f.From {
		if p == "@" {
			cf.FromCan = append(cf.FromCan, nil)
			continue
		}
		a, err := CompileAccessor(p)
		if err != nil {
			return nil, err
		}
		cf.FromCan = append(cf.FromCan, a)
	}
	switch f.As {
	case "edifact-203", "edifact-102", "yymmdd", "hhmm":
		cf.zoned = true
	}
	if f.Party != nil {
		if cf.party, err = c.compileParty(f.Target, f.Party, c.CompileEncodeField); err != nil {
			return nil, err
		}
	}
	if f.ID != "" {
		cf.schemes = strings.Split(f.ID, "|")
	}
	cf.plain = len(cf.FromCan) > 0 && cf.Expr == nil && cf.when == nil && cf.table == nil &&
		f.Const == nil && f.Default == nil && f.ID == "" && f.Check == "" && (f.As == "" || f.As == "string")
	for i, a := range cf.FromCan {
		// A driver's identification may be sealed: it goes through Leaf,
		// which opens it only where the profile declares a secret.
		if a == nil || a.leaf.Kind() != reflect.String || f.From[i] == driverIDTarget {
			cf.plain = false
		}
	}
	return cf, nil
}

// compileCommon prepares what decode and encode fields share: the target,
// expressions, the value table and the check.
func (c *Compiler) compileCommon(f *spec.Field, encode bool) (*CompiledField, error) {
	cf := &CompiledField{Spec: f}
	var err error
	if f.Target != "" {
		if cf.target, err = CompileAccessor(f.Target); err != nil {
			return nil, err
		}
		cf.endOfDay = strings.HasSuffix(f.Target, "validUntil")
	}
	if f.Expr != "" {
		if cf.Expr, err = compileExpr(f.Expr); err != nil {
			return nil, err
		}
	}
	if f.When != "" {
		if cf.when, err = compileExpr(f.When); err != nil {
			return nil, err
		}
	}
	if !encode {
		cf.fastExpr, cf.fastWhen = compileFast(cf.Expr), compileFast(cf.when)
	}
	switch {
	case f.Map != nil && f.Codelist != "":
		return nil, fmt.Errorf("field %s: use map or codelist, not both", f.Target)
	case f.Map != nil:
		cf.table, cf.tableSrc = f.Map, "map"
	case f.Codelist != "":
		cl, err := c.codelist(f.Codelist)
		if err != nil {
			return nil, err
		}
		cf.table = cl.decode
		if encode {
			cf.table = cl.encode
		}
		cf.tableSrc = "code list " + f.Codelist
	}
	if _, ok := checks[f.Check]; f.Check != "" && !ok {
		return nil, fmt.Errorf("unknown check %q", f.Check)
	}
	return cf, nil
}

// compileParty prepares a party with the compiler of its direction.
func (c *Compiler) compileParty(target string, p *spec.PartySpec, compile func(*spec.Field) (*CompiledField, error)) (*compiledParty, error) {
	cp := &compiledParty{role: p.Role, target: target}
	var err error
	if p.Name != "" {
		if cp.name, err = compile(&spec.Field{From: spec.Paths{p.Name}}); err != nil {
			return nil, err
		}
	}
	for _, id := range p.IDs {
		cid := compiledPartyID{scheme: id.Scheme}
		if cid.from, err = compile(&spec.Field{From: id.From}); err != nil {
			return nil, err
		}
		if id.SchemeFrom != nil {
			if cid.schemeFrom, err = compile(id.SchemeFrom); err != nil {
				return nil, err
			}
		}
		cp.ids = append(cp.ids, cid)
	}
	return cp, nil
}

// ZoneFor resolves a field's time zone: "port", "airport", an IANA name,
// or the profile default.
func ZoneFor(zone string, e *canonical.ReleaseEvent) (*time.Location, error) {
	switch zone {
	case "", "port":
		if e.Key.Port == "" {
			if e.Key.Airport != "" {
				return canonical.ZoneFor(e.Key.Airport)
			}
			return time.UTC, nil
		}
		return canonical.ZoneFor(e.Key.Port)
	case "airport":
		return canonical.ZoneFor(e.Key.Airport)
	case "UTC":
		return time.UTC, nil
	}
	return time.LoadLocation(zone)
}

// lookup maps a value through the field's table.
func (cf *CompiledField) lookup(v string) (string, error) {
	if cf.table == nil {
		return v, nil
	}
	if out, ok := cf.table[v]; ok {
		return out, nil
	}
	if out, ok := cf.table["*"]; ok {
		return out, nil
	}
	keys := make([]string, 0, len(cf.table))
	for k := range cf.table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "", fmt.Errorf("%w (%s: %s)", ErrNoCode, cf.tableSrc, strings.Join(keys, ", "))
}
