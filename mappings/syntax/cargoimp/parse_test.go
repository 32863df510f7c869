package cargoimp_test

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func TestParseFSU(t *testing.T) {
	m, err := cargoimp.ParseFSU(readTestdata(t, "journey-fra-ams.fsu"), cargoimp.Options{Name: "journey.fsu"})
	require.NoError(t, err)

	assert.Equal(t, "FSU", m.Type)
	assert.Equal(t, "14", m.Version)
	assert.Equal(t, cargoimp.AWB{Prefix: "020", Serial: "1234567", Check: 5}, m.AWB)
	assert.Equal(t, "FRA", m.Origin)
	assert.Equal(t, "AMS", m.Destination)
	assert.Equal(t, cargoimp.Quantity{Code: "T", Pieces: 3, WeightUnit: "K", Weight: "250.5"}, m.Shipment)
	require.Len(t, m.Statuses, 12)
	require.Len(t, m.Lines, 14)
	assert.Equal(t, cargoimp.Line{No: 2, Fields: []string{"020-12345675FRAAMS", "T3K250.5"},
		Raw: "020-12345675FRAAMS/T3K250.5"}, m.Lines[1])
	assert.Equal(t, "DEP", m.Lines[7].Tag)

	qty := func(s cargoimp.Status) cargoimp.Status {
		s.ShipmentCode, s.Pieces, s.WeightUnit, s.Weight = "T", 3, "K", "250.5"
		return s
	}
	tests := []struct {
		name string
		got  cargoimp.Status
		want cargoimp.Status
	}{
		{name: "booked", got: m.Statuses[0], want: qty(cargoimp.Status{Line: 3, Code: "BKD", Flight: "LH400",
			Day: "16", Month: "OCT", Origin: "FRA", Destination: "AMS"})},
		{name: "received with name", got: m.Statuses[1], want: qty(cargoimp.Status{Line: 4, Code: "RCS",
			Day: "16", Month: "OCT", Time: "1317", Airport: "FRA", Fields: []string{"LCAG"}})},
		{name: "departed", got: m.Statuses[5], want: qty(cargoimp.Status{Line: 8, Code: "DEP", Flight: "LH0992",
			Day: "17", Month: "OCT", Origin: "FRA", Destination: "AMS"})},
		{name: "arrived", got: m.Statuses[6], want: qty(cargoimp.Status{Line: 9, Code: "ARR", Flight: "LH0992",
			Day: "17", Month: "OCT", Airport: "AMS"})},
		{name: "received from flight", got: m.Statuses[7], want: qty(cargoimp.Status{Line: 10, Code: "RCF",
			Flight: "LH0992", Day: "17", Month: "OCT", Time: "2205", Airport: "AMS"})},
		{name: "notified", got: m.Statuses[8], want: qty(cargoimp.Status{Line: 11, Code: "NFD",
			Day: "18", Month: "OCT", Time: "0900", Airport: "AMS", Fields: []string{"KUEHNE NAGEL"}})},
		{name: "delivered", got: m.Statuses[11], want: qty(cargoimp.Status{Line: 14, Code: "DLV",
			Day: "18", Month: "OCT", Time: "1410", Airport: "AMS", Fields: []string{"J DE VRIES"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}

func TestParseFSUPartShipmentAndTransfers(t *testing.T) {
	m, err := cargoimp.ParseFSU(readTestdata(t, "split-shipment-lf.fsu"), cargoimp.Options{})
	require.NoError(t, err)
	require.Len(t, m.Statuses, 7)
	assert.Equal(t, cargoimp.Quantity{Code: "P", Pieces: 4, WeightUnit: "K", Weight: "480", TotalPieces: 10},
		m.Statuses[0].Quantity())
	assert.Equal(t, "EK", m.Statuses[2].Carrier)
	assert.Equal(t, "KL", m.Statuses[4].Carrier)
	assert.Empty(t, m.Statuses[4].Day, "TRM carries no date")
	assert.Equal(t, "MSCA", m.Statuses[5].Discrepancy)
	assert.Equal(t, "EK0149", m.Statuses[5].Flight)
	assert.Equal(t, cargoimp.Quantity{Code: "T", Pieces: 10, WeightUnit: "L", Weight: "2645.5"}, m.Statuses[6].Quantity())
}

func TestParseFSUDomainExample(t *testing.T) {
	m, err := cargoimp.ParseFSU(readTestdata(t, "rcs-domain-example.fsu"), cargoimp.Options{})
	require.NoError(t, err)
	require.Len(t, m.Statuses, 1)
	st := m.Statuses[0]
	assert.Empty(t, st.ShipmentCode, "LCAG is not a quantity")
	assert.Equal(t, []string{"LCAG"}, st.Fields)
}

func TestParseFSUErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		opts     cargoimp.Options
		sentinel error
		msg      string
	}{
		{
			name: "wrong check digit", in: "FSU/14\n020-12345670FRAJFK/T1K100\nRCS/16OCT1317/FRA/T1K100\n",
			sentinel: cargoimp.ErrAWBCheckDigit,
			msg:      `fsu.txt:2: AWB "020-12345670" has a wrong check digit: got 0, expected 5`,
		},
		{
			name: "unknown status code", in: "FSU/14\n020-12345675FRAJFK/T1K100\nXYZ/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrStatusCode,
			msg:      `fsu.txt:3: status code "XYZ" is not a known FSU status code: expected one of ARR, AWD, AWR, BKD,`,
		},
		{
			name: "consignment line cut short", in: "FSU/14\n020-12345675FRA\nRCS/16OCT1317/FRA/T1K100\n",
			sentinel: cargoimp.ErrTruncated,
			msg:      `fsu.txt:2: destination is missing: line ends after "020-12345675FRA", expected a 3-letter airport`,
		},
		{
			name: "consignment line missing", in: "FSU/14\n", sentinel: cargoimp.ErrTruncated,
			msg: "fsu.txt:2: consignment line is missing: expected AWB, origin, destination and quantity",
		},
		{
			name: "no status", in: "FSU/14\r\n020-12345675FRAJFK/T1K100\r\n", sentinel: cargoimp.ErrTruncated,
			msg: "fsu.txt:3: status line is missing",
		},
		{
			name: "quantity empty on line 2", in: "FSU/14\n020-12345675FRAJFK/\nRCS/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrTruncated, msg: "fsu.txt:2: shipment quantity is missing",
		},
		{
			name: "status cut short", in: "FSU/14\n020-12345675FRAJFK/T1K100\nDEP/LH400/16OCT\n",
			sentinel: cargoimp.ErrTruncated,
			msg:      `fsu.txt:3: DEP airport pair is missing: expected it after "DEP/LH400/16OCT", as in FRAAMS`,
		},
		{
			name: "airports of a flight line not joined", in: "FSU/14\n020-12345675FRAJFK/T1K100\nDEP/LH400/16OCT/FRA/JFK\n",
			sentinel: cargoimp.ErrSyntax,
			msg:      `fsu.txt:3: DEP airport pair "FRA" is not valid Cargo-IMP: expected the departure and arrival airports joined, as in FRAAMS`,
		},
		{
			name: "airport pair in lower case", in: "FSU/14\n020-12345675FRAJFK/T1K100\nDEP/LH400/16OCT/FRAjfk\n",
			sentinel: cargoimp.ErrSyntax, msg: `DEP airport pair "FRAjfk"`,
		},
		{
			name: "discrepancy code missing", in: "FSU/14\n020-12345675FRAJFK/T1K100\nDIS/LH400/16OCT1317/JFK/T1K100\n",
			sentinel: cargoimp.ErrSyntax, msg: `DIS discrepancy code "T1K100" is not valid Cargo-IMP: expected a 4-letter discrepancy code`,
		},
		{
			name: "OSI without text", in: "FSU/14\n020-12345675FRAJFK/T1K100\nOSI\n",
			sentinel: cargoimp.ErrTruncated, msg: `fsu.txt:3: OSI text is missing`,
		},
		{
			name: "OCI with a bad country", in: "FSU/14\n020-12345675FRAJFK/T1K100\nOCI/NLD/ISS/RA/X\n",
			sentinel: cargoimp.ErrSyntax, msg: `country "NLD" is not a 2-letter ISO code`,
		},
		{
			name: "CRC flight without airports", in: "FSU/14\n020-12345675FRAJFK/T1K100\nCRC/16OCT1317/JFK/T1K100/LH400/16OCT\n",
			sentinel: cargoimp.ErrTruncated, msg: `CRC flight airport pair is missing`,
		},
		{
			name: "continuation line first", in: "FSU/14\n020-12345675FRAJFK/T1K100\n/MORE\nRCS/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrSyntax, msg: `fsu.txt:3: continuation line "/MORE" is not valid Cargo-IMP: a line starting with '/' must follow a status line`,
		},
		{
			name: "envelope without origin line", in: "QK AMSFMKL\nFSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrTruncated, msg: `fsu.txt:2: envelope origin line is missing`,
		},
		{
			name: "envelope only", in: "QK AMSFMKL\n.FRAFMLH 161317\n",
			sentinel: cargoimp.ErrTruncated, msg: `fsu.txt:3: message type line is missing`,
		},
		{
			name: "empty field", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS//FRA\n",
			sentinel: cargoimp.ErrTruncated, msg: `RCS date/time is missing`,
		},
		{
			name: "version missing", in: "FSU\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrTruncated, msg: "fsu.txt:1: message version is missing",
		},
		{
			name: "empty input", in: "\r\n\r\n", sentinel: cargoimp.ErrTruncated,
			msg: "fsu.txt:1: message type line is missing: the input is empty",
		},
		{
			name: "not an FSU", in: "FWB/16\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrSyntax, msg: `fsu.txt:1: message type "FWB" is not valid Cargo-IMP: expected FSU/<version>`,
		},
		{
			name: "bad date", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/31NOV1317/FRA\n",
			sentinel: cargoimp.ErrSyntax, msg: `fsu.txt:3: RCS date/time "31NOV1317" is not valid Cargo-IMP: day 31 does not exist in NOV`,
		},
		{
			name: "bad time", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT2517/FRA\n",
			sentinel: cargoimp.ErrSyntax, msg: "time 2517 is not a time of day",
		},
		{
			name: "bad month", in: "FSU/14\n020-12345675FRAJFK/T1K100\nDEP/LH400/16OKT/FRAJFK\n",
			sentinel: cargoimp.ErrSyntax, msg: `month "OKT" is not one of JAN … DEC`,
		},
		{
			name: "bad flight", in: "FSU/14\n020-12345675FRAJFK/T1K100\nDEP/LH40000/16OCT/FRAJFK\n",
			sentinel: cargoimp.ErrSyntax, msg: `DEP flight "LH40000" is not valid Cargo-IMP`,
		},
		{
			name: "lower-case airport", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/fra\n",
			sentinel: cargoimp.ErrSyntax, msg: `RCS airport "fra"`,
		},
		{
			name: "bad quantity", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA/T1X100\n",
			sentinel: cargoimp.ErrSyntax, msg: `RCS quantity "T1X100" is not valid Cargo-IMP: unexpected "X100" at position 3`,
		},
		{
			name: "zero total pieces", in: "FSU/14\n020-12345675FRAJFK/P1K10T0\nRCS/16OCT1317/FRA\n",
			sentinel: cargoimp.ErrSyntax, msg: "total pieces must be at least 1",
		},
		{
			name: "control character", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA/A\x01B\n",
			sentinel: cargoimp.ErrSyntax, msg: `fsu.txt:3: line "RCS/16OCT1317/FRA/A\x01B" is not valid Cargo-IMP: byte 0x01 at column 20`,
		},
		{
			name: "two messages", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA\nFSU/14\n",
			sentinel: cargoimp.ErrSyntax, msg: "fsu.txt:4: line \"FSU/14\" is not valid Cargo-IMP: a second message starts here",
		},
		{
			name: "too large", in: "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA\n", opts: cargoimp.Options{MaxBytes: 10},
			sentinel: cargoimp.ErrTooLarge, msg: "fsu.txt: input is too large: more than 10 bytes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Name = "fsu.txt"
			m, err := cargoimp.ParseFSU([]byte(tt.in), opts)
			require.Error(t, err)
			assert.Nil(t, m)
			require.ErrorIs(t, err, tt.sentinel)
			var e *cargoimp.Error
			require.ErrorAs(t, err, &e)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestParseFSUReportsEveryProblem(t *testing.T) {
	in := "FSU/14\n020-12345670FRAJFK/T1K100\nRCS/16OCT1317/FRA\nXYZ/1\nDLV/40OCT1010/JFK\n"
	_, err := cargoimp.ParseFSU([]byte(in), cargoimp.Options{Name: "fsu.txt"})
	require.Error(t, err)
	assert.ErrorIs(t, err, cargoimp.ErrAWBCheckDigit)
	assert.ErrorIs(t, err, cargoimp.ErrStatusCode)
	assert.ErrorIs(t, err, cargoimp.ErrSyntax)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], "fsu.txt:2: "))
	assert.True(t, strings.HasPrefix(lines[1], "fsu.txt:4: "))
	assert.True(t, strings.HasPrefix(lines[2], "fsu.txt:5: "))
}

func TestReadAll(t *testing.T) {
	msgs, err := cargoimp.ReadAll(strings.NewReader(string(readTestdata(t, "several.txt"))), cargoimp.Options{})
	require.NoError(t, err)
	require.Len(t, msgs, 3)
	assert.Equal(t, "RCS", msgs[0].Statuses[0].Code)
	assert.Equal(t, "589-81140743", msgs[1].AWB.String())
	assert.Equal(t, 10, msgs[2].Statuses[0].Line, "line numbers count from the start of the file")
	assert.Equal(t, []string{"NAME"}, msgs[2].Statuses[0].Fields)
}

func TestReadAllKeepsGoodMessages(t *testing.T) {
	in := "FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA\n\n" +
		"FSU/14\n020-12345670FRAJFK/T1K100\nRCS/16OCT1317/FRA\n\n" +
		"FSU/14\n020-12345675FRAJFK/T1K100\nDLV/18OCT1010/JFK\n"
	msgs, err := cargoimp.ReadAll(strings.NewReader(in), cargoimp.Options{Name: "batch.txt"})
	require.ErrorIs(t, err, cargoimp.ErrAWBCheckDigit)
	assert.Contains(t, err.Error(), "batch.txt:6: AWB")
	require.Len(t, msgs, 2)
	assert.Equal(t, "DLV", msgs[1].Statuses[0].Code)
}

func TestReadAllLimits(t *testing.T) {
	_, err := cargoimp.ReadAll(strings.NewReader(strings.Repeat("x", 100)), cargoimp.Options{MaxBytes: 99})
	require.ErrorIs(t, err, cargoimp.ErrTooLarge)

	boom := errors.New("link down")
	_, err = cargoimp.ReadAll(iotest.ErrReader(boom), cargoimp.Options{Name: "in.txt"})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, "in.txt: reading messages: link down", err.Error())
}

func TestStatusGrammar(t *testing.T) {
	g, ok := cargoimp.StatusGrammar("DEP")
	require.True(t, ok)
	assert.Equal(t, "DEP/<flight LH400>/<date 16OCT>/<airport pair FRAAMS>[/<quantity T1K100>][/...]", g)
	g, _ = cargoimp.StatusGrammar("CRC")
	assert.Equal(t, "CRC/<date/time 16OCT1317>/<airport FRA>[/<quantity T1K100>][/<movement LH400/16OCT/FRAAMS>][/...]", g)
	_, ok = cargoimp.StatusGrammar("XYZ")
	assert.False(t, ok)
	codes := cargoimp.StatusCodes()
	assert.Contains(t, codes, "NFD")
	assert.IsIncreasing(t, codes)
}

func TestErrorRendersThroughErrtext(t *testing.T) {
	e := &cargoimp.Error{Name: "fsu.txt", Line: 2, Field: "AWB", Value: strings.Repeat("0", 100), Err: cargoimp.ErrSyntax}
	assert.Equal(t, `fsu.txt:2: AWB "`+strings.Repeat("0", errtext.MaxValue)+`"… is not valid Cargo-IMP`, e.Error())
	e = &cargoimp.Error{Line: 4, Field: "status code", Value: "X\tY", Err: cargoimp.ErrStatusCode}
	assert.Equal(t, `line 4: status code "X\tY" is not a known FSU status code`, e.Error())
}

func TestParseFSUEnvelopeAndEveryCode(t *testing.T) {
	m, err := cargoimp.ParseFSU(readTestdata(t, "typeb-every-code.fsu"), cargoimp.Options{})
	require.NoError(t, err)
	assert.Equal(t, &cargoimp.Envelope{Priority: "QK", Recipients: []string{"AMSFMKL", "AMSCNXH"},
		Sender: "FRAFMLH", Stamp: "161317"}, m.Envelope)
	assert.Equal(t, "15", m.Version)
	assert.Empty(t, m.Origin+m.Destination, "the consignment line leaves the airports out")
	assert.Equal(t, cargoimp.Quantity{Code: "T", Pieces: 3, WeightUnit: "K", Weight: "250.5"}, m.Shipment)
	assert.Equal(t, "", m.Lines[0].Tag, "envelope lines have no tag")
	assert.Equal(t, "FSU", m.Lines[2].Tag)
	assert.Equal(t, "", m.Lines[3].Tag, "the consignment line has no tag")

	byCode := map[string]cargoimp.Status{}
	for _, st := range m.Statuses {
		byCode[st.Code] = st
	}
	require.Len(t, byCode, 18)
	oci := byCode["OCI"]
	assert.Equal(t, []string{"DE", "ISS", "RA", "DERA12345-01"}, oci.Fields)
	assert.Equal(t, [][]string{{"", "", "SM", "SPX"}}, oci.Continued)
	crc := byCode["CRC"]
	assert.Equal(t, "FRA", crc.Airport)
	assert.Equal(t, "LH400", crc.Flight)
	assert.Equal(t, "16OCT", crc.FlightDate)
	assert.Equal(t, "FRA", crc.Origin)
	assert.Equal(t, "AMS", crc.Destination)
	dep := byCode["DEP"]
	assert.Equal(t, []string{"FRA", "AMS", "", "A2015"}, []string{dep.Origin, dep.Destination, dep.Airport, dep.Fields[0]})
	awr := byCode["AWR"]
	assert.Equal(t, []string{"LH400", "16", "OCT", "2150", "AMS"}, []string{awr.Flight, awr.Day, awr.Month, awr.Time, awr.Airport})
	osi := byCode["OSI"]
	assert.Equal(t, []string{"ONE PIECE WET"}, osi.Fields)
	assert.Equal(t, [][]string{{"REPACKED BY HANDLER"}}, osi.Continued)
	dis := byCode["DIS"]
	assert.Equal(t, "DMNG", dis.Discrepancy)
	assert.Equal(t, cargoimp.Quantity{Code: "P", Pieces: 1, WeightUnit: "K", Weight: "80", TotalPieces: 3}, dis.Quantity())
	for _, code := range []string{"DOC", "FIW", "FOW", "TGC", "DPU"} {
		st := byCode[code]
		assert.NotEmpty(t, st.Day+st.Month+st.Time, code)
		assert.Len(t, st.Airport, 3, code)
	}
}

func TestParseFSUConsignmentShapes(t *testing.T) {
	tests := []struct {
		name, line   string
		origin, dest string
		shipment     cargoimp.Quantity
	}{
		{name: "airports and quantity", line: "020-12345675FRAAMS/T3K50", origin: "FRA", dest: "AMS",
			shipment: cargoimp.Quantity{Code: "T", Pieces: 3, WeightUnit: "K", Weight: "50"}},
		{name: "no airports", line: "020-12345675/T3K50",
			shipment: cargoimp.Quantity{Code: "T", Pieces: 3, WeightUnit: "K", Weight: "50"}},
		{name: "quantity straight after the AWB", line: "020-12345675T3K50",
			shipment: cargoimp.Quantity{Code: "T", Pieces: 3, WeightUnit: "K", Weight: "50"}},
		{name: "part of a consignment", line: "020-12345675P2K20T5",
			shipment: cargoimp.Quantity{Code: "P", Pieces: 2, WeightUnit: "K", Weight: "20", TotalPieces: 5}},
		{name: "no quantity", line: "020-12345675FRAAMS", origin: "FRA", dest: "AMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := cargoimp.ParseFSU([]byte("FSU/14\n"+tt.line+"\nRCS/16OCT1317/FRA\n"), cargoimp.Options{})
			require.NoError(t, err)
			assert.Equal(t, "020-12345675", m.AWB.String())
			assert.Equal(t, tt.origin, m.Origin)
			assert.Equal(t, tt.dest, m.Destination)
			assert.Equal(t, tt.shipment, m.Shipment)
		})
	}
}

func TestLooksLikeFSU(t *testing.T) {
	for in, want := range map[string]bool{
		"FSU/14\r\n020-12345675FRAJFK/T1K100\r\n": true,
		"FSA/12\n":                                     true,
		"QK AMSFMKL\n.FRAFMLH 161317\nFSU/14\n":        true,
		"QK AMSFMKL AMSCNXH\r\n.FRAFMLH\r\nFSU/14\r\n": true,
		"QK AMSFMKL\nFSU/14\n":                         true, // the parser then says the origin line is missing
		"FWB/16\n":                                     false,
		"QK AMSFMKL\n.FRAFMLH 161317\nFWB/16\n":        false,
		"hello\nFSU/14\n":                              false,
	} {
		assert.Equal(t, want, cargoimp.LooksLikeFSU([]byte(in)), "%q", in)
	}
}

func TestDepartureTimeAndArrivalAirport(t *testing.T) {
	in := "FSU/14\n020-12345675FRAJFK/T1K100\n" +
		"DEP/LH400/16OCT/FRAJFK/T1K100/A2015\n" +
		"DEP/LH400/16OCT/FRAJFK/T1K100/A0130-N\n" +
		"MAN/LH400/16OCT/FRAJFK/T1K100/ACME\n" +
		"RCF/LH400/17OCT0810/JFK/T1K100\n" +
		"NFD/17OCT0900/JFK/T1K100/A2015\n"
	m, err := cargoimp.ParseFSU([]byte(in), cargoimp.Options{})
	require.NoError(t, err)
	want := []struct{ time, arrival string }{
		{"2015", "JFK"},
		{"", "JFK"}, // a day change: the line's date is not the day of the time
		{"", "JFK"}, // a name, not time information
		{"", "JFK"}, // RCF has a time of its own; its airport is where the flight arrived
		{"", ""},    // NFD has no flight
	}
	require.Len(t, m.Statuses, len(want))
	for i, w := range want {
		assert.Equal(t, w.time, m.Statuses[i].DepartureTime(), "line %d", i+3)
		assert.Equal(t, w.arrival, m.Statuses[i].ArrivalAirport(), "line %d", i+3)
	}
}

// ReadAll reads the same messages through a buffered reader, whatever its
// buffer holds (a line longer than the buffer, a small buffer), and refuses
// an input over the limit as it does an unbuffered one.
func TestReadAllBuffered(t *testing.T) {
	in := "FSU/14\n074-66201940JFKAMS/T4K615.5\nRCS/28DEC1722/JFK/T4K615.5\nOSI/" + strings.Repeat("X", 60) + "\n\nFSU/14\n020-12345675FRAAMS\nNFD/29DEC1105/AMS\n"
	want, err := cargoimp.ReadAll(strings.NewReader(in), cargoimp.Options{})
	require.NoError(t, err)
	require.Len(t, want, 2)
	for _, size := range []int{16, 64, 4096} {
		got, err := cargoimp.ReadAll(bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(in)), size), cargoimp.Options{})
		require.NoError(t, err)
		assert.Equal(t, want, got, "buffer of %d", size)
		_, err = cargoimp.ReadAll(bufio.NewReaderSize(strings.NewReader(in), size), cargoimp.Options{MaxBytes: int64(len(in) - 1)})
		require.ErrorIs(t, err, cargoimp.ErrTooLarge, "buffer of %d", size)
		_, err = cargoimp.ReadAll(bufio.NewReaderSize(strings.NewReader(in), size), cargoimp.Options{MaxBytes: int64(len(in))})
		require.NoError(t, err, "buffer of %d", size)
	}
}
