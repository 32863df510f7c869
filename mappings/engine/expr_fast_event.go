package engine

import (
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Decode conditions often read the event filled so far (event.status !=
// nil && event.status.code == "NFD"). The VM fetches each member through
// reflection and boxes the struct it passes through; a fast form reads the
// field in place through an accessor compiled once. It answers for plain
// string and bool fields and for pointers to structs compared with nil,
// and sends a read through a nil pointer that is not optional to the VM.

// fastEventMember compiles a chain of named members of `event` (the whole
// chain ending at n); isEvent tells whether n is one, f is nil when its
// field is of a type fast forms leave to the VM.
func fastEventMember(n *ast.MemberNode, cx fctx) (f fastExpr, isEvent bool) {
	var names []string
	var optional []bool
	var node ast.Node = n
	for {
		m, ok := node.(*ast.MemberNode)
		if !ok {
			break
		}
		prop, ok := m.Property.(*ast.StringNode)
		if !ok || m.Method {
			return nil, isEventChain(m.Node)
		}
		names = append(names, prop.Value)
		optional = append(optional, m.Optional && cx.chains > 0)
		node = m.Node
	}
	if id, ok := node.(*ast.IdentifierNode); !ok || id.Value != "event" {
		return nil, false
	}
	slices.Reverse(names)
	slices.Reverse(optional)
	a, ok := eventAccessor(names)
	if !ok {
		return nil, true
	}
	return func(env *fastEnv) (fval, bool) {
		v, nilAt := a.fastRead(env.event)
		switch {
		case nilAt < 0:
			return v, true
		case optional[nilAt]:
			return fval{fhead: fhead{kind: fChainNil}}, true
		}
		return fval{}, false // a member of nil: the VM words the error
	}, true
}

// isEventChain tells whether n is `event` or a member chain from it.
func isEventChain(n ast.Node) bool {
	for {
		switch x := n.(type) {
		case *ast.MemberNode:
			n = x.Node
		case *ast.IdentifierNode:
			return x.Value == "event"
		default:
			return false
		}
	}
}

// eventAccessor resolves member names as expressions see them (expr
// tags) to an accessor; ok=false unless every step is a tagged field and
// the leaf is a string, a bool or a pointer to a struct.
func eventAccessor(names []string) (*Accessor, bool) {
	t := eventType
	path := make([]string, len(names))
	for i, name := range names {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		f, ok := fieldByExpr(t, name)
		if !ok {
			return nil, false
		}
		json, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if json == "" || json == "-" {
			return nil, false
		}
		path[i], t = json, f.Type
	}
	switch {
	case t == reflect.TypeFor[string](), t == reflect.TypeFor[bool]():
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
	default:
		return nil, false
	}
	a, err := CompileAccessor(strings.Join(path, "."))
	if err != nil || a.leaf != t {
		return nil, false
	}
	return a, true
}

// fieldByExpr finds the field an expression names by its expr tag.
func fieldByExpr(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.Tag.Get("expr") == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
