package edifact_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

const goodMessage = "UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'UNT+3+M1'"

func TestReaderLayouts(t *testing.T) {
	want := []string{
		"UNH+M1+COREOR:D:00B:UN:SMDG20",
		"BGM+129+R1+9",
		"NAD+FW+NL001:160++A'B",
		"UNT+4+M1",
	}
	tests := []struct {
		name string
		in   string
	}{
		{"one line, no UNA", "UNB+UNOC:3+S+R+260101:1200+I1'UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'NAD+FW+NL001:160++A?'B'UNT+4+M1'UNZ+1+I1'"},
		{"one per line", "UNB+UNOC:3+S+R+260101:1200+I1'\nUNH+M1+COREOR:D:00B:UN:SMDG20'\nBGM+129+R1+9'\nNAD+FW+NL001:160++A?'B'\nUNT+4+M1'\nUNZ+1+I1'\n"},
		{"CRLF and blank lines", "UNB+UNOC:3+S+R+260101:1200+I1'\r\n\r\nUNH+M1+COREOR:D:00B:UN:SMDG20'\r\nBGM+129+R1+9'\r\nNAD+FW+NL001:160++A?'B'\r\nUNT+4+M1'\r\nUNZ+1+I1'\r\n\r\n"},
		{"default UNA", "UNA:+.? 'UNB+UNOC:3+S+R+260101:1200+I1'UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'NAD+FW+NL001:160++A?'B'UNT+4+M1'UNZ+1+I1'"},
		{"UNA on its own line", "UNA:+.? '\nUNB+UNOC:3+S+R+260101:1200+I1'\nUNH+M1+COREOR:D:00B:UN:SMDG20'\nBGM+129+R1+9'\nNAD+FW+NL001:160++A?'B'\nUNT+4+M1'\nUNZ+1+I1'"},
		{"other delimiters", "UNA|*,! ~UNB*UNOC|3*S*R*260101|1200*I1~UNH*M1*COREOR|D|00B|UN|SMDG20~BGM*129*R1*9~NAD*FW*NL001|160**A'B~UNT*4*M1~UNZ*1*I1~"},
		{"LF as terminator", "UNA:+.? \nUNB+UNOC:3+S+R+260101:1200+I1\r\nUNH+M1+COREOR:D:00B:UN:SMDG20\nBGM+129+R1+9\nNAD+FW+NL001:160++A'B\r\nUNT+4+M1\nUNZ+1+I1\n"},
		{"byte order mark", "\xEF\xBB\xBFUNB+UNOC:3+S+R+260101:1200+I1'UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'NAD+FW+NL001:160++A?'B'UNT+4+M1'UNZ+1+I1'"},
		{"padding after the last segment", "UNB+UNOC:3+S+R+260101:1200+I1'UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'NAD+FW+NL001:160++A?'B'UNT+4+M1'UNZ+1+I1'\r\n   \t\x1a"},
		{"bare message", "UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'NAD+FW+NL001:160++A?'B'UNT+4+M1'"},
		{"trailing empties dropped", "UNH+M1+COREOR:D:00B:UN:SMDG20::'BGM+129+R1+9+++'NAD+FW+NL001:160:++A?'B:'UNT+4+M1'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, tt.in, edifact.ReaderOptions{})
			require.Len(t, got, 1)
			require.NoError(t, got[0].err)
			assert.Equal(t, want, shape(got[0].msg.Segments))
		})
	}
}

