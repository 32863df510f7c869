package edifactmap

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

func decodeEdifact(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return engine.RunChunks(opts, emit, func(send func(engine.Chunk) error) error {
		return cutEdifact(r, br, fixed, opts, send)
	})
}

// cutEdifact reads the interchanges of br message by message and sends a
// chunk per message, and per problem of the reader, in input order. An
// input whose start cannot be read is returned as its one problem.
func cutEdifact(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, send func(engine.Chunk) error) error {
	// Every value is checked against its data element's representation:
	// a message with a value too long for its element is refused.
	ropts := edifact.ReaderOptions{Name: opts.Name, SizeHint: opts.SizeHint, CheckElements: true}
	if fixed != nil && fixed.Spec.Options != nil {
		ropts.Charset = fixed.Spec.Options.Charset
	}
	rd := edifact.NewReader(br, ropts)
	defer rd.Release() // the chunks hold messages and the interchange, not rd
	ic, err := rd.Interchange()
	if err != nil {
		var ee *edifact.Error
		if ic == nil || errors.As(err, &ee) && ee.Fatal {
			opts.Unread(fixed) // no chunk is running yet
			return err
		}
		if err := send(problem(err, false, nil)); err != nil {
			return err
		}
	}
	for {
		m, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if err := send(problem(err, true, fixed)); err != nil {
				return err
			}
			var ee *edifact.Error
			if errors.As(err, &ee) && ee.Fatal {
				return nil
			}
			continue
		}
		if err := send(messageChunk(r, m, ic, fixed)); err != nil {
			return err
		}
	}
}

// problem is a chunk that reports err, a problem of the reader; unread
// says a message was given up on, of profile p (nil: none known).
func problem(err error, unread bool, p *engine.Profile) engine.Chunk {
	return func(opts *engine.DecodeOptions, _ func(engine.Batch) error) error {
		if unread {
			opts.Unread(p)
		}
		return err
	}
}

// messageChunk is the chunk that decodes m, a message of the interchange
// ic (nil for bare messages), with fixed or the profile it detects.
func messageChunk(r *engine.Registry, m *edifact.Message, ic *edifact.Interchange, fixed *engine.Profile) engine.Chunk {
	return func(opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
		return decodeMessage(r, m, ic, fixed, opts, emit)
	}
}

// decodeMessage decodes one message with fixed or the profile detected
// for it, and emits its events.
func decodeMessage(r *engine.Registry, m *edifact.Message, ic *edifact.Interchange, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	p := fixed
	if p == nil {
		recipient := ""
		if ic != nil {
			recipient = ic.Recipient
		}
		var err error
		if p, err = detectEdifact(r, m.ID, recipient); err != nil {
			opts.Unread(nil)
			return &engine.Error{File: opts.Name, Line: m.Segments[0].Line, Message: m.Ref, Segment: "UNH", Field: "S009", Value: m.ID.String(), Err: err}
		}
	} else if !matchesEdifact(p, m.ID) {
		opts.Unread(fixed)
		return &engine.Error{File: opts.Name, Line: m.Segments[0].Line, Message: m.Ref, Segment: "UNH", Field: "S009", Value: m.ID.String(),
			Err: fmt.Errorf("%w: %s reads %s", engine.ErrNoProfile, p.Name(), p.MatchText())}
	}
	src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name(), MessageRef: m.Ref}
	if ic != nil {
		src.InterchangeRef, src.Sender, src.Receiver = ic.ControlRef, ic.Sender, ic.Recipient
	}
	w := workPool.Get().(*decodeWork)
	w.dc = engine.DecodeCtx{Profile: p, File: opts.Name, Ref: m.Ref, Opts: opts}
	if ic != nil {
		w.dc.SentAt = centuryDate(ic.Date) + ic.Time
	}
	w.doc = engine.Doc{Root: m}
	events, err := w.dc.DecodeDoc(&w.doc, src)
	if err == nil {
		// Events hold strings of the message, never its segments or the
		// state of its decoding; an error may point at a segment, so all
		// is kept then.
		if h, ok := w.doc.Header.(*edHeader); ok && h.set != nil {
			h.set.release()
		}
		m.Recycle(keepsComponents(p))
		*w = decodeWork{}
		workPool.Put(w)
	}
	if len(events) > 0 {
		if eerr := emit(engine.Batch{Profile: p, Ref: m.Ref, Events: events}); eerr != nil {
			return eerr
		}
	}
	return err
}

// decodeWork is the state of decoding one message, pooled.
type decodeWork struct {
	dc  engine.DecodeCtx
	doc engine.Doc
}

var workPool = sync.Pool{New: func() any { return new(decodeWork) }}

// keepsComponents reports whether an event of p may hold a composite's
// slice of components as read: a list field takes it whole.
func keepsComponents(p *engine.Profile) bool {
	for _, cf := range p.Dec.Fields {
		if cf.Spec.As == "list" {
			return true
		}
	}
	return false
}

func matchesEdifact(p *engine.Profile, id edifact.MessageID) bool {
	m := p.Spec.Match
	if !engine.IsSyntax[Syntax](p) || p.Dec == nil || m == nil || m.Message != id.Type {
		return false
	}
	if len(m.Versions) > 0 && !slices.Contains(m.Versions, id.Version+":"+id.Release) {
		return false
	}
	if len(m.Association) > 0 && !slices.Contains(m.Association, id.Assoc) {
		return false
	}
	return true
}

// detectEdifact picks the one profile whose match names the message's
// type, version and association code. When several do, those whose
// match.recipient names the interchange's recipient win. Overlays (extends)
// win detection only through a recipient list; name others with --from.
func detectEdifact(r *engine.Registry, id edifact.MessageID, recipient string) (*engine.Profile, error) {
	var found, byRecipient []*engine.Profile
	for _, p := range r.Profiles() {
		// An overlay takes part only when its own match names recipients.
		if !matchesEdifact(p, id) || p.Spec.Extends != "" && len(p.Spec.Match.Recipient) == 0 {
			continue
		}
		switch rs := p.Spec.Match.Recipient; {
		case len(rs) == 0:
			found = append(found, p)
		case slices.Contains(rs, recipient):
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
		return nil, fmt.Errorf("%w: no profile reads %s; name one with --from", engine.ErrNoProfile, id.String())
	}
	var names []string
	for _, p := range found {
		names = append(names, p.Name())
	}
	return nil, fmt.Errorf("%w: several profiles read %s (%s); name one with --from", engine.ErrNoProfile, id.String(), strings.Join(names, ", "))
}

// centuryDate widens a YYMMDD interchange date to CCYYMMDD.
func centuryDate(d string) string {
	if len(d) == 6 {
		return "20" + d
	}
	return d
}
