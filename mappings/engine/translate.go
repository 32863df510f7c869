package engine

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// DecodeOptions tune reading.
type DecodeOptions struct {
	// Name is the input's name in error messages (a file name).
	Name string
	// From is the profile to read with; empty detects it per message.
	From string
	// CredentialKey keys the handles that replace PINs and TCTs. Empty: a
	// random key for this process, so handles cannot be matched across runs.
	CredentialKey []byte
	// ReceivedAt is when the input was received: the reference that places
	// Cargo-IMP dates, which carry no year. Zero: now.
	ReceivedAt time.Time
	// Lines reads the input as JSON Lines, one JSON document per line, each
	// its own message, whatever its name (see JSONLines).
	Lines bool

	// SealKey (seal.KeySize bytes) seals the values of secret fields that
	// must travel whole inside an event (a driver's identification), so
	// the event can be stored and shown without them in clear. Empty: kept
	// as read, for a translation on the operator's own terminal.
	SealKey []byte
	// SecretSeen, when set, is called when the input carries a value in a
	// field its profile declares secret, or when it could not be read far
	// enough to tell and may carry one. The gateway then keeps the input
	// only sealed. Decode calls it at most once per input, before it
	// returns.
	SecretSeen func()
	// OnSecret, when set, is called with each value found in a field the
	// input's profile declares secret (trimmed, however short, masked
	// values left out; a value may come more than once), so that a copy
	// of the input can be kept with the values masked. Decode calls it
	// before it returns; a value written in the input in an escaped form
	// is passed as read, unescaped.
	OnSecret func(value string)

	// SizeHint is the size of the whole input when Decode can tell (it
	// sets it from a reader that has a Len), else 0.
	SizeHint int

	// Workers, above 1, decodes the messages of an input on that many
	// goroutines while one more reads and cuts them, for the syntaxes
	// that can cut (see Cutter); others read as with 0. Batches are still
	// emitted in input order, from the goroutine that called Decode, and
	// the problems and secret hooks come out as a sequential Decode gives
	// them. At most a bounded window of messages is in flight.
	Workers int
	// Prepare, when set, is called with each batch before emit; with
	// Workers it runs on the worker that decoded the batch, concurrently
	// with the others, so work done there (encoding the events into
	// Batch.Encoded) uses every core. It must not depend on the order of
	// batches.
	Prepare func(b *Batch)

	sec *secretState // made by Decode, per call
}

var (
	processKeyOnce sync.Once
	processKey     []byte
)

func (o *DecodeOptions) credentialKey() []byte {
	if len(o.CredentialKey) > 0 {
		return o.CredentialKey
	}
	processKeyOnce.Do(func() {
		processKey = make([]byte, 32)
		_, _ = rand.Read(processKey)
	})
	return processKey
}

// Batch is the events one wire message became.
type Batch struct {
	Profile *Profile
	// Ref is the message reference (UNH 0062, document id) when known.
	Ref    string
	Events []*canonical.ReleaseEvent
	// Span is the line of a JSON Lines input the message was read from;
	// zero for other inputs.
	Span Span
	// Encoded is what DecodeOptions.Prepare made of the batch, if
	// anything, for emit to write.
	Encoded []byte
}

// Decode reads every message of in and calls emit with the events of each
// good message. Problems are returned joined, one per bad message or field;
// reading goes on past a bad message whenever the syntax allows, so the good
// messages of a file are never lost to a bad one. An error from emit stops
// reading and is returned as is. A JSON Lines input (opts.JSONLines) is
// read line by line, each line its own message with its profile detected
// on its own, and each bad line is one *LineError.
//
// Problem texts never hold the value of a field the message's profile
// declares secret (see Secrets); opts.SecretSeen is called when the input
// carries one, or may.
//
// With opts.Workers above 1, an input whose syntax can cut it into
// messages (Cutter, LinesCutter) is decoded on that many goroutines, with
// the same batches, problems and secret hooks, in the same order.
func (r *Registry) Decode(in io.Reader, opts DecodeOptions, emit func(Batch) error) error {
	if l, ok := in.(interface{ Len() int }); ok { // a bytes.Reader of one message
		opts.SizeHint = l.Len()
	}
	size := readBufferSize(in)
	var fixed *Profile
	if opts.From != "" {
		p, err := r.Profile(opts.From)
		if err != nil {
			return err
		}
		if p.Dec == nil {
			return fmt.Errorf("%s: %w: it has no decode section (it only writes)", p.Name(), ErrDirection)
		}
		fixed = p
	}
	st := &secretState{seen: opts.SecretSeen, found: opts.OnSecret}
	opts.sec = st
	if opts.SecretSeen != nil && len(r.marks) > 0 {
		st.marks = newMarkWatcher(in, r.marks)
		in = st.marks
	}
	return st.finish(fixed, r.decode(newReader(in, size), fixed, &opts, emit))
}