func TestReleaseCharacter(t *testing.T) {
	tests := []struct {
		name string
		seg  string // FTX segment as sent
		want [][]string
	}{
		{"released terminator", `FTX+A?'B`, [][]string{{"A'B"}}},
		{"released release then terminator", `FTX+A??`, [][]string{{"A?"}}},
		{"three releases", `FTX+A???'B`, [][]string{{"A?'B"}}},
		{"released separators", `FTX+A?+B?:C+D`, [][]string{{"A+B:C"}, {"D"}}},
		{"released at value start", `FTX+?+:?:`, [][]string{{"+", ":"}}},
		{"released line break is data", "FTX+A?\nB", [][]string{{"A\nB"}}},
		{"line break inside a segment is data", "FTX+A\r\nB", [][]string{{"A\r\nB"}}},
		{"released letter", `FTX+?A`, [][]string{{"A"}}},
		{"inner empties kept", `FTX+A+:B++C`, [][]string{{"A"}, {"", "B"}, {""}, {"C"}}},
		{"reserved space is data", `FTX+A B`, [][]string{{"A B"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "UNH+1+COREOR:D:00B'" + tt.seg + "'UNT+3+1'"
			got := readAll(t, in, edifact.ReaderOptions{})
			require.Len(t, got, 1)
			require.NoError(t, got[0].err)
			assert.Equal(t, tt.want, got[0].msg.Segments[1].Elements)
		})
	}
}

func TestReaderSamples(t *testing.T) {
	tests := []struct {
		file   string
		ids    []string // message identifiers read
		errs   []error  // sentinel per returned result, nil for a good message
		render []string // error text per result, "" for a good message
	}{
		{file: "copino.edi", ids: []string{"COPINO:D:95B:UN:ITG13"}, errs: []error{nil}},
		{file: "coarri.edi", ids: []string{"COARRI:D:95B:UN:ITG12"}, errs: []error{nil}},
		{file: "codeco-gatein.edi", ids: []string{"CODECO:D:95B:UN:SMDG16"}, errs: []error{nil}},
		{file: "coreor-unoc.edi", ids: []string{"COREOR:D:00B:UN:SMDG20", "COREOR:D:00B:UN:SMDG20"}, errs: []error{nil, nil}},
		{file: "groups-crlf.edi", ids: []string{"COREOR:D:00B:UN:SMDG20", "COREOR:D:00B:UN:SMDG20"}, errs: []error{nil, nil}},
		{
			file: "coreor-msc.edi", ids: []string{"COREOR:D:08B:UN:SMDG20"}, errs: []error{edifact.ErrSegmentCount},
			render: []string{`coreor-msc.edi:13: message DO134792 segment 13 UNT element 1 "21": segment count is 13`},
		},
		{
			file: "codeco-no-unt.edi", errs: []error{edifact.ErrTruncated},
			render: []string{`codeco-no-unt.edi:12: message 92218: input ends before UNT`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + tt.file)
			require.NoError(t, err)
			got := readAll(t, string(b), edifact.ReaderOptions{Name: tt.file})
			require.Len(t, got, len(tt.errs))
			var ids []string
			for i, res := range got {
				if res.msg != nil {
					ids = append(ids, res.msg.ID.String())
				}
				if tt.errs[i] == nil {
					assert.NoError(t, res.err)
					continue
				}
				assert.ErrorIs(t, res.err, tt.errs[i])
				assert.Equal(t, tt.render[i], res.err.Error())
			}
			assert.Equal(t, tt.ids, ids)

			// A size hint, right or too small, changes nothing read.
			outcome := func(rs []result) []string {
				var out []string
				for _, r := range rs {
					if r.err != nil {
						out = append(out, r.err.Error())
					} else {
						out = append(out, fmt.Sprint(r.msg.ID, len(r.msg.Segments)))
					}
				}
				return out
			}
			for _, hint := range []int{len(b), 8} {
				again := readAll(t, string(b), edifact.ReaderOptions{Name: tt.file, SizeHint: hint})
				assert.Equal(t, outcome(got), outcome(again), "size hint %d", hint)
			}
		})
	}
}

func TestReaderSampleValues(t *testing.T) {
	b, err := os.ReadFile("testdata/coreor-unoc.edi")
	require.NoError(t, err)
	r := edifact.NewReader(bytes.NewReader(b), edifact.ReaderOptions{})
	ic, err := r.Interchange()
	require.NoError(t, err)
	assert.Equal(t, &edifact.Interchange{
		Charset: "UNOC", SyntaxVersion: "3", Sender: "MAEU", SenderQual: "ZZZ",
		Recipient: "NLRTMECT", RecipientQual: "ZZZ", Date: "20261127", Time: "1015",
		ControlRef: "IC0001", Delims: edifact.DefaultDelims, UNA: true,
	}, ic)

	m1, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, "REL1", m1.Ref)
	assert.Equal(t, 1, m1.Index)
	assert.Same(t, ic, m1.Interchange)
	assert.Equal(t, "O'BRIEN + SONS: A?B", m1.Segments[6].Value(4, 1))
	assert.Equal(t, "Société Générale Transit", m1.Segments[7].Value(4, 1))
	assert.Equal(t, 2, m1.Segments[0].Pos, "UNB is segment 1")

	m2, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, 2, m2.Index)
	assert.Equal(t, "Müller Spedition GmbH", m2.Segments[2].Value(4, 1))
	assert.Equal(t, 15, m2.Segments[0].Pos)

	// The first message is untouched by reading the second.
	assert.Equal(t, "Société Générale Transit", m1.Segments[7].Value(4, 1))

	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, int64(len(b)), r.Offset())
}

