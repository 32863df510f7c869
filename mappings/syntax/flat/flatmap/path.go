package flatmap

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// Flat-file paths are field names: the CSV header's column names
// (containerNumber), or the fixed-width layout's field names. In a
// fixed-width file with several kinds of record, TYPE.name reads the last
// record of that type before the current one (H0.sender: the file
// header), and a bare name reads the current record.
type flatPaths struct {
	// names are the known field names per record type ("" for CSV and
	// single-layout files); a path naming another is a spec error.
	names map[string]map[string]bool
	// pos is where each name is in its record, per record type.
	pos map[string]map[string]int
	// each is the record type that makes events, whose positions a bare
	// name in a file of several layouts is expected at.
	each string
}

// flatRow is one record as the selectors see it, with the last record of
// every other type read before it.
type flatRow struct {
	rec  flat.Record
	prev lastRecords
}

// lastRecords are the last record read of each type other than the one
// that makes events (a file header, say): a few, so a list serves.
type lastRecords []flat.Record

// with returns the list with rec as the last record of its type.
func (l lastRecords) with(rec flat.Record) lastRecords {
	for i := range l {
		if l[i].Type == rec.Type {
			l[i] = rec
			return l
		}
	}
	return append(l, rec)
}

// get returns the last record of type typ.
func (l lastRecords) get(typ string) (*flat.Record, bool) {
	for i := range l {
		if l[i].Type == typ {
			return &l[i], true
		}
	}
	return nil, false
}

type flatSelector struct {
	raw     string
	recType string // "" = the current record
	name    string
	hint    int // where name is expected in the record's names; -1 unknown
}

func newFlatPaths(s *spec.Spec) (flatPaths, error) {
	fp := flatPaths{names: map[string]map[string]bool{}, pos: map[string]map[string]int{}}
	if s.Options == nil || (s.Options.CSV == nil && s.Options.Fixed == nil) {
		if s.Decode == nil {
			return fp, nil
		}
		return fp, fmt.Errorf("%w: a flat profile needs options.csv or options.fixed", spec.ErrSpec)
	}
	add := func(typ string, i int, n string) {
		if fp.names[typ] == nil {
			fp.names[typ], fp.pos[typ] = map[string]bool{}, map[string]int{}
		}
		fp.names[typ][n] = true
		if _, dup := fp.pos[typ][n]; !dup {
			fp.pos[typ][n] = i
		}
	}
	if c := s.Options.CSV; c != nil {
		for i, n := range c.Header {
			add("", i, n)
		}
	}
	if f := s.Options.Fixed; f != nil {
		fp.each = f.Each
		for i, fl := range f.Fields {
			add("", i, fl.Name)
		}
		for typ, l := range f.Layouts {
			for i, fl := range l.Fields {
				add(typ, i, fl.Name)
			}
		}
	}
	return fp, nil
}

func (p flatPaths) CompilePath(path string) (engine.Selector, error) {
	s := &flatSelector{raw: path, name: path}
	if typ, name, ok := strings.Cut(path, "."); ok && p.names[typ] != nil {
		s.recType, s.name = typ, name
	}
	s.hint = p.hint(s.recType, s.name)
	if len(p.names) == 0 {
		return s, nil
	}
	if s.recType != "" {
		if !p.names[s.recType][s.name] {
			return nil, fmt.Errorf("path %q: record type %s has no field %q (%s)", path, s.recType, s.name, nameList(p.names[s.recType]))
		}
		return s, nil
	}
	for _, names := range p.names {
		if names[s.name] {
			return s, nil
		}
	}
	all := map[string]bool{}
	for _, names := range p.names {
		for n := range names {
			all[n] = true
		}
	}
	return nil, fmt.Errorf("path %q: no column or field of that name (%s)", path, nameList(all))
}

// hint returns where name is expected in a record of type typ ("": the
// current record, CSV's or the each type's), or -1.
func (p flatPaths) hint(typ, name string) int {
	for _, t := range []string{typ, p.each} {
		if i, ok := p.pos[t][name]; ok {
			return i
		}
	}
	return -1
}

func nameList(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (flatPaths) CompileEach(path string) (engine.Splitter, error) {
	return nil, fmt.Errorf("each %q: flat files give one event per record; choose the record type with options.fixed.each", path)
}

func (s *flatSelector) record(d *engine.Doc) (*flat.Record, bool) {
	row, ok := d.Root.(*flatRow)
	if !ok {
		return nil, false
	}
	if s.recType == "" || s.recType == row.rec.Type {
		return &row.rec, true
	}
	r, ok := row.prev.get(s.recType)
	return r, ok
}

func (s *flatSelector) First(d *engine.Doc) (engine.Located, bool) {
	rec, v, ok := s.find(d)
	if !ok {
		return engine.Located{}, false
	}
	return engine.Located{W: engine.Str(v), At: engine.Position{Line: rec.Line, Segment: rec.Type, Field: s.name, Value: v}}, true
}

// FirstValue is First's value without its position, which the engine
// asks for only when an error needs it.
func (s *flatSelector) FirstValue(d *engine.Doc) (engine.Value, bool) {
	_, v, ok := s.find(d)
	if !ok {
		return engine.Value{}, false
	}
	return engine.Str(v), true
}

// FirstText is FirstValue for the engine's plain fields: a field is text.
func (s *flatSelector) FirstText(d *engine.Doc) (string, bool, bool) {
	_, v, ok := s.find(d)
	return v, ok, true
}

// find is the selected field's record and its non-empty value.
func (s *flatSelector) find(d *engine.Doc) (*flat.Record, string, bool) {
	rec, ok := s.record(d)
	if !ok {
		return nil, "", false
	}
	i := s.hint
	if i < 0 || i >= len(rec.Names) || rec.Names[i] != s.name {
		if i = slices.Index(rec.Names, s.name); i < 0 {
			return nil, "", false
		}
	}
	if i >= len(rec.Values) || rec.Values[i] == "" {
		return nil, "", false
	}
	return rec, rec.Values[i], true
}

func (s *flatSelector) All(d *engine.Doc) []engine.Located {
	if l, ok := s.First(d); ok {
		return []engine.Located{l}
	}
	return nil
}

func (s *flatSelector) Where(d *engine.Doc) engine.Position {
	if row, ok := d.Root.(*flatRow); ok {
		typ := s.recType
		if typ == "" {
			typ = row.rec.Type
		}
		return engine.Position{Line: row.rec.Line, Segment: typ, Field: s.name}
	}
	return engine.Position{Field: s.name}
}
