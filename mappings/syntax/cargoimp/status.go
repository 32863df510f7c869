package cargoimp

import (
	"slices"
	"strings"
)

// fieldKind is the meaning of one field of a status line.
type fieldKind uint8

const (
	fFlight      fieldKind = iota + 1 // carrier designator and flight number: LH400
	fCarrier                          // carrier designator: AA
	fDayMonth                         // day and month: 16OCT
	fDateTime                         // day, month and local time: 16OCT1317
	fDateOptTime                      // day and month, local time optional: 16OCT or 16OCT1317
	fAirport                          // airport where the status happened: FRA
	fAirportPair                      // departure and arrival airports joined: FRAAMS
	fDiscrepancy                      // discrepancy code: MSCA
	fText                             // free text, required: OSI/<text>
	fOCI                              // customs, security and regulatory control information
	fQuantity                         // shipment quantity, optional: T1K100
	fMovement                         // optional flight, date and airport pair after the quantity (CRC)
)

// describe names a field kind in errors and in StatusGrammar.
func (k fieldKind) describe() (name, example string) {
	switch k {
	case fFlight:
		return "flight", "LH400"
	case fCarrier:
		return "carrier", "AA"
	case fDayMonth:
		return "date", "16OCT"
	case fDateTime:
		return "date/time", "16OCT1317"
	case fDateOptTime:
		return "date[/time]", "16OCT1317"
	case fAirport:
		return "airport", "FRA"
	case fAirportPair:
		return "airport pair", "FRAAMS"
	case fDiscrepancy:
		return "discrepancy code", "MSCA"
	case fText:
		return "text", "ANY TEXT"
	case fOCI:
		return "control information", "NL/ISS/RA/NLRA00001"
	case fQuantity:
		return "quantity", "T1K100"
	case fMovement:
		return "movement", "LH400/16OCT/FRAAMS"
	}
	return "field", ""
}

// optional reports whether a field of kind k may be absent at the end of a
// line (the quantity and the trailing movement of CRC).
func (k fieldKind) optional() bool { return k == fQuantity || k == fMovement }

// grammars lists, per status code, the fields that follow the code, as the
// IATA Cargo-IMP status message lays them out (the manual itself is not
// public; the layouts follow published FSU examples and a public grammar of
// FSU/FSA version 15). Any further fields (names, time information) are
// kept in Status.Fields.
var grammars = map[string][]fieldKind{
	// Booked, prepared for loading, manifested and departed on a flight:
	// flight, scheduled date, departure and arrival airports joined.
	"BKD": {fFlight, fDayMonth, fAirportPair, fQuantity},
	"PRE": {fFlight, fDayMonth, fAirportPair, fQuantity},
	"MAN": {fFlight, fDayMonth, fAirportPair, fQuantity},
	"DEP": {fFlight, fDayMonth, fAirportPair, fQuantity},
	// Arrived with a flight, documents arrived with a flight, received
	// from a flight: flight, date and time, arrival airport.
	"ARR": {fFlight, fDateOptTime, fAirport, fQuantity},
	"AWR": {fFlight, fDateOptTime, fAirport, fQuantity},
	"RCF": {fFlight, fDateTime, fAirport, fQuantity},
	// A discrepancy found on a flight: the code comes before the quantity.
	"DIS": {fFlight, fDateTime, fAirport, fDiscrepancy, fQuantity},
	// Received from shipper, freight on hand, consignee notified, documents
	// delivered, cleared by customs, delivered, delivered to door,
	// transferred to customs control, documents received by the handler,
	// picked up, into and out of warehouse: when and where.
	"RCS": {fDateTime, fAirport, fQuantity},
	"FOH": {fDateTime, fAirport, fQuantity},
	"NFD": {fDateTime, fAirport, fQuantity},
	"AWD": {fDateTime, fAirport, fQuantity},
	"CCD": {fDateTime, fAirport, fQuantity},
	"DLV": {fDateTime, fAirport, fQuantity},
	"DDL": {fDateTime, fAirport, fQuantity},
	"TGC": {fDateTime, fAirport, fQuantity},
	"DOC": {fDateTime, fAirport, fQuantity},
	"DPU": {fDateTime, fAirport, fQuantity},
	"FIW": {fDateTime, fAirport, fQuantity},
	"FOW": {fDateTime, fAirport, fQuantity},
	// Reported to customs: when and where, then optionally the flight.
	"CRC": {fDateTime, fAirport, fQuantity, fMovement},
	// Transferred to, received from, or to be transferred to another carrier.
	"TFD": {fCarrier, fDateTime, fAirport, fQuantity},
	"RCT": {fCarrier, fDateTime, fAirport, fQuantity},
	"TRM": {fCarrier, fAirport, fQuantity},
	// Other service information (free text) and other customs, security
	// and regulatory control information: no date, no place.
	"OSI": {fText},
	"OCI": {fOCI},
}

