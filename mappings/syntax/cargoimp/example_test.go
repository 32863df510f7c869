package cargoimp_test

import (
	"fmt"
	"os"
	"time"

	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

func ExampleParseFSU() {
	in := "FSU/14\r\n020-12345675FRAJFK/T1K100\r\nNFD/17OCT0900/JFK/T1K100/ACME FORWARDING\r\n"
	m, err := cargoimp.ParseFSU([]byte(in), cargoimp.Options{Name: "fsu.txt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	st := m.Statuses[0]
	at, err := cargoimp.ResolveDate(st.Day, st.Month, st.Time,
		time.Date(2026, time.October, 20, 0, 0, 0, 0, time.UTC), time.UTC)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.AWB, st.Code, st.Airport, st.Pieces, st.Fields[0], at.Format(time.RFC3339))
	// Output: 020-12345675 NFD JFK 1 ACME FORWARDING 2026-10-17T09:00:00Z
}

func ExampleParseFSU_checkDigit() {
	in := "FSU/14\n020-12345670FRAJFK/T1K100\nRCS/16OCT1317/FRA/T1K100\n"
	_, err := cargoimp.ParseFSU([]byte(in), cargoimp.Options{Name: "fsu.txt"})
	fmt.Println(err)
	// Output: fsu.txt:2: AWB "020-12345670" has a wrong check digit: got 0, expected 5
}

func ExampleWriteFSU() {
	awb, _ := cargoimp.NewAWB("020", "1234567")
	m := &cargoimp.Message{
		Type: "FSU", Version: "14", AWB: awb, Origin: "FRA", Destination: "JFK",
		Shipment: cargoimp.Quantity{Code: "T", Pieces: 1, WeightUnit: "K", Weight: "100"},
		Statuses: []cargoimp.Status{{Code: "DLV", Day: "18", Month: "OCT", Time: "1010", Airport: "JFK",
			ShipmentCode: "T", Pieces: 1, WeightUnit: "K", Weight: "100", Fields: []string{"NAME"}}},
	}
	if err := cargoimp.WriteFSUWith(os.Stdout, m, cargoimp.WriteOptions{LF: true}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// FSU/14
	// 020-12345675FRAJFK/T1K100
	// DLV/18OCT1010/JFK/T1K100/NAME
}
