package json

import (
	"slices"
	"strconv"
)

// Match is one value a path selected, with its JSON pointer. For a relative
// path (starting with @) the pointer is relative to the current item: append
// it to the item's own pointer to address the value in the document.
type Match struct {
	Pointer string
	Value   any
}

// Get returns the first value the path selects, searching root for an
// absolute path and current for a relative one. The boolean is false when
// nothing matches; a JSON null that is present is (nil, true).
func (p *Path) Get(root, current any) (any, bool) {
	v := p.start(root, current)
	if !p.branches {
		for i := range p.steps {
			var ok bool
			if v, ok = p.steps[i].child(v); !ok {
				return nil, false
			}
		}
		return v, true
	}
	var out any
	found := false
	p.walk(v, p.steps, nil, false, func(_ []any, x any) bool {
		out, found = x, true
		return false
	})
	return out, found
}

// All returns every value the path selects, in document order (object
// members in key order unless the object is an Object, which keeps its own).
func (p *Path) All(root, current any) []any {
	var out []any
	p.walk(p.start(root, current), p.steps, nil, false, func(_ []any, x any) bool {
		out = append(out, x)
		return true
	})
	return out
}

// Each calls yield with every value All would return, in the same order,
// until yield returns false; it gathers no list.
func (p *Path) Each(root, current any, yield func(any) bool) {
	p.walk(p.start(root, current), p.steps, nil, false, func(_ []any, x any) bool { return yield(x) })
}

// Locate is All with the JSON pointer of each value, for error messages.
func (p *Path) Locate(root, current any) []Match {
	var out []Match
	p.walk(p.start(root, current), p.steps, nil, true, func(tokens []any, x any) bool {
		out = append(out, Match{Pointer: Pointer(tokens...), Value: x})
		return true
	})
	return out
}

func (p *Path) start(root, current any) any {
	if p.relative {
		return current
	}
	return root
}

// walk applies steps to v, calling yield for each result; it returns false
// once yield asked to stop.
func (p *Path) walk(v any, steps []step, tokens []any, track bool, yield func([]any, any) bool) bool {
	if len(steps) == 0 {
		return yield(tokens, v)
	}
	s := &steps[0]
	switch s.kind {
	case stepName, stepIndex:
		next, ok := s.child(v)
		if !ok {
			return true
		}
		if track {
			tokens = append(tokens, s.token(v))
		}
		return p.walk(next, steps[1:], tokens, track, yield)
	case stepWildcard:
		return eachChild(v, func(tok any, child any) bool {
			return p.walk(child, steps[1:], appendToken(tokens, track, tok), track, yield)
		})
	default: // stepFilter
		if arr, ok := v.([]any); ok {
			for i, el := range arr {
				if s.matches(el) && !p.walk(el, steps[1:], appendToken(tokens, track, i), track, yield) {
					return false
				}
			}
			return true
		}
		if s.matches(v) {
			return p.walk(v, steps[1:], tokens, track, yield)
		}
		return true
	}
}

func appendToken(tokens []any, track bool, tok any) []any {
	if !track {
		return nil
	}
	return append(tokens[:len(tokens):len(tokens)], tok)
}

// token is the pointer token of the child s selects in v.
func (s *step) token(v any) any {
	if s.kind == stepIndex && s.index < 0 {
		if arr, ok := v.([]any); ok {
			return len(arr) + s.index
		}
	}
	if s.kind == stepIndex {
		return s.index
	}
	return s.name
}

// child follows a name or index step.
func (s *step) child(v any) (any, bool) {
	if s.kind == stepIndex {
		arr, ok := v.([]any)
		if !ok {
			return nil, false
		}
		i := s.index
		if i < 0 {
			i += len(arr)
		}
		if i < 0 || i >= len(arr) {
			return nil, false
		}
		return arr[i], true
	}
	return member(v, s.name)
}

// member returns the named member of an object.
func member(v any, name string) (any, bool) {
	switch o := v.(type) {
	case map[string]any:
		x, ok := o[name]
		return x, ok
	case Object:
		return o.Get(name)
	case *Object:
		if o == nil {
			return nil, false
		}
		return o.Get(name)
	}
	return nil, false
}

// eachChild calls fn for each element of an array or member of an object.
func eachChild(v any, fn func(tok any, child any) bool) bool {
	switch o := v.(type) {
	case []any:
		for i, x := range o {
			if !fn(i, x) {
				return false
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !fn(k, o[k]) {
				return false
			}
		}
	case Object:
		for _, f := range o {
			if !fn(f.Key, f.Value) {
				return false
			}
		}
	case *Object:
		if o != nil {
			return eachChild(*o, fn)
		}
	}
	return true
}

// matches reports whether v is an object whose filter field equals the
// filter value. Strings compare as they are, numbers by their text, booleans
// as "true" and "false"; other values never match.
func (s *step) matches(v any) bool {
	for _, name := range s.field {
		var ok bool
		if v, ok = member(v, name); !ok {
			return false
		}
	}
	switch x := v.(type) {
	case string:
		return x == s.value
	case Number:
		return string(x) == s.value
	case bool:
		return strconv.FormatBool(x) == s.value
	}
	return false
}
