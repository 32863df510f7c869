package mappings

import (
	"fmt"
	"math"
	"strconv"
	"strings"

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
//	@.code               the current status line (each: status): code,
//	                     day, month, time, date, flight, carrier, airport,
//	                     toAirport, quantity, shipmentCode, pieces, weight,
//	                     weightUnit, weightKg, totalPieces, fields[n],
//	                     line (the status line as received)
//	status.code          the same fields of the first status line
//
// @.date is the status's day, month, time and airport together, for
// `as: cargoimp-date`. weightKg converts pounds (L) to kilograms.
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
	"shipment.weightKg": true, "shipment.totalPieces": true,
}

var cargoimpStatusFields = map[string]bool{
	"code": true, "day": true, "month": true, "time": true, "date": true, "flight": true,
	"carrier": true, "airport": true, "toAirport": true, "quantity": true, "shipmentCode": true,
	"pieces": true, "weight": true, "weightUnit": true, "weightKg": true, "totalPieces": true,
	"line": true,
}

func (cargoimpPaths) compilePath(path string) (selector, error) {
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
			return nil, fmt.Errorf("path %q: not a Cargo-IMP field (AWB, AWB.prefix, AWB.serial, origin, destination, shipment[.code|.pieces|.weight|.weightUnit|.weightKg|.totalPieces], type, version, @.<status field>)", path)
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
		return nil, fmt.Errorf("path %q: %q is not a status line field (code, day, month, time, date, flight, carrier, airport, toAirport, quantity, shipmentCode, pieces, weight, weightUnit, weightKg, totalPieces, fields[n])", path, rest)
	}
	s.name = rest
	return s, nil
}

func (cargoimpPaths) compileEach(path string) (splitter, error) {
	if path != "status" {
		return nil, fmt.Errorf("each %q: Cargo-IMP messages split by status line only (each: status)", path)
	}
	return cargoimpSplitter{}, nil
}

type cargoimpSplitter struct{}

func (cargoimpSplitter) items(d *doc) []any {
	m, ok := d.root.(*cargoimp.Message)
	if !ok {
		return nil
	}
	out := make([]any, len(m.Statuses))
	for i := range m.Statuses {
		out[i] = &m.Statuses[i]
	}
	return out
}

// statusOf returns the status line the selector reads, or nil.
func (s *cargoimpSelector) statusOf(d *doc) *cargoimp.Status {
	switch s.status {
	case 1:
		st, _ := d.item.(*cargoimp.Status)
		return st
	case 2:
		if m, ok := d.root.(*cargoimp.Message); ok && len(m.Statuses) > 0 {
			return &m.Statuses[0]
		}
	}
	return nil
}

func (s *cargoimpSelector) first(d *doc) (located, bool) {
	m, ok := d.root.(*cargoimp.Message)
	if !ok {
		return located{}, false
	}
	var w wv
	at := position{}
	if s.status == 0 {
		w = s.messageValue(m)
		at.line, at.segment, at.field = 2, "consignment", s.name
		if s.name == "type" || s.name == "version" {
			at.line, at.segment = 1, "header"
		}
	} else {
		st := s.statusOf(d)
		if st == nil {
			return located{}, false
		}
		w = s.statusValue(st)
		if s.name == "line" {
			w = str(rawLine(m, st.Line))
		}
		at.line, at.segment, at.field = st.Line, st.Code, s.name
	}
	if !w.ok {
		return located{}, false
	}
	at.value, at.parts = w.s, w.parts
	if s.name == "date" {
		at.value = w.parts[0] + w.parts[1] + w.parts[2]
	}
	return located{w: w, at: at}, true
}

func (s *cargoimpSelector) all(d *doc) []located {
	if l, ok := s.first(d); ok {
		return []located{l}
	}
	return nil
}

func (s *cargoimpSelector) where(d *doc) position {
	if s.status != 0 {
		if st := s.statusOf(d); st != nil {
			return position{line: st.Line, segment: st.Code, field: s.name}
		}
		return position{segment: "status line", field: s.name}
	}
	return position{line: 2, segment: "consignment", field: s.name}
}

func (s *cargoimpSelector) messageValue(m *cargoimp.Message) wv {
	q := m.Shipment
	switch s.name {
	case "type":
		return str(m.Type)
	case "version":
		return str(m.Version)
	case "AWB":
		if m.AWB.Prefix == "" {
			return wv{}
		}
		return str(m.AWB.String())
	case "AWB.prefix":
		return str(m.AWB.Prefix)
	case "AWB.serial":
		return str(m.AWB.Serial)
	case "origin":
		return str(m.Origin)
	case "destination":
		return str(m.Destination)
	case "shipment":
		if q.Code == "" {
			return wv{}
		}
		return str(q.String())
	}
	return quantityValue(strings.TrimPrefix(s.name, "shipment."), q)
}

func (s *cargoimpSelector) statusValue(st *cargoimp.Status) wv {
	switch s.name {
	case "code":
		return str(st.Code)
	case "day":
		return str(st.Day)
	case "month":
		return str(st.Month)
	case "time":
		return str(st.Time)
	case "date":
		if st.Day == "" {
			return wv{}
		}
		return wv{parts: []string{st.Day, st.Month, st.Time, st.Airport}, ok: true}
	case "flight":
		return str(st.Flight)
	case "carrier":
		return str(st.Carrier)
	case "airport":
		return str(st.Airport)
	case "toAirport":
		return str(st.ToAirport)
	case "fields":
		if s.index < len(st.Fields) {
			return str(st.Fields[s.index])
		}
		return wv{}
	case "shipmentCode":
		return str(st.ShipmentCode)
	case "quantity":
		if st.ShipmentCode == "" {
			return wv{}
		}
		return str(st.Quantity().String())
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
func quantityValue(name string, q cargoimp.Quantity) wv {
	if q.Code == "" {
		return wv{}
	}
	switch name {
	case "code":
		return str(q.Code)
	case "pieces":
		return str(strconv.Itoa(q.Pieces))
	case "totalPieces":
		if q.TotalPieces == 0 {
			return wv{}
		}
		return str(strconv.Itoa(q.TotalPieces))
	case "weight":
		return str(q.Weight)
	case "weightUnit":
		return str(q.WeightUnit)
	case "weightKg":
		return str(weightKg(q))
	}
	return wv{}
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