func TestReaderPositions(t *testing.T) {
	b, err := os.ReadFile("testdata/codeco-gatein.edi")
	require.NoError(t, err)
	m, err := edifact.ParseMessage(b, edifact.ReaderOptions{})
	require.NoError(t, err)
	unh, unt := m.Segments[0], m.Segments[len(m.Segments)-1]
	assert.Equal(t, [2]int{2, 3}, [2]int{unh.Pos, unh.Line}, "UNA is not counted, but has its line")
	assert.Equal(t, [2]int{13, 14}, [2]int{unt.Pos, unt.Line})
}

func TestInterchangeKinds(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *edifact.Interchange
		wantErr error
	}{
		{"bare message", goodMessage, nil, nil},
		{"UNA before a bare message", "UNA:+.? '" + goodMessage, nil, nil},
		{
			"UNB", "UNB+UNOY:4+S:ZZZ+R:14+20260101:1200+X9'" + goodMessage + "UNZ+1+X9'",
			&edifact.Interchange{Charset: "UNOY", SyntaxVersion: "4", Sender: "S", SenderQual: "ZZZ", Recipient: "R", RecipientQual: "14",
				Date: "20260101", Time: "1200", ControlRef: "X9", Delims: edifact.DefaultDelims},
			nil,
		},
		{"empty", "", nil, edifact.ErrSyntax},
		{"only line breaks", "\r\n\r\n", nil, edifact.ErrSyntax},
		{"garbage", "\x00\x01\x02\xff binary", nil, edifact.ErrSyntax},
		{"starts with a data segment", "BGM+129+R1+9'", nil, edifact.ErrSyntax},
		{"unknown character set", "UNB+UNOX:3+S+R+260101:1200+I1'", nil, edifact.ErrCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := edifact.NewReader(strings.NewReader(tt.in), edifact.ReaderOptions{})
			ic, err := r.Interchange()
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.True(t, asError(t, err).Fatal)
				_, err = r.Next()
				assert.ErrorIs(t, err, io.EOF)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, ic)
			m, err := r.Next()
			require.NoError(t, err)
			assert.Equal(t, "M1", m.Ref)
			assert.Equal(t, tt.want, m.Interchange)
		})
	}
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   edifact.ReaderOptions
		err    error
		fatal  bool
		render string // expected error text
	}{
		{
			name: "wrong UNT count", in: interchange("UNOC", "UNH+M1+COREOR:D:00B'", "BGM+129+R1+9'", "UNT+4+M1'", "UNZ+1+REF1'"),
			err: edifact.ErrSegmentCount, render: `in.edi:4: message M1 segment 4 UNT element 1 "4": segment count is 3`,
		},
		{
			name: "UNT count not a number", in: "UNH+M1+COREOR:D:00B'UNT+X+M1'",
			err: edifact.ErrSegmentCount, render: `in.edi:1: message M1 segment 2 UNT element 1 "X": segment count is 2`,
		},
		{
			name: "UNT reference differs", in: "UNH+M1+COREOR:D:00B'UNT+2+M2'",
			err: edifact.ErrControlRef, render: `in.edi:1: message M1 segment 2 UNT element 2 "M2": expected the UNH message reference "M1"`,
		},
		{
			name: "UNZ count mismatch", in: interchange("UNOC", goodMessage, "UNZ+2+REF1'"),
			err: edifact.ErrMessageCount, render: `in.edi:3: interchange REF1 segment 5 UNZ element 1 "2": message count is 1`,
		},
		{
			name: "UNZ reference differs", in: interchange("UNOC", goodMessage, "UNZ+1+REF2'"),
			err: edifact.ErrControlRef, render: `in.edi:3: interchange REF1 segment 5 UNZ element 2 "REF2": expected the UNB control reference "REF1"`,
		},
		{
			name: "UNE count and reference", in: interchange("UNOC", "UNG+COREOR+S+R+260101:1200+G1+UN+D:00B'", goodMessage, "UNE+3+G2'", "UNZ+1+REF1'"),
			err: edifact.ErrMessageCount,
			render: `in.edi:4: interchange REF1 segment 6 UNE element 1 "3": message count is 1` + "\n" +
				`in.edi:4: interchange REF1 segment 6 UNE element 2 "G2": expected the UNG group reference "G1"`,
		},
		{
			name: "UNZ counts groups", in: interchange("UNOC", "UNG+COREOR+S+R+260101:1200+G1+UN+D:00B'", goodMessage, "UNE+1+G1'", "UNZ+2+REF1'"),
			err: edifact.ErrMessageCount, render: `in.edi:5: interchange REF1 segment 7 UNZ element 1 "2": group count is 1`,
		},
		{
			name: "unterminated last segment", in: interchange("UNOC", goodMessage, "UNZ+1+REF1"),
			err: edifact.ErrUnterminated, fatal: true, render: `in.edi:3: interchange REF1 segment 5 UNZ "UNZ+1+REF1": input ends inside a segment`,
		},
		{
			name: "truncated before UNZ", in: interchange("UNOC", goodMessage),
			err: edifact.ErrTruncated, fatal: true, render: `in.edi:3: interchange REF1: input ends before UNZ`,
		},
		{
			name: "truncated inside a message", in: interchange("UNOC", "UNH+M1+COREOR:D:00B'", "BGM+129+R1+9'"),
			err: edifact.ErrTruncated, fatal: true, render: `in.edi:4: message M1: input ends before UNT`,
		},
		{
			name: "UNZ before UNT", in: interchange("UNOC", "UNH+M1+COREOR:D:00B'", "UNZ+1+REF1'"),
			err: edifact.ErrTruncated, render: `in.edi:3: message M1 segment 3 UNZ: message has no UNT before this UNZ`,
		},
		{
			name: "binary garbage", in: "\x89PNG\r\n\x1a\n\x00\x00",
			err: edifact.ErrSyntax, fatal: true, render: `in.edi:1: "\x89PNG\r\n\x1a\n\x00\x00": input does not start with UNA, UNB or UNH`,
		},
		{
			name: "empty file", in: "",
			err: edifact.ErrSyntax, fatal: true, render: `in.edi:1: input is empty, expected UNA, UNB or UNH`,
		},
		{
			name: "garbage inside a message", in: "UNH+M1+COREOR:D:00B'\x00\x01\x02'UNT+3+M1'",
			err: edifact.ErrSyntax, fatal: true, render: `in.edi:1: message M1 segment 2 "\x00\x01\x02": expected a segment tag of three letters or digits`,
		},
		{
			name: "segment outside a message", in: interchange("UNOC", "BGM+1'", "FTX+2'", goodMessage, "UNZ+1+REF1'"),
			err: edifact.ErrSyntax, render: `in.edi:2: interchange REF1 segment 2 BGM: segment outside a message, expected UNH`,
		},
		{
			name: "bad UNA", in: "UNA:::? 'UNB+UNOC:3'",
			err: edifact.ErrSyntax, fatal: true, render: `in.edi:1: UNA "UNA:::? '": bad UNA: component separator and element separator are both ":"`,
		},
		{
			name: "short UNA", in: "UNA:+.",
			err: edifact.ErrSyntax, fatal: true, render: `in.edi:1: segment 1 UNA "UNA:+.": UNA service string advice is shorter than 9 characters`,
		},
		{
			name: "character outside UNOA", in: interchange("UNOA", "UNH+M1+COREOR:D:00B'", "NAD+FW+X:160++Caf\xe9'", "UNT+3+M1'", "UNZ+1+REF1'"),
			err: edifact.ErrCharset, render: `in.edi:3: message M1 segment 3 NAD element 4 component 1 "CAF\xe9": byte 0xE9 is not in UNOA`,
		},
		{
			name: "high byte outside UNOB", in: interchange("UNOB", "UNH+M1+COREOR:D:00B'", "NAD+FW+X:1\xe9'", "UNT+3+M1'", "UNZ+1+REF1'"),
			err: edifact.ErrCharset, render: `in.edi:3: message M1 segment 3 NAD element 2 component 2 "1\xe9": byte 0xE9 is not in UNOB`,
		},
		{
			name: "C1 control in UNOC", in: interchange("UNOC", "UNH+M1+COREOR:D:00B'", "FTX+AAA+++Price \x80 5'", "UNT+3+M1'", "UNZ+1+REF1'"),
			err: edifact.ErrCharset, render: `in.edi:3: message M1 segment 3 FTX element 4 component 1 "Price \x80 5": byte 0x80 is not in UNOC`,
		},
		{
			name: "bad UTF-8 in UNOY", in: interchange("UNOY", "UNH+M1+COREOR:D:00B'", "FTX+AAA+++M\xc3\x28ller'", "UNT+3+M1'", "UNZ+1+REF1'"),
			err: edifact.ErrCharset, render: `in.edi:3: message M1 segment 3 FTX element 4 component 1 "M\xc3(ller": byte 0xC3 is not valid UTF-8 for UNOY`,
		},
		{
			name: "segment too long", in: "UNH+M1+COREOR:D:00B'FTX+" + strings.Repeat("A", 200) + "'UNT+3+M1'", opts: edifact.ReaderOptions{MaxSegmentBytes: 100},
			err: edifact.ErrTooLarge, fatal: true, render: `in.edi:1: message M1 segment 2 FTX "FTX+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"…: segment is longer than 100 bytes`,
		},
		{
			name: "too many segments", in: "UNH+M1+COREOR:D:00B'FTX'FTX'FTX'UNT+5+M1'", opts: edifact.ReaderOptions{MaxMessageSegments: 3},
			err: edifact.ErrTooLarge, fatal: true, render: `in.edi:1: message M1 segment 4 FTX: message has more than 3 segments`,
		},
		{
			name: "message too long", in: "UNH+M1+COREOR:D:00B'FTX+" + strings.Repeat("A", 50) + "'UNT+3+M1'", opts: edifact.ReaderOptions{MaxMessageBytes: 40},
			err: edifact.ErrTooLarge, fatal: true, render: `in.edi:1: message M1 segment 2 FTX: message takes more than 40 bytes once read`,
		},
		{
			name: "many empty values", in: "UNH+M1+COREOR:D:00B'FTX" + strings.Repeat("+", 5000) + "A'UNT+3+M1'", opts: edifact.ReaderOptions{MaxMessageBytes: 100000},
			err: edifact.ErrTooLarge, fatal: true, render: `in.edi:1: message M1 segment 2 FTX: message takes more than 100000 bytes once read`,
		},
		{
			name: "missing message reference", in: "UNH++COREOR:D:00B'UNT+2'",
			err: edifact.ErrSyntax, render: `in.edi:1: segment 1 UNH element 1 "": message reference is missing`,
		},
		{
			name: "unknown reader charset", in: goodMessage, opts: edifact.ReaderOptions{Charset: "ASCII"},
			err: edifact.ErrCharset, fatal: true, render: `in.edi: reader option Charset "ASCII": unknown character set, expected UNOA, UNOB, UNOC, UNOD, UNOE, UNOF, UNOW or UNOY`,
		},
		{
			name: "read error", in: "UNH+M1+COREOR:D:00B'BGM",
			err: iotest.ErrTimeout, fatal: true, render: `in.edi:1: message M1 segment 2 BGM "BGM": timeout`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Name = "in.edi"
			var src io.Reader = strings.NewReader(tt.in)
			if errors.Is(tt.err, iotest.ErrTimeout) {
				src = &failAfter{data: []byte(tt.in), err: iotest.ErrTimeout}
			}
			r := edifact.NewReader(src, tt.opts)
			var got error
			for range 10 {
				_, err := r.Next()
				if err == nil {
					continue
				}
				if errors.Is(err, io.EOF) {
					break
				}
				got = err
				break
			}
			require.ErrorIs(t, got, tt.err)
			assert.Equal(t, tt.render, got.Error())
			assert.Equal(t, tt.fatal, asError(t, got).Fatal)
			if tt.fatal {
				_, err := r.Next()
				assert.ErrorIs(t, err, io.EOF, "nothing after a fatal error")
			}
		})
	}
}

