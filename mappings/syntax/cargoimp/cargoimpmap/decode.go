package cargoimpmap

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// decodeCargoIMP reads a file of Cargo-IMP messages (FSU, FSA); each
// message is one batch, detected by its first line unless fixed names the
// profile.
func decodeCargoIMP(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	limit := int64(cargoimp.DefaultMaxBytes)
	if fixed != nil {
		limit = fixed.MaxBytes
	}
	if opts.ReceivedAt.IsZero() {
		opts.ReceivedAt = time.Now() // one reference for every date of the input
	}
	msgs, perr := cargoimp.ReadAll(br, cargoimp.Options{Name: opts.Name, MaxBytes: limit})
	var errs []error
	if perr != nil {
		errs = append(errs, perr)
	}
	st := decodeStates.Get().(*decodeState)
	defer putDecodeState(st)
	for _, m := range msgs {
		ref := m.AWB.String()
		p := fixed
		if p == nil {
			var err error
			if p, err = detectCargoIMP(r, m); err != nil {
				errs = append(errs, &engine.Error{File: opts.Name, Line: headerLine(m), Segment: "header", Field: "message type", Value: m.Type + "/" + m.Version, Err: err})
				continue
			}
		} else if !matchesCargoIMP(p, m) {
			errs = append(errs, &engine.Error{File: opts.Name, Line: headerLine(m), Segment: "header", Field: "message type", Value: m.Type + "/" + m.Version,
				Err: fmt.Errorf("%w: %s reads %s", engine.ErrNoProfile, p.Name(), p.MatchText())})
			continue
		}
		src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name(), MessageRef: ref}
		st.dc.Next(p, opts.Name, ref, opts)
		st.doc = engine.Doc{Root: m}
		events, err := st.dc.DecodeDoc(&st.doc, src)
		if err != nil {
			errs = append(errs, err)
		}
		if len(events) > 0 {
			if err := emit(engine.Batch{Profile: p, Ref: ref, Events: events}); err != nil {
				return err
			}
		}
	}
	return errors.Join(errs...)
}

// decodeState is the context and document that serve every message of a
// file in turn (the engine keeps neither past DecodeDoc), kept for the next
// file: files of one message are common.
type decodeState struct {
	dc  engine.DecodeCtx
	doc engine.Doc
}

var decodeStates = sync.Pool{New: func() any { return new(decodeState) }}

// putDecodeState clears st, so that it holds on to no message, and keeps
// it for the next file.
func putDecodeState(st *decodeState) {
	*st = decodeState{}
	decodeStates.Put(st)
}

// headerLine returns the line number of the message type line.
func headerLine(m *cargoimp.Message) int {
	for _, l := range m.Lines {
		if l.Tag == m.Type {
			return l.No
		}
	}
	return 1
}

// matchesCargoIMP reports whether p reads m: its type (FSU, FSA) and, when
// the profile lists versions as "FSU:14", one of them.
func matchesCargoIMP(p *engine.Profile, m *cargoimp.Message) bool {
	if !engine.IsSyntax[Syntax](p) || p.Dec == nil {
		return false
	}
	match := p.Spec.Match
	if match == nil {
		return true
	}
	if match.Message != "" && match.Message != m.Type {
		return false
	}
	return len(match.Versions) == 0 || slices.Contains(match.Versions, m.Type+":"+m.Version)
}

// detectCargoIMP picks the one Cargo-IMP profile reading the message type
// and version (FSU/14). Overlays never win detection.
func detectCargoIMP(r *engine.Registry, m *cargoimp.Message) (*engine.Profile, error) {
	typ := m.Type + "/" + m.Version
	var found []*engine.Profile
	for _, p := range r.Profiles() {
		if p.Spec.Extends == "" && matchesCargoIMP(p, m) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("%w: no profile reads Cargo-IMP %s; name one with --from", engine.ErrNoProfile, typ)
	}
	names := make([]string, len(found))
	for i, p := range found {
		names[i] = p.Name()
	}
	return nil, fmt.Errorf("%w: several profiles read Cargo-IMP %s (%s); name one with --from", engine.ErrNoProfile, typ, strings.Join(names, ", "))
}

