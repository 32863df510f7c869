package mappings_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

var encodeNow = func() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }

// coreorEvents decodes the standard COREOR body (two containers).
func coreorEvents(t *testing.T, segs []string) []*canonical.ReleaseEvent {
	t.Helper()
	events, errs := decode(t, defaultRegistry(t), interchange(coreorID, []string{"REL0001"}, segs), mappings.DecodeOptions{Name: "input.edi"})
	require.Empty(t, errs)
	return events
}

func encodeWith(t *testing.T, reg *mappings.Registry, profile string, batches ...[]*canonical.ReleaseEvent) (string, error) {
	t.Helper()
	p, err := reg.Profile(profile)
	require.NoError(t, err)
	var out bytes.Buffer
	enc, err := p.NewEncoder(&out, mappings.EncodeOptions{Now: encodeNow, Name: "input.edi"})
	require.NoError(t, err)
	var first error
	for _, b := range batches {
		if err := enc.Encode(b); err != nil && first == nil {
			first = err
		}
	}
	if err := enc.Close(); err != nil && first == nil {
		first = err
	}
	return out.String(), first
}

// docSpec is a JSON encode profile exercising document templates.
const docSpec = `profile: test/doc
description: JSON encode test profile
syntax: json
encode:
  types: [RELEASE_CREATED]
  document:
    id: {from: key.containerNumber}
    release:
      number: {from: release.releaseNumber}
      bl: {from: key.blNumber, required: true}
      empty:
        nothing: {from: release.remarks}
    kind: {const: container}
    weight: {from: equipment.grossKg, as: int}
    who: {from: release.releaseTo, id: VAT}
`

func TestEncodeJSONDocument(t *testing.T) {
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/doc/spec.yaml": docSpec}))
	require.NoError(t, err)
	kg := 25079.0
	e := &canonical.ReleaseEvent{
		Type:      canonical.ReleaseCreated,
		Key:       canonical.Key{ContainerNumber: "CSQU3054383", BLNumber: "BL1", Port: "NLRTM"},
		Release:   &canonical.Release{ReleaseNumber: "R1", ReleaseTo: &canonical.Party{Name: "X", IDs: []canonical.PartyID{{Scheme: "VAT", Value: "NL1"}}}},
		Equipment: &canonical.Equipment{GrossKg: &kg},
		Source:    canonical.Source{MessageRef: "M1"},
	}
	tests := []struct {
		name string
		edit func(e *canonical.ReleaseEvent)
		want string
		err  string
	}{
		{name: "order of the spec, id key, absent leaves and empty objects left out",
			want: `{"id":"CSQU3054383","release":{"number":"R1","bl":"BL1"},"kind":"container","weight":25079,"who":"NL1"}` + "\n"},
		{name: "absent party id", edit: func(e *canonical.ReleaseEvent) { e.Release.ReleaseTo = nil },
			want: `{"id":"CSQU3054383","release":{"number":"R1","bl":"BL1"},"kind":"container","weight":25079}` + "\n"},
		{name: "required leaf missing", edit: func(e *canonical.ReleaseEvent) { e.Key.BLNumber = "" },
			err: "input.edi: message M1 container CSQU3054383: release.bl (key.blNumber) is required but missing"},
		{name: "type it cannot carry", edit: func(e *canonical.ReleaseEvent) { e.Type = canonical.GatedOut },
			err: `input.edi: message M1 container CSQU3054383: type "GATED_OUT" cannot be carried by the target profile: test/doc carries RELEASE_CREATED`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *e
			r := *e.Release
			c.Release = &r
			if tt.edit != nil {
				tt.edit(&c)
			}
			out, err := encodeWith(t, reg, "test/doc", []*canonical.ReleaseEvent{&c})
			if tt.err != "" {
				require.Error(t, err)
				assert.Equal(t, []string{tt.err}, mappings.Lines(err))
				assert.Empty(t, out)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, out)
		})
	}
}

func TestEncodeRefusesTypes(t *testing.T) {
	reg := defaultRegistry(t)
	p, err := reg.Profile("portbase/coreor")
	require.NoError(t, err)
	assert.True(t, p.Carries(canonical.ReleaseCreated))
	assert.False(t, p.Carries(canonical.GatedOut))
	events := coreorEvents(t, coreorSegments())
	events[1].Type = canonical.GatedOut
	out, err := encodeWith(t, reg, "portbase/coreor", events)
	require.ErrorIs(t, err, mappings.ErrCannotCarry)
	assert.Equal(t, `input.edi: message REL0001 container MWCU6059784: type "GATED_OUT" cannot be carried by the target profile: portbase/coreor carries RELEASE_CREATED, RELEASE_UPDATED, RELEASE_WITHDRAWN, RELEASE_CANCELLED`, err.Error())
	assert.Empty(t, out, "nothing of the batch is written")
}

