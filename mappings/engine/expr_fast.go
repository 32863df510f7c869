package engine

import (
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/nexport/pcsgate/canonical"
)

// Most decode expressions are a few member reads of the input document
// compared, joined or defaulted: root.type == "ReleaseLight",
// root.body?.actionType ?? "". The expr VM fetches each member through
// reflection and boxes every intermediate value, which made expressions a
// fifth of decoding a JSON message. A fast form is such an expression
// turned into Go closures over the compiled program's syntax tree, with
// the VM's semantics for those shapes. It answers only when the values it
// meets are plain strings, booleans, nil and objects; anything else (a
// number, a list, a value of another type, what would be a runtime error)
// sends the expression to the VM, which decides and words errors as
// before.

// fastExpr evaluates an expression; ok=false means "ask the VM".
type fastExpr func(*fastEnv) (v fval, ok bool)

// fastEnv is what a fast form reads: the document as decoded (JSON
// numbers still as text, so a fast form gives up on meeting one) and the
// value the expression environment holds.
type fastEnv struct {
	root  any
	value Value
	event *canonical.ReleaseEvent
	vars  [maxFastVars]fval // the values of the lets being evaluated
}

// fval is an intermediate value of a fast form.
// It is returned by value through every closure, so it is kept to four
// fields of four words, which the compiler keeps in registers: the small
// fields share one word, and components are read from the environment.
type fval struct {
	fhead
	s string
	m map[string]any
}

// fhead is the small fields of a fast value.
type fhead struct {
	kind fkind
	b    bool
	// ptr marks a pointer field of the event, nil or not: the VM gives it
	// typed, so it is no result, and no set holds it.
	ptr bool
	i   int32 // fInt
}

type fkind uint8

const (
	fNil fkind = iota
	fBool
	fStr
	fMap
	fObj      // a set pointer to a struct of the event: only compared with nil
	fParts    // the value's components (env.value.Parts): indexed, measured, compared with nil
	fInt      // a length or an integer constant: only compared in order
	fChainNil // an optional member met nil: the rest of the chain is skipped
)

// fromAny classifies a document value; ok=false for what fast forms do not
// handle (numbers, lists, values of other types).
func fromAny(v any) (fval, bool) {
	switch x := v.(type) {
	case nil:
		return fval{}, true
	case string:
		return fval{fhead: fhead{kind: fStr}, s: x}, true
	case bool:
		return fval{fhead: fhead{kind: fBool, b: x}}, true
	case map[string]any:
		if x == nil {
			return fval{}, false // a typed nil: leave IsNil to the VM
		}
		return fval{fhead: fhead{kind: fMap}, m: x}, true
	}
	return fval{}, false
}

// fromValue is fromAny of w.box(), without boxing a string.
func fromValue(w *Value) (fval, bool) {
	switch {
	case !w.OK:
		return fval{}, true
	case w.V != nil:
		return fromAny(w.V)
	case w.Parts != nil:
		return fval{fhead: fhead{kind: fParts}}, true
	}
	return fval{fhead: fhead{kind: fStr}, s: w.S}, true
}

// compileFast returns the fast form of p, or nil when its shape has none.
func compileFast(p *vm.Program) fastExpr {
	if p == nil {
		return nil
	}
	f, ok := fastNode(p.Node(), fctx{})
	if !ok {
		return nil
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := f(env)
		if !ok || v.kind >= fMap || v.ptr {
			return fval{}, false // a whole object as result: the VM gives its own copy
		}
		return v, true
	}
}

// fctx is what compiling a node knows of its place: how many chain nodes
// enclose it (an optional member skips to the end of the innermost one)
// and the variables of the lets around it, by name, with their slots in
// fastEnv.vars.
type fctx struct {
	chains int
	vars   map[string]int
}

func (cx fctx) inChain() fctx {
	cx.chains++
	return cx
}

// fastNode compiles one node in its context.
func fastNode(n ast.Node, cx fctx) (fastExpr, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		v := fval{fhead: fhead{kind: fStr}, s: x.Value}
		return func(*fastEnv) (fval, bool) { return v, true }, true
	case *ast.BoolNode:
		v := fval{fhead: fhead{kind: fBool, b: x.Value}}
		return func(*fastEnv) (fval, bool) { return v, true }, true
	case *ast.NilNode:
		return func(*fastEnv) (fval, bool) { return fval{}, true }, true
	case *ast.ConstantNode:
		v, ok := fromAny(x.Value)
		if !ok || v.kind == fMap {
			return nil, false
		}
		return func(*fastEnv) (fval, bool) { return v, true }, true
	case *ast.IntegerNode:
		if x.Value != int(int32(x.Value)) {
			return nil, false
		}
		v := fval{fhead: fhead{kind: fInt, i: int32(x.Value)}}
		return func(*fastEnv) (fval, bool) { return v, true }, true
	case *ast.IdentifierNode:
		return fastIdent(x.Value, cx)
	case *ast.VariableDeclaratorNode:
		return fastLet(x, cx)
	case *ast.ChainNode:
		return fastChain(x, cx)
	case *ast.MemberNode:
		return fastMember(x, cx)
	case *ast.UnaryNode:
		return fastNot(x, cx)
	case *ast.BinaryNode:
		return fastBinary(x, cx)
	case *ast.ConditionalNode:
		return fastConditional(x, cx)
	case *ast.BuiltinNode:
		if x.Name == "len" {
			return fastLen(x, cx)
		}
		return fastCase(x, cx)
	}
	return nil, false
}

