package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// lyingSelector's FirstValue disagrees with its First.
type lyingSelector struct{ first, fast Value }

func (s lyingSelector) First(*Doc) (Located, bool)    { return Located{W: s.first}, s.first.OK }
func (s lyingSelector) All(*Doc) []Located            { return nil }
func (s lyingSelector) Where(*Doc) Position           { return Position{} }
func (s lyingSelector) FirstValue(*Doc) (Value, bool) { return s.fast, s.fast.OK }

// firstOf trusts a ValueFinder, and with verifyFast on (as the fixture
// tests run) reports one whose value First does not give.
func TestFirstOfVerifiesValueFinder(t *testing.T) {
	d := &Doc{}
	agree := lyingSelector{first: Str("a"), fast: Str("a")}
	lying := lyingSelector{first: Str("a"), fast: Str("b")}
	absent := lyingSelector{first: Str("a")}

	w, sel, err := firstOf(fieldOf(absent, lying), d)
	require.NoError(t, err)
	require.Equal(t, Str("b"), w, "without verification the fast answer is used")
	require.Equal(t, lying, sel)

	SetVerifyFast(true)
	defer SetVerifyFast(false)
	_, _, err = firstOf(fieldOf(agree), d)
	require.NoError(t, err)
	_, _, err = firstOf(fieldOf(lying), d)
	require.ErrorContains(t, err, "fast form of selector")
	_, _, err = firstOf(fieldOf(absent), d)
	require.ErrorContains(t, err, "fast form of selector")
}

func fieldOf(sels ...Selector) *CompiledField {
	cf := &CompiledField{}
	for _, s := range sels {
		cf.addFrom(s)
	}
	return cf
}
