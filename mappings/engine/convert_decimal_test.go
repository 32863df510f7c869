package engine

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// plainDecimal gives ParseFloat's value for the numbers it takes, and
// leaves every other text to ParseFloat.
func TestPlainDecimalMatchesParseFloat(t *testing.T) {
	for _, s := range []string{
		"0", "7", "007", "12.5", "12,5", "0.1", "0.3", "1.7976", "123456789012345",
		"99999.9999999999", "0.00000000000001", "24000", "3.14159265358979",
	} {
		got, ok := plainDecimal(s)
		require.True(t, ok, s)
		want, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		require.NoError(t, err)
		require.Equal(t, want, got, s)
	}
	for _, s := range []string{
		"", ".5", "5.", "-1", "+1", "1e3", "1.2.3", "1,2,3", "1,2.3", "1 2", "0x10", "1_000",
		"1234567890123456", "NaN", "Inf",
	} {
		_, ok := plainDecimal(s)
		require.False(t, ok, s)
	}
}

// Random digit strings of every length plainDecimal takes agree with
// ParseFloat to the bit.
func TestPlainDecimalExhaustiveShapes(t *testing.T) {
	x := uint64(0x9E3779B97F4A7C15)
	for n := 0; n < 20000; n++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		digits := 1 + int(x%15)
		var b strings.Builder
		for i := 0; i < digits; i++ {
			b.WriteByte(byte('0' + (x>>(i*4))%10))
		}
		s := b.String()
		if cut := int(x>>60) % digits; cut > 0 {
			s = s[:cut] + "." + s[cut:]
		}
		got, ok := plainDecimal(s)
		require.True(t, ok, s)
		want, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		require.Equal(t, want, got, s)
	}
}
