package engine

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// secretState is what one Decode call learns about the secrets of its
// input: the values found at declared paths, whether SecretSeen was
// called, and whether some message could not be read far enough to tell.
type secretState struct {
	seen  func()
	found func(string) // DecodeOptions.OnSecret
	fired bool
	// values are the collected values of at least minSecretLen bytes, of
	// the whole input, or of the current line of a JSON Lines input.
	values map[string]struct{}
	// inMessage counts the values the current message added to values;
	// over: a message brought more than maxSecretValues of them.
	inMessage int
	over      bool
	// rep replaces every value at once; built when first needed, dropped
	// when values change.
	rep *strings.Replacer
	// read counts the messages a profile read far enough to collect.
	read int
	// unread: a message of a profile with secrets was given up on;
	// unknown: a message no profile was found for.
	unread, unknown bool
	// marks watches the raw input for declared secret names; nil when
	// nobody listens (no SecretSeen) or no profile declares a secret.
	marks *markWatcher
	// logging keeps in log every change made to the state, for a chunk
	// decoded on a worker whose findings are replayed in input order.
	logging bool
	log     []secretOp
}

// maxSecretValues bounds the values one message may add. Past it, the
// problems cleaned with these values (the line's, or the whole input's)
// keep their place and sentinel, but neither their values nor their texts
// are shown.
const maxSecretValues = 4096

// overNote stands for a problem's text in a message with more secret
// values than are kept.
var overNote = fmt.Sprintf("problem not shown: the message carries more than %d secret values", maxSecretValues)

// add records one value found at a declared secret path.
func (st *secretState) add(v string) {
	st.record(opAdd, v)
	v = strings.TrimSpace(v)
	if v == "" || isMasked(v) {
		return // an absent or already masked value (CPu's "**12") is no secret
	}
	st.fire()
	if st.found != nil {
		st.found(v)
	}
	if len(v) < minSecretLen {
		return
	}
	if _, dup := st.values[v]; dup {
		return
	}
	if st.inMessage >= maxSecretValues {
		st.over = true
		return
	}
	if st.values == nil {
		st.values = map[string]struct{}{}
	}
	st.values[v] = struct{}{}
	st.inMessage++
	st.rep = nil
}

// forget drops the values collected so far, once the problems they could
// appear in are cleaned (the end of a line of JSON Lines).
func (st *secretState) forget() {
	st.record(opForget, "")
	clear(st.values)
	st.inMessage, st.over, st.rep = 0, false, nil
}

// isMasked reports whether v is already masked: a '*' and at most four
// other characters, which mask leaves as they are.
func isMasked(v string) bool { return strings.Contains(v, "*") && mask(v) == v }

func (st *secretState) fire() {
	if !st.fired && st.seen != nil {
		st.fired = true
		st.seen()
	}
}

// finish decides, for a Decode that failed, whether the input may carry
// a secret nobody collected, and cleans the problem texts. A message of
// a profile with secrets that could not be read counts as carrying one.
// A message no profile read (and an input that failed before any profile
// read it) counts when the raw input holds a declared secret's name in
// its syntax's form: a JSON member "encryptedPin", an XML element
// Credential. Such an input is most likely a real message with a secret
// that is malformed or of an unknown version, and keeping it only sealed
// costs little; every other failed input would be sealed for nothing.
func (st *secretState) finish(fixed *Profile, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case st.fired:
	case st.unread:
		st.fire()
	case st.unknown || st.read == 0:
		if fixed != nil && len(fixed.secrets) > 0 || st.marks != nil && st.marks.drain() {
			st.fire()
		}
	}
	return st.clean(err)
}

// clean returns err with every collected secret value out of its text:
// a problem whose value is (or holds) one shows no value, and any other
// occurrence is replaced by "(secret)". Problems are changed in place, so
// errors.As finds the cleaned ones; a foreign error whose text holds a
// value is replaced by its cleaned text, still matching its sentinels
// under errors.Is. Each text is scanned once for all values.
func (st *secretState) clean(err error) error {
	if len(st.values) == 0 && !st.over || err == nil {
		return err
	}
	switch e := err.(type) {
	case *Error:
		if _, holds := st.scrub(e.Value); holds || st.over {
			e.Secret, e.Value = true, ""
		}
		e.File, e.Message, e.Event = st.scrubbed(e.File), st.scrubbed(e.Message), st.scrubbed(e.Event)
		e.Segment, e.Field = st.scrubbed(e.Segment), st.scrubbed(e.Field)
		if e.Err != nil {
			e.Err = st.clean(e.Err)
		}
		return e
	case *LineError:
		e.Err = st.clean(e.Err)
		return e
	case interface{ Unwrap() []error }:
		return st.cleanJoined(err, e.Unwrap())
	}
	return st.cleanText(err)
}

