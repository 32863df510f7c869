package mappings

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/xeipuuv/gojsonschema"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
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

	size int // of the whole input when Decode can tell, else 0
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
}

// Decode reads every message of in and calls emit with the events of each
// good message. Problems are returned joined, one per bad message or field;
// reading goes on past a bad message whenever the syntax allows, so the good
// messages of a file are never lost to a bad one. An error from emit stops
// reading and is returned as is.
func (r *Registry) Decode(in io.Reader, opts DecodeOptions, emit func(Batch) error) error {
	if l, ok := in.(interface{ Len() int }); ok { // a bytes.Reader of one message
		opts.size = l.Len()
	}
	br := newReader(in)
	var fixed *Profile
	if opts.From != "" {
		p, err := r.Profile(opts.From)
		if err != nil {
			return err
		}
		if p.dec == nil {
			return fmt.Errorf("%s: %w: it has no decode section (it only writes)", p.Name(), ErrDirection)
		}
		fixed = p
	}
	syn := sniff(br)
	if fixed != nil && syn != nil && syn != fixed.syntax {
		return &Error{File: opts.Name, Line: 1, Err: fmt.Errorf("%w: looks like %s, but %s reads %s", ErrInput, syn.Name(), fixed.Name(), fixed.Spec.Syntax)}
	}
	if syn == nil && fixed != nil {
		syn = fixed.syntax
	}
	if syn == nil {
		if fixed = r.detect(br); fixed == nil {
			return &Error{File: opts.Name, Line: 1, Err: fmt.Errorf("%w: %w: not EDIFACT, JSON, XML, Cargo-IMP or a CSV file with a known header; name the profile of a fixed-width file with --from", ErrInput, ErrNoProfile)}
		}
		syn = fixed.syntax
	}
	if syn.ReusesReader() {
		defer releaseReader(br)
	}
	return syn.Decode(r, br, fixed, &opts, emit)
}

// detect asks the syntaxes that cannot be sniffed for a profile of br.
func (r *Registry) detect(br *bufio.Reader) *Profile {
	for _, s := range syntaxes {
		if d, ok := s.(detector); ok {
			if p := d.detect(r, br); p != nil {
				return p
			}
		}
	}
	return nil
}

// readBufferSize is 64 KiB, or less for an input that says it is shorter
// (a bytes.Reader of one message): a buffer that holds the whole input
// reads the same as a larger one, and a 64 KiB buffer per small message
// was a fifth of the time of an XML release.
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

// newReader returns a buffered reader on in of at least readBufferSize(in).
func newReader(in io.Reader) *bufio.Reader {
	size := readBufferSize(in)
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
func sniff(br *bufio.Reader) Syntax {
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 {
		return nil
	}
	for _, s := range syntaxes {
		if s.Sniff(head) {
			return s
		}
	}
	return nil
}

func (r *Registry) decodeEdifact(br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	ropts := edifact.ReaderOptions{Name: opts.Name, SizeHint: opts.size}
	if fixed != nil && fixed.Spec.Options != nil {
		ropts.Charset = fixed.Spec.Options.Charset
	}
	rd := edifact.NewReader(br, ropts)
	var errs []error
	ic, err := rd.Interchange()
	if err != nil {
		return err
	}
	for {
		m, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			var ee *edifact.Error
			if errors.As(err, &ee) && ee.Fatal {
				break
			}
			continue
		}
		p := fixed
		if p == nil {
			recipient := ""
			if ic != nil {
				recipient = ic.Recipient
			}
			if p, err = r.detectEdifact(m.ID, recipient); err != nil {
				errs = append(errs, &Error{File: opts.Name, Line: m.Segments[0].Line, Message: m.Ref, Segment: "UNH", Field: "S009", Value: m.ID.String(), Err: err})
				continue
			}
		} else if !p.matchesEdifact(m.ID) {
			errs = append(errs, &Error{File: opts.Name, Line: m.Segments[0].Line, Message: m.Ref, Segment: "UNH", Field: "S009", Value: m.ID.String(),
				Err: fmt.Errorf("%w: %s reads %s", ErrNoProfile, p.Name(), p.matchText())})
			continue
		}
		src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name(), MessageRef: m.Ref}
		if ic != nil {
			src.InterchangeRef, src.Sender, src.Receiver = ic.ControlRef, ic.Sender, ic.Recipient
		}
		dc := &decodeCtx{p: p, file: opts.Name, ref: m.Ref, opts: opts}
		if ic != nil {
			dc.sentAt = centuryDate(ic.Date) + ic.Time
		}
		events, err := dc.decodeDoc(&doc{root: m}, src)
		if err != nil {
			errs = append(errs, err)
		}
		if len(events) > 0 {
			if err := emit(Batch{Profile: p, Ref: m.Ref, Events: events}); err != nil {
				return err
			}
		}
	}
	return errors.Join(errs...)
}

