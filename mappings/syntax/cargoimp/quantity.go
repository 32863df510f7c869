package cargoimp

import (
	"fmt"
	"strconv"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Quantity is the shipment description of a consignment or status line, as
// in T1K100 (total consignment, 1 piece, 100 kg) or P2K20T5 (part: 2 of 5
// pieces, 20 kg).
type Quantity struct {
	// Code is the shipment description code: T total, P part, S split,
	// D divided.
	Code string
	// Pieces is the number of pieces.
	Pieces int
	// WeightUnit is K for kilograms or L for pounds; empty when the line
	// gives no weight.
	WeightUnit string
	// Weight is the weight as sent, e.g. "100" or "10.5".
	Weight string
	// TotalPieces is the number of pieces of the whole consignment, which
	// may follow a P, S or D code; 0 when absent.
	TotalPieces int
}

const (
	maxPieceDigits  = 5
	maxWeightDigits = 9
)

// looksLikeQuantity reports whether s starts like a quantity: a shipment
// code followed by a digit. A field that does not is not a quantity at all,
// so the grammars can leave it to Status.Fields.
func looksLikeQuantity(s string) bool {
	return len(s) >= 2 && isShipmentCode(s[0]) && isDigit(s[1])
}

func isShipmentCode(c byte) bool { return c == 'T' || c == 'P' || c == 'S' || c == 'D' }

// parseQuantity reads a quantity; problem explains what is wrong, or is "".
func parseQuantity(s string) (q Quantity, problem string) {
	if s == "" || !isShipmentCode(s[0]) {
		return q, "expected a shipment code T, P, S or D, then pieces and weight, as in T1K100"
	}
	q.Code = s[:1]
	i := 1
	j := digitsEnd(s, i)
	if j == i || j-i > maxPieceDigits {
		return q, fmt.Sprintf("expected 1 to %d digits of pieces after %q", maxPieceDigits, q.Code)
	}
	q.Pieces, _ = strconv.Atoi(s[i:j])
	i = j
	if i < len(s) && (s[i] == 'K' || s[i] == 'L') {
		q.WeightUnit = s[i : i+1]
		i++
		j = weightEnd(s, i)
		if j == i || !validWeight(s[i:j]) {
			return q, fmt.Sprintf("expected a weight such as 100 or 10.5 after %q", q.WeightUnit)
		}
		q.Weight = s[i:j]
		i = j
	}
	if i < len(s) && s[i] == 'T' && q.Code != "T" {
		i++
		j = digitsEnd(s, i)
		if j == i || j-i > maxPieceDigits {
			return q, fmt.Sprintf("expected 1 to %d digits of total pieces after T", maxPieceDigits)
		}
		q.TotalPieces, _ = strconv.Atoi(s[i:j])
		if q.TotalPieces == 0 {
			return q, "total pieces must be at least 1"
		}
		i = j
	}
	if i < len(s) {
		return q, fmt.Sprintf("unexpected %s at position %d", errtext.Quote(s[i:]), i+1)
	}
	return q, ""
}

// check explains what is wrong with q for writing, or returns "".
func (q Quantity) check() string {
	switch {
	case len(q.Code) != 1 || !isShipmentCode(q.Code[0]):
		return "expected a shipment code T, P, S or D"
	case q.Pieces < 0 || len(strconv.Itoa(q.Pieces)) > maxPieceDigits:
		return fmt.Sprintf("pieces must have 1 to %d digits", maxPieceDigits)
	case (q.WeightUnit == "") != (q.Weight == ""):
		return "weight and weight unit go together"
	case q.WeightUnit != "" && q.WeightUnit != "K" && q.WeightUnit != "L":
		return "weight unit must be K or L"
	case q.Weight != "" && !validWeight(q.Weight):
		return "expected a weight such as 100 or 10.5"
	case q.TotalPieces < 0 || len(strconv.Itoa(q.TotalPieces)) > maxPieceDigits:
		return fmt.Sprintf("total pieces must have 1 to %d digits", maxPieceDigits)
	case q.TotalPieces > 0 && q.Code == "T":
		return "total pieces follow only a P, S or D code"
	}
	return ""
}

// String renders q as on the wire, e.g. "T1K100".
func (q Quantity) String() string {
	b := make([]byte, 0, 16)
	return string(q.appendTo(b))
}

func (q Quantity) appendTo(b []byte) []byte {
	b = append(b, q.Code...)
	b = strconv.AppendInt(b, int64(q.Pieces), 10)
	b = append(b, q.WeightUnit...)
	b = append(b, q.Weight...)
	if q.TotalPieces > 0 {
		b = append(b, 'T')
		b = strconv.AppendInt(b, int64(q.TotalPieces), 10)
	}
	return b
}

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func weightEnd(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	return i
}

// validWeight accepts digits with at most one decimal point between digits.
func validWeight(w string) bool {
	if len(w) == 0 || len(w) > maxWeightDigits || w[0] == '.' || w[len(w)-1] == '.' {
		return false
	}
	dots := 0
	for i := 0; i < len(w); i++ {
		switch {
		case w[i] == '.':
			dots++
		case !isDigit(w[i]):
			return false
		}
	}
	return dots <= 1
}
