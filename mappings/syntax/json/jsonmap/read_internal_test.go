package jsonmap

import (
	"bufio"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadAllBufferedHint reads the whole input whatever the size hint
// says, and with a right hint into one slice of the input's size and one
// byte.
func TestReadAllBufferedHint(t *testing.T) {
	input := strings.Repeat(`{"a":"b"}`, 700)
	for _, hint := range []int{0, 1, len(input) - 100, len(input), len(input) + 100} {
		br := bufio.NewReaderSize(strings.NewReader(input), 4096)
		_, _ = br.Peek(1)
		got, err := readAllBuffered(br, 1<<20, hint)
		require.NoError(t, err, "hint %d", hint)
		require.Equal(t, input, string(got), "hint %d", hint)
		if hint == len(input) {
			require.Equal(t, len(input)+1, cap(got), "an exact hint needs no second slice")
		}
	}
	br := bufio.NewReader(strings.NewReader(input))
	got, err := readAllBuffered(br, 100, len(input))
	require.NoError(t, err)
	require.Len(t, got, 100, "the limit still holds")
}
