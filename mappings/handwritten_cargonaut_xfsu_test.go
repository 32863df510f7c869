package mappings_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical"
)

// The IATA Cargo-XML XFSU status message, as far as cargonaut/xfsu reads
// it. Every element below the root is in the data model namespace; a
// path a>b names the namespace of its last element only, as encoding/xml
// reads it.
type xfsuDoc struct {
	XMLName xml.Name `xml:"iata:statusmessage:1 StatusMessage"`
	Header  struct {
		ID            string `xml:"iata:datamodel:3 ID"`
		IssueDateTime string `xml:"iata:datamodel:3 IssueDateTime"`
		Sender        string `xml:"iata:datamodel:3 SenderParty>PrimaryID"`
		Recipient     string `xml:"iata:datamodel:3 RecipientParty>PrimaryID"`
	} `xml:"iata:statusmessage:1 MessageHeaderDocument"`
	Master struct {
		AWB         string       `xml:"iata:datamodel:3 TransportContractDocument>ID"`
		Destination string       `xml:"iata:datamodel:3 FinalDestinationLocation>ID"`
		Statuses    []xfsuStatus `xml:"iata:datamodel:3 ReportedStatus"`
	} `xml:"iata:statusmessage:1 MasterConsignment"`
}

type xfsuStatus struct {
	ReasonCode  string `xml:"iata:datamodel:3 ReasonCode"`
	Consignment struct {
		Weights []struct {
			Unit  string `xml:"unitCode,attr"`
			Value string `xml:",chardata"`
		} `xml:"iata:datamodel:3 GrossWeightMeasure"`
		Pieces   string     `xml:"iata:datamodel:3 PieceQuantity"`
		Moves    []xfsuMove `xml:"iata:datamodel:3 SpecifiedLogisticsTransportMovement"`
		Notified []string   `xml:"iata:datamodel:3 NotifiedParty>Name"`
	} `xml:"iata:datamodel:3 AssociatedStatusConsignment"`
}

// xfsuMove is a SpecifiedLogisticsTransportMovement: where and when the
// status happened and, for a flight, its departure and arrival.
type xfsuMove struct {
	Flight   string `xml:"iata:datamodel:3 ID"`
	Location string `xml:"iata:datamodel:3 SpecifiedLocation>ID"`
	Events   []struct {
		At    string   `xml:"iata:datamodel:3 OccurrenceDateTime"`
		Codes []string `xml:"iata:datamodel:3 DateTimeTypeCode"`
	} `xml:"iata:datamodel:3 SpecifiedEvent"`
	Departure struct {
		At    string `xml:"iata:datamodel:3 DepartureOccurrenceDateTime"`
		Place string `xml:"iata:datamodel:3 OccurrenceDepartureLocation>ID"`
	} `xml:"iata:datamodel:3 DepartureEvent"`
	Arrival struct {
		At    string `xml:"iata:datamodel:3 ArrivalOccurrenceDateTime"`
		Place string `xml:"iata:datamodel:3 OccurrenceArrivalLocation>ID"`
	} `xml:"iata:datamodel:3 ArrivalEvent"`
}

// handXFSU decodes cargonaut/xfsu status messages by hand.
type handXFSU struct{}

func newHandXFSU() *handXFSU { return &handXFSU{} }

