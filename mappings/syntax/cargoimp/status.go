package cargoimp

import (
	"slices"
	"strings"
)

// fieldKind is the meaning of one field of a status line.
type fieldKind uint8

const (
	fFlight    fieldKind = iota + 1 // carrier designator and flight number: LH400
	fCarrier                        // carrier designator: AA
	fDayMonth                       // day and month: 16OCT
	fDateTime                       // day, month and local time: 16OCT1317
	fAirport                        // airport where the status happened: FRA
	fToAirport                      // airport the flight goes to: JFK
	fQuantity                       // shipment quantity, optional: T1K100
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
	case fAirport:
		return "airport", "FRA"
	case fToAirport:
		return "destination airport", "JFK"
	case fQuantity:
		return "quantity", "T1K100"
	}
	return "field", ""
}

// grammars lists, per status code, the fields that follow the code. These
// are inferred from published FSU examples, not from the IATA manual. Every
// grammar ends with an optional quantity; any further fields (names,
// discrepancy codes, times) are kept in Status.Fields.
var grammars = map[string][]fieldKind{
	// Booked, prepared for loading, manifested and departed on a flight.
	"BKD": {fFlight, fDayMonth, fAirport, fToAirport, fQuantity},
	"PRE": {fFlight, fDayMonth, fAirport, fToAirport, fQuantity},
	"MAN": {fFlight, fDayMonth, fAirport, fToAirport, fQuantity},
	"DEP": {fFlight, fDayMonth, fAirport, fToAirport, fQuantity},
	// Arrived with a flight; received from a flight.
	"ARR": {fFlight, fDayMonth, fAirport, fQuantity},
	"RCF": {fFlight, fDateTime, fAirport, fQuantity},
	// Received from shipper, freight on hand, consignee notified, documents
	// delivered, cleared by customs, delivered, delivered to door,
	// discrepancy: when and where.
	"RCS": {fDateTime, fAirport, fQuantity},
	"FOH": {fDateTime, fAirport, fQuantity},
	"NFD": {fDateTime, fAirport, fQuantity},
	"AWD": {fDateTime, fAirport, fQuantity},
	"CCD": {fDateTime, fAirport, fQuantity},
	"DLV": {fDateTime, fAirport, fQuantity},
	"DDL": {fDateTime, fAirport, fQuantity},
	"DIS": {fDateTime, fAirport, fQuantity},
	// Transferred to, received from, or to be transferred to another carrier.
	"TFD": {fCarrier, fDateTime, fAirport, fQuantity},
	"RCT": {fCarrier, fDateTime, fAirport, fQuantity},
	"TRM": {fCarrier, fAirport, fQuantity},
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
// "DEP/<flight LH400>/<date 16OCT>/<airport FRA>/<destination airport JFK>[/<quantity T1K100>][/...]".
func StatusGrammar(code string) (string, bool) {
	g, ok := grammars[code]
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString(code)
	for _, k := range g {
		name, example := k.describe()
		if k == fQuantity {
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
	// Airport is where the status happened (the departure airport for
	// flight statuses); ToAirport is where the flight goes.
	Airport, ToAirport string
	// ShipmentCode, Pieces, WeightUnit, Weight and TotalPieces are the
	// quantity of the line, as in Quantity. ShipmentCode is empty when the
	// line has no quantity.
	ShipmentCode string
	Pieces       int
	WeightUnit   string
	Weight       string
	TotalPieces  int
	// Fields are the raw fields after those the grammar names, such as the
	// name of the person notified or a discrepancy code.
	Fields []string
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
