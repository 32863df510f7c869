package edifact_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

func TestWriterChecksElementLengths(t *testing.T) {
	checked := edifact.WriterOptions{Charset: "UNOC", CheckElements: true}
	tests := []struct {
		name string
		seg  edifact.Segment
		want string // "" when the segment is written
	}{
		{"container number fits an..17", edifact.Segment{Tag: "EQD", Elements: [][]string{{"CN"}, {"CSQU3054383"}}}, ""},
		{"container number too long", edifact.Segment{Tag: "EQD", Elements: [][]string{{"CN"}, {"CSQU3054383CSQU3054"}}},
			`message M1 segment 3 EQD element 2 component 1 "CSQU3054383CSQU3054": 8260 is an..17, at most 17 characters (19 given)`},
		{"simple element too long", edifact.Segment{Tag: "BGM", Elements: [][]string{{"129"}, {"R1"}, {"9999"}}},
			`message M1 segment 3 BGM element 3 "9999": 1225 is an..3, at most 3 characters (4 given)`},
		{"characters, not bytes", edifact.Segment{Tag: "EQD", Elements: [][]string{{"CN"}, {"ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ"}}}, ""},
		{"numeric element with letters", edifact.Segment{Tag: "CNT", Elements: [][]string{{"16", "two"}}},
			`message M1 segment 3 CNT element 1 component 2 "two": 6066 is n..18, expected digits`},
		{"decimal mark and sign do not count", edifact.Segment{Tag: "CNT", Elements: [][]string{{"16", "-12345678901234567.5"}}}, ""},
		{"unknown segments are not checked", edifact.Segment{Tag: "ZZZ", Elements: [][]string{{"0123456789012345678901234567890123456789"}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := writeOne(t, checked, tt.seg)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, edifact.ErrRepresentation)
			assert.Equal(t, tt.want, err.Error())
			_, err = writeOne(t, edifact.WriterOptions{Charset: "UNOC"}, tt.seg)
			assert.NoError(t, err, "unchecked without the option")
		})
	}
}

func TestWriterChecksEnvelope(t *testing.T) {
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{CheckElements: true})
	require.NoError(t, w.BeginInterchange(testIC))
	err := w.BeginMessage("6a1f0c2e-9b1d-4e0f-a3c2-5d8e7f901234", coreorID)
	require.ErrorIs(t, err, edifact.ErrRepresentation)
	assert.Equal(t, `message 6a1f0c2e-9b1d-4e0f-a3c2-5d8e7f901234 segment 2 UNH element 1 "6a1f0c2e-9b1d-4e0f-a3c2-5d8e7f901234": 0062 is an..14, at most 14 characters (36 given)`, err.Error())

	ic := testIC
	ic.Sender, ic.SenderQual = "NL123456789B01", "ZZZZZ"
	w = edifact.NewWriter(&buf, edifact.WriterOptions{CheckElements: true})
	err = w.BeginInterchange(ic)
	require.ErrorIs(t, err, edifact.ErrRepresentation)
	assert.Contains(t, err.Error(), `segment 1 UNB element 2 component 2 "ZZZZZ": 0007 is an..4, at most 4 characters (5 given)`)
}

func TestReaderChecksElementLengths(t *testing.T) {
	opts := edifact.ReaderOptions{Name: "in.edi", CheckElements: true}
	t.Run("message reference too long", func(t *testing.T) {
		in := interchange("UNOC", "UNH+REF-0123456789AB+COREOR:D:00B:UN:SMDG20'", "BGM+129+R1+9'", "UNT+3+REF-0123456789AB'", "UNZ+1+REF1'")
		got := readAll(t, in, opts)
		require.Len(t, got, 1)
		require.NotNil(t, got[0].msg, "the message comes with its error")
		require.ErrorIs(t, got[0].err, edifact.ErrRepresentation)
		lines := errorLines(got[0].err)
		assert.Equal(t, []string{
			`in.edi:2: message REF-0123456789AB segment 2 UNH element 1 "REF-0123456789AB": 0062 is an..14, at most 14 characters (16 given)`,
			`in.edi:4: message REF-0123456789AB segment 4 UNT element 2 "REF-0123456789AB": 0062 is an..14, at most 14 characters (16 given)`,
		}, lines)
		assert.Empty(t, readAll(t, in, edifact.ReaderOptions{})[0].err, "unchecked without the option")
	})
	t.Run("zero-padded counts", func(t *testing.T) {
		in := interchange("UNOC", "UNH+M1+COREOR:D:00B'", "BGM+129+R1+9'", "UNT+000003+M1'", "UNZ+000001+REF1'")
		got := readAll(t, in, opts)
		require.Len(t, got, 1)
		assert.NoError(t, got[0].err)
	})
	t.Run("count longer than n..6", func(t *testing.T) {
		in := interchange("UNOC", "UNH+M1+COREOR:D:00B'", "BGM+129+R1+9'", "UNT+0000003+M1'", "UNZ+1+REF1'")
		got := readAll(t, in, opts)
		require.Len(t, got, 1)
		assert.Equal(t, []string{`in.edi:4: message M1 segment 4 UNT element 1 "0000003": 0074 is n..6, at most 6 characters (7 given)`}, errorLines(got[0].err))
	})
	t.Run("envelope values", func(t *testing.T) {
		in := "UNB+UNOC:3+A-SENDER-WHOSE-NAME-IS-LONGER-THAN-35+R+260101:930+REF1'UNH+M1+COREOR:D:00B'UNT+2+M1'UNZ+1+REF1'"
		r := edifact.NewReader(bytes.NewReader([]byte(in)), opts)
		ic, err := r.Interchange()
		require.NotNil(t, ic, "the interchange stays readable")
		assert.Equal(t, []string{
			`in.edi:1: interchange REF1 segment 1 UNB element 2 component 1 "A-SENDER-WHOSE-NAME-IS-LONGER-THAN-35": 0004 is an..35, at most 35 characters (37 given)`,
			`in.edi:1: interchange REF1 segment 1 UNB element 4 component 2 "930": 0019 is n4, exactly 4 characters (3 given)`,
		}, errorLines(err))
		assert.False(t, asError(t, err).Fatal)
		m, err := r.Next()
		require.NoError(t, err)
		assert.Equal(t, "M1", m.Ref)
	})
}

func TestUNOALowerCase(t *testing.T) {
	in := interchange("UNOA", "UNH+M1+CODECO:D:95B:UN'", "FTX+AAA+++Breeman Expeditie'", "UNT+3+M1'", "UNZ+1+REF1'")
	got := readAll(t, in, edifact.ReaderOptions{})
	require.Len(t, got, 1)
	require.NoError(t, got[0].err)
	assert.Equal(t, "BREEMAN EXPEDITIE", got[0].msg.Segments[1].Value(4, 1), "read as the upper-case letters UNOA has")

	out, err := writeOne(t, edifact.WriterOptions{Charset: "UNOA"}, edifact.Segment{Tag: "FTX", Elements: [][]string{{"AAA"}, nil, nil, {"Breeman Expeditie"}}})
	require.NoError(t, err)
	assert.Contains(t, out, "FTX+AAA+++BREEMAN EXPEDITIE'", "written upper case")
}

// errorLines renders each error joined in err.
func errorLines(err error) []string {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}
