package canonical_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

func TestCheckAWB(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantNorm string
		wantErr  error
		wantMsg  string
	}{
		{name: "hyphenated", in: "020-12345675", wantNorm: "020-12345675"},
		{name: "bare", in: "02012345675", wantNorm: "020-12345675"},
		{name: "second vector", in: "589-81140743", wantNorm: "589-81140743"},
		{name: "serial zero", in: "176-00000000", wantNorm: "176-00000000"},
		{name: "wrong check digit", in: "020-12345674", wantErr: canonical.ErrAWBCheckDigit,
			wantMsg: "has a wrong air waybill check digit: got 4, expected 5"},
		{name: "check digit 7 never valid", in: "02012345677", wantErr: canonical.ErrAWBCheckDigit},
		{name: "hyphen elsewhere", in: "0201-2345675", wantErr: canonical.ErrAWBFormat,
			wantMsg: "is not an air waybill number: expected a 3-digit prefix and 8 digits, as 020-12345675 or 02012345675"},
		{name: "spaces", in: "020 12345675", wantErr: canonical.ErrAWBFormat},
		{name: "too short", in: "020-1234567", wantErr: canonical.ErrAWBFormat,
			wantMsg: "is not an air waybill number: expected a 3-digit prefix and 8 digits, as 020-12345675 or 02012345675"},
		{name: "empty", in: "", wantErr: canonical.ErrAWBFormat},
		{name: "letters", in: "AAA-12345675", wantErr: canonical.ErrAWBFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := canonical.CheckAWB(tt.in)
			norm, nerr := canonical.NormalizeAWB(tt.in)
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.NoError(t, nerr)
				assert.Equal(t, tt.wantNorm, norm)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.ErrorIs(t, nerr, tt.wantErr)
			assert.Empty(t, norm)
			if tt.wantMsg != "" {
				assert.EqualError(t, err, tt.wantMsg)
			}
		})
	}
}
