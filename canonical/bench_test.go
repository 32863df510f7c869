package canonical_test

import (
	"encoding/json"
	"testing"

	"github.com/nexport/pcsgate/canonical"
)

func BenchmarkCheckContainerNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := canonical.CheckContainerNumber("CSQU3054383"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewEventID(b *testing.B) {
	e := fullEvent()
	b.ReportAllocs()
	for b.Loop() {
		_ = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	}
}

func BenchmarkCheck(b *testing.B) {
	e := fullEvent()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Inspect(canonical.ValidateOpts{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateEventJSON(b *testing.B) {
	doc, err := json.Marshal(fullEvent())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if err := canonical.ValidateEventJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendJSON writes the events of every fixture as NDJSON, one
// event per operation, as translate --to canonical writes them.
func BenchmarkAppendJSON(b *testing.B) {
	events := fixtureEvents(b)
	var buf []byte
	var err error
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if buf, err = events[i%len(events)].AppendJSON(buf[:0]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