// statusCodes is the sorted list of known codes, for errors.
var statusCodes = func() []string {
	codes := make([]string, 0, len(grammars))
	for c := range grammars {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}()

// StatusCodes returns the status codes this package reads, sorted.
func StatusCodes() []string { return slices.Clone(statusCodes) }

// StatusGrammar describes the fields of a status line for code, for
// documentation and error messages, e.g.
// "DEP/<flight LH400>/<date 16OCT>/<airport pair FRAAMS>[/<quantity T1K100>][/...]".
func StatusGrammar(code string) (string, bool) {
	g, ok := grammars[code]
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString(code)
	for _, k := range g {
		name, example := k.describe()
		if k.optional() {
			b.WriteString("[/<" + name + " " + example + ">]")
			continue
		}
		b.WriteString("/<" + name + " " + example + ">")
	}
	b.WriteString("[/...]")
	return b.String(), true
}

// Status is one status line of an FSU. Which fields are set depends on the
// code; see StatusGrammar.
type Status struct {
	// Line is the line number in the input; WriteFSU ignores it.
	Line int
	// Code is the status code, e.g. RCS, DEP, NFD, DLV.
	Code string
	// Day, Month and Time are as sent: "16", "OCT", "1317". Time is empty
	// for codes whose date has no time. Use ResolveDate to place them.
	Day, Month, Time string
	// Flight is carrier designator and number, e.g. "LH400".
	Flight string
	// Carrier is the other carrier of a transfer, e.g. "AA".
	Carrier string
	// Airport is where the status happened, for lines with one airport.
	Airport string
	// Origin and Destination are the departure and arrival airports of a
	// flight line (BKD, PRE, MAN, DEP, and the optional flight of CRC),
	// sent joined as in FRAAMS.
	Origin, Destination string
	// FlightDate is the flight's day and month on a CRC line ("16OCT");
	// the line's own Day and Month are when it was reported.
	FlightDate string
	// Discrepancy is the discrepancy code of a DIS line, e.g. MSCA.
	Discrepancy string
	// ShipmentCode, Pieces, WeightUnit, Weight and TotalPieces are the
	// quantity of the line, as in Quantity. ShipmentCode is empty when the
	// line has no quantity.
	ShipmentCode string
	Pieces       int
	WeightUnit   string
	Weight       string
	TotalPieces  int
	// Fields are the raw fields after those the grammar names, such as the
	// name of the person notified, time information, or the text of OSI
	// and the control information of OCI.
	Fields []string
	// Continued are the continuation lines that follow the line (a line
	// starting with '/': the second OSI line, further OCI entries, the
	// received-from carrier of RCT), each without its leading '/', split
	// into fields.
	Continued [][]string
}

// Quantity returns the quantity of the line; its Code is empty when the
// line has none.
func (s *Status) Quantity() Quantity {
	return Quantity{Code: s.ShipmentCode, Pieces: s.Pieces, WeightUnit: s.WeightUnit,
		Weight: s.Weight, TotalPieces: s.TotalPieces}
}

func (s *Status) setQuantity(q Quantity) {
	s.ShipmentCode, s.Pieces, s.WeightUnit, s.Weight, s.TotalPieces =
		q.Code, q.Pieces, q.WeightUnit, q.Weight, q.TotalPieces
}

// StatusSlots names the fields of a status line for code in order, as
// StatusGrammar does ("flight", "date", "airport pair", "quantity", ...),
// so an encoder knows which fields a code has a place for.
func StatusSlots(code string) ([]string, bool) {
	g, ok := grammars[code]
	if !ok {
		return nil, false
	}
	names := make([]string, len(g))
	for i, k := range g {
		names[i], _ = k.describe()
	}
	return names, true
}

// DepartureTime returns the local time of the time information that may
// follow the quantity of a flight line (BKD, PRE, MAN, DEP): a type letter
// and the time, as in /A2015 (actual departure 20:15). It returns "" when
// the line has none, or when the time carries a day-change indicator
// (A0130-N), as the line's date is then not the day of that time.
func (s *Status) DepartureTime() string {
	g := grammars[s.Code]
	if len(g) < 3 || g[2] != fAirportPair || len(s.Fields) == 0 {
		return ""
	}
	f := s.Fields[0]
	if len(f) != 5 || !isUpper(f[0]) || checkTime(f[1:]) != "" {
		return ""
	}
	return f[1:]
}

// ArrivalAirport returns the airport the line's flight arrives at: the
// second airport of a flight line, the airport of ARR, AWR, RCF and DIS
// (the arrival airport of their flight), and "" for other lines.
func (s *Status) ArrivalAirport() string {
	switch s.Code {
	case "ARR", "AWR", "RCF", "DIS":
		return s.Airport
	}
	return s.Destination
}
