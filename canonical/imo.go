package canonical

import "fmt"

// CheckIMO checks an IMO ship identification number: 7 digits, where the
// first six weighted 7, 6, 5, 4, 3, 2 sum to a number whose last digit is
// the seventh (9141780: 130, so 0). Write it without the "IMO" prefix. It
// wraps ErrIMO for a malformed value and ErrIMOCheckDigit for a wrong
// check digit.
func CheckIMO(s string) error {
	if len(s) != 7 || !allDigits(s) {
		return fmt.Errorf("%w: expected 7 digits without prefix", ErrIMO)
	}
	sum := 0
	for i := 0; i < 6; i++ {
		sum += int(s[i]-'0') * (7 - i)
	}
	want := sum % 10
	if got := int(s[6] - '0'); got != want {
		return fmt.Errorf("%w: got %d, expected %d", ErrIMOCheckDigit, got, want)
	}
	return nil
}
