package cargoimp

import (
	"fmt"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/mappings/internal/printable"
)

// months are the Cargo-IMP month abbreviations, January first.
var months = [12]string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}

// maxDays is the longest each month can be (February in a leap year).
var maxDays = [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// monthIndex returns 0 for JAN … 11 for DEC, or -1.
func monthIndex(m string) int {
	if len(m) != 3 {
		return -1
	}
	k := monthKey(m)
	for i, mk := range monthKeys {
		if k == mk {
			return i
		}
	}
	return -1
}

// monthKey packs a three-letter month into one number, so that finding a
// month compares numbers rather than strings.
func monthKey(m string) uint32 { return uint32(m[0])<<16 | uint32(m[1])<<8 | uint32(m[2]) }

// monthKeys are the months' keys, January first.
var monthKeys = func() (k [12]uint32) {
	for i, m := range months {
		k[i] = monthKey(m)
	}
	return k
}()

// checkDay explains what is wrong with a day and month, or returns "".
func checkDay(day, month string) string {
	mi := monthIndex(month)
	if mi < 0 {
		return fmt.Sprintf("month %s is not one of JAN … DEC", errtext.Quote(month))
	}
	if !allDigits(day, 2) {
		return fmt.Sprintf("day %s must have two digits", errtext.Quote(day))
	}
	d := int(day[0]-'0')*10 + int(day[1]-'0')
	if d < 1 || d > maxDays[mi] {
		return fmt.Sprintf("day %s does not exist in %s", day, month)
	}
	return ""
}

// checkTime explains what is wrong with a local time hhmm, or returns "".
func checkTime(hhmm string) string {
	if !allDigits(hhmm, 4) {
		return fmt.Sprintf("time %s must have four digits, as in 1317", errtext.Quote(hhmm))
	}
	if h, m := atoi2(hhmm[:2]), atoi2(hhmm[2:]); h > 23 || m > 59 {
		return fmt.Sprintf("time %s is not a time of day", hhmm)
	}
	return ""
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// splitDate splits "16OCT" or "16OCT1317" and checks the parts.
func splitDate(s string, withTime bool) (day, month, hhmm, problem string) {
	want := 5
	if withTime {
		want = 9
	}
	if len(s) != want {
		if withTime {
			return "", "", "", "expected day, month and time, as in 16OCT1317"
		}
		return "", "", "", "expected day and month, as in 16OCT"
	}
	day, month, hhmm = s[:2], s[2:5], s[5:]
	if p := checkDay(day, month); p != "" {
		return "", "", "", p
	}
	if withTime {
		if p := checkTime(hhmm); p != "" {
			return "", "", "", p
		}
	}
	return day, month, hhmm, ""
}

// checkAirport explains what is wrong with an IATA airport code, or "".
func checkAirport(s string) string {
	if len(s) != 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) {
		return "expected a 3-letter airport code, as in FRA"
	}
	return ""
}

// checkCarrier explains what is wrong with an airline designator (two
// letters or digits, or three letters), or returns "".
func checkCarrier(s string) string {
	if !validCarrier(s) {
		return "expected a 2-character airline designator, as in LH"
	}
	return ""
}

func validCarrier(s string) bool {
	switch len(s) {
	case 2:
		return isAlnum(s[0]) && isAlnum(s[1])
	case 3:
		return isUpper(s[0]) && isUpper(s[1]) && isUpper(s[2])
	}
	return false
}

// checkFlight explains what is wrong with a flight (designator, 1 to 4
// digits, optional suffix letter), or returns "".
func checkFlight(s string) string {
	const msg = "expected an airline designator and flight number, as in LH400"
	for _, dl := range []int{2, 3} {
		if len(s) <= dl || !validCarrier(s[:dl]) {
			continue
		}
		rest := s[dl:]
		n := digitsEnd(rest, 0)
		if n == 0 || n > 4 {
			continue
		}
		if n == len(rest) || n == len(rest)-1 && isUpper(rest[n]) {
			return ""
		}
	}
	return msg
}

func isAlnum(c byte) bool { return isUpper(c) || isDigit(c) }

// checkText explains the first byte of s that a Cargo-IMP field cannot
// carry, or returns "". Fields are printable ASCII; '/' separates fields.
func checkText(s string, allowSlash bool) string {
	if allowSlash && printable.ASCII(s) {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("byte 0x%02X at column %d is not printable ASCII", c, i+1)
		}
		if c == '/' && !allowSlash {
			return fmt.Sprintf("'/' at column %d would split the field", i+1)
		}
	}
	return ""
}

// checkAirportPair explains what is wrong with a departure and arrival
// airport written joined, as in FRAAMS, or returns "".
func checkAirportPair(s string) string {
	if len(s) != 6 || checkAirport(s[:3]) != "" || checkAirport(s[3:]) != "" {
		return "expected the departure and arrival airports joined, as in FRAAMS"
	}
	return ""
}

// checkDiscrepancy explains what is wrong with a discrepancy code (four
// letters, as in MSCA), or returns "".
func checkDiscrepancy(s string) string {
	if len(s) != 4 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) || !isUpper(s[3]) {
		return "expected a 4-letter discrepancy code, as in MSCA"
	}
	return ""
}

// checkOCI explains what is wrong with the entry of an OCI line: an ISO
// country code, an information identifier and a control information
// identifier (each may be empty), and the information itself.
func checkOCI(f []string) string {
	const form = "expected <country>/<information id>/<control id>/<information>, as in NL/ISS/RA/NLRA00001"
	if len(f) != 4 || f[3] == "" {
		return form
	}
	if c := f[0]; c != "" && (len(c) != 2 || !isUpper(c[0]) || !isUpper(c[1])) {
		return "country " + errtext.Quote(c) + " is not a 2-letter ISO code; " + form
	}
	if id := f[1]; id != "" && (len(id) != 3 || !isUpper(id[0]) || !isUpper(id[1]) || !isUpper(id[2])) {
		return "information id " + errtext.Quote(id) + " is not 3 letters; " + form
	}
	if id := f[2]; id != "" && (len(id) > 2 || !isUpper(id[0]) || len(id) == 2 && !isAlnum(id[1])) {
		return "control id " + errtext.Quote(id) + " is not 1 or 2 letters; " + form
	}
	return ""
}
