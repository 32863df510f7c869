package canonical

import "fmt"

// CheckLocode checks the shape of a UN/LOCODE: two capital letters (the
// ISO 3166 country) and three of A-Z or 2-9, e.g. NLRTM, BEANR, FRLEH. It
// does not look the code up in the UN/LOCODE list. It wraps ErrLocode.
func CheckLocode(s string) error {
	if len(s) != 5 {
		return fmt.Errorf("%w: expected 5 characters, as NLRTM, got %d", ErrLocode, len(s))
	}
	if !isUpper(s[0]) || !isUpper(s[1]) {
		return fmt.Errorf("%w: expected a 2-letter country code in capitals, as NLRTM", ErrLocode)
	}
	for i := 2; i < 5; i++ {
		if c := s[i]; !isUpper(c) && (c < '2' || c > '9') {
			return fmt.Errorf("%w: expected A-Z or 2-9 at position %d", ErrLocode, i+1)
		}
	}
	return nil
}

// CheckAirport checks an airport code of a release key: either a 3-letter
// IATA code (AMS) or a UN/LOCODE (NLAMS). It wraps ErrAirport.
func CheckAirport(s string) error {
	if len(s) == 3 && isUpper(s[0]) && isUpper(s[1]) && isUpper(s[2]) {
		return nil
	}
	if CheckLocode(s) == nil {
		return nil
	}
	return fmt.Errorf("%w: expected a 3-letter IATA code in capitals, as AMS, or a UN/LOCODE, as NLAMS", ErrAirport)
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
