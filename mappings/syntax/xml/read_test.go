package xml

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadAll(t *testing.T) {
	in := strings.Repeat("0123456789", 100) // 1,000 bytes
	buffered := bufio.NewReaderSize(strings.NewReader(in), 4096)
	_, err := buffered.Peek(10)
	require.NoError(t, err)
	tests := []struct {
		name  string
		r     io.Reader
		limit int64
		want  string
	}{
		{name: "one byte at a time", r: iotest.OneByteReader(strings.NewReader(in)), limit: 2000, want: in},
		{name: "data with EOF", r: iotest.DataErrReader(strings.NewReader(in)), limit: 2000, want: in},
		{name: "length known", r: strings.NewReader(in), limit: 2000, want: in},
		{name: "buffered", r: buffered, limit: 2000, want: in},
		{name: "exactly the limit", r: iotest.HalfReader(strings.NewReader(in)), limit: 1000, want: in},
		{name: "cut at the limit", r: iotest.HalfReader(strings.NewReader(in)), limit: 999, want: in[:999]},
		{name: "cut at the limit, length known", r: strings.NewReader(in), limit: 600, want: in[:600]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(tt.r, tt.limit)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestReadAllError(t *testing.T) {
	boom := errors.New("boom")
	_, err := readAll(io.MultiReader(strings.NewReader("<a>"), iotest.ErrReader(boom)), 100)
	require.ErrorIs(t, err, boom)
}
