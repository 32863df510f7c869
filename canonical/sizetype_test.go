package canonical_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

func TestNormalizeSizeType(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    string
		wantMsg string
	}{
		{name: "20 GP", raw: "22G1", want: "22G1"},
		{name: "40 HC GP", raw: "45G1", want: "45G1"},
		{name: "40 HC reefer", raw: "45R1", want: "45R1"},
		{name: "45 HC", raw: "L5G1", want: "L5G1"},
		{name: "pallet wide", raw: "4EG1", want: "4EG1"},
		{name: "tank", raw: "22T6", want: "22T6"},
		{name: "type group", raw: "22GP", want: "22GP"},
		{name: "type group reefer", raw: "45RT", want: "45RT"},
		{name: "surrounding spaces", raw: " 22G1 ", want: "22G1"},
		{name: "legacy 2200", raw: "2200", want: "22G0"},
		{name: "legacy 2210", raw: "2210", want: "22G1"},
		{name: "legacy 2230", raw: "2230", want: "22R0"},
		{name: "legacy 2232", raw: "2232", want: "22R1"},
		{name: "legacy 4200", raw: "4200", want: "42G0"},
		{name: "legacy 4310 gooseneck", raw: "4310", want: "42G1"},
		{name: "legacy 4363 platform", raw: "4363", want: "42P3"},
		{name: "legacy 4510", raw: "4510", want: "45G1"},
		{name: "legacy 4530", raw: "4530", want: "45R0"},
		{name: "legacy 4532", raw: "4532", want: "45R1"},
		{name: "unknown legacy", raw: "9999",
			wantMsg: "is not a known ISO 6346 size-type code: legacy code not in the conversion table; expected an ISO 6346:1995 code, as 22G1"},
		{name: "empty", raw: "",
			wantMsg: "is not a known ISO 6346 size-type code: expected 4 characters, as 22G1 or 45R1"},
		{name: "lower case", raw: "22g1",
			wantMsg: "is not a known ISO 6346 size-type code: expected a type code (G1, R1, U1, P1, T1, ...) or type group (GP, RT, ...) last"},
		{name: "bad length code", raw: "Z2G1",
			wantMsg: "is not a known ISO 6346 size-type code: expected a length code (1-4, A-H, K-N, P) first"},
		{name: "bad height code", raw: "27G1",
			wantMsg: "is not a known ISO 6346 size-type code: expected a height code (0, 2, 4-6, 8, 9, C-F, L-N, P) second"},
		{name: "unknown type group", raw: "22XX"},
		{name: "ISO code with letter digit swapped", raw: "221G"},
		{name: "dry van jargon", raw: "20DV"},
		{name: "five characters", raw: "22G10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonical.NormalizeSizeType(tt.raw)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			require.ErrorIs(t, err, canonical.ErrSizeType)
			assert.Empty(t, got)
			if tt.wantMsg != "" {
				assert.EqualError(t, err, tt.wantMsg)
			}
		})
	}
}

// Every entry of the legacy table must convert to a code that is itself
// valid and stable, and the copy handed out must not alias the table.
func TestLegacySizeTypes(t *testing.T) {
	table := canonical.LegacySizeTypes()
	require.NotEmpty(t, table)
	for legacy, iso := range table {
		t.Run(legacy, func(t *testing.T) {
			got, err := canonical.NormalizeSizeType(legacy)
			require.NoError(t, err)
			assert.Equal(t, iso, got)
			again, err := canonical.NormalizeSizeType(iso)
			require.NoError(t, err)
			assert.Equal(t, iso, again)
		})
	}
	table["2210"] = "XXXX"
	got, err := canonical.NormalizeSizeType("2210")
	require.NoError(t, err)
	assert.Equal(t, "22G1", got)
}