// cargoimpDate reads a Cargo-IMP date without a year (`as: cargoimp-date`):
// the @.date composite (day, month, time, airport) or text such as
// 16OCT1317. The year is the one closest to the time the input was received
// (DecodeOptions.ReceivedAt). With zone "airport" the local time is read in
// the zone of the airport on the status line, else of key.airport.
func cargoimpDate(p *engine.Profile, opts *engine.DecodeOptions, cf *engine.CompiledField, w engine.Value, e *canonical.ReleaseEvent) (engine.Value, error) {
	var day, month, hhmm, airport string
	if w.Parts != nil {
		var p [4]string
		copy(p[:], w.Parts)
		day, month, hhmm, airport = p[0], p[1], p[2], p[3]
	} else {
		var ok bool
		if day, month, hhmm, ok = splitCargoimpDate(w.Text()); !ok {
			return engine.Value{}, fmt.Errorf("%w: %w: want DDMMM[HHMM], as in 16OCT1317", engine.ErrConvert, engine.ErrNotDate)
		}
	}
	loc, err := cargoimpZone(engine.FirstNonEmpty(cf.Spec.Zone, p.Zone), airport, e)
	if err != nil {
		return engine.Value{}, err
	}
	ref := opts.ReceivedAt
	if ref.IsZero() {
		ref = time.Now()
	}
	t, err := cargoimp.ResolveDate(day, month, hhmm, ref, loc)
	if err != nil {
		var ce *cargoimp.Error
		if errors.As(err, &ce) {
			err = ce.Err
		}
		return engine.Value{}, fmt.Errorf("%w: %w", engine.ErrConvert, err)
	}
	t = t.UTC()
	return engine.Value{V: &t, OK: true}, nil
}

// cargoimpZone resolves the zone of a Cargo-IMP local time: "airport" is
// the status line's own airport when it has a known zone, else key.airport.
func cargoimpZone(zone, airport string, e *canonical.ReleaseEvent) (*time.Location, error) {
	if zone == "airport" && airport != "" {
		if loc := airportZone(airport); loc != nil {
			return loc, nil
		}
	}
	return engine.ZoneFor(zone, e)
}

// airportZones are the zones of the airports found so far, replaced
// whole when one is added: a file's statuses are at a few airports, and
// canonical.ZoneFor normalises the code and looks it up in two maps each
// time. Only three-letter codes with a zone are kept, so it stays as small
// as canonical's table of airports.
var airportZones atomic.Pointer[map[string]*time.Location]

// airportZone is canonical.ZoneFor of an airport, nil when it has none.
func airportZone(airport string) *time.Location {
	known := airportZones.Load()
	if known != nil {
		if loc, ok := (*known)[airport]; ok {
			return loc
		}
	}
	loc, err := canonical.ZoneFor(airport)
	if err != nil {
		return nil
	}
	if len(airport) != 3 {
		return loc // spaced or odd forms are not kept
	}
	next := make(map[string]*time.Location, 8)
	if known != nil {
		maps.Copy(next, *known)
	}
	next[strings.Clone(airport)] = loc
	airportZones.Store(&next)
	return loc
}

// splitCargoimpDate splits "16OCT1317" or "16OCT".
func splitCargoimpDate(s string) (day, month, hhmm string, ok bool) {
	if len(s) != 5 && len(s) != 9 {
		return "", "", "", false
	}
	return s[:2], s[2:5], s[5:], true
}

// formatCargoimpDate renders t as a Cargo-IMP day, month and time:
// "16OCT1317".
func formatCargoimpDate(t time.Time, loc *time.Location) string {
	return strings.ToUpper(t.In(loc).Format("02Jan1504"))
}
