package mappings_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/conformance"
)

// TestTranslationMatrix takes every decodable fixture input (every
// fixtures/<pcs>/<profile>/<case>/input.* without expected.err), decodes
// it, and writes each event with every profile that carries its type:
//
//   - a refusal is fine only when it says why (ErrCannotCarry: the target
//     does not carry this kind of release; ErrRequired: the event lacks
//     what the target cannot do without, such as an SCR address or a
//     Portbase track id); any other error fails;
//   - JSON outputs must pass the target's JSON Schema;
//   - when the target also reads its format, the output must decode to an
//     event of the same type that agrees with the original on what the
//     target carries: the canonical paths its encode reads (EncodePaths)
//     that its decode also writes (DecodeTargets). Times agree to the
//     minute (EDIFACT carries minutes), parties by name and identifier
//     values (a format may carry one identifier and re-derive its scheme),
//     everything else exactly. Values computed by expressions are not
//     compared (what an expression reads is not declared), nor source.*,
//     which names the carrying message rather than the release.
func TestTranslationMatrix(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	inputs, err := filepath.Glob("../fixtures/*/*/*/input.*")
	require.NoError(t, err)
	require.NotEmpty(t, inputs)

	var targets []*mappings.Profile
	for _, p := range reg.Profiles() {
		if p.CanEncode() {
			targets = append(targets, p)
		}
	}
	written, refused, roundTrips := 0, 0, 0
	for _, in := range inputs {
		dir := filepath.Dir(in)
		if _, err := os.Stat(filepath.Join(dir, "expected.err")); err == nil {
			continue
		}
		rel, err := filepath.Rel("../fixtures", dir)
		require.NoError(t, err)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		from := parts[0] + "/" + parts[1]
		events := decodeFile(t, reg, in, from)
		for _, target := range targets {
			for _, e := range events {
				if !target.Carries(e.Type) {
					continue
				}
				name := rel + " -> " + target.Name() + " " + string(e.Type) + " " + label(e)
				out, err := encodeOne(target, e)
				if err != nil {
					if errors.Is(err, mappings.ErrCannotCarry) || errors.Is(err, mappings.ErrRequired) {
						refused++
						continue
					}
					t.Errorf("%s: %v", name, err)
					continue
				}
				written++
				if err := target.CheckOutput(out); err != nil {
					if flaggedValueRefused(e, err) {
						refused++
						continue
					}
					t.Errorf("%s: output fails the target's schema: %v", name, err)
				}
				if !target.CanDecode() {
					continue
				}
				back, err := decodeOutput(reg, out, target.Name(), name)
				if err != nil && flaggedValueRefused(e, err) {
					refused++
					continue
				}
				assert.NoError(t, err, "%s: decode with %s", name, target.Name())
				if !assert.Len(t, back, 1, name) {
					continue
				}
				roundTrips++
				compareCarried(t, name, target, e, back[0])
			}
		}
	}
	t.Logf("%d outputs written, %d refused with a reason, %d decoded again", written, refused, roundTrips)
	assert.Positive(t, written)
	assert.Positive(t, roundTrips)
}

func label(e *canonical.ReleaseEvent) string {
	if e.Key.AWB != "" {
		return e.Key.AWB
	}
	return e.Key.ContainerNumber
}

func decodeFile(t *testing.T, reg *mappings.Registry, path, from string) []*canonical.ReleaseEvent {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return decodeBytes(t, reg, data, from, path)
}

func decodeBytes(t *testing.T, reg *mappings.Registry, data []byte, from, name string) []*canonical.ReleaseEvent {
	t.Helper()
	var events []*canonical.ReleaseEvent
	err := reg.Decode(bytes.NewReader(data), mappings.DecodeOptions{Name: name, From: from,
		CredentialKey: conformance.CredentialKey, ReceivedAt: conformance.Clock()},
		func(b mappings.Batch) error { events = append(events, b.Events...); return nil })
	assert.NoError(t, err, "%s: decode with %s", name, from)
	return events
}

