package mappings_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// decodeSpec exercises the EDIFACT path language and the field keys.
const decodeSpec = `profile: test/rel
description: decode test profile
syntax: edifact
match: {message: COREOR, versions: ["D:00B"]}
options: {zone: port, allow_bad_check_digit: {{ALLOW}}}
secrets:
  - {path: "RFF[PIN].C506.1154", kind: PIN}
decode:
  each: "EQD[CN]"
  type: {from: BGM.1225, codelist: coreor-function}
  checks:
    - from: "CNT[16].C270.6066"
      expr: value == nil || int(value) == count
      doc: CNT+16 must equal the number of EQD groups
  fields:
    - target: key.containerNumber
      from: EQD.C237.8260
      check: iso6346
      required: true
    - target: key.blNumber
      from: ["EQD/RFF[BM|BH].C506.1154", "RFF[BM|BH].C506.1154"]
      required: true
    - target: key.port
      from: "LOC[11].2.1"
      check: locode
      required: true
    - target: key.carrier
      from: "NAD[CA].C082.3039"
      default: UNKNOWN
    - target: occurredAt
      from: "DTM[137].C507"
      as: edifact-datetime
    - target: release.validUntil
      from: ["EQD/DTM[36].C507", "DTM[36].C507"]
      as: edifact-datetime
    - target: release.validFrom
      from: ["EQD/DTM[7].C507"]
      as: edifact-datetime
      zone: UTC
    - target: equipment.grossKg
      from: "EQD/MEA[AAE,G].C174.6314"
      as: decimal
    - target: equipment.tareKg
      from: "EQD/MEA[AAE,T].C174.6314"
      as: decimal
    - target: equipment.seals
      from: EQD/SEL.9308
      all: true
    - target: release.remarks
      from: "FTX[AAI].C108.4440"
      when: event.key.carrier != "UNKNOWN"
    - target: credential.type
      when: event.key.carrier == "MSC"
      const: PIN
    - target: credential.handle
      from: "RFF[PIN].C506.1154"
      as: handle
    - target: assignment.driver.maskedId
      from: "RFF[DRV].C506.1154"
      as: mask
`

func decodeRegistry(t *testing.T, allowBadCheckDigit bool) *mappings.Registry {
	t.Helper()
	spec := strings.Replace(decodeSpec, "{{ALLOW}}", map[bool]string{true: "true", false: "false"}[allowBadCheckDigit], 1)
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/rel/spec.yaml": spec}))
	require.NoError(t, err)
	return reg
}

func relMessage(extra ...string) string {
	return interchange("COREOR:D:00B:UN:SMDG20", []string{"M1"}, append(relSegments(), extra...))
}

func relSegments() []string {
	return []string{
		"BGM+129+DOC1+9",
		"DTM+137:202607141105:203", // summer: Rotterdam is UTC+2
		"RFF+BH:HOUSE1",
		"LOC+11+NLRTM:139:6",
		"NAD+CA+MSC:172:20",
		"FTX+AAI+++HELLO",
		"RFF+PIN:123456",
		"RFF+DRV:NL12345678",
	}
}

