package mappings_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical"
)

// The hand-written COREOR decoder is the baseline the engine is measured
// against on EDIFACT: a byte-level tokenizer of its own and plain mapping
// code for portbase/coreor, with the checks of the profile that change the
// output or refuse a message (counts, check digits, UN/LOCODE, IMO, required
// fields, times in the port's zone). It refuses shapes it does not cover:
// a service string advice other than the usual one, character sets other
// than UNOA, UNOB and UNOC, and an interchange holding a bad message (the
// engine keeps the good ones; the baseline refuses the whole interchange).

// handCOREOR decodes portbase/coreor interchanges by hand.
type handCOREOR struct {
	functions  map[string]string // BGM 1225 -> event type
	moveTypes  map[string]string // EQD 8249 -> move type
	loadStatus map[string]string // EQD 8169 -> load status
	agencies   map[string]string // NAD C082 3055 -> id scheme
}

// newHandCOREOR loads the code lists the profile uses, from the same files.
func newHandCOREOR() (*handCOREOR, error) {
	h := &handCOREOR{}
	var err error
	for name, dst := range map[string]*map[string]string{
		"coreor-function": &h.functions, "edifact-move-type": &h.moveTypes,
		"edifact-load-status": &h.loadStatus, "edifact-agency": &h.agencies,
	} {
		if *dst, err = loadCodelist(name); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// edSeg is one EDIFACT segment: its tag and its data elements, each a
// list of components with release characters already removed.
type edSeg struct {
	tag   string
	elems [][]string
}

// get returns component c of element e (both from 0 after the tag), or "".
func (s *edSeg) get(e, c int) string {
	if e >= len(s.elems) || c >= len(s.elems[e]) {
		return ""
	}
	return s.elems[e][c]
}

// tokenizeEDIFACT splits an interchange into segments. It takes the default
// separators, with or without a UNA saying so, and refuses any other UNA.
// Values are cut from one copy of the input, and only a value holding a
// release character is copied again; components and elements share two
// backing arrays sized from the separator counts.
func tokenizeEDIFACT(data []byte) ([]edSeg, error) {
	s := string(data)
	if strings.HasPrefix(s, "UNA") {
		if len(s) < 9 || s[3:9] != ":+.? '" {
			return nil, errors.New("UNA: only the default separators are taken")
		}
		s = s[9:]
	}
	nSeg := strings.Count(s, "'")
	nElem := nSeg + strings.Count(s, "+")
	vals := make([]string, 0, nElem+strings.Count(s, ":"))
	elems := make([][]string, 0, nElem)
	segs := make([]edSeg, 0, nSeg)
	var cur edSeg
	var esc []byte // the current value, once it holds a release character
	start, elemStart, segStart, started := 0, 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '?':
			if esc == nil {
				esc = append([]byte(nil), s[start:i]...)
			}
			if i++; i == len(s) {
				return nil, errors.New("release character at the end of the interchange")
			}
			esc, started = append(esc, s[i]), true
		case c == ':' || c == '+' || c == '\'':
			v := s[start:i]
			if esc != nil {
				v, esc = string(esc), nil
			}
			vals, start = append(vals, v), i+1
			if c == ':' {
				continue
			}
			if cur.tag == "" && len(vals)-elemStart == 1 {
				cur.tag = v
			} else {
				elems = append(elems, vals[elemStart:len(vals):len(vals)])
			}
			elemStart = len(vals)
			if c == '\'' {
				cur.elems = elems[segStart:len(elems):len(elems)]
				segs, cur, segStart, started = append(segs, cur), edSeg{}, len(elems), false
			}
		case (c == '\r' || c == '\n') && !started:
			start = i + 1
		default:
			if esc != nil {
				esc = append(esc, c)
			}
			started = true
		}
	}
	if started || len(vals) > elemStart || cur.tag != "" {
		return nil, errors.New("last segment is not terminated")
	}
	return segs, nil
}

