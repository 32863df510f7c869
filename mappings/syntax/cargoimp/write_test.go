package cargoimp_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// TestRoundTripTestdata parses every single-message file in testdata and
// writes it back byte for byte, with the line ending the file uses.
func TestRoundTripTestdata(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.fsu")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			in := readTestdata(t, filepath.Base(p))
			m, err := cargoimp.ParseFSU(in, cargoimp.Options{Name: p})
			require.NoError(t, err)
			var out bytes.Buffer
			require.NoError(t, cargoimp.WriteFSUWith(&out, m, cargoimp.WriteOptions{LF: !bytes.Contains(in, []byte("\r"))}))
			assert.Equal(t, string(in), out.String())
		})
	}
}

func TestWriteFSU(t *testing.T) {
	awb, err := cargoimp.NewAWB("020", "1234567")
	require.NoError(t, err)
	m := &cargoimp.Message{
		Type: "FSU", Version: "14", AWB: awb, Origin: "FRA", Destination: "JFK",
		Shipment: cargoimp.Quantity{Code: "T", Pieces: 1, WeightUnit: "K", Weight: "100"},
		Statuses: []cargoimp.Status{
			{Code: "RCS", Day: "16", Month: "OCT", Time: "1317", Airport: "FRA",
				ShipmentCode: "T", Pieces: 1, WeightUnit: "K", Weight: "100"},
			{Code: "DEP", Flight: "LH400", Day: "16", Month: "OCT", Origin: "FRA", Destination: "JFK",
				ShipmentCode: "T", Pieces: 1, WeightUnit: "K", Weight: "100"},
			{Code: "NFD", Day: "17", Month: "OCT", Time: "0900", Airport: "JFK",
				ShipmentCode: "T", Pieces: 1, WeightUnit: "K", Weight: "100", Fields: []string{"NAME"}},
			{Code: "DLV", Day: "18", Month: "OCT", Time: "1010", Airport: "JFK", Fields: []string{"", "NAME"}},
		},
	}
	var out bytes.Buffer
	require.NoError(t, cargoimp.WriteFSU(&out, m))
	want := "FSU/14\r\n020-12345675FRAJFK/T1K100\r\nRCS/16OCT1317/FRA/T1K100\r\n" +
		"DEP/LH400/16OCT/FRAJFK/T1K100\r\nNFD/17OCT0900/JFK/T1K100/NAME\r\nDLV/18OCT1010/JFK//NAME\r\n"
	assert.Equal(t, want, out.String())

	back, err := cargoimp.ParseFSU(out.Bytes(), cargoimp.Options{})
	require.NoError(t, err)
	assert.Equal(t, normalise(m), normalise(back))
}

// normalise drops what WriteFSU ignores, so messages compare by content.
func normalise(m *cargoimp.Message) *cargoimp.Message {
	c := *m
	c.Lines = nil
	c.Statuses = append([]cargoimp.Status(nil), m.Statuses...)
	for i := range c.Statuses {
		c.Statuses[i].Line = 0
	}
	return &c
}

