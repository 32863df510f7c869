package cargoimp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

func TestParseAWB(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     cargoimp.AWB
		sentinel error
		msg      string
	}{
		{name: "with hyphen", in: "020-12345675", want: cargoimp.AWB{Prefix: "020", Serial: "1234567", Check: 5}},
		{name: "without hyphen", in: "58981140743", want: cargoimp.AWB{Prefix: "589", Serial: "8114074", Check: 3}},
		{name: "check digit zero", in: "176-77777770", want: cargoimp.AWB{Prefix: "176", Serial: "7777777", Check: 0}},
		{name: "wrong check digit", in: "020-12345670", sentinel: cargoimp.ErrAWBCheckDigit,
			msg: `AWB "020-12345670" has a wrong check digit: got 0, expected 5`},
		{name: "too short", in: "020-1234567", sentinel: cargoimp.ErrSyntax,
			msg: `AWB "020-1234567" is not valid Cargo-IMP: expected a 3-digit airline prefix`},
		{name: "letters", in: "O20-12345675", sentinel: cargoimp.ErrSyntax},
		{name: "hyphen misplaced", in: "0201-2345675", sentinel: cargoimp.ErrSyntax},
		{name: "empty", in: "", sentinel: cargoimp.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cargoimp.ParseAWB(tt.in)
			if tt.sentinel != nil {
				require.ErrorIs(t, err, tt.sentinel)
				assert.Contains(t, err.Error(), tt.msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.NoError(t, got.Validate())
			assert.Len(t, got.String(), 12)
		})
	}
}

func TestAWBString(t *testing.T) {
	a, err := cargoimp.NewAWB("020", "1234567")
	require.NoError(t, err)
	assert.Equal(t, "020-12345675", a.String())

	_, err = cargoimp.NewAWB("20", "1234567")
	require.ErrorIs(t, err, cargoimp.ErrSyntax)

	bad := cargoimp.AWB{Prefix: "020", Serial: "1234567", Check: 4}
	require.ErrorIs(t, bad.Validate(), cargoimp.ErrAWBCheckDigit)
	assert.Equal(t, `AWB "020-12345674" has a wrong check digit: got 4, expected 5`, bad.Validate().Error())
}
