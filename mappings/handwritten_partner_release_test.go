package mappings_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

// The hand-written partner release decoders are the baselines the engine is
// measured against on flat files: partner/release-csv read with
// encoding/csv, partner/release-fixed cut by column, both mapped by plain
// code with the profile's checks (header, action, ISO 6346, UN/LOCODE,
// required fields, dates in the port's zone). A file holding a bad row or
// record is refused whole, where the engine keeps the good ones.

// releaseCSVColumns is the header partner/release-csv requires, in order.
var releaseCSVColumns = strings.Split(strings.TrimSuffix(releaseCSVHeader, "\n"), ",")

// releaseCSVTypes maps the action column to the event type.
var releaseCSVTypes = map[string]canonical.EventType{
	"NEW": canonical.ReleaseCreated, "UPDATE": canonical.ReleaseUpdated, "WITHDRAW": canonical.ReleaseWithdrawn,
	"BLOCK": canonical.ReleaseBlocked, "UNBLOCK": canonical.ReleaseUnblocked,
}

// Columns of partner/release-csv.
const (
	csvAction = iota
	csvPort
	csvCarrier
	csvBL
	csvContainer
	csvSizeType
	csvReleaseNumber
	csvValidFrom
	csvValidUntil
	csvTerminal
	csvReleaseTo
	csvEORI
	csvRemarks
)

// decodeReleaseCSV turns a partner release list into one event per row.
func decodeReleaseCSV(data []byte) ([]*canonical.ReleaseEvent, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(releaseCSVColumns)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	for i, want := range releaseCSVColumns {
		if head[i] != want {
			return nil, fmt.Errorf("header column %d is %q, expected %q", i+1, head[i], want)
		}
	}
	var out []*canonical.ReleaseEvent
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		e, err := releaseCSVEvent(rec)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", row, err)
		}
		out = append(out, e)
	}
}

// releaseCSVEvent maps one row.
func releaseCSVEvent(rec []string) (*canonical.ReleaseEvent, error) {
	typ, ok := releaseCSVTypes[rec[csvAction]]
	if !ok {
		return nil, fmt.Errorf("action %q is not known", rec[csvAction])
	}
	e := &canonical.ReleaseEvent{Type: typ, Source: canonical.Source{
		PCS: "partner", Profile: "partner/release-csv", MessageRef: rec[csvReleaseNumber], Function: rec[csvAction],
	}}
	k := &e.Key
	k.Port, k.Carrier = handUpper(rec[csvPort]), handUpper(rec[csvCarrier])
	k.BLNumber, k.ContainerNumber = handUpper(rec[csvBL]), handUpper(rec[csvContainer])
	if k.Port == "" || k.Carrier == "" || k.BLNumber == "" || k.ContainerNumber == "" {
		return nil, errors.New("port, carrier, blNumber and containerNumber are required")
	}
	if err := canonical.CheckLocode(k.Port); err != nil {
		return nil, err
	}
	if err := canonical.CheckContainerNumber(k.ContainerNumber); err != nil {
		return nil, err
	}
	eq := &canonical.Equipment{ContainerNumber: k.ContainerNumber}
	if st := rec[csvSizeType]; st != "" {
		var err error
		if eq.ISOSizeType, err = canonical.NormalizeSizeType(st); err != nil {
			return nil, err
		}
	}
	e.Equipment = eq
	r, err := releaseCSVRelease(rec, e)
	if err != nil {
		return nil, err
	}
	e.Release = r
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e, nil
}

