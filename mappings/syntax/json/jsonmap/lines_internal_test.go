package jsonmap

import (
	"bufio"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/engine"
)

// lineReader skips blank lines, strips line ends, and skips a line longer
// than its limit, even one longer than its buffer, without losing count.
func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 40)
	in := "{}\r\n\n" + long + "\n   \n{\"a\":1}"
	lr := &lineReader{br: bufio.NewReaderSize(strings.NewReader(in), 16), limit: 10}
	type got struct {
		span engine.Span
		data string
		err  error
	}
	var all []got
	for {
		s, d, err := lr.next()
		if err == io.EOF {
			break
		}
		all = append(all, got{s, string(d), err})
	}
	require.Len(t, all, 3)
	assert.Equal(t, got{engine.Span{Line: 1, Start: 0, End: 2}, "{}", nil}, all[0])
	assert.Equal(t, got{engine.Span{Line: 3, Start: 5, End: 45}, "", errLineTooLong}, all[1])
	assert.Equal(t, got{engine.Span{Line: 5, Start: 50, End: 57}, `{"a":1}`, nil}, all[2])
	assert.Equal(t, `{"a":1}`, in[all[2].span.Start:all[2].span.End])
}
