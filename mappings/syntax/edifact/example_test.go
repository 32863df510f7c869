package edifact_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

func ExampleReader() {
	in := "UNA:+.? '\n" +
		"UNB+UNOC:3+MAEU:ZZZ+NLRTMECT:ZZZ+20261127:1015+IC0001'\n" +
		"UNH+REL1+COREOR:D:00B:UN:SMDG20'\n" +
		"NAD+FW+NL001234567B01:160++O?'BRIEN ?+ SONS'\n" +
		"EQD+CN+MSKU9070323+45G1:102:5++3+5'\n" +
		"UNT+4+REL1'\n" +
		"UNH+REL2+COREOR:D:00B:UN:SMDG20'\n" +
		"UNT+9+REL2'\n" +
		"UNZ+2+IC0001'\n"
	r := edifact.NewReader(strings.NewReader(in), edifact.ReaderOptions{Name: "release.edi"})
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println("error:", err) // the next message is still read
			continue
		}
		fmt.Println(m.Ref, m.ID, "from", m.Interchange.Sender)
		for _, s := range m.Segments {
			if s.Tag == "NAD" {
				fmt.Printf("  line %d: %s %s\n", s.Line, s.Value(1, 1), s.Value(4, 1))
			}
		}
	}
	// Output:
	// REL1 COREOR:D:00B:UN:SMDG20 from MAEU
	//   line 4: FW O'BRIEN + SONS
	// error: release.edi:8: message REL2 segment 7 UNT element 1 "9": segment count is 2
}

func ExampleWriter() {
	var out strings.Builder
	w := edifact.NewWriter(&out, edifact.WriterOptions{Charset: "UNOC", UNA: true, Newline: true})
	_ = w.BeginInterchange(edifact.Interchange{
		Sender: "MAEU", Recipient: "NLRTMECT", Date: "261127", Time: "1015", ControlRef: "IC0001",
	})
	_ = w.BeginMessage("REL1", edifact.MessageID{Type: "COREOR", Version: "D", Release: "00B", Agency: "UN", Assoc: "SMDG20"})
	_ = w.WriteSegment("NAD", [][]string{{"FW"}, {"NL001234567B01", "160"}, nil, {"O'BRIEN + SONS: A?B"}})
	_ = w.WriteSegment("EQD", [][]string{{"CN"}, {"MSKU9070323"}, {"45G1", "102", "5"}, nil, {"3"}, {"5"}, {""}})
	if err := w.WriteSegment("FTX", [][]string{{"AAI"}, nil, nil, {"5 €"}}); err != nil {
		fmt.Println(err)
	}
	_ = w.EndMessage()
	_ = w.EndInterchange()
	_ = w.Flush()
	fmt.Print(out.String())
	// Output:
	// message REL1 segment 5 FTX element 4 component 1 "5 €": character U+20AC is not in UNOC
	// UNA:+.? '
	// UNB+UNOC:3+MAEU+NLRTMECT+261127:1015+IC0001'
	// UNH+REL1+COREOR:D:00B:UN:SMDG20'
	// NAD+FW+NL001234567B01:160++O?'BRIEN ?+ SONS?: A??B'
	// EQD+CN+MSKU9070323+45G1:102:5++3+5'
	// UNT+4+REL1'
	// UNZ+1+IC0001'
}

func ExampleEscape() {
	fmt.Println(edifact.Escape("O'BRIEN + SONS: A?B", edifact.DefaultDelims))
	// Output: O?'BRIEN ?+ SONS?: A??B
}
