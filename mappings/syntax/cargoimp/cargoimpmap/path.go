package cargoimpmap

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// Cargo-IMP paths name the fields of a parsed FSU, as specs write them:
//
//	AWB                  the air waybill, "020-12345675"
//	AWB.prefix           airline prefix, "020" (also AWB.serial)
//	origin, destination  the AWB's airports, "FRA", "AMS"
//	shipment.pieces      consignment line quantity (also .code, .weight,
//	                     .weightUnit, .weightKg, .totalPieces; shipment whole)
//	type, version        "FSU", "14"
//	sender, recipient    the Type B envelope's sender and first recipient
//	                     address, "FRAFMLH", "AMSFMKL"
//	@.code               the current status line (each: status): code,
//	                     day, month, time, date, flight, carrier, airport,
//	                     origin, destination (a flight line's airports;
//	                     destination is also the arrival airport of ARR,
//	                     AWR, RCF and DIS),
//	                     flightDate, discrepancy, quantity, shipmentCode,
//	                     pieces, weight, weightUnit, weightKg, totalPieces,
//	                     fields[n], line (the status line as received)
//	status.code          the same fields of the first status line
//
// @.date is the status's day, month, time (on a flight line, the time of
// its departure time information, /A2015) and airport (the departure
// airport of a flight line) together, for `as: cargoimp-date`. weightKg
// converts pounds (L) to kilograms.
type cargoimpPaths struct{}

// cargoimpSelector reads one field of a message or of a status line.
type cargoimpSelector struct {
	raw    string
	status int // 0: message level; 1: current status (@); 2: first status
	name   string
	field  fieldID // name, resolved when the path is compiled
	index  int     // fields[n]
}

// fieldID names a field of a message or of a status line, so that reading
// one switches on a number rather than comparing names.
type fieldID uint8

const (
	fNone fieldID = iota
	fType
	fVersion
	fAWB
	fAWBPrefix
	fAWBSerial
	fOrigin
	fDestination
	fSender
	fRecipient
	fShipment
	fCode
	fDay
	fMonth
	fTime
	fDate
	fFlight
	fCarrier
	fAirport
	fFlightDate
	fDiscrepancy
	fFields
	fShipmentCode
	fQuantity
	fPieces
	fTotalPieces
	fWeight
	fWeightUnit
	fWeightKg
	fLine
)

// quantityFields are the parts of a quantity, as status fields name them
// and, after "shipment.", message fields.
var quantityFields = map[string]fieldID{
	"code": fCode, "pieces": fPieces, "totalPieces": fTotalPieces,
	"weight": fWeight, "weightUnit": fWeightUnit, "weightKg": fWeightKg,
}

var cargoimpMessageIDs = map[string]fieldID{
	"type": fType, "version": fVersion, "AWB": fAWB, "AWB.prefix": fAWBPrefix, "AWB.serial": fAWBSerial,
	"origin": fOrigin, "destination": fDestination, "sender": fSender, "recipient": fRecipient, "shipment": fShipment,
}

var cargoimpStatusIDs = map[string]fieldID{
	"code": fCode, "day": fDay, "month": fMonth, "time": fTime, "date": fDate, "flight": fFlight,
	"carrier": fCarrier, "airport": fAirport, "origin": fOrigin, "destination": fDestination,
	"flightDate": fFlightDate, "discrepancy": fDiscrepancy, "quantity": fQuantity, "shipmentCode": fShipmentCode,
	"pieces": fPieces, "weight": fWeight, "weightUnit": fWeightUnit, "weightKg": fWeightKg,
	"totalPieces": fTotalPieces, "line": fLine,
}

// messageID resolves a message field: shipment.<part> is the part of the
// consignment line's quantity.
func messageID(name string) fieldID {
	if part, ok := strings.CutPrefix(name, "shipment."); ok {
		return quantityFields[part]
	}
	return cargoimpMessageIDs[name]
}

