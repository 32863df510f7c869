package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecretStateClean cleans every shape of problem a decode returns of
// a collected secret: the text loses it, the sentinel stays.
func TestSecretStateClean(t *testing.T) {
	sentinel := errors.New("is wrong")
	st := &secretState{}
	st.add("  4711-0815  ")
	st.add("**12") // already masked: not collected
	st.add("ab")   // too short to search for
	require.Equal(t, []string{"4711-0815"}, st.values)

	cases := map[string]error{
		"value of a problem":  &Error{File: "in", Line: 3, Segment: "RFF", Value: "4711-0815", Err: sentinel},
		"text of a problem":   &Error{File: "in", Err: fmt.Errorf("%w: got 4711-0815", sentinel)},
		"message reference":   &Error{File: "in", Message: "4711-0815", Err: sentinel},
		"foreign error":       fmt.Errorf("%w near 4711-0815", sentinel),
		"wrap of several":     fmt.Errorf("%w and %w near 4711-0815", sentinel, ErrInput),
		"join":                errors.Join(&Error{File: "in", Value: "4711-0815", Err: sentinel}, &Error{File: "in", Err: ErrRequired}),
		"line of JSON Lines":  &LineError{Span: Span{Line: 2}, Err: fmt.Errorf("%w: 4711-0815", sentinel)},
		"nothing to clean":    &Error{File: "in", Value: "**12", Err: sentinel},
		"short value is kept": fmt.Errorf("%w: ab", sentinel),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			got := st.clean(err)
			assert.NotContains(t, got.Error(), "4711-0815")
			assert.ErrorIs(t, got, sentinel)
		})
	}
	assert.Equal(t, `in:3: RFF is wrong (value not shown: secret)`, st.clean(cases["value of a problem"]).Error())
	assert.Equal(t, "is wrong and input rejected near (secret)", st.clean(cases["wrap of several"]).Error())
	assert.Equal(t, `in: "**12" is wrong`, st.clean(cases["nothing to clean"]).Error())
	assert.Same(t, cases["short value is kept"], st.clean(cases["short value is kept"]))
}

// TestMarkWatcher reads marks split at every possible place between
// reads, and finds none in text without them.
func TestMarkWatcher(t *testing.T) {
	marks := []string{`"encryptedPin"`, "<Credential"}
	for _, in := range []string{`{"a":1,"encryptedPin":"x"}`, `<a><Credential>1</Credential></a>`, `"encryptedPin"`} {
		w := newMarkWatcher(iotest.OneByteReader(strings.NewReader(in)), marks)
		assert.True(t, w.drain(), in)
	}
	w := newMarkWatcher(iotest.HalfReader(strings.NewReader(`{"encrypted": "Pin", "Credential": 1}`)), marks)
	assert.False(t, w.drain())
}