func fastIdent(name string, cx fctx) (fastExpr, bool) {
	if slot, ok := cx.vars[name]; ok {
		return func(env *fastEnv) (fval, bool) { return env.vars[slot], true }, true
	}
	switch name {
	case "root":
		return func(env *fastEnv) (fval, bool) { return fromAny(env.root) }, true
	case "value":
		return func(env *fastEnv) (fval, bool) { return fromValue(&env.value) }, true
	}
	return nil, false
}

// fastChain ends an optional chain: a skipped rest is nil.
func fastChain(n *ast.ChainNode, cx fctx) (fastExpr, bool) {
	f, ok := fastNode(n.Node, cx.inChain())
	if !ok {
		return nil, false
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := f(env)
		if v.kind == fChainNil {
			v = fval{}
		}
		return v, ok
	}, true
}

// fastMember reads a named member of an object: nil when absent, as the
// VM's fetch from a map gives.
func fastMember(n *ast.MemberNode, cx fctx) (fastExpr, bool) {
	if i, ok := n.Property.(*ast.IntegerNode); ok && !n.Method {
		return fastIndex(n, i.Value, cx)
	}
	prop, ok := n.Property.(*ast.StringNode)
	if !ok || n.Method {
		return nil, false
	}
	if f, isEvent := fastEventMember(n, cx); isEvent {
		return f, f != nil
	}
	base, ok := fastNode(n.Node, cx)
	if !ok {
		return nil, false
	}
	name, optional := prop.Value, n.Optional && cx.chains > 0
	return func(env *fastEnv) (fval, bool) {
		b, ok := base(env)
		switch {
		case !ok:
			return fval{}, false
		case b.kind == fChainNil || b.kind == fNil && optional:
			return fval{fhead: fhead{kind: fChainNil}}, true
		case b.kind != fMap:
			return fval{}, false
		}
		return fromAny(b.m[name])
	}, true
}

func fastNot(n *ast.UnaryNode, cx fctx) (fastExpr, bool) {
	if n.Operator != "!" && n.Operator != "not" {
		return nil, false
	}
	f, ok := fastNode(n.Node, cx)
	if !ok {
		return nil, false
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := f(env)
		if !ok || v.kind != fBool {
			return fval{}, false
		}
		return fval{fhead: fhead{kind: fBool, b: !v.b}}, true
	}, true
}

func fastConditional(n *ast.ConditionalNode, cx fctx) (fastExpr, bool) {
	cond, ok := fastNode(n.Cond, cx)
	if !ok {
		return nil, false
	}
	yes, no := lazyNode(n.Exp1, cx), lazyNode(n.Exp2, cx)
	return func(env *fastEnv) (fval, bool) {
		c, ok := cond(env)
		if !ok || c.kind != fBool {
			return fval{}, false
		}
		if c.b {
			return yes(env)
		}
		return no(env)
	}, true
}

// fastCase is lower() and upper() of a string.
func fastCase(n *ast.BuiltinNode, cx fctx) (fastExpr, bool) {
	var fn func(string) string
	switch n.Name {
	case "lower":
		fn = strings.ToLower
	case "upper":
		fn = strings.ToUpper
	default:
		return nil, false
	}
	return fastUnary(n, cx, fStr, func(_ *fastEnv, v fval) fval {
		return fval{fhead: fhead{kind: fStr}, s: fn(v.s)}
	})
}

// fastBinary compiles the operators of the common shapes: equality, and,
// or, nil coalescing, string concatenation and membership in a list of
// strings (which the optimiser has turned into a set).
func fastBinary(n *ast.BinaryNode, cx fctx) (fastExpr, bool) {
	left, ok1 := fastNode(n.Left, cx)
	if n.Operator == "matches" {
		return fastMatches(left, ok1, n.Right)
	}
	if n.Operator == "in" {
		set, ok2 := n.Right.(*ast.ConstantNode)
		if !ok1 || !ok2 {
			return nil, false
		}
		strs, ok := set.Value.(map[string]struct{})
		if !ok {
			return nil, false
		}
		return fastIn(left, strs), true
	}
	switch n.Operator {
	case "&&", "and", "||", "or", "??":
		if !ok1 {
			return nil, false
		}
		return fastLazy(left, lazyNode(n.Right, cx), n.Operator), true
	}
	right, ok2 := fastNode(n.Right, cx)
	if !ok1 || !ok2 {
		return nil, false
	}
	switch n.Operator {
	case "==", "!=":
		negate, strs := n.Operator == "!=", typedStrings(n.Left, n.Right)
		if f := fastEqualConst(left, n.Right, negate, strs); f != nil {
			return f, true
		}
		return fastEqual(left, right, negate, strs), true
	case "<", "<=", ">", ">=":
		return fastOrder(left, right, n.Operator), true
	case "+":
		return fastConcat(left, right), true
	}
	return nil, false
}