// failAfter returns data, then err.
type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderRecovery(t *testing.T) {
	in := interchange("UNOA",
		"UNH+M1+COREOR:D:00B'", "BGM+129+R1+9'", "UNT+3+M1'",
		"UNH+M2+COREOR:D:00B'", "BGM+129+R2+9'", "UNT+9+M2'", // wrong count: returned with its error
		"UNH+M3+COREOR:D:00B'", "FTX+AAA+++AT #3'", "UNT+3+M3'", // outside UNOA: no message
		"UNH+M4+COREOR:D:00B'", "BGM+129+R4+9'", // no UNT: cut off by the next UNH
		"UNH+M5+COREOR:D:00B'", "BGM+129+R5+9'", "UNT+3+M5'",
		"UNZ+4+REF1'", // five messages were begun
	)
	got := readAll(t, in, edifact.ReaderOptions{})
	type outcome struct {
		ref string
		err error
	}
	want := []outcome{
		{"M1", nil}, {"M2", edifact.ErrSegmentCount}, {"", edifact.ErrCharset},
		{"", edifact.ErrTruncated}, {"M5", nil}, {"", edifact.ErrMessageCount},
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		ref := ""
		if got[i].msg != nil {
			ref = got[i].msg.Ref
		}
		assert.Equal(t, w.ref, ref, "result %d", i)
		if w.err == nil {
			assert.NoError(t, got[i].err, "result %d", i)
		} else {
			assert.ErrorIs(t, got[i].err, w.err, "result %d", i)
			assert.False(t, asError(t, got[i].err).Fatal, "result %d", i)
		}
	}
	assert.Equal(t, 5, got[4].msg.Index)
	assert.Equal(t, "M3", asError(t, got[2].err).MessageRef)
	assert.Equal(t, "M4", asError(t, got[3].err).MessageRef)
}

