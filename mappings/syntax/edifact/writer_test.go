package edifact_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

var testIC = edifact.Interchange{
	Sender: "MAEU", SenderQual: "ZZZ", Recipient: "NLRTMECT", RecipientQual: "ZZZ",
	Date: "20261127", Time: "1015", ControlRef: "IC1",
}

var coreorID = edifact.MessageID{Type: "COREOR", Version: "D", Release: "00B", Agency: "UN", Assoc: "SMDG20"}

// writeOne writes one interchange with one message of the given segments.
func writeOne(t *testing.T, opts edifact.WriterOptions, segs ...edifact.Segment) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, opts)
	if err := w.BeginInterchange(testIC); err != nil {
		return "", err
	}
	require.NoError(t, w.BeginMessage("M1", coreorID))
	for _, s := range segs {
		if err := w.WriteSegment(s.Tag, s.Elements); err != nil {
			return "", err
		}
	}
	require.NoError(t, w.EndMessage())
	require.NoError(t, w.EndInterchange())
	require.NoError(t, w.Flush())
	return buf.String(), nil
}

func TestWriterOutput(t *testing.T) {
	nad := edifact.Segment{Tag: "NAD", Elements: [][]string{{"FW"}, {"NL001", "160"}, nil, {"O'BRIEN + SONS: A?B"}}}
	tests := []struct {
		name string
		opts edifact.WriterOptions
		want string
	}{
		{
			name: "defaults",
			want: "UNB+UNOC:3+MAEU:ZZZ+NLRTMECT:ZZZ+20261127:1015+IC1'UNH+M1+COREOR:D:00B:UN:SMDG20'" +
				"NAD+FW+NL001:160++O?'BRIEN ?+ SONS?: A??B'UNT+3+M1'UNZ+1+IC1'",
		},
		{
			name: "UNA and newlines", opts: edifact.WriterOptions{UNA: true, Newline: true},
			want: "UNA:+.? '\nUNB+UNOC:3+MAEU:ZZZ+NLRTMECT:ZZZ+20261127:1015+IC1'\nUNH+M1+COREOR:D:00B:UN:SMDG20'\n" +
				"NAD+FW+NL001:160++O?'BRIEN ?+ SONS?: A??B'\nUNT+3+M1'\nUNZ+1+IC1'\n",
		},
		{
			name: "UNOY is syntax 4", opts: edifact.WriterOptions{Charset: "UNOY"},
			want: "UNB+UNOY:4+MAEU:ZZZ+NLRTMECT:ZZZ+20261127:1015+IC1'UNH+M1+COREOR:D:00B:UN:SMDG20'" +
				"NAD+FW+NL001:160++O?'BRIEN ?+ SONS?: A??B'UNT+3+M1'UNZ+1+IC1'",
		},
		{
			name: "other delimiters get a UNA", opts: edifact.WriterOptions{Delims: edifact.Delims{Component: '|', Element: '*', Decimal: ',', Release: '!', Repetition: '^', Segment: '~'}},
			want: "UNA|*,!^~UNB*UNOC|3*MAEU|ZZZ*NLRTMECT|ZZZ*20261127|1015*IC1~UNH*M1*COREOR|D|00B|UN|SMDG20~" +
				"NAD*FW*NL001|160**O'BRIEN + SONS: A?B~UNT*3*M1~UNZ*1*IC1~",
		},
		{
			name: "explicit syntax version", opts: edifact.WriterOptions{Charset: "UNOA", SyntaxVersion: "2"},
			want: "UNB+UNOA:2+MAEU:ZZZ+NLRTMECT:ZZZ+20261127:1015+IC1'UNH+M1+COREOR:D:00B:UN:SMDG20'" +
				"NAD+FW+NL001:160++O?'BRIEN ?+ SONS?: A??B'UNT+3+M1'UNZ+1+IC1'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := writeOne(t, tt.opts, nad)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			m, err := edifact.ParseMessage([]byte(got), edifact.ReaderOptions{})
			require.NoError(t, err)
			assert.Equal(t, "O'BRIEN + SONS: A?B", m.Segments[1].Value(4, 1), "round trip")
		})
	}
}

func TestWriterTrailingEmpties(t *testing.T) {
	tests := []struct {
		name     string
		elements [][]string
		want     string
	}{
		{"trailing elements", [][]string{{"CN"}, {"X"}, {""}, nil, {}}, "EQD+CN+X'"},
		{"trailing components", [][]string{{"CN"}, {"45G1", "", ""}}, "EQD+CN+45G1'"},
		{"inner positions kept", [][]string{{"CN"}, {"X"}, {"45G1", "", "5"}, nil, {"3"}}, "EQD+CN+X+45G1::5++3'"},
		{"no elements", nil, "EQD'"},
		{"only empties", [][]string{{""}, {"", ""}}, "EQD'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := edifact.NewWriter(&buf, edifact.WriterOptions{})
			require.NoError(t, w.BeginMessage("M1", coreorID))
			buf.Reset()
			require.NoError(t, w.Flush())
			buf.Reset()
			require.NoError(t, w.WriteSegment("EQD", tt.elements))
			require.NoError(t, w.Flush())
			assert.Equal(t, tt.want, buf.String())
		})
	}
}

