package flat_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

const benchRecords = 10000

func benchCSV() []byte {
	var b bytes.Buffer
	b.WriteString("port,carrier,blNumber,containerNumber,releaseNumber,validUntil,releaseTo,remarks\n")
	for i := range benchRecords {
		fmt.Fprintf(&b, "NLRTM,MAEU,MAEU%09d,MSKU%07d,REL-%05d,2026-11-27,\"Vanmoer Forwarding BV\",\"gate 3, after 06:00\"\n", i, i, i)
	}
	return b.Bytes()
}

func benchFixed() []byte {
	var b bytes.Buffer
	for i := range benchRecords {
		fmt.Fprintf(&b, "D1MSKU%07dMAEU%09d       NLRTMMAEU20261127%08dVanmoer Forwarding BV \n", i, i, i)
	}
	return b.Bytes()
}

func reportRecords(b *testing.B) {
	b.ReportMetric(float64(b.N)*benchRecords/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkCSVRead(b *testing.B) {
	data := benchCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := flat.NewCSVReader(bytes.NewReader(data), flat.CSVOptions{})
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRecords {
			b.Fatalf("read %d records", n)
		}
	}
	reportRecords(b)
}

func BenchmarkCSVWrite(b *testing.B) {
	rec := []string{"NLRTM", "MAEU", "MAEU123456789", "MSKU1234565", "REL-00001", "2026-11-27", "Transport \"De Snelle\" BV", "gate 3, after 06:00"}
	b.ReportAllocs()
	for b.Loop() {
		w := flat.NewCSVWriter(io.Discard, flat.CSVOptions{})
		for range benchRecords {
			if err := w.Write(rec); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	reportRecords(b)
}

func BenchmarkFixedRead(b *testing.B) {
	data := benchFixed()
	opts := flat.FixedOptions{Layouts: releaseLayouts()}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := flat.NewFixedReader(bytes.NewReader(data), opts)
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRecords {
			b.Fatalf("read %d records", n)
		}
	}
	reportRecords(b)
}

func BenchmarkFixedWrite(b *testing.B) {
	opts := flat.FixedOptions{Layouts: releaseLayouts()}
	values := map[string]string{
		"containerNumber": "MSKU1234565", "blNumber": "MAEU123456789", "port": "NLRTM", "carrier": "MAEU",
		"validUntil": "20261127", "grossKg": "24350", "releaseTo": "Vanmoer Forwarding BV",
	}
	b.ReportAllocs()
	for b.Loop() {
		w := flat.NewFixedWriter(io.Discard, opts)
		for range benchRecords {
			if err := w.Write("D1", values); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	reportRecords(b)
}