// decodeOutput reads a target's output back with the target.
func decodeOutput(reg *mappings.Registry, data []byte, from, name string) ([]*canonical.ReleaseEvent, error) {
	var events []*canonical.ReleaseEvent
	err := reg.Decode(bytes.NewReader(data), mappings.DecodeOptions{Name: name, From: from,
		CredentialKey: conformance.CredentialKey, ReceivedAt: conformance.Clock()},
		func(b mappings.Batch) error { events = append(events, b.Events...); return nil })
	return events, err
}

// quotedInWarning finds the value a decode warning names, e.g.
// "CMAU91827654" in `key.containerNumber "CMAU91827654" is not ...`.
var quotedInWarning = regexp.MustCompile(`"([^"]+)"`)

// flaggedValueRefused reports whether err, a target refusing its own
// output, names a value the source accepted only with a warning (a
// container number outside ISO 6346 that SCR passes on): a stricter
// target refusing that value is the expected outcome, and the warning on
// the event already says why.
func flaggedValueRefused(e *canonical.ReleaseEvent, err error) bool {
	for _, w := range e.Warnings {
		if m := quotedInWarning.FindStringSubmatch(w); m != nil && strings.Contains(err.Error(), `"`+m[1]+`"`) {
			return true
		}
	}
	return false
}

func encodeOne(p *mappings.Profile, e *canonical.ReleaseEvent) ([]byte, error) {
	var buf bytes.Buffer
	enc, err := p.NewEncoder(&buf, mappings.EncodeOptions{Now: conformance.Clock})
	if err != nil {
		return nil, err
	}
	if err := enc.Encode([]*canonical.ReleaseEvent{e}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// compareCarried checks the round trip on the paths the target carries.
func compareCarried(t *testing.T, name string, target *mappings.Profile, want, got *canonical.ReleaseEvent) {
	t.Helper()
	assert.Equal(t, want.Type, got.Type, "%s: type", name)
	decoded := map[string]bool{}
	for _, p := range target.DecodeTargets() {
		decoded[p] = true
	}
	w, g := asMap(t, want), asMap(t, got)
	for _, path := range target.EncodePaths() {
		if !decoded[path] || strings.HasPrefix(path, "source.") {
			continue // source names the carrying message, not the release
		}
		wv, ok := lookup(w, path)
		if !ok {
			continue
		}
		gv, _ := lookup(g, path)
		if !sameCarried(wv, gv) {
			t.Errorf("%s: %s was %v, comes back as %v", name, path, wv, gv)
		}
	}
}

func asMap(t *testing.T, e *canonical.ReleaseEvent) map[string]any {
	b, err := json.Marshal(e)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func lookup(m map[string]any, path string) (any, bool) {
	var v any = m
	for _, part := range strings.Split(path, ".") {
		o, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = o[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

func sameCarried(want, got any) bool {
	switch w := want.(type) {
	case string:
		g, _ := got.(string)
		if w == g {
			return true
		}
		tw, err1 := time.Parse(time.RFC3339, w)
		tg, err2 := time.Parse(time.RFC3339, g)
		return err1 == nil && err2 == nil && tw.Truncate(time.Minute).Equal(tg.Truncate(time.Minute))
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		if _, isParty := w["ids"]; isParty || w["name"] != nil {
			return sameParty(w, g)
		}
		for k, v := range w {
			if !sameCarried(v, g[k]) {
				return false
			}
		}
		return true
	}
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(got)
	return bytes.Equal(wb, gb)
}

// sameParty: names agree when both have one, and every identifier value
// that comes back is one the original had.
func sameParty(w, g map[string]any) bool {
	if wn, gn := w["name"], g["name"]; wn != nil && gn != nil && wn != gn {
		return false
	}
	values := map[any]bool{}
	ids, _ := w["ids"].([]any)
	for _, id := range ids {
		if m, ok := id.(map[string]any); ok {
			values[m["value"]] = true
		}
	}
	gids, _ := g["ids"].([]any)
	for _, id := range gids {
		if m, ok := id.(map[string]any); ok && !values[m["value"]] {
			return false
		}
	}
	return g["name"] != nil || len(gids) > 0
}