// releaseCSVRelease builds the release part of a row's event.
func releaseCSVRelease(rec []string, e *canonical.ReleaseEvent) (*canonical.Release, error) {
	r := &canonical.Release{
		ReleaseNumber:  rec[csvReleaseNumber],
		Remarks:        rec[csvRemarks],
		PickupTerminal: &canonical.Facility{Locode: e.Key.Port, Code: rec[csvTerminal]},
	}
	switch rec[csvAction] {
	case "BLOCK", "UNBLOCK":
		b := rec[csvAction] == "BLOCK"
		r.Blocked = &b
	}
	if name, eori := rec[csvReleaseTo], rec[csvEORI]; name != "" || eori != "" {
		p := &canonical.Party{Name: name, Role: "RELEASE_TO"}
		if eori != "" {
			p.IDs = []canonical.PartyID{{Scheme: canonical.SchemeEORI, Value: eori}}
			if err := canonical.CheckEORI(eori); err != nil {
				e.Warnings = append(e.Warnings, fmt.Sprintf("release.releaseTo EORI %s %v", errtext.Quote(eori), err))
			}
		}
		r.ReleaseTo = p
	}
	loc, err := canonical.ZoneFor(e.Key.Port)
	if err != nil {
		return nil, err
	}
	if r.ValidFrom, err = handDateTime(rec[csvValidFrom], loc, false); err != nil {
		return nil, err
	}
	if r.ValidUntil, err = handDateTime(rec[csvValidUntil], loc, true); err != nil {
		return nil, err
	}
	if err := canonical.CheckValidity(r.ValidFrom, r.ValidUntil); err != nil {
		return nil, err
	}
	return r, nil
}

// handUpper is the profile's "upper": trimmed and in capitals.
func handUpper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// handDateTime reads RFC 3339 or a local "YYYY-MM-DD[ HH:MM]" (also with
// a T and seconds) in loc; a date alone is the start of that day, or its
// last minute when endOfDay. An empty value is nil.
func handDateTime(s string, loc *time.Location, endOfDay bool) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var t time.Time
	var err error
	switch len(s) {
	case 10:
		if t, err = time.ParseInLocation(time.DateOnly, s, loc); err == nil && endOfDay {
			t = t.AddDate(0, 0, 1).Add(-time.Minute)
		}
	case 16, 19:
		layout := "2006-01-02 15:04:05"[:len(s)]
		if s[10] == 'T' {
			layout = "2006-01-02T15:04:05"[:len(s)]
		}
		t, err = time.ParseInLocation(layout, s, loc)
	default:
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		if rt, rerr := time.Parse(time.RFC3339Nano, s); rerr == nil {
			t, err = rt, nil
		} else {
			return nil, fmt.Errorf("date %q: %w", s, err)
		}
	}
	t = t.UTC()
	return &t, nil
}

// releaseFixedTypes maps the D1 action to the event type.
var releaseFixedTypes = map[string]canonical.EventType{
	"N": canonical.ReleaseCreated, "U": canonical.ReleaseUpdated, "C": canonical.ReleaseWithdrawn,
}

// releaseFixedLength is the length of every record of partner/release-fixed.
const releaseFixedLength = 100

// decodeReleaseFixed turns a partner release file of H0, D1 and T9 records
// into one event per D1 record.
func decodeReleaseFixed(data []byte) ([]*canonical.ReleaseEvent, error) {
	var out []*canonical.ReleaseEvent
	var sender string
	var h0 fixedHeader
	text := string(data)
	for no := 1; text != ""; no++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		rec, err := fixedRecord(strings.TrimSuffix(line, "\r"))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", no, err)
		}
		switch rec[0:2] {
		case "H0":
			sender, h0 = strings.TrimRight(rec[2:14], " "), fixedHeader{created: strings.TrimRight(rec[14:26], " ")}
		case "D1":
			e, err := releaseFixedEvent(rec, sender, &h0)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", no, err)
			}
			out = append(out, e)
		case "T9":
		default:
			return nil, fmt.Errorf("line %d: record type %q is not H0, D1 or T9", no, rec[0:2])
		}
	}
	return out, nil
}

// fixedRecord checks one line and returns it with one byte per column:
// a line of plain ASCII as it is, another with each character that is not
// replaced by a marker byte, so columns can be cut by byte offset. Only
// names (D1 releaseTo) may hold such characters; releaseFixedEvent takes
// them from the original line.
func fixedRecord(line string) (string, error) {
	n := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			return "", fmt.Errorf("control character %q", c)
		}
		if c < 0x80 || c >= 0xc0 {
			n++
		}
	}
	if n != len(line) && !utf8.ValidString(line) {
		return "", errors.New("record is not UTF-8 text")
	}
	if n != releaseFixedLength {
		return "", fmt.Errorf("record is %d characters, not %d", n, releaseFixedLength)
	}
	return line, nil
}