var cargoimpMessageFields = map[string]bool{
	"type": true, "version": true, "AWB": true, "AWB.prefix": true, "AWB.serial": true,
	"origin": true, "destination": true, "shipment": true, "shipment.code": true,
	"shipment.pieces": true, "shipment.weight": true, "shipment.weightUnit": true,
	"shipment.weightKg": true, "shipment.totalPieces": true, "sender": true, "recipient": true,
}

var cargoimpStatusFields = map[string]bool{
	"code": true, "day": true, "month": true, "time": true, "date": true, "flight": true,
	"carrier": true, "airport": true, "origin": true, "destination": true, "flightDate": true,
	"discrepancy": true, "quantity": true, "shipmentCode": true, "pieces": true, "weight": true,
	"weightUnit": true, "weightKg": true, "totalPieces": true, "line": true,
}

func (cargoimpPaths) CompilePath(path string) (engine.Selector, error) {
	s := &cargoimpSelector{raw: path}
	rest := path
	switch {
	case strings.HasPrefix(path, "@."):
		s.status, rest = 1, path[2:]
	case strings.HasPrefix(path, "status."):
		s.status, rest = 2, path[len("status."):]
	}
	if s.status == 0 {
		if !cargoimpMessageFields[rest] {
			return nil, fmt.Errorf("path %q: not a Cargo-IMP field (AWB, AWB.prefix, AWB.serial, origin, destination, shipment[.code|.pieces|.weight|.weightUnit|.weightKg|.totalPieces], type, version, sender, recipient, @.<status field>)", path)
		}
		s.name, s.field = rest, messageID(rest)
		return s, nil
	}
	if strings.HasPrefix(rest, "fields[") && strings.HasSuffix(rest, "]") {
		n, err := strconv.Atoi(rest[len("fields[") : len(rest)-1])
		if err != nil || n < 0 || n > 64 {
			return nil, fmt.Errorf("path %q: fields[n] needs an index from 0 to 64", path)
		}
		s.name, s.field, s.index = "fields", fFields, n
		return s, nil
	}
	if !cargoimpStatusFields[rest] {
		return nil, fmt.Errorf("path %q: %q is not a status line field (code, day, month, time, date, flight, carrier, airport, origin, destination, flightDate, discrepancy, quantity, shipmentCode, pieces, weight, weightUnit, weightKg, totalPieces, fields[n], line)", path, rest)
	}
	s.name, s.field = rest, cargoimpStatusIDs[rest]
	return s, nil
}

func (cargoimpPaths) CompileEach(path string) (engine.Splitter, error) {
	if path != "status" {
		return nil, fmt.Errorf("each %q: Cargo-IMP messages split by status line only (each: status)", path)
	}
	return cargoimpSplitter{}, nil
}

type cargoimpSplitter struct{}

// statusItem is one status line as a split item, with what the selectors
// would otherwise build again for each field: the message's AWB as text,
// the line as received and the line's date parts.
type statusItem struct {
	st    *cargoimp.Status
	awb   string
	raw   string
	date  [4]string
	dated bool
}

// Items returns the status lines, backed by one array per message.
func (cargoimpSplitter) Items(d *engine.Doc) []any {
	m, ok := d.Root.(*cargoimp.Message)
	if !ok {
		return nil
	}
	awb := ""
	if m.AWB.Prefix != "" {
		awb = m.AWB.String()
	}
	items := make([]statusItem, len(m.Statuses))
	out := make([]any, len(m.Statuses))
	j := 0 // lines and statuses are in input order: one walk finds each line
	for i := range m.Statuses {
		st := &m.Statuses[i]
		for j < len(m.Lines) && m.Lines[j].No < st.Line {
			j++
		}
		raw := ""
		if j < len(m.Lines) && m.Lines[j].No == st.Line {
			raw = m.Lines[j].Raw
		}
		items[i] = statusItem{st: st, awb: awb, raw: raw}
		out[i] = &items[i]
	}
	return out
}

