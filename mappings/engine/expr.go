package engine

import (
	"fmt"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/spec"
)

// ExprEnv is what a mapping expression sees. Expressions are compiled once
// against this type, so a typo in a spec fails at load time.
//
//	value  the value the field selected (decode: wire text or composite;
//	       encode: the canonical value of from)
//	event  the canonical event (decode: as filled so far; encode: the event)
//	item   the current element of a `for` list (encode)
//	count  number of events in the message being written (encode)
//	root   the whole input document (decode, JSON and XML)
type ExprEnv struct {
	Value any                     `expr:"value"`
	Event *canonical.ReleaseEvent `expr:"event"`
	Item  any                     `expr:"item"`
	Count int                     `expr:"count"`
	Root  any                     `expr:"root"`
}

// exprFuncs are the helpers specs may call besides expr's builtins.
var exprFuncs = []expr.Option{
	expr.Function("part", func(params ...any) (any, error) {
		// part(value, n): component n (1-based) of a composite, or "".
		c, _ := params[0].([]string)
		n, _ := params[1].(int)
		if n < 1 || n > len(c) {
			return "", nil
		}
		return c[n-1], nil
	}, new(func([]string, int) string), new(func(any, int) string)),
	expr.Function("id", func(params ...any) (any, error) {
		// id(party, scheme): the party's identifier in scheme, or "".
		s, _ := params[1].(string)
		switch p := params[0].(type) {
		case *canonical.Party:
			return p.ID(s), nil
		case canonical.Party:
			return p.ID(s), nil
		}
		return "", nil
	}, new(func(*canonical.Party, string) string), new(func(canonical.Party, string) string), new(func(any, string) string)),
	expr.Function("text", func(params ...any) (any, error) {
		return Text(params[0]), nil
	}, new(func(any) string)),
	expr.Function("padLeft", func(params ...any) (any, error) {
		s, n, pad := params[0].(string), params[1].(int), params[2].(string)
		for len(s) < n && pad != "" {
			s = pad + s
		}
		return s, nil
	}, new(func(string, int, string) string)),
}

func compileExpr(src string) (*vm.Program, error) {
	opts := append([]expr.Option{expr.Env(ExprEnv{}), expr.Optimize(true)}, exprFuncs...)
	p, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, fmt.Errorf("expression %q: %s", src, spec.OneLine(err.Error()))
	}
	return p, nil
}

// vms are reused: a VM keeps its stack between runs.
var vms = sync.Pool{New: func() any { return new(vm.VM) }}

// RunExpr runs a compiled expression; its errors name no field (see
// exprField).
func RunExpr(p *vm.Program, env *ExprEnv) (any, error) {
	m := vms.Get().(*vm.VM)
	out, err := m.Run(p, env)
	vms.Put(m)
	if err != nil {
		return nil, &ExprError{Reason: plainExprError(err.Error())}
	}
	return out, nil
}

// ExprField names what a failed expression computes (a canonical path, a
// segment position); label is called only on failure, so the hot path
// builds no strings.
func ExprField(err error, label func() string) error {
	if xe, ok := err.(*ExprError); ok && xe.Field == "" {
		xe.Field = label()
	}
	return err
}
