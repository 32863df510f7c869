package cargoimp

import (
	"errors"
	"io"
	"strings"
)

// WriteOptions shape the output of WriteFSUWith.
type WriteOptions struct {
	// LF ends lines with "\n" instead of the usual "\r\n".
	LF bool
}

// WriteFSU writes m as a Cargo-IMP message with CRLF line ends. It is the
// inverse of ParseFSU: the output parses back to m (apart from Lines and
// Status.Line). m is validated first, AWB check digit included; every
// problem is reported with the line it would have been written on, and
// nothing is written then.
func WriteFSU(w io.Writer, m *Message) error {
	return WriteFSUWith(w, m, WriteOptions{})
}

// WriteFSUWith is WriteFSU with options.
func WriteFSUWith(w io.Writer, m *Message, opts WriteOptions) error {
	eol := "\r\n"
	if opts.LF {
		eol = "\n"
	}
	mw := msgWriter{buf: make([]byte, 0, 128+64*len(m.Statuses)), eol: eol}
	mw.envelope(m)
	mw.header(m)
	mw.consignment(m)
	if len(m.Statuses) == 0 {
		mw.fail(mw.line+1, "status line", "", detail(ErrTruncated, "a message needs at least one status"))
	}
	for i := range m.Statuses {
		mw.status(&m.Statuses[i])
	}
	if len(mw.errs) > 0 {
		return errors.Join(mw.errs...)
	}
	_, err := w.Write(mw.buf)
	return err
}

type msgWriter struct {
	buf  []byte
	eol  string
	line int // the line last written
	errs []error
}

func (w *msgWriter) fail(line int, field, value string, err error) {
	w.errs = append(w.errs, &Error{Line: line, Field: field, Value: value, Err: err})
}

// envelope writes the Type B address header, if the message has one.
func (w *msgWriter) envelope(m *Message) {
	env := m.Envelope
	if env == nil {
		return
	}
	if len(env.Priority) != 2 || env.Priority[0] != 'Q' || !isUpper(env.Priority[1]) {
		w.fail(1, "envelope priority", env.Priority, detail(ErrSyntax, "expected Q and a letter, as in QK"))
	}
	if len(env.Recipients) == 0 {
		w.fail(1, "envelope recipient", "", detail(ErrTruncated, "expected at least one 7-character address, as in AMSFMKL"))
	}
	w.buf = append(w.buf, env.Priority...)
	for _, a := range env.Recipients {
		if !isAddress(a) {
			w.fail(1, "envelope recipient", a, detail(ErrSyntax, "expected a 7-character address, as in AMSFMKL"))
		}
		w.buf = append(append(w.buf, ' '), a...)
	}
	w.buf = append(w.buf, w.eol...)
	if !isAddress(env.Sender) {
		w.fail(2, "envelope sender", env.Sender, detail(ErrSyntax, "expected a 7-character address, as in FRAFMLH"))
	}
	if p := checkText(env.Stamp, true); p != "" || strings.Trim(env.Stamp, " ") == "" && env.Stamp != "" {
		w.fail(2, "envelope stamp", env.Stamp, detail(ErrSyntax, "expected printable text such as 161317"))
	}
	w.buf = append(append(w.buf, '.'), env.Sender...)
	if env.Stamp != "" {
		w.buf = append(append(w.buf, ' '), env.Stamp...)
	}
	w.buf = append(w.buf, w.eol...)
	w.line = 2
}

func (w *msgWriter) header(m *Message) {
	w.line++
	if m.Type != "FSU" && m.Type != "FSA" {
		w.fail(w.line, "message type", m.Type, detail(ErrSyntax, "expected FSU or FSA"))
	}
	if !isVersion(m.Version) {
		w.fail(w.line, "message version", m.Version, detail(ErrSyntax, "expected 1 to 3 digits"))
	}
	w.buf = append(w.buf, m.Type...)
	w.buf = append(w.buf, '/')
	w.buf = append(w.buf, m.Version...)
	w.buf = append(w.buf, w.eol...)
}