// dateParts returns day, month, time and airport of the item's line, made
// on first use.
func (it *statusItem) dateParts() []string {
	if !it.dated {
		it.date, it.dated = statusDate(it.st), true
	}
	return it.date[:]
}

// statusDate gathers the date of a status line: day, month, the time (on a
// flight line, that of its departure time information, /A2015) and the
// airport (the departure airport of a flight line).
func statusDate(st *cargoimp.Status) [4]string {
	return [4]string{st.Day, st.Month, engine.FirstNonEmpty(st.Time, st.DepartureTime()), engine.FirstNonEmpty(st.Airport, st.Origin)}
}

// statusOf returns the status line the selector reads, or nil, and the
// current item when there is one.
func (s *cargoimpSelector) statusOf(d *engine.Doc) (*cargoimp.Status, *statusItem) {
	switch s.status {
	case 1:
		if it, ok := d.Item.(*statusItem); ok {
			return it.st, it
		}
	case 2:
		if m, ok := d.Root.(*cargoimp.Message); ok && len(m.Statuses) > 0 {
			return &m.Statuses[0], nil
		}
	}
	return nil, nil
}

func (s *cargoimpSelector) First(d *engine.Doc) (engine.Located, bool) {
	w, st := s.find(d)
	if !w.OK {
		return engine.Located{}, false
	}
	at := engine.Position{Line: 2, Segment: "consignment", Field: s.name, Value: w.S, Parts: w.Parts}
	switch {
	case st != nil:
		at.Line, at.Segment = st.Line, st.Code
	case s.name == "type" || s.name == "version":
		at.Line, at.Segment = 1, "header"
	}
	if s.name == "date" {
		if it, ok := d.Item.(*statusItem); ok && s.status == 1 {
			at.Value = "" // day, month and time together, once the parts are made
			if it.dated {
				at.Value = it.date[0] + it.date[1] + it.date[2]
			}
		} else {
			at.Value = w.Parts[0] + w.Parts[1] + w.Parts[2]
		}
	}
	return engine.Located{W: w, At: at}, true
}

// FirstValue is First's value without its position, which the engine
// asks for only when an error needs it.
func (s *cargoimpSelector) FirstValue(d *engine.Doc) (engine.Value, bool) {
	w, _ := s.find(d)
	return w, w.OK
}

// FirstText is FirstValue for the engine's plain fields: every field is
// text but the date, whose parts FirstValue gives.
func (s *cargoimpSelector) FirstText(d *engine.Doc) (string, bool, bool) {
	if s.field == fDate {
		w, _ := s.find(d)
		return "", w.OK, false
	}
	t, _ := s.text(d)
	return t, t != "", true
}

// find is the selected value (OK=false for none) and, for a status
// field, the status line it is on.
func (s *cargoimpSelector) find(d *engine.Doc) (engine.Value, *cargoimp.Status) {
	if s.field != fDate || s.status == 0 {
		t, st := s.text(d)
		return engine.Str(t), st
	}
	if _, ok := d.Root.(*cargoimp.Message); !ok {
		return engine.Value{}, nil
	}
	st, it := s.statusOf(d)
	switch {
	case st == nil || st.Day == "":
		return engine.Value{}, st
	case it != nil:
		return engine.Value{Parts: it.dateParts(), OK: true}, st
	}
	date := statusDate(st)
	return engine.Value{Parts: date[:], OK: true}, st
}

// text is the selected text ("" for none) of any field but a status's
// date and, for a status field, the status line it is on.
func (s *cargoimpSelector) text(d *engine.Doc) (string, *cargoimp.Status) {
	m, ok := d.Root.(*cargoimp.Message)
	if !ok {
		return "", nil
	}
	if s.status == 0 {
		if s.field == fAWB {
			if it, ok := d.Item.(*statusItem); ok {
				return it.awb, nil
			}
		}
		return s.messageText(m), nil
	}
	st, it := s.statusOf(d)
	switch {
	case st == nil:
		return "", nil
	case s.field == fLine && it != nil:
		return it.raw, st
	case s.field == fLine:
		return rawLine(m, st.Line), st
	}
	return s.statusText(st), st
}

