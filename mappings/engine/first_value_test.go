package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/spec"
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

// lyingText's FirstText disagrees with its First.
type lyingText struct {
	lyingSelector
	text        string
	found, isTx bool
}

func (s lyingText) FirstText(*Doc) (string, bool, bool) { return s.text, s.found, s.isTx }

// A plain field whose selectors are all TextFinders is set from FirstText,
// and with verifyFast on an answer First does not give is reported.
func TestPlainTextVerifiesTextFinder(t *testing.T) {
	cf, err := (&Compiler{}).compileDecodeField(&spec.Field{Target: "key.carrier", From: []string{"x"}}, textPaths{lyingText{
		lyingSelector: lyingSelector{first: Str("MSCU")}, text: "ONEY", found: true, isTx: true}})
	require.NoError(t, err)
	require.NotNil(t, cf.texts)
	e := &canonical.ReleaseEvent{}
	dc := &DecodeCtx{}
	done, err := dc.plainField(cf, &Doc{}, e)
	require.True(t, done)
	require.NoError(t, err)
	require.Equal(t, "ONEY", e.Key.Carrier, "without verification the text answer is used")

	SetVerifyFast(true)
	defer SetVerifyFast(false)
	_, err = dc.plainField(cf, &Doc{}, &canonical.ReleaseEvent{})
	require.ErrorContains(t, err, "fast form of selector")
}

// textPaths compiles every path to one selector.
type textPaths struct{ sel Selector }

func (p textPaths) CompilePath(string) (Selector, error) { return p.sel, nil }
func (p textPaths) CompileEach(string) (Splitter, error) { return nil, nil }
