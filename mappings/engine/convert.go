package engine

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// Conversion errors, wrapped in ErrConvert.
var (
	ErrNotNumber = errors.New("is not a number")
	ErrNotDate   = errors.New("is not a valid date")
	errNotBool   = errors.New("is not a boolean")
)

// Text returns the string form of a selected value: a composite gives its
// first non-empty component.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case canonical.EventType:
		return string(x)
	case canonical.MoveType:
		return string(x)
	case []string:
		for _, s := range x {
			if s != "" {
				return s
			}
		}
		return ""
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case *int:
		if x == nil {
			return ""
		}
		return strconv.Itoa(*x)
	case *bool:
		if x == nil {
			return ""
		}
		return strconv.FormatBool(*x)
	case fmt.Stringer: // after the time cases: a time is a Stringer too
		return x.String()
	}
	return fmt.Sprint(v)
}

func parseDecimal(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if f, ok := plainDecimal(s); ok {
		return f, nil
	}
	// EDIFACT allows a comma as decimal mark.
	s = strings.Replace(s, ",", ".", 1)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrConvert, ErrNotNumber)
	}
	return f, nil
}

// plainDecimal is strconv.ParseFloat of digits with at most one decimal
// mark (point or comma) between them, at most 15 in all: the integer of
// the digits and the power of ten are then exact, so one division gives
// the correctly rounded value ParseFloat gives. ok=false for anything
// else, which ParseFloat decides.
func plainDecimal(s string) (float64, bool) {
	var m uint64
	digits, frac, mark := 0, 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if mark >= 0 {
				frac++
			}
		case (c == '.' || c == ',') && mark < 0 && i > 0 && i < len(s)-1:
			mark = i
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	return float64(m) / pow10[frac], true
}

// pow10 are the powers of ten plainDecimal divides by, all exact.
var pow10 = [16]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "y":
		return true, nil
	case "false", "0", "no", "n":
		return false, nil
	}
	return false, fmt.Errorf("%w: %w", ErrConvert, errNotBool)
}

// parseEdifactParts reads a DTM C507's parts (qualifier, value, format).
// The declared format (2379) is checked, but the value's length decides,
// since real messages declare 203 and carry 8 digits. A date alone means
// the start of the day, or its end when endOfDay (expiry dates).
func parseEdifactParts(x []string, loc *time.Location, endOfDay bool) (time.Time, error) {
	var val, format string
	if len(x) > 1 {
		val = x[1]
	}
	if len(x) > 2 {
		format = x[2]
	}
	return parseEdifactText(val, format, loc, endOfDay)
}

// parseEdifactText is parseEdifactParts of a value (a C507's 2380 alone)
// and its declared format.
func parseEdifactText(val, format string, loc *time.Location, endOfDay bool) (time.Time, error) {
	val = strings.TrimSpace(val)
	var layout string
	switch len(val) {
	case 8: // 102 CCYYMMDD
		layout = "20060102"
	case 12: // 203 CCYYMMDDHHMM
		layout = "200601021504"
	case 14: // 204 CCYYMMDDHHMMSS
		layout = "20060102150405"
	case 10: // 201 YYMMDDHHMM
		layout = "0601021504"
	case 6: // 101 YYMMDD
		layout = "060102"
	default:
		return time.Time{}, fmt.Errorf("%w: %w: want CCYYMMDD or CCYYMMDDHHMM (format %s)", ErrConvert, ErrNotDate, OrDash(format))
	}
	t, ok := digitsTime(val, loc)
	var err error
	if !ok {
		t, err = time.ParseInLocation(layout, val, loc)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w: want %s (format %s)", ErrConvert, ErrNotDate, layoutName(layout), OrDash(format))
	}
	if endOfDay && (len(val) == 8 || len(val) == 6) {
		t = t.AddDate(0, 0, 1).Add(-time.Minute)
	}
	return t.UTC(), nil
}

