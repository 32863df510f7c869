package canonical

import "fmt"

// ISO 6346 container numbers: a 3-letter owner code, a category letter
// (U freight container, J detachable equipment, Z trailer or chassis), a
// 6-digit serial and a check digit, e.g. CSQU3054383.
//
// The check digit: letters count up from A=10 skipping the multiples of 11
// (so B=12, L=23, V=34, Z=38), digits keep their value; the value at
// position i (0-based, first ten characters) is multiplied by 2^i; the sum
// mod 11 is the check digit, and a remainder of 10 becomes 0.

// containerLetterValues holds the ISO 6346 equivalent value of A..Z.
var containerLetterValues = func() [26]int {
	var t [26]int
	v := 10
	for i := range t {
		if v%11 == 0 {
			v++
		}
		t[i] = v
		v++
	}
	return t
}()

// ContainerCheckDigit computes the ISO 6346 check digit of the first ten
// characters of a container number: four capital letters and six digits.
// The category letter is not checked here; CheckContainerNumber does that.
func ContainerCheckDigit(prefix10 string) (int, error) {
	if len(prefix10) != 10 {
		return 0, fmt.Errorf("%w: expected 4 capital letters and 6 digits, got %d characters",
			ErrContainerFormat, len(prefix10))
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := prefix10[i]
		var v int
		switch {
		case i < 4 && c >= 'A' && c <= 'Z':
			v = containerLetterValues[c-'A']
		case i >= 4 && c >= '0' && c <= '9':
			v = int(c - '0')
		case i < 4:
			return 0, fmt.Errorf("%w: expected a capital letter at position %d", ErrContainerFormat, i+1)
		default:
			return 0, fmt.Errorf("%w: expected a digit at position %d", ErrContainerFormat, i+1)
		}
		sum += v << i
	}
	return sum % 11 % 10, nil
}

// CheckContainerNumber checks that s is an ISO 6346 container number with
// the right check digit: 11 characters, no spaces, capitals only. It wraps
// ErrCheckDigit, naming the digit received and the digit expected, for a
// wrong check digit, and ErrContainerFormat for a malformed value. The
// category letter (U, J or Z) is checked after the check digit.
func CheckContainerNumber(s string) error {
	if len(s) != 11 {
		return fmt.Errorf("%w: expected 11 characters (owner code, category, serial, check digit), got %d",
			ErrContainerFormat, len(s))
	}
	want, err := ContainerCheckDigit(s[:10])
	if err != nil {
		return err
	}
	c := s[10]
	if c < '0' || c > '9' {
		return fmt.Errorf("%w: expected a check digit at position 11", ErrContainerFormat)
	}
	if got := int(c - '0'); got != want {
		return fmt.Errorf("%w: got %d, expected %d", ErrCheckDigit, got, want)
	}
	// The category comes last: a wrong check digit is the likelier typo and
	// says more.
	switch s[3] {
	case 'U', 'J', 'Z':
		return nil
	}
	return fmt.Errorf("%w: expected category U, J or Z at position 4", ErrContainerFormat)
}