// fastEqual is the VM's equality for strings, booleans and nil: values of
// different kinds differ, nil equals nil; objects are left to the VM. With
// strs set the checker typed both sides as strings, and the VM compares
// strings only.
func fastEqual(left, right fastExpr, negate, strs bool) fastExpr {
	return func(env *fastEnv) (fval, bool) {
		a, ok1 := left(env)
		b, ok2 := right(env)
		if !ok1 || !ok2 || a.kind >= fInt || b.kind >= fInt || a.kind >= fMap && b.kind != fNil || b.kind >= fMap && a.kind != fNil {
			return fval{}, false
		}
		if strs && (a.kind != fStr || b.kind != fStr) {
			return fval{}, false
		}
		eq := a.kind == b.kind && a.b == b.b && a.s == b.s
		return fval{fhead: fhead{kind: fBool, b: eq != negate}}, true
	}
}

// typedStrings tells whether the checker typed both sides of an equality
// as plain strings (members of the event), for which the VM compares
// strings only and fails on nil.
func typedStrings(l, r ast.Node) bool {
	plain := func(n ast.Node) bool {
		t := n.Type()
		return t != nil && t.Kind() == reflect.String && t.PkgPath() == ""
	}
	return plain(l) && plain(r)
}

// fastEqualConst is fastEqual with a string literal or nil on the right,
// compared in place; nil when the right side is neither.
func fastEqualConst(left fastExpr, right ast.Node, negate, strs bool) fastExpr {
	switch c := right.(type) {
	case *ast.StringNode:
		lit := c.Value
		return func(env *fastEnv) (fval, bool) {
			a, ok := left(env)
			if !ok || a.kind >= fMap || strs && a.kind != fStr {
				return fval{}, false
			}
			return fval{fhead: fhead{kind: fBool, b: (a.kind == fStr && a.s == lit) != negate}}, true
		}
	case *ast.NilNode:
		return func(env *fastEnv) (fval, bool) {
			a, ok := left(env)
			if !ok || a.kind >= fInt || strs {
				return fval{}, false
			}
			return fval{fhead: fhead{kind: fBool, b: (a.kind == fNil) != negate}}, true
		}
	}
	return nil
}

// lazyNode compiles a node evaluated only on some runs (a branch, the
// right side of &&, || and ??). A shape fast forms do not take becomes a
// form that always asks the VM, so that the runs that do not reach it
// are still answered: value != "X" && event.occurredAt.Before(...).
func lazyNode(n ast.Node, cx fctx) fastExpr {
	if f, ok := fastNode(n, cx); ok {
		return f
	}
	return func(*fastEnv) (fval, bool) { return fval{}, false }
}

// fastLazy is the operator op of the short-circuit ones.
func fastLazy(left, right fastExpr, op string) fastExpr {
	switch op {
	case "&&", "and":
		return fastLogic(left, right, false)
	case "||", "or":
		return fastLogic(left, right, true)
	}
	return fastCoalesce(left, right)
}

// fastLogic is && (or=false) and || (or=true): the left side must be a
// boolean; when it does not decide, the result is the right side as it is.
func fastLogic(left, right fastExpr, or bool) fastExpr {
	return func(env *fastEnv) (fval, bool) {
		a, ok := left(env)
		if !ok || a.kind != fBool {
			return fval{}, false
		}
		if a.b == or {
			return a, true
		}
		b, ok := right(env)
		if b.kind == fChainNil {
			return fval{}, false
		}
		return b, ok
	}
}

func fastCoalesce(left, right fastExpr) fastExpr {
	return func(env *fastEnv) (fval, bool) {
		a, ok := left(env)
		if !ok || a.kind == fChainNil {
			return fval{}, false
		}
		if a.kind != fNil {
			return a, true
		}
		return right(env)
	}
}

func fastConcat(left, right fastExpr) fastExpr {
	return func(env *fastEnv) (fval, bool) {
		a, ok1 := left(env)
		b, ok2 := right(env)
		if !ok1 || !ok2 || a.kind != fStr || b.kind != fStr {
			return fval{}, false
		}
		return fval{fhead: fhead{kind: fStr}, s: a.s + b.s}, true
	}
}

// fastIn looks a string up in the set; nil is looked up as "", as the VM
// does with a map's zero key.
func fastIn(left fastExpr, set map[string]struct{}) fastExpr {
	return func(env *fastEnv) (fval, bool) {
		a, ok := left(env)
		if !ok || a.ptr || a.kind != fStr && a.kind != fNil {
			return fval{}, false
		}
		_, in := set[a.s]
		return fval{fhead: fhead{kind: fBool, b: in}}, true
	}
}

// box is the value as the VM would give it.
func (v fval) box() any {
	switch v.kind {
	case fBool:
		return v.b
	case fStr:
		return v.s
	}
	return nil
}

// result is Boxed(v.box()) without boxing a string.
func (v fval) result() Value {
	switch v.kind {
	case fBool:
		return Value{V: v.b, OK: true}
	case fStr:
		return Str(v.s)
	}
	return Value{}
}
