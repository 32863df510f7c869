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
	mw.header(m)
	mw.consignment(m)
	if len(m.Statuses) == 0 {
		mw.fail(3, "status line", "", detail(ErrTruncated, "a message needs at least one status"))
	}
	for i := range m.Statuses {
		mw.status(3+i, &m.Statuses[i])
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
	errs []error
}

func (w *msgWriter) fail(line int, field, value string, err error) {
	w.errs = append(w.errs, &Error{Line: line, Field: field, Value: value, Err: err})
}

func (w *msgWriter) header(m *Message) {
	if m.Type != "FSU" && m.Type != "FSA" {
		w.fail(1, "message type", m.Type, detail(ErrSyntax, "expected FSU or FSA"))
	}
	if !isVersion(m.Version) {
		w.fail(1, "message version", m.Version, detail(ErrSyntax, "expected 1 to 3 digits"))
	}
	w.buf = append(w.buf, m.Type...)
	w.buf = append(w.buf, '/')
	w.buf = append(w.buf, m.Version...)
	w.buf = append(w.buf, w.eol...)
}

func (w *msgWriter) consignment(m *Message) {
	if err := m.AWB.Validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			w.fail(2, e.Field, e.Value, e.Err)
		}
	}
	if p := checkAirport(m.Origin); p != "" {
		w.fail(2, "origin", m.Origin, detail(ErrSyntax, "%s", p))
	}
	if p := checkAirport(m.Destination); p != "" {
		w.fail(2, "destination", m.Destination, detail(ErrSyntax, "%s", p))
	}
	if p := m.Shipment.check(); p != "" {
		w.fail(2, "shipment quantity", m.Shipment.String(), detail(ErrSyntax, "%s", p))
	}
	w.buf = append(w.buf, m.AWB.String()...)
	w.buf = append(w.buf, m.Origin...)
	w.buf = append(w.buf, m.Destination...)
	w.buf = append(w.buf, '/')
	w.buf = m.Shipment.appendTo(w.buf)
	w.buf = append(w.buf, w.eol...)
}

func (w *msgWriter) status(line int, st *Status) {
	g, ok := grammars[st.Code]
	if !ok {
		w.fail(line, "status code", st.Code, detail(ErrStatusCode, "expected one of %s", strings.Join(statusCodes, ", ")))
		return
	}
	var used fieldSet
	w.buf = append(w.buf, st.Code...)
	for _, k := range g {
		used = used.with(k)
		var problem string
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
		case fDateTime:
			if problem = checkDay(st.Day, st.Month); problem == "" {
				problem = checkTime(st.Time)
			}
			w.buf = append(append(append(append(w.buf, '/'), st.Day...), st.Month...), st.Time...)
		case fAirport:
			problem = checkAirport(st.Airport)
			w.buf = append(append(w.buf, '/'), st.Airport...)
		case fToAirport:
			problem = checkAirport(st.ToAirport)
			w.buf = append(append(w.buf, '/'), st.ToAirport...)
		case fQuantity:
			q := st.Quantity()
			switch {
			case q.Code != "":
				problem = q.check()
				w.buf = q.appendTo(append(w.buf, '/'))
			case q != (Quantity{}):
				problem = "pieces or weight without a shipment code"
			}
		}
		if problem != "" {
			name, _ := k.describe()
			w.fail(line, st.Code+" "+name, statusValue(st, k), detail(ErrSyntax, "%s", problem))
		}
	}
	w.checkUnused(line, st, used)
	for i, f := range st.Fields {
		if p := checkText(f, false); p != "" {
			w.fail(line, st.Code+" field", f, detail(ErrSyntax, "%s", p))
		}
		if i == 0 && st.ShipmentCode == "" && looksLikeQuantity(f) {
			w.fail(line, st.Code+" field", f, detail(ErrSyntax,
				"it would be read back as the quantity; set the quantity fields instead"))
		}
		w.buf = append(w.buf, '/')
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
	case fDateTime:
		return st.Day + st.Month + st.Time
	case fAirport:
		return st.Airport
	case fToAirport:
		return st.ToAirport
	case fQuantity:
		return st.Quantity().String()
	}
	return ""
}

// checkUnused rejects fields the code's grammar has no place for, which
// would otherwise be dropped silently.
func (w *msgWriter) checkUnused(line int, st *Status, used fieldSet) {
	unused := []struct {
		kind  fieldKind
		name  string
		value string
	}{
		{fFlight, "flight", st.Flight},
		{fCarrier, "carrier", st.Carrier},
		{fToAirport, "destination airport", st.ToAirport},
	}
	for _, u := range unused {
		if u.value != "" && !used.has(u.kind) {
			w.fail(line, st.Code+" "+u.name, u.value, detail(ErrSyntax, "%s lines have no %s", st.Code, u.name))
		}
	}
	if st.Time != "" && !used.has(fDateTime) {
		w.fail(line, st.Code+" time", st.Time, detail(ErrSyntax, "%s lines have no time", st.Code))
	}
	if (st.Day != "" || st.Month != "") && !used.has(fDateTime) && !used.has(fDayMonth) {
		w.fail(line, st.Code+" date", st.Day+st.Month, detail(ErrSyntax, "%s lines have no date", st.Code))
	}
}

// fieldSet is a set of field kinds.
type fieldSet uint16

func (s fieldSet) with(k fieldKind) fieldSet { return s | 1<<k }
func (s fieldSet) has(k fieldKind) bool      { return s&(1<<k) != 0 }
