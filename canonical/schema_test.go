package canonical_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

// eventDoc returns fullEvent as a generic JSON document to break.
func eventDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := json.Marshal(fullEvent())
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

func obj(doc map[string]any, path ...string) map[string]any {
	for _, p := range path {
		doc = doc[p].(map[string]any)
	}
	return doc
}

func TestValidateEventJSONAccepts(t *testing.T) {
	minimal := &canonical.ReleaseEvent{
		ID: "ev_aaaaaaaaaaaaaaaaaaaaaaaaaa", Type: canonical.GatedOut,
		Source: canonical.Source{PCS: "smdg", Profile: "smdg/codeco"},
		Key:    canonical.Key{ContainerNumber: "CSQU3054383"},
	}
	tests := []struct {
		name string
		e    *canonical.ReleaseEvent
	}{
		{name: "every field", e: fullEvent()},
		{name: "minimal", e: minimal},
		{name: "empty parts", e: &canonical.ReleaseEvent{ID: minimal.ID, Type: canonical.ReleaseUpdated,
			Source: minimal.Source, Release: &canonical.Release{}, Equipment: &canonical.Equipment{}}},
		{name: "fractional seconds", e: &canonical.ReleaseEvent{ID: minimal.ID, Type: canonical.GatedOut,
			Source: minimal.Source, OccurredAt: at("2026-11-20T07:59:00.123456789Z")}},
	}
	for _, typ := range canonical.Types {
		e := *minimal
		e.Type = typ
		tests = append(tests, struct {
			name string
			e    *canonical.ReleaseEvent
		}{name: string(typ), e: &e})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NoError(t, tt.e.Validate())
			b, err := json.Marshal(tt.e)
			require.NoError(t, err)
			assert.NoError(t, canonical.ValidateEventJSON(b))
		})
	}
}

func TestValidateEventJSONRejects(t *testing.T) {
	tests := []struct {
		name      string
		mod       func(doc map[string]any)
		wantLines []string
	}{
		{name: "unknown top-level key", mod: func(d map[string]any) { d["colour"] = "red" },
			wantLines: []string{`event: unknown property "colour"`}},
		{name: "unknown nested key", mod: func(d map[string]any) { obj(d, "release", "issuer")["eori"] = "NL1" },
			wantLines: []string{`release.issuer: unknown property "eori"`}},
		{name: "missing required", mod: func(d map[string]any) { delete(d, "id"); delete(obj(d, "source"), "pcs") },
			wantLines: []string{`event: missing property "id"`, `source: missing property "pcs"`}},
		{name: "unknown type", mod: func(d map[string]any) { d["type"] = "RELEASE_EXPLODED" },
			wantLines: []string{`type: got "RELEASE_EXPLODED", expected one of "RELEASE_CREATED", "RELEASE_UPDATED",`}},
		{name: "light vocabulary", mod: func(d map[string]any) { obj(d, "light")["state"] = "AMBER" },
			wantLines: []string{`light.state: got "AMBER", expected one of "GREEN", "YELLOW", "ORANGE", "RED", "UNKNOWN"`}},
		{name: "enum lists", mod: func(d map[string]any) {
			obj(d, "release")["moveType"] = "IMP"
			obj(d, "equipment")["loadStatus"] = "full"
			obj(d, "credential")["type"] = "SECRET"
			obj(d, "gate")["direction"] = "OUTGOING"
			obj(d, "assignment")["modality"] = "TRUCK"
			obj(d, "transfer")["kind"] = "SELL"
		}, wantLines: []string{"assignment.modality:", "credential.type:", "equipment.loadStatus:",
			"gate.direction:", "release.moveType:", "transfer.kind:"}},
		{name: "local time not UTC", mod: func(d map[string]any) { d["occurredAt"] = "2026-11-20T08:59:00+01:00" },
			wantLines: []string{`occurredAt: got "2026-11-20T08:59:00+01:00", expected an RFC 3339 date-time in UTC, as 2026-11-27T22:59:00Z`}},
		{name: "date only", mod: func(d map[string]any) { obj(d, "release")["validUntil"] = "2026-11-27" },
			wantLines: []string{`release.validUntil: got "2026-11-27", expected an RFC 3339 date-time in UTC`}},
		{name: "not a date", mod: func(d map[string]any) { obj(d, "voyage")["eta"] = "2026-13-40T99:00:00Z" },
			wantLines: []string{`voyage.eta: got "2026-13-40T99:00:00Z", expected the format date-time`}},
		{name: "null part", mod: func(d map[string]any) { d["release"] = nil },
			wantLines: []string{"release: got null, expected object"}},
		{name: "id shape", mod: func(d map[string]any) { d["id"] = "EV_1" },
			wantLines: []string{`id: got "EV_1", expected ev_ and 26 characters`}},
		{name: "negative weight", mod: func(d map[string]any) { obj(d, "equipment")["grossKg"] = -1 },
			wantLines: []string{"equipment.grossKg: Must be greater than or equal to 0"}},
		{name: "fractional pieces", mod: func(d map[string]any) { obj(d, "status")["pieces"] = 1.5 },
			wantLines: []string{"status.pieces: got number, expected integer"}},
		{name: "empty string", mod: func(d map[string]any) { obj(d, "key")["blNumber"] = "" },
			wantLines: []string{`key.blNumber: got "", expected at least 1 character(s)`}},
		{name: "array index in path", mod: func(d map[string]any) {
			ids := obj(d, "release", "issuer")["ids"].([]any)
			ids[1].(map[string]any)["value"] = 7
		}, wantLines: []string{"release.issuer.ids[1].value: got integer, expected string"}},
		{name: "hostile property name is clipped", mod: func(d map[string]any) { d[strings.Repeat("x", 500)] = 1 },
			wantLines: []string{`event: unknown property "` + strings.Repeat("x", errtext.MaxValue) + `"…`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := eventDoc(t)
			tt.mod(doc)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			err = canonical.ValidateEventJSON(b)
			require.ErrorIs(t, err, canonical.ErrSchema)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tt.wantLines), err.Error())
			for i, want := range tt.wantLines {
				assert.True(t, strings.HasPrefix(lines[i], want), "line %d %q does not start with %q", i, lines[i], want)
				assert.LessOrEqual(t, len(lines[i]), 400)
			}
			var se *canonical.SchemaError
			require.ErrorAs(t, err, &se)
			assert.NotEmpty(t, se.Field)
		})
	}
}

