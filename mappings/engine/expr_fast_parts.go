package engine

import (
	"regexp"

	"github.com/expr-lang/expr/ast"
)

// Fast forms of what decode expressions do with an EDIFACT composite:
// let code = len(value) > 1 ? value[1] : ""; code == "146" ||
// value[0] matches "^[0-9]+$" ? value[0] : "". As everywhere in fast
// forms, what the VM would fail on (an index out of range, a length or a
// match of something else) is left to the VM.

// maxFastVars is how many lets may enclose each other in a fast form.
const maxFastVars = 4

// fastLet evaluates the variable's value into its slot, then the body.
func fastLet(n *ast.VariableDeclaratorNode, cx fctx) (fastExpr, bool) {
	slot := len(cx.vars)
	if slot >= maxFastVars {
		return nil, false
	}
	val, ok := fastNode(n.Value, cx)
	if !ok {
		return nil, false
	}
	inner := make(map[string]int, slot+1)
	for k, v := range cx.vars {
		inner[k] = v
	}
	inner[n.Name] = slot
	cx.vars = inner
	body, ok := fastNode(n.Expr, cx)
	if !ok {
		return nil, false
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := val(env)
		if !ok || v.kind == fChainNil {
			return fval{}, false
		}
		env.vars[slot] = v
		return body(env)
	}, true
}

// fastLen is len() of the value's components.
func fastLen(n *ast.BuiltinNode, cx fctx) (fastExpr, bool) {
	return fastUnary(n, cx, fParts, func(env *fastEnv, _ fval) fval {
		return fval{fhead: fhead{kind: fInt, i: int32(len(env.value.Parts))}}
	})
}

// fastUnary is a builtin of one argument that applies f to the argument's
// value when it is of kind want, and leaves any other kind to the VM.
func fastUnary(n *ast.BuiltinNode, cx fctx, want fkind, f func(env *fastEnv, v fval) fval) (fastExpr, bool) {
	if len(n.Arguments) != 1 {
		return nil, false
	}
	arg, ok := fastNode(n.Arguments[0], cx)
	if !ok {
		return nil, false
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := arg(env)
		if !ok || v.kind != want {
			return fval{}, false
		}
		return f(env, v), true
	}, true
}

// fastIndex is component i of the value's components; an index out of
// range (or from the end) is the VM's.
func fastIndex(n *ast.MemberNode, i int, cx fctx) (fastExpr, bool) {
	if n.Optional {
		return nil, false
	}
	base, ok := fastNode(n.Node, cx)
	if !ok {
		return nil, false
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := base(env)
		if !ok || v.kind != fParts || i < 0 || i >= len(env.value.Parts) {
			return fval{}, false
		}
		return fval{fhead: fhead{kind: fStr}, s: env.value.Parts[i]}, true
	}, true
}

// fastOrder compares two integers.
func fastOrder(left, right fastExpr, op string) fastExpr {
	return func(env *fastEnv) (fval, bool) {
		a, ok1 := left(env)
		b, ok2 := right(env)
		if !ok1 || !ok2 || a.kind != fInt || b.kind != fInt {
			return fval{}, false
		}
		var r bool
		switch op {
		case "<":
			r = a.i < b.i
		case "<=":
			r = a.i <= b.i
		case ">":
			r = a.i > b.i
		default:
			r = a.i >= b.i
		}
		return fval{fhead: fhead{kind: fBool, b: r}}, true
	}
}

// fastMatches matches a string against a constant pattern, compiled once.
func fastMatches(left fastExpr, ok bool, pattern ast.Node) (fastExpr, bool) {
	lit, isLit := pattern.(*ast.StringNode)
	if !ok || !isLit {
		return nil, false
	}
	re, err := regexp.Compile(lit.Value)
	if err != nil {
		return nil, false
	}
	return func(env *fastEnv) (fval, bool) {
		v, ok := left(env)
		if !ok || v.kind != fStr {
			return fval{}, false
		}
		return fval{fhead: fhead{kind: fBool, b: re.MatchString(v.s)}}, true
	}, true
}