// Decode turns one interchange into release events, one per EQD+CN.
func (h *handCOREOR) Decode(data []byte) ([]*canonical.ReleaseEvent, error) {
	segs, err := tokenizeEDIFACT(data)
	if err != nil {
		return nil, err
	}
	if len(segs) < 2 || segs[0].tag != "UNB" || segs[len(segs)-1].tag != "UNZ" {
		return nil, errors.New("interchange must open with UNB and close with UNZ")
	}
	unb := &segs[0]
	if err := latin1Names(segs, unb.get(0, 0)); err != nil {
		return nil, err
	}
	src := canonical.Source{
		PCS: "portbase", Profile: "portbase/coreor", InterchangeRef: unb.get(4, 0),
		Sender: unb.get(1, 0), Receiver: unb.get(2, 0),
	}
	var out []*canonical.ReleaseEvent
	messages := 0
	body := segs[1 : len(segs)-1]
	for len(body) > 0 {
		end := 0
		for end < len(body) && body[end].tag != "UNT" {
			end++
		}
		if body[0].tag != "UNH" || end == len(body) {
			return nil, errors.New("message must open with UNH and close with UNT")
		}
		events, err := h.message(body[:end+1], src)
		if err != nil {
			return nil, err
		}
		out = append(out, events...)
		messages++
		body = body[end+1:]
	}
	if n, err := strconv.Atoi(segs[len(segs)-1].get(0, 0)); err != nil || n != messages {
		return nil, fmt.Errorf("UNZ counts %q messages, the interchange holds %d", segs[len(segs)-1].get(0, 0), messages)
	}
	return out, nil
}

