package canonical_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

func TestCheckContainerNumber(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr error
		wantMsg string
	}{
		{name: "CSQU valid", in: "CSQU3054383"},
		{name: "MWCU valid", in: "MWCU6059784"},
		{name: "CBHU valid", in: "CBHU3202732"},
		{name: "ZEPU valid", in: "ZEPU0037255"},
		{name: "remainder 10 becomes 0", in: "MEDU7308180"},
		{name: "category J", in: "CSQJ3054383", wantErr: canonical.ErrCheckDigit},
		{name: "TESI wrong check digit", in: "TESI1120274", wantErr: canonical.ErrCheckDigit,
			wantMsg: "has a wrong ISO 6346 check digit: got 4, expected 7"},
		{name: "TESI right digit, wrong category", in: "TESI1120277", wantErr: canonical.ErrContainerFormat,
			wantMsg: "is not an ISO 6346 container number: expected category U, J or Z at position 4"},
		{name: "CBHU wrong check digit", in: "CBHU1234567", wantErr: canonical.ErrCheckDigit,
			wantMsg: "has a wrong ISO 6346 check digit: got 7, expected 1"},
		{name: "empty", in: "", wantErr: canonical.ErrContainerFormat,
			wantMsg: "is not an ISO 6346 container number: expected 11 characters (owner code, category, serial, check digit), got 0"},
		{name: "too long", in: "CSQU30543833", wantErr: canonical.ErrContainerFormat},
		{name: "lower case", in: "csqu3054383", wantErr: canonical.ErrContainerFormat},
		{name: "space inside", in: "CSQU 305438", wantErr: canonical.ErrContainerFormat},
		{name: "letter in serial", in: "CSQU30543A3", wantErr: canonical.ErrContainerFormat,
			wantMsg: "is not an ISO 6346 container number: expected a digit at position 10"},
		{name: "digit in owner", in: "C5QU3054383", wantErr: canonical.ErrContainerFormat,
			wantMsg: "is not an ISO 6346 container number: expected a capital letter at position 2"},
		{name: "letter as check digit", in: "CSQU305438X", wantErr: canonical.ErrContainerFormat,
			wantMsg: "is not an ISO 6346 container number: expected a check digit at position 11"},
		{name: "multibyte", in: "CSQU305438é", wantErr: canonical.ErrContainerFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := canonical.CheckContainerNumber(tt.in)
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

func TestContainerCheckDigit(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		want    int
		wantErr bool
	}{
		{name: "CSQU", prefix: "CSQU305438", want: 3},
		{name: "TESI expects 7, category not checked here", prefix: "TESI112027", want: 7},
		{name: "CBHU expects 1", prefix: "CBHU123456", want: 1},
		{name: "remainder 10", prefix: "MEDU730818", want: 0},
		{name: "nine characters", prefix: "CSQU30543", wantErr: true},
		{name: "digits first", prefix: "1234567890", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonical.ContainerCheckDigit(tt.prefix)
			if tt.wantErr {
				require.ErrorIs(t, err, canonical.ErrContainerFormat)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
