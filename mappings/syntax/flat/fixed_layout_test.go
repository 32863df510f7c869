package flat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// releaseLayouts describes testdata/release.txt: a header, release lines
// and a trailer, 80 characters each.
func releaseLayouts() map[string]flat.FixedLayout {
	typ := &flat.FixedField{Name: "recordType", Start: 1, Length: 2}
	return map[string]flat.FixedLayout{
		"H0": {RecordLength: 80, RecordType: typ, Fields: []flat.FixedField{
			{Name: "sender", Start: 3, Length: 10},
			{Name: "created", Start: 13, Length: 12},
		}},
		"D1": {RecordLength: 80, RecordType: typ, Fields: []flat.FixedField{
			{Name: "containerNumber", Start: 3, Length: 11},
			{Name: "blNumber", Start: 14, Length: 20},
			{Name: "port", Start: 34, Length: 5},
			{Name: "carrier", Start: 39, Length: 4},
			{Name: "validUntil", Start: 43, Length: 8},
			{Name: "grossKg", Start: 51, Length: 8, Align: "right", Pad: "0"},
			{Name: "releaseTo", Start: 59, Length: 22},
		}},
		"T9": {RecordLength: 80, RecordType: typ, Fields: []flat.FixedField{
			{Name: "count", Start: 3, Length: 6, Align: "right", Pad: "0"},
		}},
	}
}

func TestFixedLayoutValidate(t *testing.T) {
	tests := []struct {
		name   string
		layout flat.FixedLayout
		want   string // "" = valid
	}{
		{"valid with gap", flat.FixedLayout{RecordLength: 10, Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}, {Name: "b", Start: 5, Length: 6}}}, ""},
		{"record type is a field", flat.FixedLayout{RecordType: &flat.FixedField{Start: 1, Length: 2}, Fields: []flat.FixedField{{Name: "t", Start: 1, Length: 2}}}, ""},
		{"no fields", flat.FixedLayout{}, "layout has no fields"},
		{"no name", flat.FixedLayout{Fields: []flat.FixedField{{Start: 1, Length: 1}}}, "field 1 has no name"},
		{"twice", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1}, {Name: "a", Start: 2, Length: 1}}}, `field "a" is defined twice`},
		{"overlap", flat.FixedLayout{Fields: []flat.FixedField{{Name: "seal", Start: 40, Length: 10}, {Name: "blNumber", Start: 30, Length: 16}}},
			`field "seal" (columns 40-49) overlaps field "blNumber" (columns 30-45)`},
		{"overlaps record type", flat.FixedLayout{RecordType: &flat.FixedField{Start: 1, Length: 2}, Fields: []flat.FixedField{{Name: "a", Start: 2, Length: 3}}},
			`field "record type" (columns 1-2) overlaps field "a" (columns 2-4)`},
		{"record type aligned differently", flat.FixedLayout{RecordType: &flat.FixedField{Start: 1, Length: 2}, Fields: []flat.FixedField{{Name: "t", Start: 1, Length: 2, Align: "right"}}},
			`field "t" is the record type but aligns or pads differently`},
		{"start zero", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 0, Length: 1}}}, `field "a" starts at column 0, expected 1 to 65536`},
		{"zero length", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 1}}}, `field "a" has length 0, expected 1 to 65536`},
		{"beyond record", flat.FixedLayout{RecordLength: 80, Fields: []flat.FixedField{{Name: "a", Start: 75, Length: 10}}}, `field "a" ends at column 84, beyond the record length 80`},
		{"huge", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 65536, Length: 2}}}, `field "a" ends at column 65537, beyond column 65536`},
		{"alignment", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1, Align: "center"}}}, `field "a" has alignment "center", expected "left" or "right"`},
		{"padding two characters", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1, Pad: "00"}}}, `field "a" has padding "00", expected one printable character such as " " or "0"`},
		{"zero padding left", flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1, Pad: "0"}}}, `field "a" pads with "0", which needs right alignment`},
		{"negative length", flat.FixedLayout{RecordLength: -1, Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1}}}, `record length -1 is not between 0 and 65536`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.layout.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, flat.ErrLayout)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestFixedOptionsValidate(t *testing.T) {
	one := flat.FixedLayout{Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 2}}}
	typed := func(start, length int) flat.FixedLayout {
		return flat.FixedLayout{RecordType: &flat.FixedField{Start: start, Length: length}, Fields: []flat.FixedField{{Name: "a", Start: 5, Length: 2}}}
	}
	tests := []struct {
		name string
		opts flat.FixedOptions
		want string
	}{
		{"one layout", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": one}}, ""},
		{"typed layouts", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"A": typed(1, 2), "B": typed(1, 2)}}, ""},
		{"none", flat.FixedOptions{}, "options have no layouts"},
		{"empty key among others", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": one, "A": typed(1, 2)}}, `layout "" is for files with one layout, but there are others`},
		{"no record type", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"A": one, "B": typed(1, 2)}}, `layout "A" has no record type field, needed with several layouts`},
		{"record types apart", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"A": typed(1, 2), "B": typed(2, 2)}}, `layout "B" has its record type at columns 2-3, other layouts at 1-2`},
		{"type too long", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"ABC": typed(1, 2)}}, `record type "ABC" does not fit its field (columns 1-2)`},
		{"type with padding", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"A ": typed(1, 2)}}, `record type "A " does not fit its field (columns 1-2)`},
		{"invalid layout", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": {}}}, `layout "": layout has no fields`},
		{"encoding", flat.FixedOptions{Layouts: map[string]flat.FixedLayout{"": one}, Encoding: "utf-16"}, `encoding "utf-16" is not supported, expected "utf-8" or "iso-8859-1"`},
		{"latin-1 padding", flat.FixedOptions{Encoding: "latin1", Layouts: map[string]flat.FixedLayout{"": {Fields: []flat.FixedField{{Name: "a", Start: 1, Length: 1, Pad: "€"}}}}},
			`layout "": field "a" pads with '€', which has no ISO 8859-1 form`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, flat.ErrLayout)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}
