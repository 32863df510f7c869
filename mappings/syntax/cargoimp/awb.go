package cargoimp

import (
	"strconv"
)

// AWB is an air waybill number: a 3-digit airline prefix, a 7-digit serial
// number and a check digit that is the serial number modulo 7.
type AWB struct {
	Prefix string // airline prefix, e.g. "020"
	Serial string // serial number without the check digit, e.g. "1234567"
	Check  int    // check digit, 0 to 6
}

// NewAWB returns the AWB with the given prefix and serial number and the
// check digit computed from the serial.
func NewAWB(prefix, serial string) (AWB, error) {
	a := AWB{Prefix: prefix, Serial: serial}
	if !allDigits(prefix, 3) || !allDigits(serial, 7) {
		return AWB{}, &Error{Field: "AWB", Value: prefix + "-" + serial, Err: awbFormError()}
	}
	a.Check = checkDigit(serial)
	return a, nil
}

// ParseAWB reads an AWB written as "020-12345675" or "02012345675" and
// verifies its check digit (ErrAWBCheckDigit).
func ParseAWB(s string) (AWB, error) {
	digits := s
	if len(s) == 12 && s[3] == '-' {
		digits = s[:3] + s[4:]
	}
	if !allDigits(digits, 11) {
		return AWB{}, &Error{Field: "AWB", Value: s, Err: awbFormError()}
	}
	a := AWB{Prefix: digits[:3], Serial: digits[3:10], Check: int(digits[10] - '0')}
	if want := checkDigit(a.Serial); a.Check != want {
		return AWB{}, &Error{Field: "AWB", Value: s,
			Err: detail(ErrAWBCheckDigit, "got %d, expected %d", a.Check, want)}
	}
	return a, nil
}

// String renders the AWB as "020-12345675".
func (a AWB) String() string {
	return a.Prefix + "-" + a.Serial + strconv.Itoa(a.Check)
}

// Validate reports whether a is well formed and its check digit is right.
func (a AWB) Validate() error {
	if !allDigits(a.Prefix, 3) || !allDigits(a.Serial, 7) || a.Check < 0 || a.Check > 9 {
		return &Error{Field: "AWB", Value: a.Prefix + "-" + a.Serial + strconv.Itoa(a.Check), Err: awbFormError()}
	}
	if want := checkDigit(a.Serial); a.Check != want {
		return &Error{Field: "AWB", Value: a.String(),
			Err: detail(ErrAWBCheckDigit, "got %d, expected %d", a.Check, want)}
	}
	return nil
}

func awbFormError() error {
	return detail(ErrSyntax, "expected a 3-digit airline prefix, '-', a 7-digit serial and a check digit, as in 020-12345675")
}

// checkDigit returns the serial number modulo 7. serial holds 7 digits.
func checkDigit(serial string) int {
	n := 0
	for i := 0; i < len(serial); i++ {
		n = n*10 + int(serial[i]-'0')
	}
	return n % 7
}

// allDigits reports whether s is exactly n ASCII digits.
func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
