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
	require.Equal(t, map[string]struct{}{"4711-0815": {}}, st.values)

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

// TestSecretStateCleansLongestFirst keeps the whole of a value that
// starts with, or holds, a shorter one out of the text.
func TestSecretStateCleansLongestFirst(t *testing.T) {
	st := &secretState{}
	for _, v := range []string{"4711", "4711-0815", "0815-99", "47110815"} {
		st.add(v)
	}
	got, held := st.scrub("a 4711-0815 b 47110815 c 4711 d 0815-99")
	assert.True(t, held)
	assert.Equal(t, "a (secret) b (secret) c (secret) d (secret)", got)
	got, held = st.scrub("nothing here")
	assert.False(t, held)
	assert.Equal(t, "nothing here", got)
}

// TestSecretStateOverTheCap cleans the problems of a message that brought
// more values than are kept strictly: a value collected past the cap is
// in no text, and the sentinel stays.
func TestSecretStateOverTheCap(t *testing.T) {
	sentinel := errors.New("is wrong")
	st := &secretState{}
	for i := range maxSecretValues + 1 {
		st.add(fmt.Sprintf("pin-%05d", i))
	}
	require.Len(t, st.values, maxSecretValues)
	last := fmt.Sprintf("pin-%05d", maxSecretValues)
	cases := map[string]error{
		"value of a problem": &Error{File: "in", Line: 3, Segment: "pin", Value: last, Err: sentinel},
		"text of a problem":  &Error{File: "in", Line: 3, Err: fmt.Errorf("%w: got %s", sentinel, last)},
		"foreign error":      fmt.Errorf("%w near %s", sentinel, last),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			got := st.clean(err)
			assert.NotContains(t, got.Error(), last)
			assert.Contains(t, got.Error(), overNote)
			assert.ErrorIs(t, got, sentinel)
		})
	}
	assert.Equal(t, "in:3: pin "+overNote+" (value not shown: secret)", st.clean(&Error{File: "in", Line: 3, Segment: "pin", Value: last, Err: sentinel}).Error())

	st.forget()
	assert.Empty(t, st.values)
	plain := fmt.Errorf("%w near %s", sentinel, last)
	assert.Same(t, plain, st.clean(plain), "a new line starts with nothing to clean")
}

// TestEndLineCleansWithTheLinesValues cleans a line's problem of the
// value collected from it, then forgets it: the next line's problems are
// cleaned of their own values only.
func TestEndLineCleansWithTheLinesValues(t *testing.T) {
	opts := &DecodeOptions{}
	opts.secretState().add("pin-of-line-1")
	got := opts.EndLine(&LineError{Span: Span{Line: 1}, Err: &Error{File: "in", Line: 1, Value: "pin-of-line-1", Err: ErrRequired}})
	assert.Equal(t, "in:1: is required but missing (value not shown: secret)", got.Error())
	assert.NoError(t, opts.EndLine(nil))

	opts.secretState().add("pin-of-line-3")
	got = opts.EndLine(fmt.Errorf("%w: pin-of-line-3, not pin-of-line-1", ErrInput))
	assert.Equal(t, "input rejected: (secret), not pin-of-line-1", got.Error())
	assert.Empty(t, opts.secretState().values)
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
