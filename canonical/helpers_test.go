package canonical_test

import (
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// at parses an RFC 3339 time for test data.
func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func ptr[T any](v T) *T { return &v }

// fullEvent returns a RELEASE_CREATED event with every part filled in and
// every value valid; tests break one thing at a time.
func fullEvent() *canonical.ReleaseEvent {
	src := canonical.Source{
		PCS: "portbase", Profile: "portbase/coreor", MessageRef: "COR0001",
		InterchangeRef: "ICR0001", Sender: "MSCU", Receiver: "PCSGATE",
		ReceivedAt: at("2026-11-20T08:00:00Z"), Function: "9",
	}
	key := canonical.Key{Port: "NLRTM", Carrier: "MSCU", BLNumber: "MEDUXX123456", ContainerNumber: "CSQU3054383"}
	issuer := &canonical.Party{Name: "MSC Nederland", Role: "CARRIER", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeEORI, Value: "NL123456789"}, {Scheme: canonical.SchemeSCAC, Value: "MSCU"}}}
	to := &canonical.Party{Name: "Forwarder BV", Role: "FORWARDER", IDs: []canonical.PartyID{
		{Scheme: canonical.SchemeGLN, Value: "8712345678906"}}}
	return &canonical.ReleaseEvent{
		ID:         canonical.NewEventID(src, key, canonical.ReleaseCreated, 0),
		Type:       canonical.ReleaseCreated,
		OccurredAt: at("2026-11-20T07:59:00Z"),
		Source:     src,
		Key:        key,
		Release: &canonical.Release{
			ReleaseNumber: "REL-1", Issuer: issuer, ReleaseTo: to,
			ValidFrom: at("2026-11-20T00:00:00Z"), ValidUntil: at("2026-11-27T22:59:00Z"),
			MoveType:       canonical.MoveImport,
			PickupTerminal: &canonical.Facility{Locode: "NLRTM", Code: "ECTDELTA", Depot: "D", Reference: "R"},
			EmptyReturn:    &canonical.Facility{Locode: "NLRTM", Depot: "DEPOT1", Reference: "RET-9"},
			Blocked:        ptr(false), Remarks: "none", PreviousRef: "REL-0",
			BLNumbers: []string{"MEDUAB123456", "MEDUAB123457"}, SystemRef: "rel-7f3a", Status: "released",
		},
		Equipment: &canonical.Equipment{
			ContainerNumber: "CSQU3054383", ISOSizeType: "45G1", RawSizeType: "4510",
			LoadStatus: canonical.LoadFull, GrossKg: ptr(21000.5), TareKg: ptr(3900.0),
			VGMKg: ptr(24900.5), Seals: []string{"SEAL1"},
		},
		Voyage: &canonical.Voyage{VesselName: "MSC ANNA", IMO: "9141780", CallSign: "3EXX9",
			VoyageNumber: "FA123W", ETA: at("2026-11-19T06:00:00Z"), LloydsNumber: "0002", StayNumber: "2026001234",
			PortOfLoading: "CNSHA", PortOfDestination: "Antwerp"},
		Transfer: &canonical.Transfer{From: issuer, To: to, ToRole: "FORWARDER", Kind: canonical.KindTransfer, Reference: "T1"},
		Assignment: &canonical.Assignment{Modality: canonical.ModalityBarge, By: to,
			Driver:     &canonical.Driver{Scheme: "ALFAPASS", MaskedID: "****1234", Alias: "J.", Identification: "EK7712345"},
			TruckPlate: "12-ABC-3", Barge: &canonical.Barge{Name: "Rijn", ENI: "02324567", VisitNumber: "BTS1"},
			Train: &canonical.Train{ID: "TR1"}, PreNotificationRef: "PN1"},
		Light: &canonical.Light{Kind: canonical.LightCustoms, State: canonical.Green, Reason: "cleared",
			Value: "OK", PreviousState: canonical.UnknownLight, PreviousValue: "UNKNOWN", Name: "CustomsRelease",
			Components: []canonical.Light{{Kind: canonical.LightOther, State: canonical.Yellow, Value: "partiallycleared", Name: "customsprogress"}}},
		Gate: &canonical.Gate{At: at("2026-11-21T10:00:00Z"), Facility: &canonical.Facility{Locode: "NLRTM", Code: "ECTDELTA"},
			Modality: canonical.ModalityRoad, Direction: canonical.DirectionOut, TruckPlate: "12-ABC-3"},
		Credential: &canonical.Credential{Type: canonical.CredentialTCT, Handle: "cred_1"},
		Status: &canonical.Status{Code: "NFD", Location: "AMS", Pieces: ptr(3), WeightKg: ptr(120.0),
			Flight: "KL1234", Origin: "JFK", Destination: "AMS"},
		Warnings: []string{"accepted something"},
	}
}