// fixedColumns cuts characters [from, to) of a record, counting
// characters, not bytes, and trims the padding spaces on the right.
func fixedColumns(rec string, from, to int) string {
	if len(rec) == releaseFixedLength {
		return strings.TrimRight(rec[from:to], " ")
	}
	start, end, col := len(rec), len(rec), 0
	for i := range rec {
		if col == from {
			start = i
		}
		if col == to {
			end = i
			break
		}
		col++
	}
	return strings.TrimRight(rec[start:end], " ")
}

// fixedHeader is the creation time of the file header (H0), as sent and
// as last read, in the zone it was read in.
type fixedHeader struct {
	created string
	at      *time.Time
	loc     *time.Location
}

// occurredAt reads the creation time in loc, once per zone in a row.
func (h *fixedHeader) occurredAt(loc *time.Location) (*time.Time, error) {
	if h.loc != loc {
		t, err := handCCYYMMDD(h.created, loc, false)
		if err != nil {
			return nil, err
		}
		h.at, h.loc = t, loc
	}
	return h.at, nil
}

// releaseFixedEvent maps one D1 record.
func releaseFixedEvent(rec, sender string, h0 *fixedHeader) (*canonical.ReleaseEvent, error) {
	action := fixedColumns(rec, 2, 3)
	typ, ok := releaseFixedTypes[action]
	if !ok {
		return nil, fmt.Errorf("action %q is not known", action)
	}
	number := fixedColumns(rec, 43, 55)
	e := &canonical.ReleaseEvent{Type: typ, Source: canonical.Source{
		PCS: "partner", Profile: "partner/release-fixed", Sender: sender, MessageRef: number, Function: action,
	}}
	k := &e.Key
	k.ContainerNumber, k.BLNumber = fixedColumns(rec, 3, 14), fixedColumns(rec, 14, 34)
	k.Port, k.Carrier = fixedColumns(rec, 34, 39), fixedColumns(rec, 39, 43)
	if k.Port == "" || k.Carrier == "" || k.BLNumber == "" || k.ContainerNumber == "" {
		return nil, errors.New("containerNumber, blNumber, port and carrier are required")
	}
	if err := canonical.CheckContainerNumber(k.ContainerNumber); err != nil {
		return nil, err
	}
	if err := canonical.CheckLocode(k.Port); err != nil {
		return nil, err
	}
	eq := &canonical.Equipment{ContainerNumber: k.ContainerNumber}
	if g := fixedColumns(rec, 63, 71); g != "" {
		kg, err := strconv.ParseFloat(g, 64)
		if err != nil {
			return nil, fmt.Errorf("grossKg %q: %w", g, err)
		}
		eq.GrossKg = &kg
	}
	e.Equipment = eq
	loc, err := canonical.ZoneFor(k.Port)
	if err != nil {
		return nil, err
	}
	if e.OccurredAt, err = h0.occurredAt(loc); err != nil {
		return nil, err
	}
	r := &canonical.Release{ReleaseNumber: number}
	if name := fixedColumns(rec, 71, 100); name != "" {
		r.ReleaseTo = &canonical.Party{Name: name, Role: "RELEASE_TO"}
	}
	if r.ValidUntil, err = handCCYYMMDD(fixedColumns(rec, 55, 63), loc, true); err != nil {
		return nil, err
	}
	e.Release = r
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e, nil
}

// handCCYYMMDD reads CCYYMMDD (the last minute of that day when endOfDay)
// or CCYYMMDDHHMM in loc; an empty value is nil.
func handCCYYMMDD(s string, loc *time.Location, endOfDay bool) (*time.Time, error) {
	var t time.Time
	var err error
	switch len(s) {
	case 0:
		return nil, nil
	case 8:
		if t, err = time.ParseInLocation("20060102", s, loc); err == nil && endOfDay {
			t = t.AddDate(0, 0, 1).Add(-time.Minute)
		}
	case 12:
		t, err = time.ParseInLocation("200601021504", s, loc)
	default:
		err = errors.New("want CCYYMMDD or CCYYMMDDHHMM")
	}
	if err != nil {
		return nil, fmt.Errorf("date %q: %w", s, err)
	}
	t = t.UTC()
	return &t, nil
}
