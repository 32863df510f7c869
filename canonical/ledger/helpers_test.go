package ledger_test

import (
	"fmt"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// The cast of the tests.
var (
	carrier = &canonical.Party{Name: "MSC Nederland", Role: "CARRIER", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeSCAC, Value: "MSCU"}, {Scheme: canonical.SchemeEORI, Value: "NL111111111"}}}
	forwarder = &canonical.Party{Name: "Forwarder BV", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeEORI, Value: "NL123456789"}}}
	haulier = &canonical.Party{Name: "Haulier NV", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeGLN, Value: "8712345678906"}}}
	barge = &canonical.Party{Name: "Barge Operator", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeEORI, Value: "BE0123456789"}}}
	mallory = &canonical.Party{Name: "Mallory Logistics", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeEORI, Value: "NL999999999"}}}
)

var seaKey = canonical.Key{Port: "NLRTM", Carrier: "MSCU", BLNumber: "MEDUBL1", ContainerNumber: "CSQU3054383"}

var base = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// minute returns base plus m minutes.
func minute(m int) *time.Time {
	t := base.Add(time.Duration(m) * time.Minute)
	return &t
}

// ev builds an event numbered n, occurring at minute n.
func ev(n int, typ canonical.EventType, mods ...func(*canonical.ReleaseEvent)) *canonical.ReleaseEvent {
	e := &canonical.ReleaseEvent{
		ID:         fmt.Sprintf("ev_test%02d", n),
		Type:       typ,
		OccurredAt: minute(n),
		Source:     canonical.Source{PCS: "cpu", Profile: "cpu/notification", MessageRef: fmt.Sprintf("M%d", n)},
		Key:        seaKey,
	}
	for _, m := range mods {
		m(e)
	}
	return e
}

func created(n int, issuer, to *canonical.Party) *canonical.ReleaseEvent {
	return ev(n, canonical.ReleaseCreated, func(e *canonical.ReleaseEvent) {
		e.Release = &canonical.Release{ReleaseNumber: "REL1", Issuer: issuer, ReleaseTo: to,
			ValidFrom: minute(0), ValidUntil: minute(24 * 60)}
	})
}

func issuerAct(n int, typ canonical.EventType, by *canonical.Party) *canonical.ReleaseEvent {
	return ev(n, typ, func(e *canonical.ReleaseEvent) {
		if by != nil {
			e.Release = &canonical.Release{Issuer: by}
		}
	})
}

func transfer(n int, typ canonical.EventType, from, to *canonical.Party) *canonical.ReleaseEvent {
	return ev(n, typ, func(e *canonical.ReleaseEvent) {
		e.Transfer = &canonical.Transfer{From: from, To: to, Kind: canonical.KindTransfer}
	})
}

func assigned(n int, by *canonical.Party) *canonical.ReleaseEvent {
	return ev(n, canonical.Assigned, func(e *canonical.ReleaseEvent) {
		e.Assignment = &canonical.Assignment{Modality: canonical.ModalityRoad, By: by, TruckPlate: "12-ABC-3"}
	})
}

func light(n int, kind, state string) *canonical.ReleaseEvent {
	return ev(n, canonical.LightChanged, func(e *canonical.ReleaseEvent) {
		e.Light = &canonical.Light{Kind: kind, State: state}
	})
}

func greens(n int) []*canonical.ReleaseEvent {
	return []*canonical.ReleaseEvent{
		light(n, canonical.LightCommercial, canonical.Green),
		light(n+1, canonical.LightCustoms, canonical.Green),
		light(n+2, canonical.LightTerminal, canonical.Green),
	}
}

func gate(n int, typ canonical.EventType) *canonical.ReleaseEvent {
	dir := canonical.DirectionOut
	if typ == canonical.GatedIn {
		dir = canonical.DirectionIn
	}
	return ev(n, typ, func(e *canonical.ReleaseEvent) {
		e.Source.PCS, e.Source.Profile = "smdg", "smdg/codeco"
		e.Key.BLNumber, e.Key.Carrier = "", "" // gate reports often name only the container
		e.Gate = &canonical.Gate{At: minute(n), Direction: dir, Modality: canonical.ModalityRoad}
	})
}

// with applies mods to a built event and returns it.
func with(e *canonical.ReleaseEvent, mods ...func(*canonical.ReleaseEvent)) *canonical.ReleaseEvent {
	for _, m := range mods {
		m(e)
	}
	return e
}

func sender(s string) func(*canonical.ReleaseEvent) {
	return func(e *canonical.ReleaseEvent) { e.Source.Sender = s }
}

func concat(groups ...[]*canonical.ReleaseEvent) []*canonical.ReleaseEvent {
	var out []*canonical.ReleaseEvent
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func one(e ...*canonical.ReleaseEvent) []*canonical.ReleaseEvent { return e }
