package xml

import (
	"fmt"

	"github.com/antchfx/xmlquery"
)

// CheckNamespace verifies that the root element of the document containing
// root (or root itself, if it is an element) has the local name wantLocal in
// the namespace wantNS. An empty wantNS means no namespace. A mismatch is
// ErrNamespace:
//
//	line 2: root element "{urn:x}Release" is not the expected element: expected {urn:y}Release
func CheckNamespace(root *xmlquery.Node, wantLocal, wantNS string) error {
	el := rootElement(root)
	want := expandedName(wantNS, wantLocal)
	if el == nil {
		return &Error{Field: "root element",
			Err: fmt.Errorf("%w: there is none, expected %s", ErrNamespace, want)}
	}
	if el.Data == wantLocal && el.NamespaceURI == wantNS {
		return nil
	}
	return &Error{Line: el.LineNumber, Field: "root element",
		Value: expandedName(el.NamespaceURI, el.Data),
		Err:   fmt.Errorf("%w: expected %s", ErrNamespace, want)}
}

// rootElement returns n if it is an element, else the first element child
// of the document node above n.
func rootElement(n *xmlquery.Node) *xmlquery.Node {
	if n == nil {
		return nil
	}
	if n.Type == xmlquery.ElementNode {
		return n
	}
	for n.Parent != nil {
		n = n.Parent
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			return c
		}
	}
	return nil
}

// expandedName renders a name in Clark notation, {uri}local.
func expandedName(ns, local string) string {
	if ns == "" {
		return local
	}
	return "{" + ns + "}" + local
}

// wrapDetail wraps sentinel with a detail text, for errors whose cause is
// another library's message.
func wrapDetail(sentinel error, detail string) error {
	if detail == "" {
		return sentinel
	}
	return fmt.Errorf("%w: %s", sentinel, detail)
}
