package jsonmap

import (
	"github.com/nexport/pcsgate/mappings/engine"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// JSON paths are those of mappings/syntax/json: dotted names from the
// document root (release_data.container.containerNumber), `@` for the
// current item of `each`, [n], [*] and [field=value] filters.
type jsonPaths struct{}

type jsonSelector struct{ p *jsonsyn.Path }

func (jsonPaths) CompilePath(path string) (engine.Selector, error) {
	p, err := jsonsyn.CompilePath(path)
	if err != nil {
		return nil, err
	}
	return jsonSelector{p: p}, nil
}

func (jsonPaths) CompileEach(path string) (engine.Splitter, error) {
	p, err := jsonsyn.CompilePath(path)
	if err != nil {
		return nil, err
	}
	return jsonSplitter{p: p}, nil
}

func jsonValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case string:
		return v, x != "" // v, not x: boxing x again would allocate
	case map[string]any, []any:
		return v, true
	}
	return engine.Text(v), true
}

func (s jsonSelector) First(d *engine.Doc) (engine.Located, bool) {
	v, ok := s.p.Get(d.Root, d.Item)
	if !ok {
		return engine.Located{}, false
	}
	val, ok := jsonValue(v)
	if !ok {
		return engine.Located{}, false
	}
	w := engine.Boxed(val)
	return engine.Located{W: w, At: engine.Position{Segment: s.p.String(), Value: w.S, Lazy: jsonResolver{}, LazyArg: s.p, Doc: d}}, true
}

// FirstText is First's value for the engine's plain fields, without its
// position: an object or a list is not text (First gives it).
func (s jsonSelector) FirstText(d *engine.Doc) (string, bool, bool) {
	v, ok := s.p.Get(d.Root, d.Item)
	if !ok {
		return "", false, false
	}
	val, ok := jsonValue(v)
	if !ok {
		return "", false, false
	}
	t, text := val.(string)
	return t, true, text
}

func (s jsonSelector) All(d *engine.Doc) []engine.Located {
	var out []engine.Located
	for _, v := range s.p.All(d.Root, d.Item) {
		if val, ok := jsonValue(v); ok {
			w := engine.Boxed(val)
			out = append(out, engine.Located{W: w, At: engine.Position{Segment: s.p.String(), Value: w.S, Lazy: jsonResolver{}, LazyArg: s.p, Doc: d}})
		}
	}
	return out
}

// EachValue hands over what All selects without the positions, which only
// an error needs.
func (s jsonSelector) EachValue(d *engine.Doc, yield func(engine.Value)) {
	s.p.Each(d.Root, d.Item, func(v any) bool {
		if val, ok := jsonValue(v); ok {
			yield(engine.Boxed(val))
		}
		return true
	})
}

func (s jsonSelector) Where(*engine.Doc) engine.Position {
	return engine.Position{Segment: s.p.String()}
}

type jsonSplitter struct{ p *jsonsyn.Path }

func (s jsonSplitter) Items(d *engine.Doc) []any { return s.p.All(d.Root, nil) }

// jsonResolver finds a JSON value's line and column in the raw input,
// once an error names it.
type jsonResolver struct{}

func (jsonResolver) Resolve(p engine.Position, arg any) engine.Position {
	if p.Doc != nil && p.Line == 0 {
		p.Line, p.Col = jsonLine(p.Doc, arg.(*jsonsyn.Path))
	}
	return p
}

// jsonLine finds where the first value a JSON path selects stands in the
// input; 0, 0 when it cannot tell (relative paths, no raw text).
func jsonLine(d *engine.Doc, jp *jsonsyn.Path) (int, int) {
	if d.Raw == nil || jp.Relative() {
		return 0, 0
	}
	ms := jp.Locate(d.Root, d.Item)
	if len(ms) == 0 {
		return 0, 0
	}
	line, col, _ := jsonsyn.Locate(d.Raw, jsonsyn.PointerTokens(ms[0].Pointer))
	return line, col
}
