package engine

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
)

// secretState is what one Decode call learns about the secrets of its
// input: the values found at declared paths, whether SecretSeen was
// called, and whether some message could not be read far enough to tell.
type secretState struct {
	seen  func()
	fired bool
	// values are the collected values of at least minSecretLen bytes.
	values []string
	// read counts the messages a profile read far enough to collect.
	read int
	// unread: a message of a profile with secrets was given up on;
	// unknown: a message no profile was found for.
	unread, unknown bool
	// marks watches the raw input for declared secret names; nil when
	// nobody listens (no SecretSeen) or no profile declares a secret.
	marks *markWatcher
}

// add records one value found at a declared secret path.
func (st *secretState) add(v string) {
	v = strings.TrimSpace(v)
	if v == "" || isMasked(v) {
		return // an absent or already masked value (CPu's "**12") is no secret
	}
	st.fire()
	if len(v) >= minSecretLen && !slices.Contains(st.values, v) {
		st.values = append(st.values, v)
	}
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
// under errors.Is.
func (st *secretState) clean(err error) error {
	if len(st.values) == 0 || err == nil {
		return err
	}
	switch e := err.(type) {
	case *Error:
		if st.holds(e.Value) {
			e.Secret, e.Value = true, ""
		}
		e.File, e.Message, e.Event = st.scrub(e.File), st.scrub(e.Message), st.scrub(e.Event)
		e.Segment, e.Field = st.scrub(e.Segment), st.scrub(e.Field)
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
	if text := err.Error(); st.holds(text) {
		return &scrubbedError{msg: st.scrub(text), err: err}
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
	if text := err.Error(); text != strings.Join(texts, "\n") {
		if st.holds(text) {
			return &scrubbedError{msg: st.scrub(text), err: err}
		}
		return err
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

func (st *secretState) holds(s string) bool {
	for _, v := range st.values {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

func (st *secretState) scrub(s string) string {
	for _, v := range st.values {
		s = strings.ReplaceAll(s, v, "(secret)")
	}
	return s
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