// Decode turns one status message into an event per reported status. Any
// status in error refuses the whole message.
func (h *handXFSU) Decode(data []byte) ([]*canonical.ReleaseEvent, error) {
	var doc xfsuDoc
	if err := hxUnmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Master.Statuses) == 0 {
		return nil, errors.New("no ReportedStatus in the message")
	}
	t := strings.TrimSpace
	src := canonical.Source{
		PCS: "cargonaut", Profile: "cargonaut/xfsu",
		MessageRef: firstOf(t(doc.Header.ID), t(doc.Master.AWB)),
		Sender:     t(doc.Header.Sender), Receiver: t(doc.Header.Recipient),
	}
	if src.MessageRef == "" {
		return nil, errors.New("MessageHeaderDocument/ID or the AWB is required")
	}
	key := canonical.Key{Airport: strings.ToUpper(t(doc.Master.Destination)), AWB: t(doc.Master.AWB)}
	if key.Airport == "" || key.AWB == "" {
		return nil, errors.New("FinalDestinationLocation/ID and TransportContractDocument/ID are required")
	}
	if err := canonical.CheckAWB(key.AWB); err != nil {
		return nil, fmt.Errorf("AWB %q %w", key.AWB, err)
	}
	loc, err := canonical.ZoneFor(key.Airport)
	if err != nil {
		return nil, err
	}
	out := make([]*canonical.ReleaseEvent, 0, len(doc.Master.Statuses))
	for i := range doc.Master.Statuses {
		e, err := h.event(&doc, i, src, key, loc)
		if err != nil {
			return nil, fmt.Errorf("status %d: %w", i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// event maps the i-th reported status to an event.
func (h *handXFSU) event(doc *xfsuDoc, i int, src canonical.Source, key canonical.Key, loc *time.Location) (*canonical.ReleaseEvent, error) {
	s := &doc.Master.Statuses[i]
	raw := strings.TrimSpace(s.ReasonCode)
	src.Function = strings.TrimSpace(s.ReasonCode + "/" + strconv.Itoa(i+1))
	e := &canonical.ReleaseEvent{Source: src, Key: key}
	st, err := xfsuStatusOf(s)
	if err != nil {
		return nil, err
	}
	e.Status = st
	m := xfsuMoves(s.Consignment.Moves)
	flightStatus := xfsuFlightStatus(s.ReasonCode)
	if e.OccurredAt, err = hxTime(firstOf(m.actual(), m.any(), m.pick(flightStatus, func(m *xfsuMove) string { return m.Departure.At }),
		m.pick(true, func(m *xfsuMove) string { return m.Arrival.At }), strings.TrimSpace(doc.Header.IssueDateTime)), loc, false); err != nil {
		return nil, err
	}
	if e.OccurredAt == nil {
		return nil, errors.New("no time for the status")
	}
	switch st.Code {
	case "NFD":
		e.Light = &canonical.Light{Kind: "TERMINAL", State: "GREEN", Reason: xfsuNotified(s)}
	case "DLV":
		e.Gate = &canonical.Gate{Direction: "OUT", Facility: &canonical.Facility{
			Code: strings.ToUpper(firstOf(m.pick(true, func(m *xfsuMove) string { return m.Location }), strings.TrimSpace(doc.Master.Destination))),
		}}
		if e.Gate.At, err = hxTime(firstOf(m.actual(), m.any(), strings.TrimSpace(doc.Header.IssueDateTime)), loc, false); err != nil {
			return nil, err
		}
	}
	switch raw {
	case "NFD":
		e.Type = "LIGHT_CHANGED"
	case "DLV":
		e.Type = "GATED_OUT"
	default:
		e.Type = "STATUS_REPORTED"
	}
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e, nil
}

// xfsuFlightStatus reports whether a status code reads the flight's
// departure: booked, prepared, manifested or departed.
func xfsuFlightStatus(code string) bool {
	switch code {
	case "BKD", "PRE", "MAN", "DEP":
		return true
	}
	return false
}

// xfsuStatusOf builds the status part: code, place, pieces, weight and
// flight.
func xfsuStatusOf(s *xfsuStatus) (*canonical.Status, error) {
	st := &canonical.Status{Code: strings.ToUpper(strings.TrimSpace(s.ReasonCode))}
	if st.Code == "" {
		return nil, errors.New("ReasonCode is required")
	}
	m := xfsuMoves(s.Consignment.Moves)
	dep := func(m *xfsuMove) string { return m.Departure.Place }
	arr := func(m *xfsuMove) string { return m.Arrival.Place }
	flight := xfsuFlightStatus(s.ReasonCode)
	st.Location = strings.ToUpper(firstOf(m.pick(true, func(m *xfsuMove) string { return m.Location }), m.pick(flight, dep), m.pick(true, arr)))
	st.Origin = strings.ToUpper(m.pick(flight, dep))
	st.Destination = strings.ToUpper(m.pick(true, arr))
	st.Flight = m.pick(true, func(m *xfsuMove) string { return m.Flight })
	if p := strings.TrimSpace(s.Consignment.Pieces); p != "" {
		f, err := hxDecimal(p)
		if err != nil || *f != float64(int(*f)) {
			return nil, fmt.Errorf("PieceQuantity %q is not a whole number", p)
		}
		n := int(*f)
		st.Pieces = &n
	}
	for _, w := range s.Consignment.Weights {
		if w.Unit == "KGM" && strings.TrimSpace(w.Value) != "" {
			var err error
			if st.WeightKg, err = hxDecimal(w.Value); err != nil {
				return nil, err
			}
			break
		}
	}
	return st, nil
}

// xfsuNotified is the reason of an NFD's light: the notified consignee,
// cut to 300 characters, or a plain note when the status names none.
func xfsuNotified(s *xfsuStatus) string {
	if len(s.Consignment.Notified) == 0 {
		return "consignee notified (XFSU/NFD)"
	}
	r := "consignee " + s.Consignment.Notified[0] + " notified (XFSU/NFD)"
	if utf8.RuneCountInString(r) > 300 {
		r = string([]rune(r)[:300])
	}
	return firstOf(strings.TrimSpace(r), "consignee notified (XFSU/NFD)")
}

// xfsuMoves are the movements of one status consignment.
type xfsuMoves []xfsuMove

// pick returns the first non-empty value of get over the movements, or ""
// when !ok.
func (ms xfsuMoves) pick(ok bool, get func(*xfsuMove) string) string {
	for i := range ms {
		if v := strings.TrimSpace(get(&ms[i])); ok && v != "" {
			return v
		}
	}
	return ""
}

// actual is the first occurrence time of an event marked actual (A).
func (ms xfsuMoves) actual() string {
	for i := range ms {
		for _, ev := range ms[i].Events {
			for _, c := range ev.Codes {
				if v := strings.TrimSpace(ev.At); c == "A" && v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// any is the first occurrence time of any event.
func (ms xfsuMoves) any() string {
	for i := range ms {
		for _, ev := range ms[i].Events {
			if v := strings.TrimSpace(ev.At); v != "" {
				return v
			}
		}
	}
	return ""
}