func TestCharsets(t *testing.T) {
	tests := []struct {
		charset string
		data    string // FTX value as sent
		want    string // as read, UTF-8
	}{
		{"UNOA", "ABC 123 .,-()/=!\"%&*;<>", "ABC 123 .,-()/=!\"%&*;<>"},
		{"UNOB", "abc@example.com [x] {y} \\|_~`#$^", "abc@example.com [x] {y} \\|_~`#$^"},
		{"UNOC", "Soci\xe9t\xe9 G\xe9n\xe9rale \xa0\xff", "Société Générale \u00a0ÿ"},
		{"UNOC", "tab\tand\nnewline", "tab\tand\nnewline"},
		{"UNOD", "\xa3\xf3d\xbc Gda\xf1sk", "Łódź Gdańsk"},
		{"UNOE", "\xbc\xde\xe1\xda\xd2\xd0", "Москва"},
		{"UNOF", "\xc1\xe8\xde\xed\xe1", "Αθήνα"},
		{"UNOW", "Müller €", "Müller €"},
		{"UNOY", "Ελλάδα 東京 😀", "Ελλάδα 東京 😀"},
	}
	for _, tt := range tests {
		t.Run(tt.charset+" "+tt.want, func(t *testing.T) {
			in := interchange(tt.charset, "UNH+M1+COREOR:D:00B'", "FTX+AAA+++"+tt.data+"'", "UNT+3+M1'", "UNZ+1+REF1'")
			got := readAll(t, in, edifact.ReaderOptions{})
			require.Len(t, got, 1)
			require.NoError(t, got[0].err)
			assert.Equal(t, tt.want, got[0].msg.Segments[1].Value(4, 1))
		})
	}
}

