package canonical

import (
	"fmt"
	"unicode/utf8"
)

// CheckTCT checks the shape of an S)ONE Token Code for Truckers: six
// digits. A TCT is a secret, so the error says what is wrong with it
// without quoting it:
//
//	is not a TCT: 5 characters, expected 6 digits
func CheckTCT(s string) error {
	if len(s) == 6 && allDigits(s) {
		return nil
	}
	if n := utf8.RuneCountInString(s); n != 6 {
		return fmt.Errorf("%w: %d characters, expected 6 digits", ErrTCT, n)
	}
	return fmt.Errorf("%w: 6 characters, not all digits", ErrTCT)
}