func TestEncodeEdifactGroupingAndRefs(t *testing.T) {
	reg := defaultRegistry(t)
	events := coreorEvents(t, coreorSegments())
	require.Len(t, events, 2)
	t.Run("one message for a group", func(t *testing.T) {
		out, err := encodeWith(t, reg, "portbase/coreor", events)
		require.NoError(t, err)
		assert.Equal(t, 1, strings.Count(out, "UNH+"))
		assert.Contains(t, out, "CNT+16:2'")
		assert.Contains(t, out, "UNT+16+REL0001'")
		assert.Contains(t, out, "UNZ+1+")
	})
	t.Run("a different port splits the group; refs stay unique", func(t *testing.T) {
		c := *events[1]
		c.Key.Port = "NLAMS"
		out, err := encodeWith(t, reg, "portbase/coreor", []*canonical.ReleaseEvent{events[0], &c})
		require.NoError(t, err)
		assert.Contains(t, out, "UNH+REL0001+COREOR")
		assert.Contains(t, out, "UNH+REL0001-2+COREOR")
		assert.Contains(t, out, "UNT+13+REL0001-2'")
		assert.Contains(t, out, "UNZ+2+")
	})
	t.Run("for repeats, when and always", func(t *testing.T) {
		c := *events[0]
		eq := *c.Equipment
		eq.Seals = []string{"S1", "S2"}
		c.Equipment = &eq
		out, err := encodeWith(t, reg, "portbase/coreor", []*canonical.ReleaseEvent{&c})
		require.NoError(t, err)
		assert.Contains(t, out, "SEL+S1+CA'\nSEL+S2+CA'\n")
		assert.Contains(t, out, "CNT+16:1'", "always: the trailer is written")
		assert.NotContains(t, out, "RFF+ACW", "empty segments are left out")
	})
}

func TestEncodeLeavesEmptyCompositesEmpty(t *testing.T) {
	reg := defaultRegistry(t)
	events := coreorEvents(t, coreorSegments())
	c := *events[0]
	r := *c.Release
	r.PickupTerminal = nil
	c.Release = &r
	c.Voyage = nil
	out, err := encodeWith(t, reg, "portbase/coreor", []*canonical.ReleaseEvent{&c})
	require.NoError(t, err)
	assert.Contains(t, out, "LOC+11+NLRTM:139:6'\n", "no '+:TER:ZZZ' without a terminal code")
	assert.Contains(t, out, "TDT+20++1++MSC:172:20'\n", "no ':146' without an IMO number")
}

func TestEncodeEdifactErrorsWriteNothingHalf(t *testing.T) {
	// smdg/codeco writes UNOA, which has no accented letters (lower-case
	// letters are written upper case).
	reg := defaultRegistry(t)
	in := interchange("CODECO:D:95B:UN:SMDG16", []string{"G1"}, []string{
		"BGM+36+GO1+9", "LOC+165+NLRTM:139:6+ECT:TER:ZZZ", "NAD+CF+MSC:172:20",
		"EQD+CN+CSQU3054383+45G1:102:5++3+5", "DTM+7:202602201455:203", "CNT+16:1",
	})
	good, errs := decode(t, reg, in, mappings.DecodeOptions{})
	require.Empty(t, errs)
	require.Len(t, good, 1)
	bad := *good[0]
	bad.Source.MessageRef = "G2"
	g := *bad.Gate
	f := *g.Facility
	f.Code = "ÉCT"
	g.Facility = &f
	bad.Gate = &g
	bad.Key.ContainerNumber = "MWCU6059784"

	out, err := encodeWith(t, reg, "smdg/codeco", []*canonical.ReleaseEvent{&bad}, good)
	require.Error(t, err)
	assert.Equal(t, `input.edi: message G2 container MWCU6059784: LOC+165 C519.3223 (gate.facility.code) "ÉCT" character U+00C9 is not in UNOA`, err.Error())
	assert.NotContains(t, out, "G2", "the failed message left nothing")
	assert.Equal(t, 1, strings.Count(out, "UNH+"))
	assert.Contains(t, out, "UNZ+1+", "the interchange counts the messages written")
	assert.True(t, strings.HasPrefix(out, "UNA"), "the envelope opens before the first complete message only")

	onlyBad, err := encodeWith(t, reg, "smdg/codeco", []*canonical.ReleaseEvent{&bad})
	require.Error(t, err)
	assert.Empty(t, onlyBad, "no envelope around nothing")
}

