package canonical

import "fmt"

// CheckGLN checks a GS1 global location number (GLN, formerly EAN): 13
// digits whose last is the GS1 mod-10 check digit (weights 3 and 1
// alternating from the right, starting with 3 next to the check digit).
// Portbase identifies inland operators by GLN. It wraps ErrGLN for a
// malformed value and ErrGLNCheckDigit for a wrong check digit.
func CheckGLN(s string) error {
	if len(s) != 13 || !allDigits(s) {
		return fmt.Errorf("%w: expected 13 digits", ErrGLN)
	}
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(s[11-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	want := (10 - sum%10) % 10
	if got := int(s[12] - '0'); got != want {
		return fmt.Errorf("%w: got %d, expected %d", ErrGLNCheckDigit, got, want)
	}
	return nil
}
