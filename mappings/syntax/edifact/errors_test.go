package edifact_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  edifact.Error
		want string
	}{
		{
			name: "full position",
			err: edifact.Error{Name: "coreor.edi", Line: 14, MessageRef: "DO134792", InterchangeRef: "IC1", Segment: 14, Tag: "UNT",
				Element: 1, Value: "21", Err: fmt.Errorf("%w: segment count is 13", edifact.ErrSegmentCount)},
			want: `coreor.edi:14: message DO134792 segment 14 UNT element 1 "21": segment count does not match: segment count is 13`,
		},
		{
			name: "interchange only",
			err:  edifact.Error{Name: "x.edi", InterchangeRef: "IC1", Err: edifact.ErrTruncated},
			want: `x.edi: interchange IC1: envelope is not closed`,
		},
		{
			name: "line without name",
			err:  edifact.Error{Line: 3, Tag: "NAD", Element: 4, Component: 2, Value: "", Err: edifact.ErrCharset},
			want: `line 3: NAD element 4 component 2 "": character is not in the character set`,
		},
		{
			name: "references that would break the line are quoted",
			err:  edifact.Error{Name: "in\nbox.edi", MessageRef: "A B\n", Err: edifact.ErrSyntax},
			want: `"in\nbox.edi": message "A B\n": is not valid EDIFACT syntax`,
		},
		{
			name: "value quoted, controls escaped",
			err:  edifact.Error{Value: "a\"b\x00", Err: edifact.ErrSyntax},
			want: `"a\"b\x00": is not valid EDIFACT syntax`,
		},
		{
			name: "nothing but the cause",
			err:  edifact.Error{Err: edifact.ErrTooLarge},
			want: `exceeds a size limit`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			assert.ErrorIs(t, &tt.err, tt.err.Err)
		})
	}
}

func TestErrorValueClipped(t *testing.T) {
	long := strings.Repeat("Ä", 100)
	in := "UNB+UNOA:3+S+R+260101:1200+I1'UNH+M1+COREOR:D:00B'FTX+" + long + "'UNT+3+M1'UNZ+1+I1'"
	got := readAll(t, in, edifact.ReaderOptions{})
	if assert.Len(t, got, 1) {
		e := asError(t, got[0].err)
		kept := strings.Repeat("Ä", errtext.MaxValue/len("Ä"))
		assert.Equal(t, kept+errtext.Ellipsis, e.Value, "clipped to errtext.MaxValue bytes when kept")
		assert.Contains(t, e.Error(), `"`+kept+`"`+errtext.Ellipsis, "quoted with the mark outside the quotes")
	}
}

func TestReaderOptionDelims(t *testing.T) {
	d := edifact.Delims{Component: '|', Element: '*', Release: '!', Segment: '~'}
	in := "UNH*M1*COREOR|D|00B~FTX*A!*B|C~UNT*3*M1~"
	m, err := edifact.ParseMessage([]byte(in), edifact.ReaderOptions{Delims: d})
	if assert.NoError(t, err) {
		assert.Equal(t, [][]string{{"A*B", "C"}}, m.Segments[1].Elements)
	}
}
