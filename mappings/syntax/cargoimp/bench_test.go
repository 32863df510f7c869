package cargoimp_test

import (
	"bytes"
	"testing"

	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// BenchmarkParseFSU parses a typical four-line FSU; 1e9/ns_per_op is the
// number of messages per second.
func BenchmarkParseFSU(b *testing.B) {
	in := []byte("FSU/14\r\n020-12345675FRAJFK/T1K100\r\nRCS/16OCT1317/FRA/T1K100\r\nDEP/LH400/16OCT/FRAJFK/T1K100\r\n")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cargoimp.ParseFSU(in, cargoimp.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFSUJourney parses a 14-line message with every common code.
func BenchmarkParseFSUJourney(b *testing.B) {
	in := readTestdata(b, "journey-fra-ams.fsu")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cargoimp.ParseFSU(in, cargoimp.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteFSU(b *testing.B) {
	m, err := cargoimp.ParseFSU(readTestdata(b, "journey-fra-ams.fsu"), cargoimp.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := cargoimp.WriteFSU(&out, m); err != nil {
			b.Fatal(err)
		}
	}
}
