package canonical_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

// identifierCase is one value for one of the shape validators.
type identifierCase struct {
	name    string
	in      string
	wantErr error
	wantMsg string
}

func runIdentifierCases(t *testing.T, check func(string) error, tests []identifierCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(tt.in)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantMsg != "" {
				assert.EqualError(t, err, tt.wantMsg)
			}
		})
	}
}

func TestCheckLocode(t *testing.T) {
	runIdentifierCases(t, canonical.CheckLocode, []identifierCase{
		{name: "Rotterdam", in: "NLRTM"},
		{name: "Antwerp", in: "BEANR"},
		{name: "Le Havre", in: "FRLEH"},
		{name: "digits 2-9 allowed", in: "DE2AB"},
		{name: "digit 1 not allowed", in: "DE1AB", wantErr: canonical.ErrLocode,
			wantMsg: "is not a UN/LOCODE: expected A-Z or 2-9 at position 3"},
		{name: "digit 0 not allowed", in: "NLRT0", wantErr: canonical.ErrLocode},
		{name: "lower case", in: "nlrtm", wantErr: canonical.ErrLocode,
			wantMsg: "is not a UN/LOCODE: expected a 2-letter country code in capitals, as NLRTM"},
		{name: "with space", in: "NL RTM", wantErr: canonical.ErrLocode,
			wantMsg: "is not a UN/LOCODE: expected 5 characters, as NLRTM, got 6"},
		{name: "empty", in: "", wantErr: canonical.ErrLocode},
	})
}

func TestCheckAirport(t *testing.T) {
	runIdentifierCases(t, canonical.CheckAirport, []identifierCase{
		{name: "IATA", in: "AMS"},
		{name: "UN/LOCODE", in: "NLAMS"},
		{name: "lower case", in: "ams", wantErr: canonical.ErrAirport},
		{name: "four letters", in: "EHAM", wantErr: canonical.ErrAirport},
	})
}

func TestCheckEORI(t *testing.T) {
	runIdentifierCases(t, canonical.CheckEORI, []identifierCase{
		{name: "Dutch", in: "NL123456789"},
		{name: "Belgian", in: "BE0123456789"},
		{name: "French SIRET", in: "FR12345678901234"},
		{name: "German alphanumeric", in: "DE1234567ABC"},
		{name: "Dutch too short", in: "NL12345678", wantErr: canonical.ErrEORI,
			wantMsg: "is not an EORI number: expected NL and 9 digits"},
		{name: "Belgian with letter", in: "BE012345678X", wantErr: canonical.ErrEORI,
			wantMsg: "is not an EORI number: expected BE and 10 digits"},
		{name: "sixteen after country", in: "FR1234567890123456", wantErr: canonical.ErrEORI},
		{name: "country only", in: "FR", wantErr: canonical.ErrEORI},
		{name: "lower-case country", in: "nl123456789", wantErr: canonical.ErrEORI,
			wantMsg: "is not an EORI number: expected a 2-letter country code in capitals first"},
		{name: "punctuation", in: "DE123-456", wantErr: canonical.ErrEORI,
			wantMsg: "is not an EORI number: expected only capital letters and digits after the country code"},
	})
}

func TestCheckGLN(t *testing.T) {
	runIdentifierCases(t, canonical.CheckGLN, []identifierCase{
		{name: "GS1 example", in: "4006381333931"},
		{name: "Dutch prefix", in: "8712345678906"},
		{name: "wrong check digit", in: "8712345678905", wantErr: canonical.ErrGLNCheckDigit,
			wantMsg: "has a wrong GLN check digit: got 5, expected 6"},
		{name: "twelve digits", in: "871234567890", wantErr: canonical.ErrGLN,
			wantMsg: "is not a GLN: expected 13 digits"},
		{name: "letter", in: "87123456789O6", wantErr: canonical.ErrGLN},
	})
}

func TestCheckIMO(t *testing.T) {
	runIdentifierCases(t, canonical.CheckIMO, []identifierCase{
		{name: "sum 130", in: "9141780"},
		{name: "sum 139", in: "9074729"},
		{name: "wrong check digit", in: "9141781", wantErr: canonical.ErrIMOCheckDigit,
			wantMsg: "has a wrong IMO check digit: got 1, expected 0"},
		{name: "with prefix", in: "IMO9141780", wantErr: canonical.ErrIMO,
			wantMsg: "is not an IMO number: expected 7 digits without prefix"},
		{name: "six digits", in: "914178", wantErr: canonical.ErrIMO},
	})
}