func TestDecodeEdifactPaths(t *testing.T) {
	reg := decodeRegistry(t, false)
	in := relMessage(
		"DTM+36:20261231:102", // header expiry, date only: end of day (winter, UTC+1)
		"EQD+CN+CSQU3054383",
		"RFF+BM:GROUPBL",
		"DTM+7:20260714110530:204",
		"MEA+AAE+T+KGM:3800",
		"MEA+AAE+G+KGM:25079.5",
		"SEL+S1",
		"SEL+S2",
		"EQD+CN+MWCU6059784",
		"DTM+36:202603291200:203", // the day the clocks go forward: UTC+2 from 01:00 UTC
		"CNT+16:2",
	)
	events, errs := decode(t, reg, in, mappings.DecodeOptions{Name: "in.edi", CredentialKey: []byte("k")})
	require.Empty(t, errs)
	require.Len(t, events, 2)
	a, b := events[0], events[1]

	tests := []struct {
		name      string
		got, want any
	}{
		{"group path wins over header", a.Key.BLNumber, "GROUPBL"},
		{"header fallback, alternative qualifier BH", b.Key.BLNumber, "HOUSE1"},
		{"numeric positions", a.Key.Port, "NLRTM"},
		{"two qualifiers pick MEA+AAE+G", *a.Equipment.GrossKg, 25079.5},
		{"two qualifiers pick MEA+AAE+T", *a.Equipment.TareKg, 3800.0},
		{"all collects every match", a.Equipment.Seals, []string{"S1", "S2"}},
		{"all in the other group is empty", b.Equipment == nil || len(b.Equipment.Seals) == 0, true},
		{"203 in port time, summer", a.OccurredAt.Format(time.RFC3339), "2026-07-14T09:05:00Z"},
		{"102 validUntil is the end of the day, winter", a.Release.ValidUntil.Format(time.RFC3339), "2026-12-31T22:59:00Z"},
		{"203 after the DST change", b.Release.ValidUntil.Format(time.RFC3339), "2026-03-29T10:00:00Z"},
		{"204 in the field's own zone", a.Release.ValidFrom.Format(time.RFC3339), "2026-07-14T11:05:30Z"},
		{"when true", a.Release.Remarks, "HELLO"},
		{"const with when", string(a.Credential.Type), "PIN"},
		{"mask keeps the last four", a.Assignment.Driver.MaskedID, "******5678"},
		{"type from the code list", a.Type, canonical.ReleaseCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}

func TestDecodeDefaultAndWhenFalse(t *testing.T) {
	reg := decodeRegistry(t, false)
	var segs []string
	for _, s := range relSegments() {
		if !strings.HasPrefix(s, "NAD+CA") {
			segs = append(segs, s)
		}
	}
	in := interchange(coreorID, []string{"M1"}, append(segs, "EQD+CN+CSQU3054383", "CNT+16:1"))
	events, errs := decode(t, reg, in, mappings.DecodeOptions{})
	require.Empty(t, errs)
	require.Len(t, events, 1)
	assert.Equal(t, "UNKNOWN", events[0].Key.Carrier, "default")
	assert.Nil(t, events[0].Release, "when false skips the field")
	require.NotNil(t, events[0].Credential, "the handle is there")
	assert.Empty(t, events[0].Credential.Type, "const with a false when")
}

func TestDecodeHandleNeverKeepsTheSecret(t *testing.T) {
	reg := decodeRegistry(t, false)
	in := relMessage("EQD+CN+CSQU3054383", "CNT+16:1")
	run := func(key string) string {
		events, errs := decode(t, reg, in, mappings.DecodeOptions{CredentialKey: []byte(key)})
		require.Empty(t, errs)
		require.Len(t, events, 1)
		b, err := json.Marshal(events[0])
		require.NoError(t, err)
		assert.NotContains(t, string(b), "123456", "the PIN itself")
		assert.NotContains(t, string(b), "NL12345678", "the driver id unmasked")
		require.NotNil(t, events[0].Credential)
		return events[0].Credential.Handle
	}
	h1, h2, other := run("key-a"), run("key-a"), run("key-b")
	assert.True(t, strings.HasPrefix(h1, "cred_"))
	assert.Equal(t, h1, h2, "same key, same handle")
	assert.NotEqual(t, h1, other, "another key, another handle")
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		allow bool
		extra []string
		want  []string // exact lines
		is    error
		warn  string
	}{
		{
			name:  "bad check digit",
			extra: []string{"EQD+CN+CSQU3054384", "CNT+16:1"},
			want:  []string{`in.edi:12: message M1: EQD C237.8260 (key.containerNumber) "CSQU3054384" has a wrong ISO 6346 check digit: got 4, expected 3`},
			is:    canonical.ErrCheckDigit,
		},
		{
			name:  "bad check digit allowed: a warning",
			allow: true,
			extra: []string{"EQD+CN+CSQU3054384", "CNT+16:1"},
			warn:  `key.containerNumber "CSQU3054384" has a wrong ISO 6346 check digit: got 4, expected 3`,
		},
		{
			name:  "required missing in the group and the header",
			extra: []string{"EQD+CN+CSQU3054383", "CNT+16:1"},
			want:  nil, // HOUSE1 at header level: fine
		},
		{
			name:  "message check",
			extra: []string{"EQD+CN+CSQU3054383", "CNT+16:3"},
			want:  []string{`in.edi:13: message M1: CNT+16 C270.6066 "3" fails the message check: CNT+16 must equal the number of EQD groups (1 found)`},
			is:    mappings.ErrCheck,
		},
		{
			name:  "one bad date read by two fields is one line",
			extra: []string{"EQD+CN+CSQU3054383", "DTM+36:20260230:102", "CNT+16:1"},
			want:  []string{`in.edi:13: message M1: DTM+36 C507 (release.validUntil) "36:20260230:102" cannot be read: is not a valid date: want CCYYMMDD (format 102)`},
			is:    mappings.ErrConvert,
		},
		{
			name:  "no group at all",
			extra: []string{"CNT+16:0"},
			want:  []string{`in.edi: message M1: EQD[CN] is required but missing: no EQD[CN] in the message`},
			is:    mappings.ErrRequired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := decodeRegistry(t, tt.allow)
			var events []*canonical.ReleaseEvent
			err := reg.Decode(strings.NewReader(relMessage(tt.extra...)), mappings.DecodeOptions{Name: "in.edi"}, func(b mappings.Batch) error {
				events = append(events, b.Events...)
				return nil
			})
			assert.Equal(t, tt.want, mappings.Lines(err))
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if tt.warn != "" {
				require.Len(t, events, 1)
				assert.Equal(t, []string{tt.warn}, events[0].Warnings)
			}
		})
	}
}