func (w *msgWriter) consignment(m *Message) {
	w.line++
	if err := m.AWB.Validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			w.fail(w.line, e.Field, e.Value, e.Err)
		}
	}
	if m.Origin != "" || m.Destination != "" {
		if p := checkAirport(m.Origin); p != "" {
			w.fail(w.line, "origin", m.Origin, detail(ErrSyntax, "%s", p))
		}
		if p := checkAirport(m.Destination); p != "" {
			w.fail(w.line, "destination", m.Destination, detail(ErrSyntax, "%s", p))
		}
	}
	w.buf = append(w.buf, m.AWB.String()...)
	w.buf = append(w.buf, m.Origin...)
	w.buf = append(w.buf, m.Destination...)
	switch {
	case m.Shipment.Code != "":
		if p := m.Shipment.check(); p != "" {
			w.fail(w.line, "shipment quantity", m.Shipment.String(), detail(ErrSyntax, "%s", p))
		}
		w.buf = m.Shipment.appendTo(append(w.buf, '/'))
	case m.Shipment != (Quantity{}):
		w.fail(w.line, "shipment quantity", "", detail(ErrSyntax, "pieces or weight without a shipment code"))
	}
	w.buf = append(w.buf, w.eol...)
}

func (w *msgWriter) status(st *Status) {
	w.line++
	line := w.line
	g, ok := grammars[st.Code]
	if !ok {
		w.fail(line, "status code", st.Code, detail(ErrStatusCode, "expected one of %s", strings.Join(statusCodes, ", ")))
		return
	}
	var used fieldSet
	w.buf = append(w.buf, st.Code...)
	for _, k := range g {
		used = used.with(k)
		if problem := w.field(st, k); problem != "" {
			name, _ := k.describe()
			w.fail(line, st.Code+" "+name, statusValue(st, k), detail(ErrSyntax, "%s", problem))
		}
	}
	w.checkUnused(line, st, used)
	w.fields(line, st, used)
	for _, c := range st.Continued {
		w.continued(st, c)
	}
}

// field writes the field of kind k of st and explains what is wrong with
// it, or returns "".
func (w *msgWriter) field(st *Status, k fieldKind) (problem string) {
	switch k {
	case fFlight:
		problem = checkFlight(st.Flight)
		w.buf = append(append(w.buf, '/'), st.Flight...)
	case fCarrier:
		problem = checkCarrier(st.Carrier)
		w.buf = append(append(w.buf, '/'), st.Carrier...)
	case fDayMonth:
		problem = checkDay(st.Day, st.Month)
		w.buf = append(append(append(w.buf, '/'), st.Day...), st.Month...)
	case fDateTime, fDateOptTime:
		if problem = checkDay(st.Day, st.Month); problem == "" && (k == fDateTime || st.Time != "") {
			problem = checkTime(st.Time)
		}
		w.buf = append(append(append(append(w.buf, '/'), st.Day...), st.Month...), st.Time...)
	case fAirport:
		problem = checkAirport(st.Airport)
		w.buf = append(append(w.buf, '/'), st.Airport...)
	case fAirportPair:
		problem = checkAirportPair(st.Origin + st.Destination)
		w.buf = append(append(append(w.buf, '/'), st.Origin...), st.Destination...)
	case fDiscrepancy:
		problem = checkDiscrepancy(st.Discrepancy)
		w.buf = append(append(w.buf, '/'), st.Discrepancy...)
	case fText:
		if len(st.Fields) == 0 || st.Fields[0] == "" {
			problem = "the text goes in the first field"
		}
	case fOCI:
		problem = checkOCI(st.Fields)
	case fQuantity:
		q := st.Quantity()
		switch {
		case q.Code != "":
			problem = q.check()
			w.buf = q.appendTo(append(w.buf, '/'))
		case q != (Quantity{}):
			problem = "pieces or weight without a shipment code"
		}
	case fMovement:
		problem = w.movement(st)
	}
	return problem
}

// movement writes the optional flight of a CRC line.
func (w *msgWriter) movement(st *Status) string {
	if st.Flight == "" && st.FlightDate == "" && st.Origin == "" && st.Destination == "" {
		return ""
	}
	problem := checkFlight(st.Flight)
	if problem == "" && len(st.FlightDate) == 5 {
		problem = checkDay(st.FlightDate[:2], st.FlightDate[2:])
	} else if problem == "" {
		problem = "expected the flight's day and month, as in 16OCT"
	}
	if problem == "" {
		problem = checkAirportPair(st.Origin + st.Destination)
	}
	w.buf = append(append(w.buf, '/'), st.Flight...)
	w.buf = append(append(w.buf, '/'), st.FlightDate...)
	w.buf = append(append(append(w.buf, '/'), st.Origin...), st.Destination...)
	return problem
}

