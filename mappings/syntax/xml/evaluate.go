package xml

import (
	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// Evaluate runs a compiled XPath expression on nav, as String, Nodes and
// Eval do: a panic inside the XPath library answers nil ("no match") and is
// counted in RecoveredPanics.
func Evaluate(x *xpath.Expr, nav xpath.NodeNavigator) (v any) {
	defer func() {
		if recover() != nil {
			recoveredPanics.Add(1)
			v = nil
		}
	}()
	return x.Evaluate(nav)
}

// EvaluateElements runs a compiled XPath expression on nav and returns the
// elements of the node set it selects, in document order; nil when it
// selects no node set. A panic inside the XPath library answers nil and is
// counted in RecoveredPanics.
func EvaluateElements(x *xpath.Expr, nav xpath.NodeNavigator) (out []*xmlquery.Node) {
	defer func() {
		if recover() != nil {
			recoveredPanics.Add(1)
			out = nil
		}
	}()
	it, ok := x.Evaluate(nav).(*xpath.NodeIterator)
	if !ok {
		return nil
	}
	for it.MoveNext() {
		if n, ok := it.Current().(*xmlquery.NodeNavigator); ok && n.NodeType() == xpath.ElementNode {
			out = append(out, n.Current())
		}
	}
	return out
}
