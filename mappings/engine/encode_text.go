package engine

import (
	"reflect"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
)

// LeafText is Leaf for a place that takes text: the field's value as wire
// text, and whether it has one. A field that copies a string of the event
// as it is (no when, expression, table, party scheme, conversion or check)
// and finds one is read without boxing it; any other goes through Leaf.
func (ec *EncodeCtx) LeafText(cf *CompiledField) (string, bool, error) {
	if s := ec.CopiedText(cf); s != "" {
		return s, true, nil
	}
	v, err := ec.Leaf(cf)
	if err != nil || v == nil {
		return "", false, err
	}
	return ScalarText(v), true, nil
}

// CopiedText is the first non-empty string of cf's from paths when cf
// only copies text and its value is not sealed; "" otherwise, which leaves
// the field to Leaf. It boxes nothing.
func (ec *EncodeCtx) CopiedText(cf *CompiledField) string {
	if cf.when != nil || cf.Expr != nil || cf.table != nil || cf.schemes != nil || cf.Spec.Check != "" ||
		(cf.Spec.As != "" && cf.Spec.As != "string") {
		return ""
	}
	for _, a := range cf.FromCan {
		var s string
		switch {
		case a == nil:
			s, _ = ec.Env.Item.(string)
		case a.leaf.Kind() == reflect.String:
			s = a.GetString(ec.Env.Event)
		default:
			return ""
		}
		if s != "" {
			if seal.IsSealedString(s) {
				return ""
			}
			return s
		}
	}
	return ""
}

// Text is the accessor's value in e as text (Text of Get), read without
// boxing when the field is a string.
func (a *Accessor) Text(e *canonical.ReleaseEvent) string {
	if a.leaf.Kind() == reflect.String {
		return a.GetString(e)
	}
	return Text(a.Get(e))
}
