package engine

import (
	"reflect"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
)

// LeafText is Leaf for a place that takes text: the field's value as wire
// text, and whether it has one. A plain field that finds a string is read
// without boxing it (CopiedText); any other goes through Leaf.
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

// CopiedText is the first non-empty string of cf's from paths when cf is
// plain (it only copies canonical string fields) and that value is not
// sealed; "" otherwise, which leaves the field to Leaf. It boxes nothing.
func (ec *EncodeCtx) CopiedText(cf *CompiledField) string {
	if !cf.plain {
		return ""
	}
	for _, a := range cf.FromCan {
		if s := a.GetString(ec.Env.Event); s != "" {
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
