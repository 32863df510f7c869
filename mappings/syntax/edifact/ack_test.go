package edifact_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

var ackTime = time.Date(2026, 12, 7, 14, 5, 0, 0, time.UTC)

// ackInterchange is a one-message CODECO from TERM1 to MSC, with body
// segments in between UNH and UNT (which counts them).
func ackInterchange(charset string, body ...string) string {
	segs := append([]string{"UNB+" + charset + ":3+TERM1:ZZZ+MSC:ZZZ+261126:1000+IC1", "UNH+M1+CODECO:D:95B:UN:SMDG16", "BGM+36+DOC1+9"}, body...)
	segs = append(segs, "UNT+"+strconv.Itoa(len(body)+3)+"+M1", "UNZ+1+IC1")
	return strings.Join(segs, "'\n") + "'\n"
}

// contrlOf writes the CONTRL of every interchange of in and checks that
// each reads back without a problem, its values checked against the
// Directory; it returns the segments of the first, in shape notation.
func contrlOf(t *testing.T, in string) []string {
	t.Helper()
	reps := edifact.Check(strings.NewReader(in), edifact.ReaderOptions{CheckElements: true})
	require.NotEmpty(t, reps, "no interchange reported")
	var out []string
	for i, rep := range reps {
		var buf bytes.Buffer
		w := edifact.NewWriter(&buf, edifact.WriterOptions{Newline: true, CheckElements: true})
		require.NoError(t, w.BeginInterchange(edifact.Reply(rep.Interchange, "ACK1", ackTime)))
		require.NoError(t, edifact.WriteContrl(w, "1", rep))
		require.NoError(t, w.EndInterchange())
		require.NoError(t, w.Flush())
		got := readAll(t, buf.String(), edifact.ReaderOptions{CheckElements: true})
		require.Len(t, got, 1, buf.String())
		require.NoError(t, got[0].err, buf.String())
		if i == 0 {
			out = shapes(got[0].msg.Segments)
			assert.Equal(t, "MSC", got[0].msg.Interchange.Sender, "sender and recipient swapped")
			assert.Equal(t, "TERM1", got[0].msg.Interchange.Recipient)
		}
	}
	return out
}

func shapes(segs []edifact.Segment) []string {
	var out []string
	for _, s := range segs {
		parts := []string{s.Tag}
		for _, e := range s.Elements {
			parts = append(parts, strings.Join(e, ":"))
		}
		out = append(out, strings.Join(parts, "+"))
	}
	return out
}

// TestContrl: each kind of problem gets its UN syntax error code, at the
// segment position in its message (UNH = 1) and element it is found.
func TestContrl(t *testing.T) {
	const uci = "UCI+IC1+TERM1:ZZZ+MSC:ZZZ+"
	tests := []struct {
		name string
		in   string
		want []string // UCI to UNT (exclusive)
	}{
		{"accepted", ackInterchange("UNOC", "EQD+CN+CSQU3054383"),
			[]string{uci + "7", "UCM+M1+CODECO:D:95B:UN:SMDG16+7"}},
		{"value too long for its element", ackInterchange("UNOC", "DTM+7:20261126:203", "EQD+CN+CSQU3054383CSQU3054383"),
			[]string{uci + "4", "UCM+M1+CODECO:D:95B:UN:SMDG16+4", "UCS+4", "UCD+39+2:1"}},
		{"not digits where the element is numeric", ackInterchange("UNOC", "CNT+16:X"),
			[]string{uci + "4", "UCM+M1+CODECO:D:95B:UN:SMDG16+4", "UCS+3", "UCD+37+1:2"}},
		{"character outside the set", ackInterchange("UNOA", "FTX+AAI+++CAF\u00c9"),
			[]string{uci + "4", "UCM+M1+CODECO:D:95B:UN:SMDG16+4", "UCS+3", "UCD+21+4:1"}},
		{"segment count", strings.Replace(ackInterchange("UNOC"), "UNT+3+", "UNT+7+", 1),
			[]string{uci + "4", "UCM+M1+CODECO:D:95B:UN:SMDG16+4+29+UNT+1"}},
		{"unknown character set", ackInterchange("UNOX"),
			[]string{uci + "4+2+UNB+1:1"}},
		{"interchange reference", strings.Replace(ackInterchange("UNOC"), "UNZ+1+IC1", "UNZ+1+IC2", 1),
			[]string{uci + "4+28+UNZ+2"}},
		{"segment outside a message", strings.Replace(ackInterchange("UNOC"), "UNZ+1", "EQD+CN+X'\nUNZ+1", 1),
			[]string{uci + "4+33"}},
		{"no UNZ", strings.Replace(ackInterchange("UNOC"), "UNZ+1+IC1'\n", "", 1),
			[]string{uci + "4+4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := contrlOf(t, tt.in)
			require.GreaterOrEqual(t, len(got), 2)
			assert.Equal(t, "UNH+1+CONTRL:D:3:UN", got[0])
			assert.Equal(t, tt.want, got[1:len(got)-1])
		})
	}
}

