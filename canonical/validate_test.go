package canonical_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		opts      canonical.ValidateOpts
		mod       func(e *canonical.ReleaseEvent)
		wantErr   error
		wantLines []string // the error, one line per problem; nil means no error
		wantWarn  []string // warnings added to the event
	}{
		{name: "valid", mod: func(*canonical.ReleaseEvent) {}},
		{name: "wrong container check digit", mod: func(e *canonical.ReleaseEvent) {
			e.Key.ContainerNumber, e.Equipment = "TESI1120274", nil
		}, wantErr: canonical.ErrCheckDigit, wantLines: []string{
			`key.containerNumber "TESI1120274" has a wrong ISO 6346 check digit: got 4, expected 7`}},
		{name: "wrong check digit allowed for partner", opts: canonical.ValidateOpts{AllowBadCheckDigit: true},
			mod:      func(e *canonical.ReleaseEvent) { e.Key.ContainerNumber, e.Equipment = "CBHU1234567", nil },
			wantWarn: []string{`key.containerNumber "CBHU1234567" has a wrong ISO 6346 check digit: got 7, expected 1`}},
		{name: "malformed container not excused by check-digit switch", opts: canonical.ValidateOpts{AllowBadCheckDigit: true},
			mod:     func(e *canonical.ReleaseEvent) { e.Key.ContainerNumber, e.Equipment = "CSQU305438", nil },
			wantErr: canonical.ErrContainerFormat, wantLines: []string{
				`key.containerNumber "CSQU305438" is not an ISO 6346 container number: expected 11 characters (owner code, category, serial, check digit), got 10`}},
		{name: "sea key without container", mod: func(e *canonical.ReleaseEvent) {
			e.Key.ContainerNumber, e.Equipment = "", nil
		}, wantErr: canonical.ErrRequired, wantLines: []string{
			"key.containerNumber is missing: a release key names a container or an air waybill"}},
		{name: "port not a locode", mod: func(e *canonical.ReleaseEvent) { e.Key.Port = "Rotterdam" },
			wantErr: canonical.ErrLocode, wantLines: []string{
				`key.port "Rotterdam" is not a UN/LOCODE: expected 5 characters, as NLRTM, got 9`}},
		{name: "air key", mod: func(e *canonical.ReleaseEvent) {
			e.Key, e.Equipment = canonical.Key{Airport: "AMS", AWB: "020-12345675", HAWB: "H1"}, nil
		}},
		{name: "air key wrong check digit and airport", mod: func(e *canonical.ReleaseEvent) {
			e.Key, e.Equipment = canonical.Key{Airport: "Schiphol", AWB: "020-12345670"}, nil
		}, wantErr: canonical.ErrAWBCheckDigit, wantLines: []string{
			`key.awb "020-12345670" has a wrong air waybill check digit: got 0, expected 5`,
			`key.airport "Schiphol" is not an airport code: expected a 3-letter IATA code in capitals, as AMS, or a UN/LOCODE, as NLAMS`}},
		{name: "unknown type", mod: func(e *canonical.ReleaseEvent) { e.Type = "RELEASE_EATEN" },
			wantErr: canonical.ErrEventType, wantLines: []string{
				`type "RELEASE_EATEN" is not a canonical event type: expected one of RELEASE_CREATED, RELEASE_UPDATED,`}},
		{name: "missing id and source", mod: func(e *canonical.ReleaseEvent) { e.ID, e.Source.PCS, e.Source.Profile = "", "", "" },
			wantErr: canonical.ErrRequired, wantLines: []string{"id is missing", "source.pcs is missing", "source.profile is missing"}},
		{name: "transfer event without transfer", mod: func(e *canonical.ReleaseEvent) {
			e.Type, e.Transfer = canonical.TransferOffered, nil
		}, wantErr: canonical.ErrRequired, wantLines: []string{"transfer is missing: TRANSFER_OFFERED needs it"}},
		{name: "offer without receiver", mod: func(e *canonical.ReleaseEvent) {
			e.Type, e.Transfer.To = canonical.TransferOffered, nil
		}, wantErr: canonical.ErrRequired, wantLines: []string{"transfer.to is missing: TRANSFER_OFFERED needs the receiving party"}},
		{name: "parts each type needs", mod: func(e *canonical.ReleaseEvent) {
			e.Type, e.Gate = canonical.GatedOut, nil
		}, wantErr: canonical.ErrRequired, wantLines: []string{"gate is missing: GATED_OUT needs it"}},
		{name: "equipment names another container", mod: func(e *canonical.ReleaseEvent) {
			e.Equipment.ContainerNumber = "MWCU6059784"
		}, wantErr: canonical.ErrKeyMismatch, wantLines: []string{
			`equipment.containerNumber "MWCU6059784" differs from the release key: key.containerNumber is "CSQU3054383"`}},
		{name: "legacy size type left unconverted", mod: func(e *canonical.ReleaseEvent) { e.Equipment.ISOSizeType = "4510" },
			wantErr: canonical.ErrSizeType, wantLines: []string{
				`equipment.isoSizeType "4510" is not a known ISO 6346 size-type code: expected the ISO 6346:1995 form 45G1 (keep the raw code in equipment.rawSizeType)`}},
		{name: "validity reversed", mod: func(e *canonical.ReleaseEvent) { e.Release.ValidFrom = at("2026-12-01T00:00:00Z") },
			wantErr: canonical.ErrValidityRange, wantLines: []string{
				`release.validUntil "2026-11-27T22:59:00Z" is before the start of the validity: valid from 2026-12-01T00:00:00Z, until 2026-11-27T22:59:00Z`}},
		{name: "year misread", mod: func(e *canonical.ReleaseEvent) { e.Voyage.ETA = at("0026-11-19T06:00:00Z") },
			wantErr: canonical.ErrTimeRange, wantLines: []string{
				`voyage.eta "0026-11-19T06:00:00Z" is outside the accepted years 1990 to 2199: got year 26`}},
		{name: "bad EORI", mod: func(e *canonical.ReleaseEvent) {
			e.Release.Issuer = &canonical.Party{IDs: []canonical.PartyID{{Scheme: "EORI", Value: "NL12345"}}}
		},
			wantErr: canonical.ErrEORI, wantLines: []string{
				`release.issuer.ids[0].value "NL12345" is not an EORI number: expected NL and 9 digits`}},
		{name: "bad EORI allowed for partner", opts: canonical.ValidateOpts{AllowBadPartyIDs: true},
			mod: func(e *canonical.ReleaseEvent) {
				e.Release.Issuer = &canonical.Party{IDs: []canonical.PartyID{{Scheme: "eori", Value: "CUST-42"}}}
			},
			wantWarn: []string{`release.issuer.ids[0].value "CUST-42" is not an EORI number: expected only capital letters and digits after the country code`}},
		{name: "GLN check digit allowed for partner", opts: canonical.ValidateOpts{AllowBadCheckDigit: true},
			mod: func(e *canonical.ReleaseEvent) {
				e.Release.ReleaseTo = &canonical.Party{IDs: []canonical.PartyID{{Scheme: "GLN", Value: "8712345678900"}}}
			},
			wantWarn: []string{`release.releaseTo.ids[0].value "8712345678900" has a wrong GLN check digit: got 0, expected 6`}},
		{name: "IMO check digit", mod: func(e *canonical.ReleaseEvent) { e.Voyage.IMO = "9141781" },
			wantErr: canonical.ErrIMOCheckDigit, wantLines: []string{
				`voyage.imo "9141781" has a wrong IMO check digit: got 1, expected 0`}},
		{name: "terminal locode", mod: func(e *canonical.ReleaseEvent) { e.Release.PickupTerminal.Locode = "NL-RTM" },
			wantErr: canonical.ErrLocode, wantLines: []string{
				`release.pickupTerminal.locode "NL-RTM" is not a UN/LOCODE: expected 5 characters, as NLRTM, got 6`}},
		{name: "vocabulary", mod: func(e *canonical.ReleaseEvent) { e.Light.State = "AMBER" },
			wantErr: canonical.ErrVocabulary, wantLines: []string{
				`light.state "AMBER" is not an allowed value: expected one of GREEN, YELLOW, ORANGE, RED, UNKNOWN`}},
		{name: "every problem, in field order", mod: func(e *canonical.ReleaseEvent) {
			e.Key.ContainerNumber = "CBHU1234567"
			e.Equipment.ContainerNumber = "CBHU1234567"
			e.Gate.Direction = "SIDEWAYS"
		}, wantErr: canonical.ErrCheckDigit, wantLines: []string{
			`key.containerNumber "CBHU1234567" has a wrong ISO 6346 check digit`,
			`equipment.containerNumber "CBHU1234567" has a wrong ISO 6346 check digit`,
			`gate.direction "SIDEWAYS" is not an allowed value`}},
		{name: "long hostile value is clipped", mod: func(e *canonical.ReleaseEvent) { e.Key.Port = strings.Repeat("X", 5000) },
			wantErr: canonical.ErrLocode, wantLines: []string{
				`key.port "` + strings.Repeat("X", errtext.MaxValue) + `"… is not a UN/LOCODE`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fullEvent()
			tt.mod(e)
			before := len(e.Warnings)
			err := e.Check(tt.opts)
			assert.Equal(t, tt.wantWarn, nilIfEmpty(e.Warnings[before:]))
			if tt.wantLines == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var fe *canonical.FieldError
			require.ErrorAs(t, err, &fe)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tt.wantLines), err.Error())
			for i, want := range tt.wantLines {
				assert.True(t, strings.HasPrefix(lines[i], want), "line %d:\n got %s\nwant %s", i, lines[i], want)
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Check records each accepted problem once however often it runs; Inspect
// never touches the event.
func TestCheckWarnsOnce(t *testing.T) {
	e := fullEvent()
	e.Key.ContainerNumber, e.Equipment = "CBHU1234567", nil
	opts := canonical.ValidateOpts{AllowBadCheckDigit: true}

	warnings, err := e.Inspect(opts)
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Equal(t, []string{"accepted something"}, e.Warnings)

	require.NoError(t, e.Check(opts))
	require.NoError(t, e.Check(opts))
	assert.Equal(t, []string{"accepted something", warnings[0]}, e.Warnings)

	var nilEvent *canonical.ReleaseEvent
	assert.ErrorIs(t, nilEvent.Check(opts), canonical.ErrRequired)
}

func TestFieldError(t *testing.T) {
	tests := []struct {
		name string
		fe   canonical.FieldError
		want string
	}{
		{name: "value", fe: canonical.FieldError{Path: "key.port", Value: "X", Err: canonical.ErrLocode},
			want: `key.port "X" is not a UN/LOCODE`},
		{name: "no value", fe: canonical.FieldError{Path: "transfer", Err: canonical.ErrRequired},
			want: `transfer is missing`},
		{name: "control characters stay on one line", fe: canonical.FieldError{Path: "key.port", Value: "a\nb", Err: canonical.ErrLocode},
			want: `key.port "a\nb" is not a UN/LOCODE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.fe.Error())
			assert.ErrorIs(t, &tt.fe, tt.fe.Err)
		})
	}
}