func TestCharsetRefusals(t *testing.T) {
	tests := []struct {
		charset string
		data    string
		char    string // how the error names the character
	}{
		{"UNOA", "A#B", "character U+0023"},
		{"UNOA", "A_B", "character U+005F"},
		{"UNOA", "A\x01", "character U+0001"},
		{"UNOA", "A\nB", "character U+000A"},
		{"UNOA", "\xc3\xa9", "byte 0xC3"},
		{"UNOB", "\x7f", "character U+007F"},
		{"UNOC", "\x9f", "byte 0x9F"},
		{"UNOC", "\x00", "character U+0000"},
		{"UNOF", "\xae", "byte 0xAE"},
		{"UNOY", "\xc2\x85", "character U+0085"},
		{"UNOY", "\xff", "byte 0xFF"},
		{"UNOY", "\xed\xa0\x80", "byte 0xED"},
		{"UNOW", "\x1b[0m", "character U+001B"},
	}
	for _, tt := range tests {
		t.Run(tt.charset+" "+tt.char, func(t *testing.T) {
			in := interchange(tt.charset, "UNH+M1+COREOR:D:00B'", "FTX+AAA+++"+tt.data+"'", "UNT+3+M1'", "UNZ+1+REF1'")
			got := readAll(t, in, edifact.ReaderOptions{})
			require.Len(t, got, 1)
			require.ErrorIs(t, got[0].err, edifact.ErrCharset)
			assert.Nil(t, got[0].msg)
			e := asError(t, got[0].err)
			assert.Equal(t, [3]int{3, 4, 1}, [3]int{e.Segment, e.Element, e.Component})
			assert.Contains(t, e.Error(), tt.char+" is not")
		})
	}
}

