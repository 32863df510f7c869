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
	index  int // fields[n]
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
		s.name = rest
		return s, nil
	}
	if strings.HasPrefix(rest, "fields[") && strings.HasSuffix(rest, "]") {
		n, err := strconv.Atoi(rest[len("fields[") : len(rest)-1])
		if err != nil || n < 0 || n > 64 {
			return nil, fmt.Errorf("path %q: fields[n] needs an index from 0 to 64", path)
		}
		s.name, s.index = "fields", n
		return s, nil
	}
	if !cargoimpStatusFields[rest] {
		return nil, fmt.Errorf("path %q: %q is not a status line field (code, day, month, time, date, flight, carrier, airport, origin, destination, flightDate, discrepancy, quantity, shipmentCode, pieces, weight, weightUnit, weightKg, totalPieces, fields[n], line)", path, rest)
	}
	s.name = rest
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
// would otherwise build again for each field: the message's AWB as text
// and the line's date parts.
type statusItem struct {
	st    *cargoimp.Status
	awb   string
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
	for i := range m.Statuses {
		items[i] = statusItem{st: &m.Statuses[i], awb: awb}
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

// find is the selected value (OK=false for none) and, for a status
// field, the status line it is on.
func (s *cargoimpSelector) find(d *engine.Doc) (engine.Value, *cargoimp.Status) {
	m, ok := d.Root.(*cargoimp.Message)
	if !ok {
		return engine.Value{}, nil
	}
	if s.status == 0 {
		if it, ok := d.Item.(*statusItem); ok && s.name == "AWB" {
			return engine.Str(it.awb), nil
		}
		return s.messageValue(m), nil
	}
	st, it := s.statusOf(d)
	switch {
	case st == nil:
		return engine.Value{}, nil
	case s.name == "line":
		return engine.Str(rawLine(m, st.Line)), st
	case s.name == "date" && it != nil && st.Day != "":
		return engine.Value{Parts: it.dateParts(), OK: true}, st
	}
	return s.statusValue(st), st
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

func (s *cargoimpSelector) messageValue(m *cargoimp.Message) engine.Value {
	q := m.Shipment
	switch s.name {
	case "type":
		return engine.Str(m.Type)
	case "version":
		return engine.Str(m.Version)
	case "AWB":
		if m.AWB.Prefix == "" {
			return engine.Value{}
		}
		return engine.Str(m.AWB.String())
	case "AWB.prefix":
		return engine.Str(m.AWB.Prefix)
	case "AWB.serial":
		return engine.Str(m.AWB.Serial)
	case "origin":
		return engine.Str(m.Origin)
	case "destination":
		return engine.Str(m.Destination)
	case "sender", "recipient":
		if m.Envelope == nil {
			return engine.Value{}
		}
		if s.name == "sender" {
			return engine.Str(m.Envelope.Sender)
		}
		return engine.Str(m.Envelope.Recipients[0])
	case "shipment":
		if q.Code == "" {
			return engine.Value{}
		}
		return engine.Str(q.String())
	}
	return quantityValue(strings.TrimPrefix(s.name, "shipment."), q)
}

func (s *cargoimpSelector) statusValue(st *cargoimp.Status) engine.Value {
	switch s.name {
	case "code":
		return engine.Str(st.Code)
	case "day":
		return engine.Str(st.Day)
	case "month":
		return engine.Str(st.Month)
	case "time":
		return engine.Str(st.Time)
	case "date":
		if st.Day == "" {
			return engine.Value{}
		}
		date := statusDate(st)
		return engine.Value{Parts: date[:], OK: true}
	case "flight":
		return engine.Str(st.Flight)
	case "carrier":
		return engine.Str(st.Carrier)
	case "airport":
		return engine.Str(st.Airport)
	case "origin":
		return engine.Str(st.Origin)
	case "destination":
		return engine.Str(st.ArrivalAirport())
	case "flightDate":
		return engine.Str(st.FlightDate)
	case "discrepancy":
		return engine.Str(st.Discrepancy)

	case "fields":
		if s.index < len(st.Fields) {
			return engine.Str(st.Fields[s.index])
		}
		return engine.Value{}
	case "shipmentCode":
		return engine.Str(st.ShipmentCode)
	case "quantity":
		if st.ShipmentCode == "" {
			return engine.Value{}
		}
		return engine.Str(st.Quantity().String())
	}
	return quantityValue(s.name, st.Quantity())
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

// quantityValue reads one part of a quantity; absent when the line has
// no quantity (or no weight).
func quantityValue(name string, q cargoimp.Quantity) engine.Value {
	if q.Code == "" {
		return engine.Value{}
	}
	switch name {
	case "code":
		return engine.Str(q.Code)
	case "pieces":
		return engine.Str(strconv.Itoa(q.Pieces))
	case "totalPieces":
		if q.TotalPieces == 0 {
			return engine.Value{}
		}
		return engine.Str(strconv.Itoa(q.TotalPieces))
	case "weight":
		return engine.Str(q.Weight)
	case "weightUnit":
		return engine.Str(q.WeightUnit)
	case "weightKg":
		return engine.Str(weightKg(q))
	}
	return engine.Value{}
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
