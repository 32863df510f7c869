package mappings_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// fixtureInputs returns every fixture input file.
func fixtureInputs(f *testing.F) [][]byte {
	paths, err := filepath.Glob("../fixtures/*/*/*/input.*")
	require.NoError(f, err)
	require.NotEmpty(f, paths)
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		out = append(out, b)
	}
	return out
}

// checkOneLine fails when a rendered problem spans several lines.
func checkOneLine(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		assert.NotContains(t, strings.TrimSpace(err.Error()), "\n", "one problem, one line")
	}
	walk(err)
}

// FuzzDecode: any input, with or without a named profile, must not panic;
// every event it yields must pass the canonical schema, and every problem
// must render on one line. The input's first bytes, put in as the
// encrypted PIN of an SCR release, must appear in no problem line.
func FuzzDecode(f *testing.F) {
	for _, b := range fixtureInputs(f) {
		f.Add(b)
	}
	reg := defaultRegistry(f)
	var froms []string
	for _, p := range reg.Profiles() {
		if p.CanDecode() {
			froms = append(froms, p.Name())
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, from := range append([]string{""}, froms...) {
			err := reg.Decode(bytes.NewReader(in), mappings.DecodeOptions{Name: "fuzz.in", From: from, CredentialKey: []byte("k")}, func(b mappings.Batch) error {
				for _, e := range b.Events {
					js, err := json.Marshal(e)
					require.NoError(t, err)
					require.NoError(t, canonical.ValidateEventJSON(js), "%s event %s", from, js)
				}
				return nil
			})
			checkOneLine(t, err)
		}
		checkSecretNotShown(t, reg, pinRelease, string(in[:min(len(in), 24)]))
	})
}

// checkSecretNotShown decodes an SCR release whose encryptedPin is secret
// (release is a document with the placeholder PIN) and checks that no
// problem line holds it. A secret the engine does not collect (shorter
// than four bytes, spaces around it, masked with '*', not UTF-8) and one
// that the line's own frame could hold by chance (a ':' like the position
// "12:5", or words of "(value not shown: secret)") prove nothing.
func checkSecretNotShown(t *testing.T, reg *mappings.Registry, release, secret string) {
	t.Helper()
	if len(secret) < 4 || strings.TrimSpace(secret) != secret || strings.ContainsAny(secret, "*:") || !utf8.ValidString(secret) ||
		strings.Contains(" (value not shown: secret) (secret) fuzz.json", secret) {
		return
	}
	quoted, err := json.Marshal(secret)
	require.NoError(t, err)
	in := strings.Replace(release, `"PIN"`, string(quoted), 1)
	if strings.Contains(strings.Replace(in, string(quoted), "", 1), secret) {
		return // the rest of the document holds it too
	}
	err = reg.Decode(strings.NewReader(in), mappings.DecodeOptions{Name: "fuzz.json", From: "scr/release"}, func(mappings.Batch) error { return nil })
	for _, l := range mappings.Lines(err) {
		assert.NotContains(t, l, secret)
	}
}

// pinRelease is a short SCR release with a placeholder encrypted PIN, and
// a pickup UN/LOCODE that fails, so every decode has a problem to render.
const pinRelease = `{"address": "0x3A", "encryptedPin": "PIN", "release_data": {
 "billOfLading": {"blNumber": "MCLUANR2611043", "portOfDestination": "BEANR", "lineCode": "MCL"},
 "container": {"containerNumber": "TGHU8830212", "pickupLoCode": "B3ANR", "loadStatus": "full"}}}`

// FuzzEncodeRoundTrip puts fuzz text into string fields of COREOR events,
// writes them with portbase/coreor and reads them back: the text must come
// back as it was, or the write must fail with a character-set error or,
// for a value longer than its data element allows, a representation
// error. This is the "the writer always escapes" proof at engine level.
func FuzzEncodeRoundTrip(f *testing.F) {
	reg := defaultRegistry(f)
	p, err := reg.Profile("portbase/coreor")
	require.NoError(f, err)
	seed, err := os.ReadFile("../fixtures/portbase/coreor/d00b-two-containers/input.edi")
	require.NoError(f, err)
	for _, s := range []string{"O'BRIEN + SONS: A?B", "plain", "?'+:*", "Müller & Søn", "", "a\nb", "REL-1"} {
		f.Add(s, s+"X")
	}
	f.Fuzz(func(t *testing.T, name, remark string) {
		var events []*canonical.ReleaseEvent
		require.NoError(t, reg.Decode(bytes.NewReader(seed), mappings.DecodeOptions{Name: "seed.edi"}, func(b mappings.Batch) error {
			events = append(events, b.Events...)
			return nil
		}))
		require.NotEmpty(t, events)
		name, remark = strings.TrimSpace(name), strings.TrimSpace(remark)
		for _, e := range events {
			e.Release.ReleaseTo.Name = name
			e.Release.Remarks = remark
			e.Release.ReleaseNumber = remark
		}
		var out bytes.Buffer
		enc, err := p.NewEncoder(&out, mappings.EncodeOptions{Now: encodeNow, Name: "fuzz"})
		require.NoError(t, err)
		err = enc.Encode(events)
		if cerr := enc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			checkOneLine(t, err)
			tooLong := utf8.RuneCountInString(remark) > 35 || utf8.RuneCountInString(name) > 70
			assert.True(t, errors.Is(err, edifact.ErrCharset) || !utf8.ValidString(name+remark) ||
				tooLong && errors.Is(err, edifact.ErrRepresentation),
				"only characters the set cannot carry, or values too long for their element, may fail: %v", err)
			return
		}
		var back []*canonical.ReleaseEvent
		derr := reg.Decode(bytes.NewReader(out.Bytes()), mappings.DecodeOptions{Name: "out.edi"}, func(b mappings.Batch) error {
			back = append(back, b.Events...)
			return nil
		})
		require.NoError(t, derr, "output:\n%s", out.String())
		require.Len(t, back, len(events))
		for i := range back {
			assert.Equal(t, name, partyName(back[i].Release.ReleaseTo))
			assert.Equal(t, remark, back[i].Release.Remarks)
		}
	})
}

func partyName(p *canonical.Party) string {
	if p == nil {
		return ""
	}
	return p.Name
}
