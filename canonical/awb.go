package canonical

import "fmt"

// Air waybill numbers: a 3-digit airline prefix, a 7-digit serial and a
// check digit equal to the serial mod 7 (so always 0 to 6). pcsgate writes
// them as 020-12345675 and reads that form and the bare 02012345675.

// splitAWB returns the 11 digits of an AWB in either accepted form.
func splitAWB(s string) (string, error) {
	if len(s) == 12 && s[3] == '-' {
		s = s[:3] + s[4:]
	}
	if len(s) != 11 || !allDigits(s) {
		return "", fmt.Errorf("%w: expected a 3-digit prefix and 8 digits, as 020-12345675 or 02012345675", ErrAWBFormat)
	}
	return s, nil
}

// CheckAWB checks an air waybill number, 020-12345675 or 02012345675.
// It wraps ErrAWBFormat for a malformed value and ErrAWBCheckDigit, naming
// the digit received and the digit expected, for a wrong check digit.
func CheckAWB(s string) error {
	serialAt := 3 // where the serial starts: after the prefix, and its hyphen
	if len(s) == 12 && s[3] == '-' {
		serialAt = 4
	}
	if len(s) != serialAt+8 || !allDigits(s[:3]) || !allDigits(s[serialAt:]) {
		return fmt.Errorf("%w: expected a 3-digit prefix and 8 digits, as 020-12345675 or 02012345675", ErrAWBFormat)
	}
	serial := 0
	for i := serialAt; i < serialAt+7; i++ {
		serial = serial*10 + int(s[i]-'0')
	}
	want := serial % 7
	if got := int(s[serialAt+7] - '0'); got != want {
		return fmt.Errorf("%w: got %d, expected %d", ErrAWBCheckDigit, got, want)
	}
	return nil
}

// NormalizeAWB checks an air waybill number and returns it in pcsgate's
// canonical form, prefix-serial+check: 020-12345675.
func NormalizeAWB(s string) (string, error) {
	if err := CheckAWB(s); err != nil {
		return "", err
	}
	d, _ := splitAWB(s)
	return d[:3] + "-" + d[3:], nil
}