func TestWriterCounts(t *testing.T) {
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{Newline: true})
	require.NoError(t, w.BeginInterchange(testIC))
	for i, n := range []int{0, 1, 5} {
		ref := string(rune('A' + i))
		require.NoError(t, w.BeginMessage(ref, coreorID))
		for range n {
			require.NoError(t, w.WriteSegment("FTX", [][]string{{"AAA"}}))
		}
		require.NoError(t, w.EndMessage())
	}
	require.NoError(t, w.EndInterchange())
	require.NoError(t, w.Flush())
	assert.Contains(t, buf.String(), "UNT+2+A'\n")
	assert.Contains(t, buf.String(), "UNT+3+B'\n")
	assert.Contains(t, buf.String(), "UNT+7+C'\n")
	assert.True(t, strings.HasSuffix(buf.String(), "UNZ+3+IC1'\n"))

	got := readAll(t, buf.String(), edifact.ReaderOptions{})
	require.Len(t, got, 3)
	for _, res := range got {
		assert.NoError(t, res.err, "the reader agrees with the counts")
	}
}

func TestWriterCharsets(t *testing.T) {
	tests := []struct {
		charset string
		value   string
		wire    string // the value as written
	}{
		{"UNOA", "MAERSK ESSEN (1)", "MAERSK ESSEN (1)"},
		{"UNOB", "ops@example.com", "ops@example.com"},
		{"UNOC", "Société Générale", "Soci\xe9t\xe9 G\xe9n\xe9rale"},
		{"UNOD", "Łódź", "\xa3\xf3d\xbc"},
		{"UNOE", "Москва", "\xbc\xde\xe1\xda\xd2\xd0"},
		{"UNOF", "Αθήνα", "\xc1\xe8\xde\xed\xe1"},
		{"UNOW", "Müller €", "Müller €"},
		{"UNOY", "東京 😀", "東京 😀"},
	}
	for _, tt := range tests {
		t.Run(tt.charset, func(t *testing.T) {
			got, err := writeOne(t, edifact.WriterOptions{Charset: tt.charset}, edifact.Segment{Tag: "FTX", Elements: [][]string{{"AAA"}, nil, nil, {tt.value}}})
			require.NoError(t, err)
			assert.Contains(t, got, "FTX+AAA+++"+tt.wire+"'")
			assert.Contains(t, got, "UNB+"+tt.charset+":")

			m, err := edifact.ParseMessage([]byte(got), edifact.ReaderOptions{})
			require.NoError(t, err)
			assert.Equal(t, tt.value, m.Segments[1].Value(4, 1))
		})
	}
}

func TestWriterCharsetRefusal(t *testing.T) {
	tests := []struct {
		charset string
		value   string
		render  string
	}{
		{"UNOA", "Maersk #1", `interchange IC1 segment 3 FTX element 4 component 1 "Maersk #1": character U+0023 is not in UNOA`},
		{"UNOA", "CAFÉ", `interchange IC1 segment 3 FTX element 4 component 1 "CAFÉ": character U+00C9 is not in UNOA`},
		{"UNOB", "tab\there", `interchange IC1 segment 3 FTX element 4 component 1 "tab\there": character U+0009 is not in UNOB`},
		{"UNOC", "Price 5 €", `interchange IC1 segment 3 FTX element 4 component 1 "Price 5 €": character U+20AC is not in UNOC`},
		{"UNOC", "Łódź", `interchange IC1 segment 3 FTX element 4 component 1 "Łódź": character U+0141 is not in UNOC`},
		{"UNOD", "España", `interchange IC1 segment 3 FTX element 4 component 1 "España": character U+00F1 is not in UNOD`},
		{"UNOY", "bell\a", `interchange IC1 segment 3 FTX element 4 component 1 "bell\a": character U+0007 is not in UNOY`},
		{"UNOY", "bad \xff", `interchange IC1 segment 3 FTX element 4 component 1 "bad \xff": byte 0xFF is not valid UTF-8`},
		{"UNOY", "c1 \u0085", `interchange IC1 segment 3 FTX element 4 component 1 "c1 \u0085": character U+0085 is not in UNOY`},
	}
	for _, tt := range tests {
		t.Run(tt.charset+" "+tt.value, func(t *testing.T) {
			var buf bytes.Buffer
			w := edifact.NewWriter(&buf, edifact.WriterOptions{Charset: tt.charset})
			require.NoError(t, w.BeginInterchange(testIC))
			require.NoError(t, w.BeginMessage("M1", coreorID))
			err := w.WriteSegment("FTX", [][]string{{"AAA"}, nil, nil, {tt.value}})
			require.ErrorIs(t, err, edifact.ErrCharset)
			assert.Equal(t, "message M1 "+strings.TrimPrefix(tt.render, "interchange IC1 "), err.Error())

			// Nothing of the refused segment is written; the writer goes on.
			require.NoError(t, w.WriteSegment("FTX", [][]string{{"AAA"}}))
			require.NoError(t, w.EndMessage())
			require.NoError(t, w.EndInterchange())
			require.NoError(t, w.Flush())
			got := readAll(t, buf.String(), edifact.ReaderOptions{})
			require.Len(t, got, 1)
			require.NoError(t, got[0].err)
			assert.Equal(t, []string{"UNH+M1+COREOR:D:00B:UN:SMDG20", "FTX+AAA", "UNT+3+M1"}, shape(got[0].msg.Segments))
		})
	}
}