func TestEncodeExpressionErrorsNameThePlace(t *testing.T) {
	spec := `profile: test/edi
description: EDIFACT encode test profile
syntax: edifact
encode:
  types: [RELEASE_CREATED]
  message: {id: "COREOR:D:00B:UN:SMDG20", ref: {from: source.messageRef}}
  header:
    - [NAD, FW, [{expr: 'string(int(event.release.releaseTo.name))'}, "160"]]
    - [NAD, CA, [{from: key.carrier, map: {MSC: MSCU}}, "172"]]
`
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/edi/spec.yaml": spec}))
	require.NoError(t, err)
	e := &canonical.ReleaseEvent{Type: canonical.ReleaseCreated, Source: canonical.Source{MessageRef: "M1"},
		Key:     canonical.Key{ContainerNumber: "CSQU3054383", Carrier: "ONE"},
		Release: &canonical.Release{ReleaseTo: &canonical.Party{Name: "X"}}}
	_, err = encodeWith(t, reg, "test/edi", []*canonical.ReleaseEvent{e})
	require.ErrorIs(t, err, mappings.ErrExpr)
	assert.Equal(t, "input.edi: message M1 container CSQU3054383: expression in field NAD+FW C082.3039 failed: cannot convert \"X\" with int()", err.Error())

	e.Release = nil
	_, err = encodeWith(t, reg, "test/edi", []*canonical.ReleaseEvent{e})
	require.ErrorIs(t, err, mappings.ErrExpr)
	assert.NotRegexp(t, `\*canonical|\(\d+:\d+\)|event\.release`, err.Error())

	e.Release = &canonical.Release{ReleaseTo: &canonical.Party{Name: "X"}}
	e.Release.ReleaseTo.Name = ""
	spec2 := strings.Replace(spec, "'string(int(event.release.releaseTo.name))'", "'\"\"'", 1)
	reg, err = mappings.Load(withCodelists(t, map[string]string{"test/edi/spec.yaml": spec2}))
	require.NoError(t, err)
	_, err = encodeWith(t, reg, "test/edi", []*canonical.ReleaseEvent{e})
	require.ErrorIs(t, err, mappings.ErrNoCode)
	assert.Equal(t, `input.edi: message M1 container CSQU3054383: NAD+CA C082.3039 (key.carrier) "ONE" is not in the code list (map: MSC)`, err.Error())
}

func TestEncodeEscapesThroughARoundTrip(t *testing.T) {
	reg := defaultRegistry(t)
	segs := coreorSegments()
	segs[7] = "NAD+FW+NL123456789B01:160++O?'BRIEN ?+ SONS?: A??B"
	events := coreorEvents(t, segs)
	require.Equal(t, "O'BRIEN + SONS: A?B", events[0].Release.ReleaseTo.Name)
	out, err := encodeWith(t, reg, "portbase/coreor", events)
	require.NoError(t, err)
	assert.Contains(t, out, "NAD+FW+NL123456789B01:160++O?'BRIEN ?+ SONS?: A??B'")
	again, errs := decode(t, reg, out, mappings.DecodeOptions{Name: "output.edi"})
	require.Empty(t, errs)
	require.Len(t, again, 2)
	assert.Equal(t, "O'BRIEN + SONS: A?B", again[0].Release.ReleaseTo.Name)
	assert.Equal(t, events[0].Key, again[0].Key)
}

// TestEncodeErrorsNameTheInput refuses an event each encoding profile
// cannot carry and expects the input's name in front of the reason, in
// every syntax (the XML encoder was once given no name).
func TestEncodeErrorsNameTheInput(t *testing.T) {
	reg := defaultRegistry(t)
	seen := map[string]bool{}
	for _, p := range reg.Profiles() {
		if !p.CanEncode() || seen[p.Spec.Syntax] {
			continue
		}
		seen[p.Spec.Syntax] = true
		t.Run(p.Name(), func(t *testing.T) {
			e := &canonical.ReleaseEvent{Type: "NO_SUCH_TYPE", Key: canonical.Key{Port: "NLRTM", ContainerNumber: "MSCU1234565"}}
			enc, err := p.NewEncoder(&bytes.Buffer{}, mappings.EncodeOptions{Now: encodeNow, Name: "in.any"})
			require.NoError(t, err)
			err = enc.Encode([]*canonical.ReleaseEvent{e})
			require.ErrorIs(t, err, mappings.ErrCannotCarry)
			assert.True(t, strings.HasPrefix(err.Error(), "in.any: "), "%s", err)
		})
	}
	assert.Len(t, seen, 5, "one encoding profile of each syntax")
}