// TestContrlKeepsGoodMessages: one bad message among good ones rejects
// that message only; the interchange is acknowledged.
func TestContrlKeepsGoodMessages(t *testing.T) {
	in := "UNB+UNOC:3+TERM1:ZZZ+MSC:ZZZ+261126:1000+IC1'" +
		"UNH+M1+CODECO:D:95B:UN'BGM+36+DOC1+9'UNT+3+M1'" +
		"UNH+M2+CODECO:D:95B:UN'BGM+36+DOC2+9'UNT+3+MX'" +
		"UNZ+2+IC1'"
	got := contrlOf(t, in)
	assert.Equal(t, []string{"UNH+1+CONTRL:D:3:UN", "UCI+IC1+TERM1:ZZZ+MSC:ZZZ+7",
		"UCM+M1+CODECO:D:95B:UN+7", "UCM+M2+CODECO:D:95B:UN+4+28+UNT+2", "UNT+5+1"}, got)
}

// TestContrlSyntaxVersion4: a version 4 interchange is answered with
// CONTRL:4:1:UN in a version 4 envelope, dated with the century.
func TestContrlSyntaxVersion4(t *testing.T) {
	in := strings.Replace(ackInterchange("UNOC"), "UNOC:3", "UNOC:4", 1)
	rep := edifact.Check(strings.NewReader(in), edifact.ReaderOptions{})
	require.Len(t, rep, 1)
	reply := edifact.Reply(rep[0].Interchange, "ACK1", ackTime)
	assert.Equal(t, edifact.Interchange{Charset: "UNOC", SyntaxVersion: "4", Sender: "MSC", SenderQual: "ZZZ",
		Recipient: "TERM1", RecipientQual: "ZZZ", Date: "20261207", Time: "1405", ControlRef: "ACK1"}, reply)
	got := contrlOf(t, in)
	assert.Equal(t, "UNH+1+CONTRL:4:1:UN", got[0])
}

// TestCheckWithoutEnvelope: bare messages and garbage name nobody to
// answer, so they have no report.
func TestCheckWithoutEnvelope(t *testing.T) {
	for _, in := range []string{"UNH+M1+CODECO:D:95B:UN'BGM+36'UNT+2+M1'", "garbage", ""} {
		assert.Empty(t, edifact.Check(strings.NewReader(in), edifact.ReaderOptions{}), "%q", in)
	}
}

// TestAperak: an APERAK quotes the rejected message and interchange and
// carries each error's code and text; text the set cannot carry is
// replaced, long text is cut into lines of 70 and clipped.
func TestAperak(t *testing.T) {
	orig := &edifact.Interchange{Charset: "UNOA", SyntaxVersion: "2", Sender: "MSC", Recipient: "PCSGATE", ControlRef: "IC7"}
	long := strings.Repeat("a custody rule ", 30)
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{Newline: true, CheckElements: true})
	require.NoError(t, w.BeginInterchange(edifact.Reply(orig, "AP1", ackTime)))
	require.NoError(t, edifact.WriteAperak(w, edifact.Aperak{
		Ref: "1", Document: "AP1-1", Issued: "202612071405", Interchange: orig, MessageRef: "M7",
		Errors: []edifact.AppError{
			{Code: "NOTHOLDR", Text: `only the holder may offer; "Kempen_BV" is not the holder`},
			{Code: "INACTIVE", Text: long},
		},
	}))
	require.NoError(t, w.EndInterchange())
	require.NoError(t, w.Flush())
	got := readAll(t, buf.String(), edifact.ReaderOptions{CheckElements: true})
	require.Len(t, got, 1)
	require.NoError(t, got[0].err)
	segs := shapes(got[0].msg.Segments)
	require.Len(t, segs, 10, buf.String())
	assert.Equal(t, []string{"UNH+1+APERAK:D:96A:UN", "BGM+313+AP1-1+27", "DTM+137:202612071405:203", "RFF+ACW:M7", "RFF+ZZZ:IC7",
		"ERC+NOTHOLDR::ZZZ", `FTX+AAO+++ONLY THE HOLDER MAY OFFER; "KEMPEN?BV" IS NOT THE HOLDER`, "ERC+INACTIVE::ZZZ"}, segs[:8])
	ftx := got[0].msg.Segments[8].Elements[3]
	require.Len(t, ftx, 5, "five lines")
	for _, line := range ftx {
		assert.LessOrEqual(t, len(line), 70)
	}
	assert.True(t, strings.HasSuffix(ftx[4], "..."), ftx[4])
	assert.Equal(t, "MSC", got[0].msg.Interchange.Recipient)
}
