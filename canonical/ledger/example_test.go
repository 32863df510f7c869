package ledger_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

func ExampleApply() {
	carrier := &canonical.Party{Name: "MSC", IDs: []canonical.PartyID{{Scheme: "SCAC", Value: "MSCU"}}}
	forwarder := &canonical.Party{Name: "Forwarder BV", IDs: []canonical.PartyID{{Scheme: "EORI", Value: "NL123456789"}}}
	haulier := &canonical.Party{Name: "Haulier NV", IDs: []canonical.PartyID{{Scheme: "GLN", Value: "8712345678906"}}}
	key := canonical.Key{Port: "NLRTM", Carrier: "MSCU", BLNumber: "BL1", ContainerNumber: "CSQU3054383"}
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

	events := []*canonical.ReleaseEvent{
		{ID: "ev_1", Type: canonical.ReleaseCreated, OccurredAt: &at, Key: key,
			Release: &canonical.Release{Issuer: carrier, ReleaseTo: forwarder}},
		{ID: "ev_2", Type: canonical.TransferOffered, Key: key,
			Transfer: &canonical.Transfer{From: forwarder, To: haulier, Kind: canonical.KindTransfer}},
		{ID: "ev_3", Type: canonical.TransferAccepted, Key: key,
			Transfer: &canonical.Transfer{From: forwarder, To: haulier, Kind: canonical.KindTransfer}},
		{ID: "ev_4", Type: canonical.ReleaseBlocked, Key: key,
			Release: &canonical.Release{Issuer: forwarder}},
	}
	var r *ledger.Release
	for _, e := range events {
		n, err := ledger.Apply(r, e)
		if errors.Is(err, ledger.ErrNotIssuer) {
			fmt.Println(err)
			continue
		}
		r = n
	}
	fmt.Println(r.Status, r.Holder.Name, r.Hops[0].State, len(r.Events))
	// Output:
	// event ev_4: custody rule 2: only the issuer may block the release; release.issuer "Forwarder BV" is not the issuer "MSC"
	// RELEASED Haulier NV ACCEPTED 3
}