func TestBareMessageCharset(t *testing.T) {
	in := "UNH+M1+COREOR:D:00B'FTX+AAA+++Caf\xe9'UNT+3+M1'"
	tests := []struct {
		charset string
		want    string
		err     error
	}{
		{"", "Café", nil},
		{"UNOC", "Café", nil},
		{"UNOA", "", edifact.ErrCharset},
	}
	for _, tt := range tests {
		t.Run("charset "+tt.charset, func(t *testing.T) {
			m, err := edifact.ParseMessage([]byte(in), edifact.ReaderOptions{Charset: tt.charset})
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Segments[1].Value(4, 1))
		})
	}
}

func TestMultipleInterchanges(t *testing.T) {
	in := "UNB+UNOA:2+S+R+260101:1200+A'" + goodMessage + "UNZ+1+A'\n" +
		"UNA:+,? 'UNB+UNOC:3+S+R+260101:1200+B'" + goodMessage + goodMessage + "UNZ+2+B'\n"
	got := readAll(t, in, edifact.ReaderOptions{})
	require.Len(t, got, 3)
	var refs []string
	for _, res := range got {
		require.NoError(t, res.err)
		refs = append(refs, res.msg.Interchange.ControlRef)
	}
	assert.Equal(t, []string{"A", "B", "B"}, refs)
	assert.Equal(t, byte(','), got[1].msg.Interchange.Delims.Decimal)
	assert.Equal(t, 2, got[2].msg.Index, "index counts within the interchange")
	assert.Equal(t, 2, got[1].msg.Segments[0].Pos, "positions restart with UNB")
}

func TestUnclosedInterchangeBeforeNext(t *testing.T) {
	in := "UNB+UNOA:2+S+R+260101:1200+A'" + goodMessage + "UNB+UNOA:2+S+R+260101:1200+B'" + goodMessage + "UNZ+1+B'"
	got := readAll(t, in, edifact.ReaderOptions{})
	require.Len(t, got, 3)
	require.NoError(t, got[0].err)
	require.ErrorIs(t, got[1].err, edifact.ErrTruncated)
	assert.Equal(t, "A", asError(t, got[1].err).InterchangeRef)
	require.NoError(t, got[2].err)
	assert.Equal(t, "B", got[2].msg.Interchange.ControlRef)
}

func TestISOLevelBDefaults(t *testing.T) {
	in := "UNB\x1dUNOB\x1f3\x1dS\x1dR\x1d260101\x1f1200\x1dI1\x1cUNH\x1dM1\x1dCOREOR\x1fD\x1f00B\x1cFTX\x1dAAA\x1d\x1d\x1dit's: a+b?\x1cUNT\x1d3\x1dM1\x1cUNZ\x1d1\x1dI1\x1c"
	got := readAll(t, in, edifact.ReaderOptions{})
	require.Len(t, got, 1)
	require.NoError(t, got[0].err)
	assert.Equal(t, "it's: a+b?", got[0].msg.Segments[1].Value(4, 1))
	assert.Equal(t, byte(0), got[0].msg.Interchange.Delims.Release)
}

func TestSegmentAccessors(t *testing.T) {
	s := edifact.Segment{Tag: "EQD", Elements: [][]string{{"CN"}, {"MSKU9070323"}, {"45G1", "102", "5"}, {""}, {"3"}}}
	tests := []struct {
		name       string
		elem, comp int
		want       string
	}{
		{"first", 1, 1, "CN"},
		{"component", 3, 2, "102"},
		{"empty position", 4, 1, ""},
		{"absent element", 9, 1, ""},
		{"absent component", 2, 2, ""},
		{"zero", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, s.Value(tt.elem, tt.comp))
		})
	}
	assert.Equal(t, []string{"45G1", "102", "5"}, s.Composite(3))
	assert.Nil(t, s.Composite(6))
	assert.Nil(t, s.Composite(0))
}