// cleanText replaces a foreign error whose text holds a value (any
// foreign error, when the message brought more values than are kept).
func (st *secretState) cleanText(err error) error {
	if st.over {
		return &scrubbedError{msg: overNote, err: err}
	}
	if text, holds := st.scrub(err.Error()); holds {
		return &scrubbedError{msg: text, err: err}
	}
	return err
}

// cleanJoined cleans an error made of several: a join is rebuilt from its
// cleaned parts; a wrap of several (fmt's %w twice) may say more than its
// parts, so its own text is cleaned as a whole.
func (st *secretState) cleanJoined(err error, parts []error) error {
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.Error()
	}
	if err.Error() != strings.Join(texts, "\n") {
		return st.cleanText(err)
	}
	out := make([]error, len(parts))
	changed := false
	for i, p := range parts {
		out[i] = st.clean(p)
		changed = changed || out[i] != p
	}
	if !changed {
		return err
	}
	return errors.Join(out...)
}

// scrub returns s with every collected value replaced by "(secret)",
// in one pass over s, and whether any was there.
func (st *secretState) scrub(s string) (string, bool) {
	if len(st.values) == 0 || s == "" {
		return s, false
	}
	if st.rep == nil {
		// Longest first: where one value starts another, the whole of
		// the longer one goes.
		vals := make([]string, 0, len(st.values))
		for v := range st.values {
			vals = append(vals, v)
		}
		slices.SortFunc(vals, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
		pairs := make([]string, 0, 2*len(vals))
		for _, v := range vals {
			pairs = append(pairs, v, "(secret)")
		}
		st.rep = strings.NewReplacer(pairs...)
	}
	out := st.rep.Replace(s)
	return out, out != s
}

// scrubbed is scrub's text alone.
func (st *secretState) scrubbed(s string) string {
	out, _ := st.scrub(s)
	return out
}

// scrubbedError is a foreign error's text with the secrets taken out. It
// matches what the original matches under errors.Is but does not unwrap
// to it, so errors.As cannot reach the text with the secret.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }

// markWatcher passes an input through and notes whether any mark (a
// declared secret's name as its syntax writes it) appears in it.
type markWatcher struct {
	r     io.Reader
	marks [][]byte
	tail  []byte // the last bytes read, for a mark split between reads
	seen  bool
}

func newMarkWatcher(r io.Reader, marks []string) *markWatcher {
	w := &markWatcher{r: r}
	for _, m := range marks {
		w.marks = append(w.marks, []byte(m))
	}
	return w
}

func (w *markWatcher) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 && !w.seen {
		w.scan(p[:n])
	}
	return n, err
}

func (w *markWatcher) scan(b []byte) {
	k := 0 // a mark split between reads has at most k bytes in each
	for _, m := range w.marks {
		k = max(k, len(m)-1)
	}
	joint := append(w.tail, b[:min(len(b), k)]...)
	for _, m := range w.marks {
		if bytes.Contains(joint, m) || bytes.Contains(b, m) {
			w.seen = true
			return
		}
	}
	if len(b) >= k {
		w.tail = append(w.tail[:0], b[len(b)-k:]...)
	} else {
		w.tail = append(w.tail[:0], joint[max(0, len(joint)-k):]...)
	}
}

// maxDrain bounds what drain reads of an input a decoder gave up on.
const maxDrain = 16 << 20

// drain reads what the decoder left of the input (within maxDrain) and
// reports whether a mark appeared anywhere.
func (w *markWatcher) drain() bool {
	if !w.seen {
		_, _ = io.Copy(io.Discard, io.LimitReader(w, maxDrain))
	}
	return w.seen
}