func TestDecodeDedupesAcrossFields(t *testing.T) {
	// smdg/codeco reads DTM+7 for gate.at and occurredAt.
	reg := defaultRegistry(t)
	in := interchange("CODECO:D:95B:UN:SMDG16", []string{"G1"}, []string{
		"BGM+36+GO1+9", "LOC+165+NLRTM:139:6+ECT:TER:ZZZ", "NAD+CF+MSC:172:20",
		"EQD+CN+CSQU3054383+45G1:102:5++3+5", "DTM+7:202602301455:203", "CNT+16:1",
	})
	_, errs := decode(t, reg, in, mappings.DecodeOptions{Name: "in.edi"})
	assert.Equal(t, []string{
		`in.edi:8: message G1: DTM+7 C507 (gate.at, occurredAt) "7:202602301455:203" cannot be read: is not a valid date: want CCYYMMDDHHMM (format 203)`,
	}, errs)
}

func TestDetectEdifactPerMessage(t *testing.T) {
	reg := defaultRegistry(t)
	coreor := coreorSegments()
	codeco := []string{"BGM+34+GI1+9", "LOC+165+NLRTM:139:6+ECT:TER:ZZZ", "NAD+CF+MSC:172:20",
		"EQD+CN+CSQU3054383+45G1:102:5++2+4", "DTM+7:202602201455:203", "CNT+16:1"}
	var b strings.Builder
	b.WriteString("UNA:+.? '\nUNB+UNOC:3+MSC:ZZZ+PORTBASE:ZZZ+261125:0930+CREF1'\n")
	for _, m := range []struct {
		ref, id string
		segs    []string
	}{{"C1", coreorID, coreor}, {"G1", "CODECO:D:95B:UN:SMDG16", codeco}, {"X1", "IFTMIN:D:00B:UN", []string{"BGM+1"}}} {
		b.WriteString("UNH+" + m.ref + "+" + m.id + "'\n")
		for _, s := range m.segs {
			b.WriteString(s + "'\n")
		}
		b.WriteString("UNT+" + itoa(len(m.segs)+2) + "+" + m.ref + "'\n")
	}
	b.WriteString("UNZ+3+CREF1'\n")
	var profiles []string
	err := reg.Decode(strings.NewReader(b.String()), mappings.DecodeOptions{Name: "mixed.edi"}, func(b mappings.Batch) error {
		profiles = append(profiles, b.Profile.Name())
		return nil
	})
	assert.Equal(t, []string{"portbase/coreor", "smdg/codeco"}, profiles)
	assert.Equal(t, []string{`mixed.edi:26: message X1: UNH S009 "IFTMIN:D:00B:UN" no profile matches: no profile reads IFTMIN:D:00B:UN; name one with --from`}, mappings.Lines(err))
	assert.ErrorIs(t, err, mappings.ErrNoProfile)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestDetectJSONAndFromMismatch(t *testing.T) {
	reg := defaultRegistry(t)
	tests := []struct {
		name, input, from, want string
		is                      error
	}{
		{
			name: "no JSON profile recognises it", input: `{"hello": "world"}`,
			want: `in.json:1: no profile matches: no JSON profile recognises this document; name one with --from`, is: mappings.ErrNoProfile,
		},
		{
			name: "JSON given to an EDIFACT profile", input: `{"type": "ReleaseRight"}`, from: "portbase/coreor",
			want: `in.json:1: input rejected: looks like json, but portbase/coreor reads edifact`, is: mappings.ErrInput,
		},
		{
			name: "EDIFACT given to a JSON profile", input: "UNH+1+COREOR:D:00B:UN'", from: "cpu/notification",
			want: `in.json:1: input rejected: looks like edifact, but cpu/notification reads json`, is: mappings.ErrInput,
		},
		{
			name: "not a known syntax", input: "hello",
			want: `in.json:1: input rejected: no profile matches: not EDIFACT, JSON, XML, Cargo-IMP or a CSV file with a known header; name the profile of a fixed-width file with --from`, is: mappings.ErrNoProfile,
		},
		{
			name: "encode-only profile", input: `{}`, from: "cpu/transfer",
			want: `cpu/transfer: profile cannot be used in this direction: it has no decode section (it only writes)`, is: mappings.ErrDirection,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := reg.Decode(strings.NewReader(tt.input), mappings.DecodeOptions{Name: "in.json", From: tt.from}, func(mappings.Batch) error { return nil })
			require.Error(t, err)
			assert.Equal(t, []string{tt.want}, mappings.Lines(err))
			assert.ErrorIs(t, err, tt.is)
		})
	}
}