func (p *Profile) matchesEdifact(id edifact.MessageID) bool {
	m := p.Spec.Match
	if !isSyntax[edifactSyntax](p) || p.dec == nil || m == nil || m.Message != id.Type {
		return false
	}
	if len(m.Versions) > 0 && !contains(m.Versions, id.Version+":"+id.Release) {
		return false
	}
	if len(m.Association) > 0 && !contains(m.Association, id.Assoc) {
		return false
	}
	return true
}

func (p *Profile) matchText() string {
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
			as = append(as, firstNonEmpty(a, "none"))
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

// detectEdifact picks the one profile whose match names the message's
// type, version and association code. When several do, those whose
// match.recipient names the interchange's recipient win. Overlays (extends)
// win detection only through a recipient list; name others with --from.
func (r *Registry) detectEdifact(id edifact.MessageID, recipient string) (*Profile, error) {
	var found, byRecipient []*Profile
	for _, p := range r.Profiles() {
		// An overlay takes part only when its own match names recipients.
		if !p.matchesEdifact(id) || p.Spec.Extends != "" && len(p.Spec.Match.Recipient) == 0 {
			continue
		}
		switch rs := p.Spec.Match.Recipient; {
		case len(rs) == 0:
			found = append(found, p)
		case contains(rs, recipient):
			byRecipient = append(byRecipient, p)
		}
	}
	if len(byRecipient) > 0 {
		found = byRecipient
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("%w: no profile reads %s; name one with --from", ErrNoProfile, id.String())
	}
	var names []string
	for _, p := range found {
		names = append(names, p.Name())
	}
	return nil, fmt.Errorf("%w: several profiles read %s (%s); name one with --from", ErrNoProfile, id.String(), strings.Join(names, ", "))
}

func (r *Registry) decodeJSON(br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	limit := int64(16 << 20)
	if fixed != nil {
		limit = fixed.maxBytes
	}
	data, err := readAllBuffered(br, limit+1)
	if err != nil {
		return err
	}
	if int64(len(data)) > limit {
		return &Error{File: opts.Name, Err: fmt.Errorf("%w: larger than %d bytes", ErrInput, limit)}
	}
	// data is ours and never changes: the decoded strings may share it.
	root, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: opts.Name, MaxBytes: limit, ShareInput: true})
	if err != nil {
		return err
	}
	p := fixed
	if p == nil {
		if p, err = r.detectJSON(root, data); err != nil {
			return &Error{File: opts.Name, Line: 1, Err: err}
		}
	}
	if err := p.checkDecoded(data, root, opts.Name); err != nil {
		return err
	}
	src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name()}
	dc := &decodeCtx{p: p, file: opts.Name, opts: opts}
	events, err := dc.decodeDoc(&doc{root: root, raw: data}, src)
	if len(events) > 0 {
		if eerr := emit(Batch{Profile: p, Ref: events[0].Source.MessageRef, Events: events}); eerr != nil {
			return eerr
		}
	}
	return err
}

// detectJSON picks the JSON profile whose discriminator matches (match.path
// and values), falling back to the profiles whose schema the input passes.
func (r *Registry) detectJSON(root any, data []byte) (*Profile, error) {
	var bySchema []*Profile
	for _, p := range r.Profiles() {
		if !isSyntax[jsonSyntax](p) || p.dec == nil || p.Spec.Extends != "" {
			continue
		}
		if m := p.Spec.Match; m != nil && m.Path != "" {
			path, err := jsonsyn.CompilePath(m.Path)
			if err != nil {
				continue
			}
			v, ok := path.Get(root, nil)
			if ok && (len(m.Values) == 0 || contains(m.Values, text(v))) {
				return p, nil
			}
			continue
		}
		if p.schema != nil {
			if res, err := p.schema.Validate(gojsonschema.NewBytesLoader(data)); err == nil && res.Valid() {
				bySchema = append(bySchema, p)
			}
		}
	}
	if len(bySchema) == 1 {
		return bySchema[0], nil
	}
	return nil, fmt.Errorf("%w: no JSON profile recognises this document; name one with --from", ErrNoProfile)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckOutput validates encoded output against the profile's schema, for
// the syntaxes that have one (JSON Schema).
func (p *Profile) CheckOutput(out []byte) error {
	if c, ok := p.syntax.(outputChecker); ok {
		return c.checkOutput(p, out)
	}
	return nil
}

// centuryDate widens a YYMMDD interchange date to CCYYMMDD.
func centuryDate(d string) string {
	if len(d) == 6 {
		return "20" + d
	}
	return d
}