func TestWriteFSURejects(t *testing.T) {
	valid := func() *cargoimp.Message {
		return &cargoimp.Message{
			Type: "FSU", Version: "14", AWB: cargoimp.AWB{Prefix: "020", Serial: "1234567", Check: 5},
			Origin: "FRA", Destination: "JFK", Shipment: cargoimp.Quantity{Code: "T", Pieces: 1},
			Statuses: []cargoimp.Status{{Code: "RCS", Day: "16", Month: "OCT", Time: "1317", Airport: "FRA"}},
		}
	}
	tests := []struct {
		name     string
		change   func(m *cargoimp.Message)
		sentinel error
		msg      string
	}{
		{name: "wrong check digit", change: func(m *cargoimp.Message) { m.AWB.Check = 0 },
			sentinel: cargoimp.ErrAWBCheckDigit, msg: `line 2: AWB "020-12345670" has a wrong check digit: got 0, expected 5`},
		{name: "unknown status", change: func(m *cargoimp.Message) { m.Statuses[0].Code = "ZZZ" },
			sentinel: cargoimp.ErrStatusCode, msg: `line 3: status code "ZZZ"`},
		{name: "no statuses", change: func(m *cargoimp.Message) { m.Statuses = nil },
			sentinel: cargoimp.ErrTruncated, msg: "line 3: status line is missing"},
		{name: "slash in a free field", change: func(m *cargoimp.Message) { m.Statuses[0].Fields = []string{"A/B"} },
			sentinel: cargoimp.ErrSyntax, msg: `RCS field "A/B" is not valid Cargo-IMP: '/' at column 2 would split the field`},
		{name: "line break in a free field", change: func(m *cargoimp.Message) { m.Statuses[0].Fields = []string{"A\r\nB"} },
			sentinel: cargoimp.ErrSyntax, msg: "byte 0x0D at column 2"},
		{name: "field that reads as a quantity", change: func(m *cargoimp.Message) { m.Statuses[0].Fields = []string{"T2"} },
			sentinel: cargoimp.ErrSyntax, msg: "it would be read back as the quantity"},
		{name: "flight on a line without one", change: func(m *cargoimp.Message) { m.Statuses[0].Flight = "LH400" },
			sentinel: cargoimp.ErrSyntax, msg: `RCS flight "LH400" is not valid Cargo-IMP: RCS lines have no flight`},
		{name: "time on a date-only line", change: func(m *cargoimp.Message) {
			m.Statuses[0] = cargoimp.Status{Code: "DEP", Flight: "LH400", Day: "16", Month: "OCT", Time: "1200", Origin: "FRA", Destination: "JFK"}
		}, sentinel: cargoimp.ErrSyntax, msg: "DEP lines have no time"},
		{name: "single airport on a flight line", change: func(m *cargoimp.Message) {
			m.Statuses[0] = cargoimp.Status{Code: "DEP", Flight: "LH400", Day: "16", Month: "OCT", Airport: "FRA", Origin: "FRA", Destination: "JFK"}
		}, sentinel: cargoimp.ErrSyntax, msg: `DEP airport "FRA" is not valid Cargo-IMP: DEP lines have no airport`},
		{name: "airport pair cut short", change: func(m *cargoimp.Message) {
			m.Statuses[0] = cargoimp.Status{Code: "DEP", Flight: "LH400", Day: "16", Month: "OCT", Origin: "FRA"}
		}, sentinel: cargoimp.ErrSyntax, msg: `DEP airport pair "FRA" is not valid Cargo-IMP: expected the departure and arrival airports joined`},
		{name: "origin on a line without a flight", change: func(m *cargoimp.Message) { m.Statuses[0].Origin = "FRA" },
			sentinel: cargoimp.ErrSyntax, msg: `RCS origin "FRA" is not valid Cargo-IMP: RCS lines have no origin`},
		{name: "OSI without text", change: func(m *cargoimp.Message) { m.Statuses[0] = cargoimp.Status{Code: "OSI"} },
			sentinel: cargoimp.ErrSyntax, msg: "OSI text"},
		{name: "CRC field that reads as a flight", change: func(m *cargoimp.Message) {
			m.Statuses[0] = cargoimp.Status{Code: "CRC", Day: "16", Month: "OCT", Time: "1317", Airport: "FRA", Fields: []string{"LH400"}}
		}, sentinel: cargoimp.ErrSyntax, msg: "it would be read back as the flight"},
		{name: "slash in a continuation line", change: func(m *cargoimp.Message) { m.Statuses[0].Continued = [][]string{{"A/B"}} },
			sentinel: cargoimp.ErrSyntax, msg: `line 4: RCS continuation field "A/B"`},
		{name: "bad envelope sender", change: func(m *cargoimp.Message) {
			m.Envelope = &cargoimp.Envelope{Priority: "QK", Recipients: []string{"AMSFMKL"}, Sender: "FRA"}
		}, sentinel: cargoimp.ErrSyntax, msg: `line 2: envelope sender "FRA"`},
		{name: "pieces without code", change: func(m *cargoimp.Message) { m.Statuses[0].Pieces = 3 },
			sentinel: cargoimp.ErrSyntax, msg: "pieces or weight without a shipment code"},
		{name: "weight without unit", change: func(m *cargoimp.Message) { m.Shipment.Weight = "10" },
			sentinel: cargoimp.ErrSyntax, msg: "weight and weight unit go together"},
		{name: "total pieces on a total shipment", change: func(m *cargoimp.Message) { m.Shipment.TotalPieces = 2 },
			sentinel: cargoimp.ErrSyntax, msg: "total pieces follow only a P, S or D code"},
		{name: "bad version", change: func(m *cargoimp.Message) { m.Version = "v14" },
			sentinel: cargoimp.ErrSyntax, msg: `line 1: message version "v14"`},
		{name: "bad airport", change: func(m *cargoimp.Message) { m.Destination = "JFKX" },
			sentinel: cargoimp.ErrSyntax, msg: `line 2: destination "JFKX"`},
		{name: "bad day", change: func(m *cargoimp.Message) { m.Statuses[0].Day = "6" },
			sentinel: cargoimp.ErrSyntax, msg: `day "6" must have two digits`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.change(m)
			var out bytes.Buffer
			err := cargoimp.WriteFSU(&out, m)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Zero(t, out.Len(), "nothing is written on error")
		})
	}
}