// fields writes the free fields after the grammar, refusing any that would
// be read back as part of the grammar.
func (w *msgWriter) fields(line int, st *Status, used fieldSet) {
	for i, f := range st.Fields {
		if p := checkText(f, false); p != "" {
			w.fail(line, st.Code+" field", f, detail(ErrSyntax, "%s", p))
		}
		if i == 0 && used.has(fQuantity) && st.ShipmentCode == "" && looksLikeQuantity(f) {
			w.fail(line, st.Code+" field", f, detail(ErrSyntax,
				"it would be read back as the quantity; set the quantity fields instead"))
		}
		if i == 0 && used.has(fMovement) && st.Flight == "" && checkFlight(f) == "" {
			w.fail(line, st.Code+" field", f, detail(ErrSyntax,
				"it would be read back as the flight; set the flight fields instead"))
		}
		w.buf = append(w.buf, '/')
		w.buf = append(w.buf, f...)
	}
	w.buf = append(w.buf, w.eol...)
}

// continued writes one continuation line of st.
func (w *msgWriter) continued(st *Status, fields []string) {
	w.line++
	w.buf = append(w.buf, '/')
	for i, f := range fields {
		if p := checkText(f, false); p != "" {
			w.fail(w.line, st.Code+" continuation field", f, detail(ErrSyntax, "%s", p))
		}
		if i > 0 {
			w.buf = append(w.buf, '/')
		}
		w.buf = append(w.buf, f...)
	}
	w.buf = append(w.buf, w.eol...)
}

// statusValue renders the field of kind k of st, for errors.
func statusValue(st *Status, k fieldKind) string {
	switch k {
	case fFlight:
		return st.Flight
	case fCarrier:
		return st.Carrier
	case fDayMonth:
		return st.Day + st.Month
	case fDateTime, fDateOptTime:
		return st.Day + st.Month + st.Time
	case fAirport:
		return st.Airport
	case fAirportPair:
		return st.Origin + st.Destination
	case fDiscrepancy:
		return st.Discrepancy
	case fQuantity:
		return st.Quantity().String()
	case fMovement:
		return st.Flight + "/" + st.FlightDate + "/" + st.Origin + st.Destination
	case fText, fOCI:
		return strings.Join(st.Fields, "/")
	}
	return ""
}

// checkUnused rejects fields the code's grammar has no place for, which
// would otherwise be dropped silently.
func (w *msgWriter) checkUnused(line int, st *Status, used fieldSet) {
	unused := []struct {
		used  bool
		name  string
		value string
	}{
		{used.has(fFlight) || used.has(fMovement), "flight", st.Flight},
		{used.has(fCarrier), "carrier", st.Carrier},
		{used.has(fAirport), "airport", st.Airport},
		{used.has(fAirportPair) || used.has(fMovement), "origin", st.Origin},
		{used.has(fAirportPair) || used.has(fMovement), "destination", st.Destination},
		{used.has(fMovement), "flight date", st.FlightDate},
		{used.has(fDiscrepancy), "discrepancy code", st.Discrepancy},
		{used.has(fDateTime) || used.has(fDateOptTime), "time", st.Time},
		{used.has(fDateTime) || used.has(fDateOptTime) || used.has(fDayMonth), "date", st.Day + st.Month},
		{used.has(fQuantity), "quantity", quantityText(st.Quantity())},
	}
	for _, u := range unused {
		if u.value != "" && !u.used {
			w.fail(line, st.Code+" "+u.name, u.value, detail(ErrSyntax, "%s lines have no %s", st.Code, u.name))
		}
	}
}

// quantityText renders q, or "" when it is empty.
func quantityText(q Quantity) string {
	if q == (Quantity{}) {
		return ""
	}
	return q.String()
}

// fieldSet is a set of field kinds.
type fieldSet uint16

func (s fieldSet) with(k fieldKind) fieldSet { return s | 1<<k }
func (s fieldSet) has(k fieldKind) bool      { return s&(1<<k) != 0 }
