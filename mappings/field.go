package mappings

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/nexport/pcsgate/canonical"
)

// compiledField is a Field ready to run: paths, expressions, tables and the
// target accessor are resolved once when the profile is loaded.
type compiledField struct {
	spec     *Field
	target   *accessor
	from     []selector  // decode: wire paths
	fromCan  []*accessor // encode: canonical paths
	expr     *vm.Program
	when     *vm.Program
	table    map[string]string
	tableSrc string
	party    *compiledParty
	zoned    bool // needs the event's port/airport, so runs after the other fields
	// plain: an encode leaf that only copies canonical string fields, so it
	// can be written without boxing (see appendNode).
	plain    bool
	endOfDay bool
	// label is where an encode field writes (a segment position such as
	// "NAD+FW C082.3055", a document path), for error messages.
	label string
}

type compiledParty struct {
	name *compiledField
	role string
	ids  []compiledPartyID
}

type compiledPartyID struct {
	scheme     string
	schemeFrom *compiledField
	from       *compiledField
}

// compileField prepares one field. paths compiles wire paths (decode); when
// nil, From are canonical paths (encode).
func (c *compiler) compileField(f *Field, paths pathCompiler) (*compiledField, error) {
	cf := &compiledField{spec: f}
	var err error
	if f.Target != "" {
		if cf.target, err = compileAccessor(f.Target); err != nil {
			return nil, err
		}
		cf.endOfDay = strings.HasSuffix(f.Target, "validUntil")
	}
	for _, p := range f.From {
		if paths != nil {
			sel, err := paths.compilePath(p)
			if err != nil {
				return nil, err
			}
			cf.from = append(cf.from, sel)
			continue
		}
		if p == "@" {
			cf.fromCan = append(cf.fromCan, nil) // the current `for` item
			continue
		}
		a, err := compileAccessor(p)
		if err != nil {
			return nil, err
		}
		cf.fromCan = append(cf.fromCan, a)
	}
	if f.Expr != "" {
		if cf.expr, err = compileExpr(f.Expr); err != nil {
			return nil, err
		}
	}
	if f.When != "" {
		if cf.when, err = compileExpr(f.When); err != nil {
			return nil, err
		}
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
		if paths != nil {
			cf.table = cl.decode
		} else {
			cf.table = cl.encode
		}
		cf.tableSrc = "code list " + f.Codelist
	}
	switch f.As {
	case "edifact-datetime", "datetime", "date":
		cf.zoned = paths != nil
	case "edifact-203", "edifact-102", "yymmdd", "hhmm":
		cf.zoned = paths == nil
	}
	if f.Check != "" {
		if err := runCheck(f.Check, ""); err != nil && strings.HasPrefix(err.Error(), "unknown check") {
			return nil, err
		}
	}
	if f.Party != nil {
		if cf.party, err = c.compileParty(f.Party, paths); err != nil {
			return nil, err
		}
	}
	if paths == nil && len(cf.fromCan) > 0 && cf.expr == nil && cf.when == nil && cf.table == nil &&
		f.Const == nil && f.Default == nil && f.ID == "" && (f.As == "" || f.As == "string") {
		cf.plain = true
		for _, a := range cf.fromCan {
			if a == nil || a.leaf.Kind() != reflect.String {
				cf.plain = false
			}
		}
	}
	return cf, nil
}

func (c *compiler) compileParty(p *PartySpec, paths pathCompiler) (*compiledParty, error) {
	cp := &compiledParty{role: p.Role}
	var err error
	if p.Name != "" {
		if cp.name, err = c.compileField(&Field{From: Paths{p.Name}}, paths); err != nil {
			return nil, err
		}
	}
	for _, id := range p.IDs {
		cid := compiledPartyID{scheme: id.Scheme}
		if cid.from, err = c.compileField(&Field{From: id.From}, paths); err != nil {
			return nil, err
		}
		if id.SchemeFrom != nil {
			if cid.schemeFrom, err = c.compileField(id.SchemeFrom, paths); err != nil {
				return nil, err
			}
		}
		cp.ids = append(cp.ids, cid)
	}
	return cp, nil
}

// zoneFor resolves a field's time zone: "port", "airport", an IANA name,
// or the profile default.
func zoneFor(zone string, e *canonical.ReleaseEvent) (*time.Location, error) {
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
func (cf *compiledField) lookup(v string) (string, error) {
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
	sortStrings(keys)
	return "", fmt.Errorf("%w (%s: %s)", ErrNoCode, cf.tableSrc, strings.Join(keys, ", "))
}

var errEmpty = errors.New("empty")