// latin1Names converts every value from the interchange's character set to
// UTF-8: UNOC is Latin-1; UNOA and UNOB must be plain ASCII.
func latin1Names(segs []edSeg, charset string) error {
	switch charset {
	case "UNOA", "UNOB", "UNOC":
	default:
		return fmt.Errorf("character set %q is not covered", charset)
	}
	for i := range segs {
		for _, el := range segs[i].elems {
			for j, v := range el {
				if isASCII(v) {
					continue
				}
				if charset != "UNOC" {
					return fmt.Errorf("%s: value %q is outside %s", segs[i].tag, v, charset)
				}
				el[j] = latin1ToUTF8(v)
			}
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func latin1ToUTF8(s string) string {
	b := make([]byte, 0, len(s)*2)
	for i := 0; i < len(s); i++ {
		b = utf8.AppendRune(b, rune(s[i]))
	}
	return string(b)
}

// coreorMsg is one message cut into its header segments and its EQD groups.
type coreorMsg struct {
	header []edSeg
	groups [][]edSeg // each starts with its EQD+CN
}

// first returns the first segment of segs with tag and, when qual is not
// "", first element qual; nil when none.
func first(segs []edSeg, tag, qual string) *edSeg {
	for i := range segs {
		if segs[i].tag == tag && (qual == "" || segs[i].get(0, 0) == qual) {
			return &segs[i]
		}
	}
	return nil
}

// value returns component c of element e of the first such segment, or "".
func value(segs []edSeg, tag, qual string, e, c int) string {
	if s := first(segs, tag, qual); s != nil {
		return s.get(e, c)
	}
	return ""
}

// message checks one UNH..UNT message and maps its EQD groups.
func (h *handCOREOR) message(segs []edSeg, src canonical.Source) ([]*canonical.ReleaseEvent, error) {
	unh, unt := &segs[0], &segs[len(segs)-1]
	src.MessageRef = unh.get(0, 0)
	if len(src.MessageRef) > 14 {
		return nil, fmt.Errorf("UNH 0062 %q is longer than 14 characters", src.MessageRef)
	}
	if n, err := strconv.Atoi(unt.get(0, 0)); err != nil || n != len(segs) {
		return nil, fmt.Errorf("message %s: UNT counts %q segments, the message holds %d", src.MessageRef, unt.get(0, 0), len(segs))
	}
	if unh.get(1, 0) != "COREOR" || unh.get(1, 1) != "D" || !strings.Contains("|00B|08B|95B|", "|"+unh.get(1, 2)+"|") ||
		!strings.Contains("|SMDG20|SMDG15||", "|"+unh.get(1, 4)+"|") {
		return nil, fmt.Errorf("message %s: %s is not a COREOR this profile reads", src.MessageRef, strings.Join(unh.elems[1], ":"))
	}
	var m coreorMsg
	for _, s := range segs[1 : len(segs)-1] {
		switch {
		case s.tag == "EQD" && s.get(0, 0) == "CN":
			m.groups = append(m.groups, []edSeg{s})
		case s.tag == "CNT" || len(m.groups) == 0:
			m.header = append(m.header, s)
		default:
			m.groups[len(m.groups)-1] = append(m.groups[len(m.groups)-1], s)
		}
	}
	if cnt := first(m.header, "CNT", "16"); cnt != nil {
		if n, err := strconv.Atoi(cnt.get(0, 1)); err != nil || n != len(m.groups) {
			return nil, fmt.Errorf("message %s: CNT+16 counts %q containers, the message holds %d", src.MessageRef, cnt.get(0, 1), len(m.groups))
		}
	}
	out := make([]*canonical.ReleaseEvent, 0, len(m.groups))
	for _, g := range m.groups {
		e, err := h.event(&m, g, src)
		if err != nil {
			return nil, fmt.Errorf("message %s: %w", src.MessageRef, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// firstOf returns the first non-empty value of the candidates, in order.
func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// reference returns the first RFF of segs whose qualifier is one of quals.
func reference(segs []edSeg, quals ...string) string {
	for i := range segs {
		if segs[i].tag != "RFF" {
			continue
		}
		for _, q := range quals {
			if segs[i].get(0, 0) == q && segs[i].get(0, 1) != "" {
				return segs[i].get(0, 1)
			}
		}
	}
	return ""
}

// event maps one EQD group, with the message header, to a release event.
func (h *handCOREOR) event(m *coreorMsg, g []edSeg, src canonical.Source) (*canonical.ReleaseEvent, error) {
	hd := m.header
	src.Function = value(hd, "BGM", "", 2, 0)
	typ, ok := h.functions[src.Function]
	if !ok {
		return nil, fmt.Errorf("BGM 1225 %q is not a COREOR function", src.Function)
	}
	e := &canonical.ReleaseEvent{Source: src}
	if err := h.key(m, g, e); err != nil {
		return nil, err
	}
	loc, err := canonical.ZoneFor(e.Key.Port)
	if err != nil {
		return nil, err
	}
	if e.OccurredAt, err = edTime(first(hd, "DTM", "137"), loc, false); err != nil {
		return nil, err
	}
	r, err := h.release(m, g, e, loc)
	if err != nil {
		return nil, err
	}
	e.Release = r
	if typ == "RELEASE_WITHDRAWN" && r.ValidFrom != nil && e.OccurredAt != nil && e.OccurredAt.Before(*r.ValidFrom) {
		typ = "RELEASE_CANCELLED"
	}
	e.Type = canonical.EventType(typ)
	if e.Equipment, err = h.equipment(g); err != nil {
		return nil, err
	}
	if e.Voyage, err = voyageOf(m, g); err != nil {
		return nil, err
	}
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e, nil
}

// key fills the release key: container, B/L, port and carrier.
func (h *handCOREOR) key(m *coreorMsg, g []edSeg, e *canonical.ReleaseEvent) error {
	hd := m.header
	k := &e.Key
	k.ContainerNumber = strings.ToUpper(g[0].get(1, 0))
	if k.ContainerNumber == "" {
		return errors.New("EQD C237.8260 (key.containerNumber) is required but missing")
	}
	if err := canonical.CheckContainerNumber(k.ContainerNumber); err != nil {
		return fmt.Errorf("EQD C237.8260 (key.containerNumber) %q %w", k.ContainerNumber, err)
	}
	if k.BLNumber = firstOf(reference(g, "BM"), reference(hd, "BM")); k.BLNumber == "" {
		return errors.New("RFF+BM (key.blNumber) is required but missing")
	}
	k.Port = strings.ToUpper(portOfRelease(m, g, 0))
	if k.Port == "" {
		return errors.New("LOC+11 or LOC+7 (key.port) is required but missing")
	}
	if err := canonical.CheckLocode(k.Port); err != nil {
		return fmt.Errorf("LOC C517.3225 (key.port) %q: %w", k.Port, err)
	}
	k.Carrier = strings.ToUpper(firstOf(value(hd, "NAD", "CA", 1, 0), value(hd, "TDT", "20", 4, 0), value(hd, "NAD", "MS", 1, 0)))
	if k.Carrier == "" {
		return errors.New("NAD+CA or TDT+20 (key.carrier) is required but missing")
	}
	return nil
}

// portOfRelease reads component c of the release place: LOC+11 in the
// header, then in the group, then LOC+7 the same way.
func portOfRelease(m *coreorMsg, g []edSeg, c int) string {
	e := 1
	if c == 1 {
		e, c = 2, 0
	}
	return firstOf(value(m.header, "LOC", "11", e, c), value(g, "LOC", "11", e, c),
		value(m.header, "LOC", "7", e, c), value(g, "LOC", "7", e, c))
}

// release builds the release part of the event.
func (h *handCOREOR) release(m *coreorMsg, g []edSeg, e *canonical.ReleaseEvent, loc *time.Location) (*canonical.Release, error) {
	hd := m.header
	r := &canonical.Release{
		ReleaseNumber: firstOf(reference(g, "RE", "REO"), reference(hd, "RE", "REO"), value(hd, "BGM", "", 1, 0)),
		Remarks:       value(hd, "FTX", "", 3, 0),
	}
	if f := e.Source.Function; f == "5" || f == "1" {
		if r.PreviousRef = reference(hd, "ACW"); r.PreviousRef == "" {
			return nil, errors.New("RFF+ACW (release.previousRef) is required but missing")
		}
	}
	var err error
	if r.Issuer, err = h.party(first(hd, "NAD", "CA"), "CARRIER", value(hd, "TDT", "20", 4, 0), canonical.SchemeSMDG); err != nil {
		return nil, err
	}
	if r.ReleaseTo, err = h.party(first(hd, "NAD", "FW"), "RELEASE_TO", "", canonical.SchemeVAT); err != nil {
		return nil, err
	}
	if r.ReleaseTo == nil {
		return nil, errors.New("NAD+FW (release.releaseTo) is required but missing")
	}
	if r.ValidFrom, err = edTime(firstDTM(g, hd, "7"), loc, false); err != nil {
		return nil, err
	}
	until := firstDTM(g, hd, "36")
	if until == nil {
		until = firstDTM(g, hd, "400")
	}
	if r.ValidUntil, err = edTime(until, loc, true); err != nil {
		return nil, err
	}
	if err := canonical.CheckValidity(r.ValidFrom, r.ValidUntil); err != nil {
		return nil, err
	}
	r.MoveType = canonical.MoveType("IMPORT")
	if mt := g[0].get(4, 0); mt != "" {
		v, ok := h.moveTypes[mt]
		if !ok {
			return nil, fmt.Errorf("EQD 8249 %q is not a known equipment status", mt)
		}
		r.MoveType = canonical.MoveType(v)
	}
	if p := strings.ToUpper(portOfRelease(m, g, 0)); p != "" {
		r.PickupTerminal = &canonical.Facility{Locode: p, Code: portOfRelease(m, g, 1)}
	}
	back := &canonical.Facility{
		Locode: strings.ToUpper(firstOf(value(g, "LOC", "99", 1, 0), value(hd, "LOC", "99", 1, 0))),
		Depot:  firstOf(value(g, "LOC", "99", 2, 0), value(hd, "LOC", "99", 2, 0)),
	}
	if back.Locode != "" || back.Depot != "" {
		r.EmptyReturn = back
	}
	return r, nil
}

// firstDTM returns the DTM with qualifier q in the group, else the header.
func firstDTM(g, hd []edSeg, q string) *edSeg {
	if s := first(g, "DTM", q); s != nil {
		return s
	}
	return first(hd, "DTM", q)
}

// party builds a party from a NAD (nil when absent) with fallback as its id
// when the NAD names none, and def as the scheme when 3055 is empty.
func (h *handCOREOR) party(nad *edSeg, role, fallback, def string) (*canonical.Party, error) {
	var name, id, agency string
	if nad != nil {
		name, id, agency = nad.get(3, 0), nad.get(1, 0), nad.get(1, 2)
	}
	id = firstOf(id, fallback)
	if nad == nil && id == "" {
		return nil, nil
	}
	p := &canonical.Party{Name: name, Role: role}
	if id != "" {
		scheme := def
		if agency != "" {
			s, ok := h.agencies[agency]
			if !ok {
				return nil, fmt.Errorf("NAD+%s C082.3055 %q is not a known agency", nad.get(0, 0), agency)
			}
			scheme = s
		}
		p.IDs = []canonical.PartyID{{Scheme: scheme, Value: id}}
	}
	return p, nil
}

// edTime reads a DTM C507 (formats 203 and 102) in the port's zone; a date
// alone is the start of that day, or its end (23:59) when endOfDay.
func edTime(dtm *edSeg, loc *time.Location, endOfDay bool) (*time.Time, error) {
	if dtm == nil || dtm.get(0, 1) == "" {
		return nil, nil
	}
	v, f := dtm.get(0, 1), dtm.get(0, 2)
	var t time.Time
	var err error
	switch {
	case (f == "203" || f == "") && len(v) == 12:
		t, err = time.ParseInLocation("200601021504", v, loc)
	case (f == "102" || f == "") && len(v) == 8:
		t, err = time.ParseInLocation("20060102", v, loc)
		if endOfDay {
			t = time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 0, 0, loc)
		}
	default:
		return nil, fmt.Errorf("DTM+%s: format %q of %q is not covered", dtm.get(0, 0), f, v)
	}
	if err != nil {
		return nil, fmt.Errorf("DTM+%s %q is not a date: %w", dtm.get(0, 0), v, err)
	}
	t = t.UTC()
	return &t, nil
}

// equipment builds the equipment part from the EQD group.
func (h *handCOREOR) equipment(g []edSeg) (*canonical.Equipment, error) {
	eqd := &g[0]
	q := &canonical.Equipment{ContainerNumber: strings.ToUpper(eqd.get(1, 0)), RawSizeType: eqd.get(2, 0)}
	if q.RawSizeType != "" {
		iso, err := canonical.NormalizeSizeType(q.RawSizeType)
		if err != nil {
			return nil, fmt.Errorf("EQD C224.8155 %q: %w", q.RawSizeType, err)
		}
		q.ISOSizeType = iso
	}
	if ls := eqd.get(5, 0); ls != "" {
		v, ok := h.loadStatus[ls]
		if !ok {
			return nil, fmt.Errorf("EQD 8169 %q is not a known full/empty indicator", ls)
		}
		q.LoadStatus = v
	}
	for _, w := range [...]struct {
		qual string
		dst  **float64
	}{{"G", &q.GrossKg}, {"T", &q.TareKg}, {"VGM", &q.VGMKg}} {
		for i := range g {
			if g[i].tag != "MEA" || g[i].get(0, 0) != "AAE" || g[i].get(1, 0) != w.qual {
				continue
			}
			f, err := strconv.ParseFloat(g[i].get(2, 1), 64)
			if err != nil {
				return nil, fmt.Errorf("MEA+AAE+%s %q is not a decimal", w.qual, g[i].get(2, 1))
			}
			*w.dst = &f
			break
		}
	}
	for i := range g {
		if g[i].tag == "SEL" && g[i].get(0, 0) != "" {
			q.Seals = append(q.Seals, g[i].get(0, 0))
		}
	}
	return q, nil
}

// voyageOf builds the voyage part from TDT+20 and the LOC+76/LOC+8 places;
// nil when none of them is given.
func voyageOf(m *coreorMsg, g []edSeg) (*canonical.Voyage, error) {
	hd := m.header
	v := &canonical.Voyage{
		VoyageNumber:      value(hd, "TDT", "20", 1, 0),
		VesselName:        value(hd, "TDT", "20", 7, 3),
		PortOfLoading:     strings.ToUpper(firstOf(value(hd, "LOC", "76", 1, 0), value(g, "LOC", "76", 1, 0))),
		PortOfDestination: strings.ToUpper(firstOf(value(hd, "LOC", "8", 1, 0), value(g, "LOC", "8", 1, 0))),
	}
	code, list := value(hd, "TDT", "20", 7, 0), value(hd, "TDT", "20", 7, 1)
	digits := code != "" && strings.Trim(code, "0123456789") == ""
	switch {
	case list == "146" || list == "" && digits:
		if err := canonical.CheckIMO(code); err != nil {
			return nil, fmt.Errorf("TDT C222.8213 (voyage.imo) %q %w", code, err)
		}
		v.IMO = code
	case list == "103" || list == "" && code != "":
		v.CallSign = code
	}
	if *v == (canonical.Voyage{}) {
		return nil, nil
	}
	return v, nil
}