// jsonSpec splits a JSON document into one event per element of items and
// uses root in expressions.
const jsonSpec = `profile: test/items
description: JSON test profile
syntax: json
match: {path: kind, values: [Items]}
options: {zone: UTC}
decode:
  each: "items[*]"
  type:
    expr: 'root.version > 1 ? "RELEASE_UPDATED" : "RELEASE_CREATED"'
  fields:
    - target: key.containerNumber
      from: "@.container"
      check: iso6346
      required: true
    - target: key.blNumber
      from: bl
      required: true
    - target: key.port
      from: port
      check: locode
      required: true
    - target: source.messageRef
      expr: 'root.id + "/" + string(root.version)'
    - target: release.remarks
      expr: 'root.version * 2 > 3 ? "big" : "small"'
`

func TestDecodeJSONEachAndRoot(t *testing.T) {
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/items/spec.yaml": jsonSpec}))
	require.NoError(t, err)
	in := `{"kind": "Items", "id": "D1", "version": 2, "bl": "BL1", "port": "BEANR",
  "items": [{"container": "CSQU3054383"}, {"container": "MWCU6059784"}]}`
	events, errs := decode(t, reg, in, mappings.DecodeOptions{Name: "in.json"})
	require.Empty(t, errs)
	require.Len(t, events, 2)
	assert.Equal(t, "CSQU3054383", events[0].Key.ContainerNumber)
	assert.Equal(t, "MWCU6059784", events[1].Key.ContainerNumber)
	assert.Equal(t, canonical.ReleaseUpdated, events[0].Type, "root.version > 1 compares numbers")
	assert.Equal(t, "D1/2", events[0].Source.MessageRef)
	assert.Equal(t, "big", events[0].Release.Remarks)
}

func TestDecodeJSONErrorsSayWhere(t *testing.T) {
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/items/spec.yaml": jsonSpec}))
	require.NoError(t, err)
	tests := []struct {
		name, input string
		want        []string
		is          error
	}{
		{
			name:  "field check with line, column and value",
			input: "{\"kind\": \"Items\", \"id\": \"D1\", \"version\": 1, \"bl\": \"BL1\",\n  \"port\": \"BE-ANR\", \"items\": [{\"container\": \"CSQU3054383\"}]}",
			want:  []string{`in.json:2:11: port (key.port) "BE-ANR" is not a UN/LOCODE: expected 5 characters, as NLRTM, got 6`},
			is:    canonical.ErrLocode,
		},
		{
			name:  "expression failure in plain words",
			input: `{"kind": "Items", "id": "D1", "version": "two", "bl": "BL1", "port": "BEANR", "items": [{"container": "CSQU3054383"}]}`,
			want: []string{
				`in.json: expression in field release.remarks failed: cannot apply * to text and a number`,
			},
			is: mappings.ErrExpr,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := decode(t, reg, tt.input, mappings.DecodeOptions{Name: "in.json"})
			assert.Equal(t, tt.want, errs)
			err := reg.Decode(strings.NewReader(tt.input), mappings.DecodeOptions{Name: "in.json"}, func(mappings.Batch) error { return nil })
			assert.ErrorIs(t, err, tt.is)
			for _, l := range errs {
				assert.NotRegexp(t, `json\.Number|float64|\*canonical|interface \{\}|\(\d+:\d+\)`, l)
			}
		})
	}
}

func TestDecodeJSONSchemaErrors(t *testing.T) {
	reg := defaultRegistry(t)
	good := `{
  "id": "CAIU5567895",
  "type": "ReleaseRight",
  "event": "Update",
  "publicReferenceId": "6f1c2a3e-90b1-4c55-8e2a-000000000001",
  "timestamp": "2026-03-02T08:15:00.1234567Z",
  "body": {
    "billOfLadingNumbers": ["BL1"],
    "portLoCode": "Antwerp"
  }
}`
	_, errs := decode(t, reg, good, mappings.DecodeOptions{Name: "input.json", From: "cpu/notification"})
	require.NotEmpty(t, errs)
	assert.Contains(t, errs, `input.json:9:19: body.portLoCode "Antwerp" does not match the pattern ^[A-Z]{2}[A-Z2-9]{3}$ (schema notification.schema.json)`)
	typ := strings.Replace(good, `"type": "ReleaseRight"`, `"type": 1`, 1)
	_, errs = decode(t, reg, typ, mappings.DecodeOptions{Name: "input.json", From: "cpu/notification"})
	joined := strings.Join(errs, "\n")
	assert.Contains(t, joined, `input.json:3:11: type must be`)
	assert.Contains(t, joined, `(got 1)`)
}