func TestWriterMisuse(t *testing.T) {
	tests := []struct {
		name string
		run  func(w *edifact.Writer) error
		err  error
	}{
		{"segment outside a message", func(w *edifact.Writer) error { return w.WriteSegment("FTX", nil) }, edifact.ErrSyntax},
		{"bad tag", func(w *edifact.Writer) error {
			_ = w.BeginMessage("M1", coreorID)
			return w.WriteSegment("ftx", nil)
		}, edifact.ErrSyntax},
		{"envelope tag", func(w *edifact.Writer) error {
			_ = w.BeginMessage("M1", coreorID)
			return w.WriteSegment("UNT", [][]string{{"9"}})
		}, edifact.ErrSyntax},
		{"message inside a message", func(w *edifact.Writer) error {
			_ = w.BeginMessage("M1", coreorID)
			return w.BeginMessage("M2", coreorID)
		}, edifact.ErrSyntax},
		{"missing reference", func(w *edifact.Writer) error { return w.BeginMessage("", coreorID) }, edifact.ErrSyntax},
		{"missing type", func(w *edifact.Writer) error { return w.BeginMessage("M1", edifact.MessageID{}) }, edifact.ErrSyntax},
		{"end without message", func(w *edifact.Writer) error { return w.EndMessage() }, edifact.ErrSyntax},
		{"end without interchange", func(w *edifact.Writer) error { return w.EndInterchange() }, edifact.ErrSyntax},
		{"missing control reference", func(w *edifact.Writer) error { return w.BeginInterchange(edifact.Interchange{}) }, edifact.ErrSyntax},
		{"unknown interchange charset", func(w *edifact.Writer) error {
			ic := testIC
			ic.Charset = "EBCDIC"
			return w.BeginInterchange(ic)
		}, edifact.ErrCharset},
		{"interchange inside an interchange", func(w *edifact.Writer) error {
			_ = w.BeginInterchange(testIC)
			return w.BeginInterchange(testIC)
		}, edifact.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := edifact.NewWriter(&bytes.Buffer{}, edifact.WriterOptions{})
			assert.ErrorIs(t, tt.run(w), tt.err)
		})
	}
}

func TestWriterBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts edifact.WriterOptions
		err  error
	}{
		{"unknown charset", edifact.WriterOptions{Charset: "UTF-8"}, edifact.ErrCharset},
		{"clashing delimiters", edifact.WriterOptions{Delims: edifact.Delims{Component: '+', Element: '+', Segment: '\''}}, edifact.ErrSyntax},
		{"letter as delimiter", edifact.WriterOptions{Delims: edifact.Delims{Component: 'A', Element: '+', Segment: '\''}}, edifact.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := edifact.NewWriter(&bytes.Buffer{}, tt.opts)
			assert.ErrorIs(t, w.BeginInterchange(testIC), tt.err)
			assert.ErrorIs(t, w.BeginMessage("M1", coreorID), tt.err, "the error sticks")
		})
	}
}

func TestWriterWithoutReleaseCharacter(t *testing.T) {
	d := edifact.Delims{Component: ':', Element: '+', Segment: '\''}
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{Delims: d})
	require.NoError(t, w.BeginMessage("M1", coreorID))
	err := w.WriteSegment("FTX", [][]string{{"O'BRIEN"}})
	require.ErrorIs(t, err, edifact.ErrSyntax)
	assert.Contains(t, err.Error(), `service character "'" cannot be written without a release character`)
	require.NoError(t, w.WriteSegment("FTX", [][]string{{"OBRIEN"}}))
	require.NoError(t, w.EndMessage())
	require.NoError(t, w.Flush())
	assert.Equal(t, "UNA:+.  'UNH+M1+COREOR:D:00B:UN:SMDG20'FTX+OBRIEN'UNT+3+M1'", buf.String())
}