func TestValidateEventJSONNotJSON(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{name: "empty", in: nil, want: "event: is not valid JSON"},
		{name: "truncated", in: []byte(`{"id":`), want: "event: is not valid JSON"},
		{name: "array", in: []byte(`[]`), want: "event: got array, expected object"},
		{name: "too large", in: make([]byte, canonical.MaxEventJSON+1), want: "event: document is 1048577 bytes; at most 1048576 expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := canonical.ValidateEventJSON(tt.in)
			require.ErrorIs(t, err, canonical.ErrSchema)
			assert.EqualError(t, err, tt.want)
		})
	}
	var nilEvent *canonical.ReleaseEvent
	assert.ErrorIs(t, nilEvent.Validate(), canonical.ErrSchema)
}

// The schema names exactly the JSON keys Go writes for a full event, and
// its enums are exactly the Go vocabularies.
func TestSchemaMatchesModel(t *testing.T) {
	var schema map[string]any
	require.NoError(t, json.Unmarshal(canonical.EventSchema(), &schema))
	defs := schema["definitions"].(map[string]any)

	// Collect the keys Go writes per schema object (definitions are shared,
	// e.g. every party), then compare with the schema's properties.
	seen := map[string][]string{}
	props := map[string][]string{}
	var walk func(name string, s map[string]any, doc map[string]any)
	walk = func(name string, s map[string]any, doc map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			name = strings.TrimPrefix(ref, "#/definitions/")
			s = defs[name].(map[string]any)
		}
		ps, _ := s["properties"].(map[string]any)
		props[name] = nil
		for k := range ps {
			props[name] = append(props[name], k)
		}
		for k, v := range doc {
			if !slices.Contains(seen[name], k) {
				seen[name] = append(seen[name], k)
			}
			sub, isObj := v.(map[string]any)
			if arr, ok := v.([]any); ok && len(arr) > 0 {
				sub, isObj = arr[0].(map[string]any)
				if isObj {
					walk(name+"."+k, ps[k].(map[string]any)["items"].(map[string]any), sub)
				}
				continue
			}
			if isObj {
				walk(name+"."+k, ps[k].(map[string]any), sub)
			}
		}
	}
	full := fullEvent()
	full.Key.Airport, full.Key.AWB, full.Key.HAWB = "AMS", "020-12345675", "H1"
	b, err := json.Marshal(full)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	walk("event", schema, doc)
	for name, want := range props {
		sort.Strings(want)
		got := seen[name]
		sort.Strings(got)
		assert.Equal(t, want, got, "properties of %s", name)
	}

	for path, values := range canonical.Vocabularies() {
		t.Run(path, func(t *testing.T) {
			s := schema
			for _, p := range strings.Split(path, ".") {
				if ref, ok := s["$ref"].(string); ok {
					s = defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
				}
				s = s["properties"].(map[string]any)[p].(map[string]any)
			}
			var enum []string
			for _, v := range s["enum"].([]any) {
				enum = append(enum, v.(string))
			}
			assert.Equal(t, values, enum)
		})
	}
}

// Errors come out sorted by field whatever order the schema finds them in.
func TestValidateEventJSONSorted(t *testing.T) {
	doc := eventDoc(t)
	for _, k := range []string{"voyage", "equipment", "release", "light"} {
		obj(doc, k)["zz"] = 1
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	err = canonical.ValidateEventJSON(b)
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var se *canonical.SchemaError
		require.True(t, errors.As(e, &se))
		fields = append(fields, se.Field)
	}
	assert.True(t, slices.IsSorted(fields), fields)
	assert.Len(t, fields, 4)
}

// Every document under testdata/events validates, except those named bad-*.
func TestValidateEventJSONTestdata(t *testing.T) {
	paths, err := filepath.Glob("testdata/events/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			err = canonical.ValidateEventJSON(b)
			if strings.HasPrefix(filepath.Base(p), "bad-") {
				assert.ErrorIs(t, err, canonical.ErrSchema)
				return
			}
			assert.NoError(t, err)
		})
	}
}
