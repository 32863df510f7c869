package mappings

import (
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// JSON paths are those of mappings/syntax/json: dotted names from the
// document root (release_data.container.containerNumber), `@` for the
// current item of `each`, [n], [*] and [field=value] filters.
type jsonPaths struct{}

type jsonSelector struct{ p *jsonsyn.Path }

func (jsonPaths) compilePath(path string) (selector, error) {
	p, err := jsonsyn.CompilePath(path)
	if err != nil {
		return nil, err
	}
	return jsonSelector{p: p}, nil
}

func (jsonPaths) compileEach(path string) (splitter, error) {
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
	return text(v), true
}

func (s jsonSelector) first(d *doc) (located, bool) {
	v, ok := s.p.Get(d.root, d.item)
	if !ok {
		return located{}, false
	}
	val, ok := jsonValue(v)
	if !ok {
		return located{}, false
	}
	w := boxed(val)
	return located{w: w, at: position{segment: s.p.String(), value: w.s, lazy: jsonResolver{}, lazyArg: s.p, d: d}}, true
}

func (s jsonSelector) all(d *doc) []located {
	var out []located
	for _, v := range s.p.All(d.root, d.item) {
		if val, ok := jsonValue(v); ok {
			w := boxed(val)
			out = append(out, located{w: w, at: position{segment: s.p.String(), value: w.s, lazy: jsonResolver{}, lazyArg: s.p, d: d}})
		}
	}
	return out
}

func (s jsonSelector) where(*doc) position { return position{segment: s.p.String()} }

type jsonSplitter struct{ p *jsonsyn.Path }

func (s jsonSplitter) items(d *doc) []any { return s.p.All(d.root, nil) }

// jsonResolver finds a JSON value's line and column in the raw input,
// once an error names it.
type jsonResolver struct{}

func (jsonResolver) resolve(p position, arg any) position {
	if p.d != nil && p.line == 0 {
		p.line, p.col = jsonLine(p.d, arg.(*jsonsyn.Path))
	}
	return p
}

// jsonLine finds where the first value a JSON path selects stands in the
// input; 0, 0 when it cannot tell (relative paths, no raw text).
func jsonLine(d *doc, jp *jsonsyn.Path) (int, int) {
	if d.raw == nil || jp.Relative() {
		return 0, 0
	}
	ms := jp.Locate(d.root, d.item)
	if len(ms) == 0 {
		return 0, 0
	}
	line, col, _ := jsonLocate(d.raw, pointerTokens(ms[0].Pointer))
	return line, col
}
