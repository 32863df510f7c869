package xml

import (
	"strings"

	"github.com/antchfx/xmlquery"
)

// firstHit is the first node walk would give for steps from n or, when
// nonEmpty, the first whose value trimmed of white space is not empty,
// with that value. It stops there rather than collect the rest: a field
// reads one value, mostly found early in its parent.
func firstHit(n *xmlquery.Node, steps []walkStep, nonEmpty bool) (Hit, string, bool) {
	if len(steps) == 0 {
		return hitValue(Hit{Node: n, Attr: -1}, nonEmpty)
	}
	s := &steps[0]
	switch s.axis {
	case axisChild:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if s.name.matchElement(c) && s.predsHold(c) {
				if h, v, ok := firstHit(c, steps[1:], nonEmpty); ok {
					return h, v, true
				}
			}
		}
	case axisSelf:
		if s.name.matchElement(n) && s.predsHold(n) {
			return firstHit(n, steps[1:], nonEmpty)
		}
	case axisAny:
		return firstHit(n, steps[1:], nonEmpty)
	case axisParent:
		if n.Parent != nil {
			return firstHit(n.Parent, steps[1:], nonEmpty)
		}
	case axisPrecedingSibling:
		for c := n.PrevSibling; c != nil; c = c.PrevSibling {
			if s.name.matchElement(c) && s.predsHold(c) {
				if h, v, ok := firstHit(c, steps[1:], nonEmpty); ok {
					return h, v, true
				}
			}
		}
	case axisAttr:
		if n.Type == xmlquery.ElementNode {
			for i := range n.Attr {
				if s.name.matchAttr(&n.Attr[i]) {
					if h, v, ok := hitValue(Hit{Node: n, Attr: i}, nonEmpty); ok {
						return h, v, true
					}
				}
			}
		}
	}
	return Hit{}, "", false
}

// hitValue accepts h, when nonEmpty only if its trimmed value is not
// empty, and gives that value.
func hitValue(h Hit, nonEmpty bool) (Hit, string, bool) {
	if !nonEmpty {
		return h, "", true
	}
	v := strings.TrimSpace(h.Value())
	return h, v, v != ""
}

// firstOf is firstHit for the union: its paths in turn, as selectNodes
// gives their nodes. A node two paths select was seen with the first.
func (e *walkExpr) firstOf(ctx, root *xmlquery.Node, nonEmpty bool) (Hit, string, bool) {
	for k := range e.paths {
		p := &e.paths[k]
		from := ctx
		if p.abs {
			from = root
		}
		if h, v, ok := firstHit(from, p.steps, nonEmpty); ok {
			return h, v, true
		}
	}
	return Hit{}, "", false
}

// FirstValue returns the first node p selects from ctx (an absolute path
// from root) whose value trimmed of white space is not empty, and that
// value: the first such of Select's hits, found without walking past it.
// found is false when there is none; ok is false, as for Select, for an
// expression that is not a node set walked directly.
func (p *Path) FirstValue(ctx, root *xmlquery.Node) (h Hit, value string, found, ok bool) {
	if p.walk == nil || !p.walk.nodeSet() || ctx == nil || root == nil {
		return Hit{}, "", false, false
	}
	h, value, found = p.walk.firstOf(ctx, root, true)
	return h, value, found, true
}