// digitsTime is time.ParseInLocation of a valid CCYYMMDD, CCYYMMDDHHMM
// or CCYYMMDDHHMMSS value, without running the layout interpreter (a
// fifth of decoding a fixed-width record went there). ok=false sends any
// other value to ParseInLocation, which decides and words the error.
func digitsTime(val string, loc *time.Location) (time.Time, bool) {
	if len(val) != 8 && len(val) != 12 && len(val) != 14 {
		return time.Time{}, false
	}
	var n [6]int // year, month, day, hour, minute, second
	for i := 0; i < len(val); i++ {
		c := val[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		k := 0
		if i >= 4 {
			k = (i-4)/2 + 1
		}
		n[k] = n[k]*10 + int(c-'0')
	}
	y, mo, d, h, mi, sec := n[0], n[1], n[2], n[3], n[4], n[5]
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc), true
}

// daysIn is the number of days of month mo (1-12) in year y.
func daysIn(mo, y int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func layoutName(l string) string {
	return strings.NewReplacer("2006", "CCYY", "06", "YY", "01", "MM", "02", "DD", "15", "HH", "04", "MM", "05", "SS").Replace(l)
}

func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseDateTime reads RFC 3339, or a local date-time / date in loc. The
// layouts a value is too short for, or whose date and time are parted by
// another character, are not tried: a failed parse allocates its error.
// The date is fixed-width, the hour may have one digit, so RFC 3339 needs
// at least 19 characters and a local date-time 15.
func parseDateTime(s string, loc *time.Location, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 19 {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if len(s) < 15 || s[10] != l[10] {
			continue
		}
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1).Add(-time.Minute)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: %w: want RFC 3339 or YYYY-MM-DD[THH:MM[:SS]]", ErrConvert, ErrNotDate)
}

// credentialHandle turns a secret (PIN, encrypted PIN, TCT) into an opaque
// handle: HMAC-SHA-256 under the installation's credential key. The secret
// itself is dropped here and never reaches an event, a log or the store.
func credentialHandle(key []byte, secret string) string {
	m, _ := handleMACs.Get().(*handleMAC)
	if m == nil || !bytes.Equal(m.key, key) {
		m = &handleMAC{key: bytes.Clone(key), h: hmac.New(sha256.New, key)}
	}
	m.h.Write([]byte(secret))
	var sum [sha256.Size]byte
	out := m.h.Sum(sum[:0])
	m.h.Reset()
	handleMACs.Put(m)
	return "cred_" + hex.EncodeToString(out[:12])
}

// handleMACs keeps keyed HMACs for credentialHandle, which makes a handle
// per credential read: keying a new one allocates its hashes each time.
var handleMACs sync.Pool // *handleMAC

type handleMAC struct {
	key []byte
	h   hash.Hash
}

// mask keeps the last four characters of a personal identifier. A value
// that is already masked (it holds a '*' and shows at most four other
// characters, like CPu's "**12") is kept as it is: masking it again would
// hide what the source chose to show, and nothing can be unmasked.
func mask(s string) string {
	r := []rune(s)
	if stars := strings.Count(s, "*"); stars > 0 && len(r)-stars <= 4 {
		return s
	}
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// checks are the validators a field's check names.
var checks = map[string]func(string) error{
	"iso6346": canonical.CheckContainerNumber,
	"locode":  canonical.CheckLocode,
	"eori":    canonical.CheckEORI,
	"awb":     canonical.CheckAWB,
	"gln":     canonical.CheckGLN,
	"imo":     canonical.CheckIMO,
	"tct":     canonical.CheckTCT,
	"size-type": func(v string) error {
		_, err := canonical.NormalizeSizeType(v)
		return err
	},
}

// runCheck applies a named validator to a value.
func runCheck(name, v string) error {
	if check, ok := checks[name]; ok {
		return check(v)
	}
	return fmt.Errorf("unknown check %q", name)
}

// formatTime renders a time for encode conversions.
func formatTime(as string, t time.Time, loc *time.Location) string {
	switch as {
	case "edifact-203":
		return t.In(loc).Format("200601021504")
	case "edifact-102":
		return t.In(loc).Format("20060102")
	case "date":
		return t.In(loc).Format("2006-01-02")
	case "yymmdd":
		return t.In(loc).Format("060102")
	case "hhmm":
		return t.In(loc).Format("1504")
	}
	return t.UTC().Format(time.RFC3339)
}
