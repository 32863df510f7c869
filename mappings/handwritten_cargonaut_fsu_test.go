package mappings_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// The hand-written FSU decoder is the baseline the engine is measured
// against on Cargo-IMP: a line splitter and a switch over the status codes
// of its own, and plain mapping code for cargonaut/fsu, with the checks
// that change the output or refuse a message (envelope, version, AWB check
// digit, line layouts, airports, dates placed in the year nearest to
// receipt). A file holding a bad message is refused whole, where the
// engine keeps the good ones.

// fsuVersions are the FSU versions cargonaut/fsu reads.
var fsuVersions = map[string]bool{"14": true, "15": true, "16": true}

// fsuMonths are the Cargo-IMP months, January first.
const fsuMonths = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"

// handFSU decodes cargonaut/fsu files by hand; received places the dates,
// which carry no year.
type handFSU struct {
	received func() time.Time
}

// fsuMessage is one message: its envelope addresses and lines after them.
type fsuMessage struct {
	sender, recipient string
	lines             []string
	first             int // line number of lines[0]
}

// Decode turns a file of FSU messages into one event per status line.
func (h *handFSU) Decode(data []byte) ([]*canonical.ReleaseEvent, error) {
	msgs, err := splitFSU(string(data))
	if err != nil {
		return nil, err
	}
	ref := h.received()
	var out []*canonical.ReleaseEvent
	for i := range msgs {
		events, err := fsuEvents(&msgs[i], ref)
		if err != nil {
			return nil, fmt.Errorf("message at line %d: %w", msgs[i].first, err)
		}
		out = append(out, events...)
	}
	return out, nil
}

// splitFSU cuts a file into messages: a message starts at a Type B
// priority line (QK AMSFMKL) or an FSU/ line, and ends at a blank line or
// the next start.
func splitFSU(text string) ([]fsuMessage, error) {
	var msgs []fsuMessage
	var cur *fsuMessage
	for no := 1; text != ""; no++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		line = strings.TrimSuffix(line, "\r")
		if strings.Trim(line, " ") == "" {
			cur = nil
			continue
		}
		for i := 0; i < len(line); i++ {
			if line[i] < 0x20 || line[i] > 0x7e {
				return nil, fmt.Errorf("line %d: byte 0x%02X is not printable ASCII", no, line[i])
			}
		}
		switch {
		case isTypeBPriority(line):
			msgs = append(msgs, fsuMessage{first: no, recipient: line[3:10]})
			cur = &msgs[len(msgs)-1]
			cur.lines = append(cur.lines, line)
		case strings.HasPrefix(line, "FSU/") && (cur == nil || !cur.awaitsType()):
			msgs = append(msgs, fsuMessage{first: no, lines: []string{line}})
			cur = &msgs[len(msgs)-1]
		case cur == nil:
			return nil, fmt.Errorf("line %d: expected FSU/<version> or a Type B envelope", no)
		default:
			cur.lines = append(cur.lines, line)
		}
	}
	for i := range msgs {
		if err := msgs[i].envelope(); err != nil {
			return nil, fmt.Errorf("message at line %d: %w", msgs[i].first, err)
		}
	}
	return msgs, nil
}

// awaitsType reports whether the message so far is an envelope whose FSU/
// line is still to come.
func (m *fsuMessage) awaitsType() bool {
	return isTypeBPriority(m.lines[0]) && len(m.lines) <= 2
}

// envelope reads the Type B envelope, if any, and leaves in lines what
// follows it.
func (m *fsuMessage) envelope() error {
	if !isTypeBPriority(m.lines[0]) {
		return nil
	}
	if len(m.lines) < 2 {
		return errors.New("envelope origin line is missing")
	}
	o := m.lines[1]
	if len(o) < 8 || o[0] != '.' || !isTypeBAddress(o[1:8]) || len(o) > 8 && o[8] != ' ' {
		return errors.New("envelope origin line is missing")
	}
	m.sender, m.lines, m.first = o[1:8], m.lines[2:], m.first+2
	return nil
}

// isTypeBPriority reports whether line is a priority code and addresses.
func isTypeBPriority(line string) bool {
	code, addrs, ok := strings.Cut(line, " ")
	if !ok || len(code) != 2 || code[0] != 'Q' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	for a := range strings.SplitSeq(addrs, " ") {
		if !isTypeBAddress(a) {
			return false
		}
	}
	return true
}