func TestWriterIOError(t *testing.T) {
	w := edifact.NewWriter(failWriter{}, edifact.WriterOptions{})
	require.NoError(t, w.BeginInterchange(testIC), "buffered")
	err := w.Flush()
	require.ErrorIs(t, err, errDiskFull)
	assert.ErrorIs(t, w.BeginMessage("M1", coreorID), errDiskFull, "the error sticks")
}

var errDiskFull = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteMessageRoundTrip(t *testing.T) {
	for _, file := range []string{"copino.edi", "coarri.edi", "codeco-gatein.edi", "coreor-unoc.edi", "groups-crlf.edi"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + file)
			require.NoError(t, err)
			first := readAll(t, string(b), edifact.ReaderOptions{})
			require.NotEmpty(t, first)

			var buf bytes.Buffer
			w := edifact.NewWriter(&buf, edifact.WriterOptions{Charset: "UNOY", Newline: true})
			ic := testIC
			if first[0].msg.Interchange != nil {
				ic = *first[0].msg.Interchange
				ic.Charset, ic.SyntaxVersion = "", ""
			}
			require.NoError(t, w.BeginInterchange(ic))
			for _, res := range first {
				require.NoError(t, res.err)
				require.NoError(t, w.WriteMessage(res.msg))
			}
			require.NoError(t, w.EndInterchange())
			require.NoError(t, w.Flush())

			second := readAll(t, buf.String(), edifact.ReaderOptions{})
			require.Len(t, second, len(first))
			for i := range first {
				require.NoError(t, second[i].err)
				assert.Equal(t, tagsAndValues(first[i].msg.Segments), tagsAndValues(second[i].msg.Segments))
			}
		})
	}
}

func TestEscape(t *testing.T) {
	other := edifact.Delims{Component: '|', Element: '*', Release: '!', Repetition: '^', Segment: '~'}
	tests := []struct {
		name string
		in   string
		d    edifact.Delims
		want string
	}{
		{"plain", "MAERSK ESSEN", edifact.DefaultDelims, "MAERSK ESSEN"},
		{"all service characters", "O'BRIEN + SONS: A?B", edifact.DefaultDelims, "O?'BRIEN ?+ SONS?: A??B"},
		{"zero delimiters are the defaults", "a'b", edifact.Delims{}, "a?'b"},
		{"leading and trailing", "?x?", edifact.DefaultDelims, "??x??"},
		{"space repetition is not escaped", "a b", edifact.DefaultDelims, "a b"},
		{"other delimiters", "a|b*c!d^e~f'g", other, "a!|b!*c!!d!^e!~f'g"},
		{"no release character", "a'b", edifact.Delims{Component: ':', Element: '+', Segment: '\''}, "a'b"},
		{"CR before an LF terminator", "a\rb", edifact.Delims{Component: ':', Element: '+', Release: '?', Segment: '\n'}, "a?\rb"},
		{"empty", "", edifact.DefaultDelims, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, edifact.Escape(tt.in, tt.d))
		})
	}
}

func TestDelims(t *testing.T) {
	tests := []struct {
		name string
		d    edifact.Delims
		una  string
		err  string
	}{
		{"defaults", edifact.DefaultDelims, "UNA:+.? '", ""},
		{"zero is the defaults", edifact.Delims{}, "UNA:+.? '", ""},
		{"no release", edifact.Delims{Component: ':', Element: '+', Segment: '\''}, "UNA:+.  '", ""},
		{"repetition", edifact.Delims{Component: ':', Element: '+', Decimal: ',', Release: '?', Repetition: '*', Segment: '\''}, "UNA:+,?*'", ""},
		{"clash", edifact.Delims{Component: ':', Element: ':', Segment: '\''}, "", `component separator and element separator are both ":"`},
		{"repetition clash", edifact.Delims{Component: ':', Element: '+', Repetition: '+', Segment: '\''}, "", `element separator and repetition separator are both "+"`},
		{"digit", edifact.Delims{Component: '1', Element: '+', Segment: '\''}, "", `component separator "1" must be 7-bit and not a letter or digit`},
		{"high byte", edifact.Delims{Component: 0xA7, Element: '+', Segment: '\''}, "", `component separator 0xA7 must be 7-bit and not a letter or digit`},
		{"line break separator", edifact.Delims{Component: ':', Element: '\n', Segment: '\''}, "", `element separator 0x0A must not be a line break`},
		{"missing terminator", edifact.Delims{Component: ':', Element: '+'}, "", `segment terminator is not set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Validate()
			if tt.err != "" && tt.d != (edifact.Delims{}) {
				require.ErrorIs(t, err, edifact.ErrSyntax)
				assert.Equal(t, tt.err, err.Error())
				return
			}
			if tt.d != (edifact.Delims{}) {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.una, tt.d.UNA())
		})
	}
}
