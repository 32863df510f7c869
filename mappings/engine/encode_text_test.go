package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings/spec"
)

// LeafText gives what Leaf gives, as text, whether or not a field takes
// the path that boxes nothing.
func TestLeafTextAgreesWithLeaf(t *testing.T) {
	fields := map[string]*spec.Field{
		"copy":         {From: []string{"source.messageRef", "key.carrier"}},
		"const":        {From: []string{"key.carrier"}, Const: "NONE"},
		"upper":        {From: []string{"source.messageRef"}, As: "upper"},
		"not a string": {From: []string{"occurredAt"}},
	}
	at := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)
	events := map[string]*canonical.ReleaseEvent{
		"first set":  {Source: canonical.Source{MessageRef: "ref-1"}, Key: canonical.Key{Carrier: "MAEU"}, OccurredAt: &at},
		"second set": {Key: canonical.Key{Carrier: "MAEU"}},
		"none set":   {},
		"sealed":     {Source: canonical.Source{MessageRef: seal.StringPrefix + "AAAA"}},
	}
	for fn, f := range fields {
		cf, err := (&Compiler{}).CompileEncodeField(f)
		require.NoError(t, err, fn)
		for en, e := range events {
			ec := &EncodeCtx{Profile: &Profile{Spec: &spec.Spec{Profile: "test/profile"}}, Env: ExprEnv{Event: e}}
			want, wantErr := ec.Leaf(cf)
			got, ok, err := ec.LeafText(cf)
			if wantErr != nil {
				assert.Error(t, err, "%s, %s", fn, en)
				continue
			}
			require.NoError(t, err, "%s, %s", fn, en)
			assert.Equal(t, want != nil, ok, "%s, %s", fn, en)
			if want != nil {
				assert.Equal(t, ScalarText(want), got, "%s, %s", fn, en)
			}
		}
	}
	copyField, err := (&Compiler{}).CompileEncodeField(fields["copy"])
	require.NoError(t, err)
	ec := &EncodeCtx{Profile: &Profile{Spec: &spec.Spec{Profile: "test/profile"}}, Env: ExprEnv{Event: events["second set"]}}
	assert.Equal(t, "MAEU", ec.CopiedText(copyField), "the first set path, unboxed")
	ec.Env.Event = events["sealed"]
	assert.Empty(t, ec.CopiedText(copyField), "a sealed value is left to Leaf")
	_, _, err = ec.LeafText(copyField)
	assert.ErrorIs(t, err, ErrSealed, "not declared secret here, so not written")
}

// A plain field, which CopiedText copies without Leaf, has no check to
// run: a field with one is not plain.
func TestPlainFieldHasNoCheck(t *testing.T) {
	plain, err := (&Compiler{}).CompileEncodeField(&spec.Field{From: []string{"key.carrier"}})
	require.NoError(t, err)
	assert.True(t, plain.plain)
	checked, err := (&Compiler{}).CompileEncodeField(&spec.Field{From: []string{"key.port"}, Check: "locode"})
	require.NoError(t, err)
	assert.False(t, checked.plain, "its check runs in Leaf")
}