func isTypeBAddress(s string) bool {
	if len(s) != 7 {
		return false
	}
	for i := 0; i < 7; i++ {
		if !isUpperByte(s[i]) && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func isUpperByte(c byte) bool { return c >= 'A' && c <= 'Z' }

func isUpper3(s string) bool {
	return len(s) == 3 && isUpperByte(s[0]) && isUpperByte(s[1]) && isUpperByte(s[2])
}

// fsuEvents checks a message's header and consignment line and maps each
// status line.
func fsuEvents(m *fsuMessage, ref time.Time) ([]*canonical.ReleaseEvent, error) {
	l := m.lines
	if v, ok := strings.CutPrefix(l[0], "FSU/"); !ok || !fsuVersions[v] {
		return nil, fmt.Errorf("message type %q is not FSU/14, 15 or 16", l[0])
	}
	if len(l) < 3 {
		return nil, errors.New("the message has no status line")
	}
	awb, dest, err := fsuConsignment(l[1])
	if err != nil {
		return nil, err
	}
	src := canonical.Source{PCS: "cargonaut", Profile: "cargonaut/fsu", MessageRef: awb, Sender: m.sender, Receiver: m.recipient}
	key := canonical.Key{Airport: dest, AWB: awb}
	if key.Airport == "" {
		key.Airport = "AMS"
	}
	out := make([]*canonical.ReleaseEvent, 0, len(l)-2)
	for i, line := range l[2:] {
		if line[0] == '/' {
			if i == 0 {
				return nil, errors.New("a continuation line must follow a status line")
			}
			continue
		}
		e, err := fsuEvent(line, src, key, ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", line, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// fsuConsignment reads the AWB and the destination of the consignment
// line: 020-12345675FRAAMS/T1K100, airports and quantity optional.
func fsuConsignment(line string) (awb, dest string, err error) {
	f0, qty, _ := strings.Cut(line, "/")
	if len(f0) < 12 || f0[3] != '-' {
		return "", "", fmt.Errorf("consignment line %q: expected 020-12345675", line)
	}
	awb = f0[:12]
	if err := canonical.CheckAWB(awb); err != nil {
		return "", "", err
	}
	rest := f0[12:]
	if qty == "" && len(rest) > 1 && isShipment(rest) {
		rest, qty = "", rest
	}
	switch {
	case rest == "":
	case len(rest) == 6 && isUpper3(rest[:3]) && isUpper3(rest[3:]):
		dest = rest[3:]
	default:
		return "", "", fmt.Errorf("consignment line %q: expected origin and destination, as in FRAAMS", line)
	}
	if qty != "" {
		if _, _, err := fsuQuantity(qty); err != nil {
			return "", "", err
		}
	}
	return awb, dest, nil
}

func isShipment(s string) bool {
	return len(s) >= 2 && strings.IndexByte("TPSD", s[0]) >= 0 && s[1] >= '0' && s[1] <= '9'
}

// fsuQuantity reads pieces and kilograms from T4K615.5, P12K1860T20 or
// T3L1200 (pounds, converted and rounded to 0.1 kg); kg is nil without a
// weight.
func fsuQuantity(s string) (pieces int, kg *float64, err error) {
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if pieces, err = strconv.Atoi(s[1:i]); err != nil || i > 6 {
		return 0, nil, fmt.Errorf("quantity %q: bad pieces", s)
	}
	rest := s[i:]
	if rest != "" && (rest[0] == 'K' || rest[0] == 'L') {
		unit := rest[0]
		j := 1
		for j < len(rest) && (rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
			j++
		}
		w, werr := strconv.ParseFloat(rest[1:j], 64)
		if werr != nil || rest[1] == '.' || rest[j-1] == '.' {
			return 0, nil, fmt.Errorf("quantity %q: bad weight", s)
		}
		if unit == 'L' {
			w = math.Round(w*0.45359237*10) / 10
		}
		kg, rest = &w, rest[j:]
	}
	if rest != "" && (rest[0] != 'T' || s[0] == 'T' || len(rest) < 2 || strings.Trim(rest[1:], "0123456789") != "") {
		return 0, nil, fmt.Errorf("quantity %q: unexpected %q", s, rest)
	}
	return pieces, kg, nil
}

// fsuLine is what a status line says, field by field.
type fsuLine struct {
	code, date, flight, airport, origin, dest, timeInfo string
	quantity                                            string
}

// parseFSULine reads a status line by the layout of its code.
func parseFSULine(line string) (fsuLine, error) {
	f := strings.Split(line, "/")
	s := fsuLine{code: f[0]}
	need := func(n int) error {
		if len(f) <= n || f[n] == "" {
			return fmt.Errorf("%s: field %d is missing", s.code, n)
		}
		return nil
	}
	var next int // the field after the fixed ones: quantity, then free text
	switch s.code {
	case "BKD", "PRE", "MAN", "DEP":
		if err := need(3); err != nil {
			return s, err
		}
		s.flight, s.date = f[1], f[2]
		if len(f[3]) != 6 || !isUpper3(f[3][:3]) || !isUpper3(f[3][3:]) {
			return s, fmt.Errorf("%s airport pair %q: expected FRAAMS", s.code, f[3])
		}
		s.origin, s.dest, next = f[3][:3], f[3][3:], 4
	case "ARR", "AWR", "RCF", "DIS":
		if err := need(3); err != nil {
			return s, err
		}
		s.flight, s.date, s.airport, s.dest, next = f[1], f[2], f[3], f[3], 4
		if s.code == "DIS" {
			if err := need(4); err != nil {
				return s, err
			}
			next = 5
		}
	case "TFD", "RCT":
		if err := need(3); err != nil {
			return s, err
		}
		s.date, s.airport, next = f[2], f[3], 4
	case "TRM":
		if err := need(2); err != nil {
			return s, err
		}
		s.airport, next = f[2], 3
	case "RCS", "FOH", "NFD", "AWD", "CCD", "DLV", "DDL", "TGC", "DOC", "DPU", "FIW", "FOW", "CRC":
		if err := need(2); err != nil {
			return s, err
		}
		s.date, s.airport, next = f[1], f[2], 3
	case "OSI":
		return s, need(1)
	case "OCI":
		if len(f) != 5 || f[4] == "" {
			return s, errors.New("OCI: expected country/information id/control id/information")
		}
		return s, nil
	default:
		return s, fmt.Errorf("status code %q is not known", s.code)
	}
	return s, s.rest(f, next)
}

// rest reads the optional quantity and what follows: CRC's flight, or the
// departure time information of a flight line (/A2015).
func (s *fsuLine) rest(f []string, next int) error {
	if s.flight != "" && !isFlight(s.flight) {
		return fmt.Errorf("%s flight %q: expected LH400", s.code, s.flight)
	}
	if s.airport != "" && !isUpper3(s.airport) {
		return fmt.Errorf("%s airport %q: expected FRA", s.code, s.airport)
	}
	if !s.dateFits() {
		return fmt.Errorf("%s date %q does not have the form of its line", s.code, s.date)
	}
	if next < len(f) && isShipment(f[next]) {
		s.quantity = f[next]
		next++
	}
	if next >= len(f) {
		return nil
	}
	switch {
	case s.code == "CRC" && isFlight(f[next]):
		if len(f) < next+3 || len(f[next+1]) != 5 || len(f[next+2]) != 6 || !isUpper3(f[next+2][:3]) || !isUpper3(f[next+2][3:]) {
			return errors.New("CRC flight: expected flight, date and airport pair")
		}
		s.flight, s.origin, s.dest = f[next], f[next+2][:3], f[next+2][3:]
	case s.origin != "" && len(f[next]) == 5 && isUpperByte(f[next][0]) && validHHMM(f[next][1:]):
		s.timeInfo = f[next][1:]
	}
	return nil
}

// dateFits reports whether the date has the length its code takes: day
// and month on flight lines, also the time on the others; ARR and AWR take
// either, TRM none.
func (s *fsuLine) dateFits() bool {
	switch s.code {
	case "BKD", "PRE", "MAN", "DEP":
		return len(s.date) == 5
	case "ARR", "AWR":
		return len(s.date) == 5 || len(s.date) == 9
	case "TRM":
		return s.date == ""
	}
	return len(s.date) == 9
}

// isFlight reports whether s is an airline designator (two letters or
// digits, or three letters) and 1 to 4 digits, with an optional suffix.
func isFlight(s string) bool {
	for _, n := range []int{2, 3} {
		if len(s) <= n || !isFlightDesignator(s[:n]) {
			continue
		}
		d := strings.TrimRight(s[n:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		if len(s)-n-len(d) <= 1 && len(d) >= 1 && len(d) <= 4 && strings.Trim(d, "0123456789") == "" {
			return true
		}
	}
	return false
}

func isFlightDesignator(s string) bool {
	if len(s) == 3 {
		return isUpper3(s)
	}
	for i := 0; i < 2; i++ {
		if !isUpperByte(s[i]) && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func validHHMM(s string) bool {
	if len(s) != 4 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	return s[:2] <= "23" && s[2:] <= "59"
}

// fsuEvent maps one status line.
func fsuEvent(line string, src canonical.Source, key canonical.Key, ref time.Time) (*canonical.ReleaseEvent, error) {
	s, err := parseFSULine(line)
	if err != nil {
		return nil, err
	}
	src.Function = line
	e := &canonical.ReleaseEvent{Type: canonical.StatusReported, Source: src, Key: key}
	st := &canonical.Status{Code: s.code, Location: s.airport, Flight: s.flight, Origin: s.origin, Destination: s.dest}
	if st.Location == "" {
		st.Location = s.origin
	}
	if s.quantity != "" {
		pieces, kg, err := fsuQuantity(s.quantity)
		if err != nil {
			return nil, err
		}
		st.Pieces, st.WeightKg = &pieces, kg
	}
	e.Status = st
	if s.date != "" {
		if e.OccurredAt, err = fsuDate(s, key.Airport, ref); err != nil {
			return nil, err
		}
	}
	switch s.code {
	case "NFD":
		e.Type = canonical.LightChanged
		e.Light = &canonical.Light{Kind: "TERMINAL", State: "GREEN", Reason: "consignee notified (FSU/NFD)"}
	case "DLV":
		e.Type = canonical.GatedOut
		e.Gate = &canonical.Gate{At: e.OccurredAt, Facility: &canonical.Facility{Code: s.airport}, Direction: "OUT"}
	}
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e, nil
}

// fsuDate places a status date (16OCT or 16OCT1317; a flight line's
// departure time information gives its time) in the local time of the
// status airport, or else of the AWB's airport, in the year that puts it
// closest to ref, within six months either way.
func fsuDate(s fsuLine, airport string, ref time.Time) (*time.Time, error) {
	d := s.date
	if len(d) != 5 && len(d) != 9 {
		return nil, fmt.Errorf("%s date %q: expected 16OCT or 16OCT1317", s.code, d)
	}
	mi := strings.Index(fsuMonths, d[2:5])
	day, derr := strconv.Atoi(d[:2])
	if mi < 0 || mi%3 != 0 || derr != nil || day < 1 || d[0] == '+' || d[0] == '-' {
		return nil, fmt.Errorf("%s date %q: expected 16OCT", s.code, d)
	}
	hhmm := d[5:]
	if hhmm == "" {
		hhmm = s.timeInfo
	}
	hour, minute := 0, 0
	if hhmm != "" {
		if !validHHMM(hhmm) {
			return nil, fmt.Errorf("%s time %q: expected 1317", s.code, hhmm)
		}
		hour, _ = strconv.Atoi(hhmm[:2])
		minute, _ = strconv.Atoi(hhmm[2:])
	}
	place := s.airport
	if place == "" {
		place = s.origin
	}
	loc, err := canonical.ZoneFor(place)
	if place == "" || err != nil {
		if loc, err = canonical.ZoneFor(airport); err != nil {
			return nil, err
		}
	}
	ref = ref.In(loc)
	lo, hi := ref.AddDate(0, -6, 0), ref.AddDate(0, 6, 0)
	var best time.Time
	for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
		t := time.Date(y, time.Month(mi/3+1), day, hour, minute, 0, 0, loc)
		if t.Day() != day || t.Before(lo) || t.After(hi) {
			continue
		}
		if best.IsZero() || t.Sub(ref).Abs() < best.Sub(ref).Abs() {
			best = t
		}
	}
	if best.IsZero() {
		return nil, fmt.Errorf("%s date %q is not within six months of %s", s.code, d, ref.Format(time.DateOnly))
	}
	best = best.UTC()
	return &best, nil
}
