package flat_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

func ExampleCSVReader() {
	in := "port,containerNumber,releaseTo\n" +
		"NLRTM,MSKU1234565,\"Transport \"\"De Snelle\"\" BV\"\n" +
		"NLRTM,MSKU7654324\n" +
		"BEANR,CSQU3054383,Brügge Logistics NV\n"
	r := flat.NewCSVReader(strings.NewReader(in), flat.CSVOptions{
		Name:   "partner.csv",
		Header: []string{"port", "containerNumber", "releaseTo"},
	})
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			continue
		}
		to, _ := rec.Get("releaseTo")
		fmt.Println(rec.Line, to)
	}
	// Output:
	// 2 Transport "De Snelle" BV
	// partner.csv:3: record has 2 fields, header has 3
	// 4 Brügge Logistics NV
}

func ExampleFixedWriter() {
	w := flat.NewFixedWriter(os.Stdout, flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {
		Fields: []flat.FixedField{
			{Name: "containerNumber", Start: 1, Length: 11},
			{Name: "grossKg", Start: 13, Length: 6, Align: "right", Pad: "0"},
		},
	}}})
	fmt.Println(w.Write("", map[string]string{"containerNumber": "CSQU3054383", "grossKg": "24350"}))
	fmt.Println(w.Write("", map[string]string{"containerNumber": "CSQU3054383X"}))
	_ = w.Flush()
	// Output:
	// <nil>
	// line 2 column 1: field "containerNumber" "CSQU3054383X" is 12 characters, the field holds 11
	// CSQU3054383 024350
}