// decode is Decode after its options are set up.
func (r *Registry) decode(br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	if opts.JSONLines() {
		return r.decodeLines(br, fixed, opts, emit)
	}
	syn := r.sniff(br)
	if fixed != nil && syn != nil && syn != fixed.syntax {
		opts.Unread(fixed)
		return &Error{File: opts.Name, Line: 1, Err: fmt.Errorf("%w: looks like %s, but %s reads %s", ErrInput, syn.Name(), fixed.Name(), fixed.Spec.Syntax)}
	}
	if syn == nil && fixed != nil {
		syn = fixed.syntax
	}
	if syn == nil {
		if fixed = r.detect(br); fixed == nil {
			opts.Unread(nil)
			return &Error{File: opts.Name, Line: 1, Err: fmt.Errorf("%w: %w: not EDIFACT, JSON, XML, Cargo-IMP or a CSV file with a known header; name the profile of a fixed-width file with --from", ErrInput, ErrNoProfile)}
		}
		syn = fixed.syntax
	}
	if syn.ReusesReader() {
		defer releaseReader(br)
	}
	if c, ok := syn.(Cutter); ok && opts.Workers > 1 {
		return r.decodeParallel(c, br, fixed, opts, emit)
	}
	return syn.Decode(r, br, fixed, opts, prepared(opts, emit))
}

// detect asks the syntaxes that cannot be sniffed for a profile of br.
func (r *Registry) detect(br *bufio.Reader) *Profile {
	for _, s := range r.syntaxes {
		if d, ok := s.(Detector); ok {
			if p := d.Detect(r, br); p != nil {
				return p
			}
		}
	}
	return nil
}

// readBufferSize is 64 KiB, or less for an input that says it is shorter
// (a bytes.Reader of one message): a buffer that holds the whole input
// reads the same as a larger one and costs less to allocate.
func readBufferSize(in io.Reader) int {
	const size = 64 << 10
	if l, ok := in.(interface{ Len() int }); ok && l.Len() < size {
		return max(l.Len(), 4<<10)
	}
	return size
}

// readers keeps the buffered readers of decoded EDIFACT and JSON inputs
// for reuse: a message of a few KiB otherwise allocates a buffer larger
// than itself.
var readers sync.Pool

// newReader returns a buffered reader on in of at least size bytes.
func newReader(in io.Reader, size int) *bufio.Reader {
	if br, ok := readers.Get().(*bufio.Reader); ok && br.Size() >= size {
		br.Reset(in)
		return br
	}
	return bufio.NewReaderSize(in, size)
}

// releaseReader hands br back once nothing refers to its buffer.
func releaseReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}

// sniff guesses the wire syntax from the first bytes; nil when none
// recognises them.
func (r *Registry) sniff(br *bufio.Reader) Syntax {
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 {
		return nil
	}
	for _, s := range r.syntaxes {
		if s.Sniff(head) {
			return s
		}
	}
	return nil
}

func (p *Profile) MatchText() string {
	m := p.Spec.Match
	if m == nil {
		return "nothing (no match section)"
	}
	s := m.Message
	if len(m.Versions) > 0 {
		s += " " + strings.Join(m.Versions, ", ")
	}
	if len(m.Association) > 0 {
		var as []string
		for _, a := range m.Association {
			as = append(as, FirstNonEmpty(a, "none"))
		}
		s += " (association " + strings.Join(as, ", ") + ")"
	}
	if len(m.Recipient) > 0 {
		s += " to " + strings.Join(m.Recipient, ", ")
	}
	if m.Root != "" {
		s = strings.TrimSpace(s + " root element " + m.Root)
	}
	if m.Path != "" {
		cond := m.Path
		if len(m.Values) > 0 {
			cond += " in " + strings.Join(m.Values, ", ")
		}
		s = strings.TrimSpace(s + " JSON documents with " + cond)
	}
	return s
}

// CheckOutput validates encoded output against the profile's schema, for
// the syntaxes that have one (JSON Schema).
func (p *Profile) CheckOutput(out []byte) error {
	if c, ok := p.syntax.(OutputChecker); ok {
		return c.CheckOutput(p, out)
	}
	return nil
}
