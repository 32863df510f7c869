package ledger_test

import (
	"testing"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

// BenchmarkApply applies one light change to a release with a few events:
// the ledger step of the pipeline for one message.
func BenchmarkApply(b *testing.B) {
	r, errs := ledger.Fold(concat(one(created(1, carrier, forwarder),
		transfer(2, canonical.TransferOffered, forwarder, haulier),
		transfer(3, canonical.TransferAccepted, forwarder, haulier)), greens(4)))
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	e := assigned(10, haulier)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ledger.Apply(r, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFold folds a typical release history given in reverse order.
func BenchmarkFold(b *testing.B) {
	events := reversed(concat(one(created(1, carrier, forwarder),
		transfer(2, canonical.TransferOffered, forwarder, haulier),
		transfer(3, canonical.TransferAccepted, forwarder, haulier),
		assigned(4, haulier)), greens(5), one(gate(10, canonical.GatedOut))))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := ledger.Fold(events); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