func TestMessageIDString(t *testing.T) {
	tests := []struct {
		id   edifact.MessageID
		want string
	}{
		{edifact.MessageID{"COREOR", "D", "00B", "UN", "SMDG20"}, "COREOR:D:00B:UN:SMDG20"},
		{edifact.MessageID{"CODECO", "D", "95B", "UN", ""}, "CODECO:D:95B:UN"},
		{edifact.MessageID{"COPINO", "", "", "UN", ""}, "COPINO:::UN"},
		{edifact.MessageID{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.id.String())
		})
	}
}

func TestOffsetAndLargeInput(t *testing.T) {
	// Messages larger than the reader's initial buffer and many of them.
	var b strings.Builder
	b.WriteString("UNB+UNOC:3+S+R+260101:1200+BIG'\n")
	n := 300
	for i := range n {
		b.WriteString("UNH+M" + string(rune('A'+i%26)) + "+COREOR:D:00B'\nFTX+AAA+++" + strings.Repeat("X", 1000) + "'\nUNT+3+M" + string(rune('A'+i%26)) + "'\n")
	}
	b.WriteString("UNZ+300+BIG'\n")
	in := b.String()
	r := edifact.NewReader(iotest.HalfReader(strings.NewReader(in)), edifact.ReaderOptions{MaxSegmentBytes: 1100})
	count := 0
	var last int64
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.Len(t, m.Segments[1].Value(4, 1), 1000)
		assert.Greater(t, r.Offset(), last)
		last = r.Offset()
		count++
	}
	assert.Equal(t, n, count)
	assert.Equal(t, int64(len(in)), r.Offset())
}

// Readers hand their buffers on to the next Reader once their input is
// read: what a finished Reader returned must not change when the next one
// reuses them, and the offset stays where the input ended.
func TestReaderBuffersHandedOn(t *testing.T) {
	first := "UNB+UNOC:3+S+R+260101:1200+I1'UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'NAD+FW+NL001:160++A?'B'UNT+4+M1'UNZ+1+I1'"
	second := "UNA|*,! ~UNB*UNOC|3*T*Q*260102|1300*I2~UNH*M9*CODECO|D|95B|UN~BGM*34*ZZZZZZZZZ*5~UNT*3*M9~UNZ*1*I2~"
	r := edifact.NewReader(strings.NewReader(first), edifact.ReaderOptions{})
	m, err := r.Next()
	require.NoError(t, err)
	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, int64(len(first)), r.Offset())
	want := []string{"UNH+M1+COREOR:D:00B:UN:SMDG20", "BGM+129+R1+9", "NAD+FW+NL001:160++A'B", "UNT+4+M1"}
	for range 3 {
		got := readAll(t, second, edifact.ReaderOptions{})
		require.Len(t, got, 1)
		require.NoError(t, got[0].err)
		assert.Equal(t, []string{"UNH+M9+CODECO:D:95B:UN", "BGM+34+ZZZZZZZZZ+5", "UNT+3+M9"}, shape(got[0].msg.Segments))
	}
	assert.Equal(t, want, shape(m.Segments))
	assert.Equal(t, "I1", m.Interchange.ControlRef)
}

// Readers running at once each get buffers of their own from the pool:
// every one reads its own interchange intact.
func TestReadersAtOnce(t *testing.T) {
	const workers, rounds = 8, 50
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			errs <- readOwn(w, rounds)
		}()
	}
	for range workers {
		require.NoError(t, <-errs)
	}
}

// readOwn reads an interchange naming worker w, rounds times, and reports
// the first difference from what it wrote.
func readOwn(w, rounds int) error {
	in := fmt.Sprintf("UNB+UNOC:3+S%d+R+260101:1200+I%d'UNH+M%d+COREOR:D:00B:UN:SMDG20'BGM+129+R%d+9'FTX+AAI+++NOTE?+%d'UNT+4+M%d'UNZ+1+I%d'", w, w, w, w, w, w, w)
	want := fmt.Sprintf("UNH+M%d+COREOR:D:00B:UN:SMDG20|BGM+129+R%d+9|FTX+AAI+++NOTE+%d|UNT+4+M%d", w, w, w, w)
	for range rounds {
		r := edifact.NewReader(strings.NewReader(in), edifact.ReaderOptions{CheckElements: true})
		m, err := r.Next()
		if err != nil {
			return err
		}
		if _, err := r.Next(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("worker %d: expected io.EOF, got %v", w, err)
		}
		if got := strings.Join(shape(m.Segments), "|"); got != want {
			return fmt.Errorf("worker %d: read %s", w, got)
		}
	}
	return nil
}
