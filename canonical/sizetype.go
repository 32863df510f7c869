package canonical

import (
	"fmt"
	"maps"
	"strings"
)

// ISO 6346:1995 size-type codes have four characters: length, height and
// width, then a two-character type code (22G1, 45R1, L5G1, 4EG1) or an ISO
// type group (22GP, 45RT). The 1984 edition used four digits (2210, 4510,
// 4363); those still occur in older systems and are converted through
// legacySizeTypes. Callers keep the raw code themselves (equipment.rawSizeType).

// sizeLengthCodes are the first characters of an ISO 6346:1995 code:
// 1-4 for 10', 20', 30', 40'; A-P (without I, J, O) for other lengths,
// e.g. L = 45'.
const sizeLengthCodes = "1234ABCDEFGHKLMNP"

// sizeHeightCodes are the second characters: 0 8', 2 8'6", 4 9', 5 9'6",
// 6 over 9'6", 8 4'3", 9 up to 4'; C-F and L-P for pallet-wide boxes of
// those heights (4EG1 is a 40' 9'6" pallet-wide box).
const sizeHeightCodes = "0245689CDEFLMNP"

// sizeTypeGroups are the first characters of the detailed type code:
// G general purpose, V ventilated, B bulk, S named cargo, R refrigerated,
// H insulated or heated, U open top, P platform, T tank, A air/surface.
const sizeTypeGroups = "GVBSRHUPTA"

// isoTypeGroupCodes are the two-letter ISO type groups, the coarse
// alternative to the detailed type code (22GP instead of 22G1).
var isoTypeGroupCodes = map[string]bool{
	"GP": true, "VH": true, "BU": true, "BK": true, "SN": true, "RE": true,
	"RT": true, "RS": true, "HR": true, "HI": true, "UT": true, "PL": true,
	"PF": true, "PC": true, "PS": true, "TN": true, "TD": true, "TG": true,
	"AS": true,
}

// legacySizeTypes converts the common ISO 6346:1984 four-digit codes to
// ISO 6346:1995. Review it like code: each line names what the old code
// says. Digit 1 is the length (2 20', 4 40'), digit 2 the height (2 8'6",
// 3 8'6" with gooseneck tunnel, 5 9'6"), digits 3-4 the type (00 general
// purpose with openings at the ends, 10 general purpose with passive vents,
// 30 refrigerated, 32 refrigerated and heated, 51 open top with removable
// top members, 63 platform with folding ends). ISO 6346:1995 has no code
// for a gooseneck tunnel, so those map to the plain height; the raw code
// keeps the detail.
var legacySizeTypes = map[string]string{
	"2200": "22G0", // 20' 8'6" general purpose
	"2210": "22G1", // 20' 8'6" general purpose, passive vents
	"2230": "22R0", // 20' 8'6" refrigerated
	"2232": "22R1", // 20' 8'6" refrigerated and heated
	"2251": "22U1", // 20' 8'6" open top, removable top members
	"4200": "42G0", // 40' 8'6" general purpose
	"4210": "42G1", // 40' 8'6" general purpose, passive vents
	"4230": "42R0", // 40' 8'6" refrigerated
	"4232": "42R1", // 40' 8'6" refrigerated and heated
	"4251": "42U1", // 40' 8'6" open top, removable top members
	"4310": "42G1", // 40' 8'6" gooseneck tunnel, general purpose, passive vents
	"4363": "42P3", // 40' 8'6" gooseneck tunnel, platform, folding ends
	"4500": "45G0", // 40' 9'6" general purpose
	"4510": "45G1", // 40' 9'6" general purpose, passive vents
	"4530": "45R0", // 40' 9'6" refrigerated
	"4532": "45R1", // 40' 9'6" refrigerated and heated
}

// NormalizeSizeType returns the ISO 6346:1995 size-type code for raw.
// ISO 6346:1995 codes (detailed or type group) come back unchanged; legacy
// four-digit codes are converted through a small reviewed table. Spaces
// around raw are ignored; letters must be capitals. An unknown legacy code
// or a malformed code wraps ErrSizeType.
func NormalizeSizeType(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if len(s) != 4 {
		return "", fmt.Errorf("%w: expected 4 characters, as 22G1 or 45R1", ErrSizeType)
	}
	if allDigits(s) {
		if iso, ok := legacySizeTypes[s]; ok {
			return iso, nil
		}
		return "", fmt.Errorf("%w: legacy code not in the conversion table; expected an ISO 6346:1995 code, as 22G1", ErrSizeType)
	}
	if strings.IndexByte(sizeLengthCodes, s[0]) < 0 {
		return "", fmt.Errorf("%w: expected a length code (1-4, A-H, K-N, P) first", ErrSizeType)
	}
	if strings.IndexByte(sizeHeightCodes, s[1]) < 0 {
		return "", fmt.Errorf("%w: expected a height code (0, 2, 4-6, 8, 9, C-F, L-N, P) second", ErrSizeType)
	}
	if isoTypeGroupCodes[s[2:]] {
		return s, nil
	}
	if strings.IndexByte(sizeTypeGroups, s[2]) < 0 || !isDigit(s[3]) {
		return "", fmt.Errorf("%w: expected a type code (G1, R1, U1, P1, T1, ...) or type group (GP, RT, ...) last", ErrSizeType)
	}
	return s, nil
}

// LegacySizeTypes returns a copy of the legacy conversion table, legacy
// code to ISO 6346:1995 code, for documentation and review.
func LegacySizeTypes() map[string]string {
	return maps.Clone(legacySizeTypes)
}