func (s *cargoimpSelector) All(d *engine.Doc) []engine.Located {
	if l, ok := s.First(d); ok {
		return []engine.Located{l}
	}
	return nil
}

func (s *cargoimpSelector) Where(d *engine.Doc) engine.Position {
	if s.status != 0 {
		if st, _ := s.statusOf(d); st != nil {
			return engine.Position{Line: st.Line, Segment: st.Code, Field: s.name}
		}
		return engine.Position{Segment: "status line", Field: s.name}
	}
	return engine.Position{Line: 2, Segment: "consignment", Field: s.name}
}

func (s *cargoimpSelector) messageText(m *cargoimp.Message) string {
	switch s.field {
	case fType:
		return m.Type
	case fVersion:
		return m.Version
	case fAWB:
		if m.AWB.Prefix == "" {
			return ""
		}
		return m.AWB.String()
	case fAWBPrefix:
		return m.AWB.Prefix
	case fAWBSerial:
		return m.AWB.Serial
	case fOrigin:
		return m.Origin
	case fDestination:
		return m.Destination
	case fSender:
		if m.Envelope == nil {
			return ""
		}
		return m.Envelope.Sender
	case fRecipient:
		if m.Envelope == nil {
			return ""
		}
		return m.Envelope.Recipients[0]
	case fShipment:
		if m.Shipment.Code == "" {
			return ""
		}
		return m.Shipment.String()
	}
	return quantityText(s.field, m.Shipment)
}

// statusText is a status line's field; the date is find's.
func (s *cargoimpSelector) statusText(st *cargoimp.Status) string {
	switch s.field {
	case fCode:
		return st.Code
	case fDay:
		return st.Day
	case fMonth:
		return st.Month
	case fTime:
		return st.Time
	case fFlight:
		return st.Flight
	case fCarrier:
		return st.Carrier
	case fAirport:
		return st.Airport
	case fOrigin:
		return st.Origin
	case fDestination:
		return st.ArrivalAirport()
	case fFlightDate:
		return st.FlightDate
	case fDiscrepancy:
		return st.Discrepancy
	case fFields:
		if s.index < len(st.Fields) {
			return st.Fields[s.index]
		}
		return ""
	case fShipmentCode:
		return st.ShipmentCode
	case fQuantity:
		if st.ShipmentCode == "" {
			return ""
		}
		return st.Quantity().String()
	}
	return quantityText(s.field, st.Quantity())
}

// rawLine returns the text of input line no.
func rawLine(m *cargoimp.Message, no int) string {
	for i := range m.Lines {
		if m.Lines[i].No == no {
			return m.Lines[i].Raw
		}
	}
	return ""
}

// quantityText reads one part of a quantity; "" when the line has no
// quantity (or no weight).
func quantityText(f fieldID, q cargoimp.Quantity) string {
	if q.Code == "" {
		return ""
	}
	switch f {
	case fCode:
		return q.Code
	case fPieces:
		return strconv.Itoa(q.Pieces)
	case fTotalPieces:
		if q.TotalPieces == 0 {
			return ""
		}
		return strconv.Itoa(q.TotalPieces)
	case fWeight:
		return q.Weight
	case fWeightUnit:
		return q.WeightUnit
	case fWeightKg:
		return weightKg(q)
	}
	return ""
}

// poundKg is the kilograms in one pound (avoirdupois).
const poundKg = 0.45359237

// weightKg renders a quantity's weight in kilograms: pounds (L) are
// converted and rounded to 0.1 kg.
func weightKg(q cargoimp.Quantity) string {
	if q.Weight == "" {
		return ""
	}
	if q.WeightUnit != "L" {
		return q.Weight
	}
	f, err := strconv.ParseFloat(q.Weight, 64)
	if err != nil {
		return q.Weight
	}
	return strconv.FormatFloat(math.Round(f*poundKg*10)/10, 'f', -1, 64)
}
