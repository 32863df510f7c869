package canonical

import "fmt"

// EORI numbers: an ISO 3166 country code followed by up to 15 capital
// letters or digits. Countries with a fixed national part are checked more
// closely: the Netherlands use NL + 9 digits, Belgium BE + 10 digits.

// eoriNational lists the countries whose national part is a fixed number of
// digits. Keep it to formats the customs authority publishes.
var eoriNational = map[string]int{
	"NL": 9,
	"BE": 10,
}

// CheckEORI checks the shape of an EORI number, e.g. NL123456789 or
// BE0123456789. It does not ask the EU's EORI service whether the number is
// registered. It wraps ErrEORI.
func CheckEORI(s string) error {
	if len(s) < 3 || len(s) > 17 {
		return fmt.Errorf("%w: expected a country code and 1 to 15 letters or digits, got %d characters", ErrEORI, len(s))
	}
	if !isUpper(s[0]) || !isUpper(s[1]) {
		return fmt.Errorf("%w: expected a 2-letter country code in capitals first", ErrEORI)
	}
	rest := s[2:]
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !isUpper(c) && !isDigit(c) {
			return fmt.Errorf("%w: expected only capital letters and digits after the country code", ErrEORI)
		}
	}
	if n, ok := eoriNational[s[:2]]; ok && (len(rest) != n || !allDigits(rest)) {
		return fmt.Errorf("%w: expected %s and %d digits", ErrEORI, s[:2], n)
	}
	return nil
}
