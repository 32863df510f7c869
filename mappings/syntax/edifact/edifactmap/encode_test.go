package edifactmap_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

var clock = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// fixtureEvents decodes a conformance fixture's input.
func fixtureEvents(t *testing.T, reg *mappings.Registry, profile, name string) []*canonical.ReleaseEvent {
	t.Helper()
	in, err := os.ReadFile("../../../../fixtures/" + profile + "/" + name + "/input.edi")
	require.NoError(t, err)
	var events []*canonical.ReleaseEvent
	err = reg.Decode(bytes.NewReader(in), mappings.DecodeOptions{From: profile}, func(b mappings.Batch) error {
		events = append(events, b.Events...)
		return nil
	})
	require.NoError(t, err)
	return events
}

func encode(t *testing.T, reg *mappings.Registry, profile string, opts mappings.EncodeOptions, events []*canonical.ReleaseEvent) (string, error) {
	t.Helper()
	p, err := reg.Profile(profile)
	require.NoError(t, err)
	var out bytes.Buffer
	opts.Now = clock
	enc, err := p.NewEncoder(&out, opts)
	require.NoError(t, err)
	if err := enc.Encode(events); err != nil {
		return out.String(), err
	}
	err = enc.Close()
	return out.String(), err
}

func TestEncodeSenderPerEndpoint(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	events := fixtureEvents(t, reg, "portbase/coreor", "d00b-two-containers")

	out, err := encode(t, reg, "portbase/coreor", mappings.EncodeOptions{}, events)
	require.NoError(t, err)
	assert.Contains(t, out, "UNB+UNOC:3+MSC+PORTBASE+", "the profile's sender without endpoint options")

	out, err = encode(t, reg, "portbase/coreor", mappings.EncodeOptions{SenderID: "NXTGATE01", SenderQualifier: "ZZZ"}, events)
	require.NoError(t, err)
	assert.Contains(t, out, "UNB+UNOC:3+NXTGATE01:ZZZ+PORTBASE+", "the endpoint's party id and qualifier replace the profile's sender")

	_, err = encode(t, reg, "portbase/coreor", mappings.EncodeOptions{SenderID: "NXTGATE01", SenderQualifier: "ZZZZZ"}, events)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `UNB segment 1 UNB element 2 component 2 "ZZZZZ": 0007 is an..4, at most 4 characters (5 given)`)
}

func TestEncodeDerivesMessageReference(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	events := fixtureEvents(t, reg, "portbase/coreor", "d00b-two-containers")
	for _, e := range events {
		e.Source.MessageRef = "6a1f0c2e-9b1d-4e0f-a3c2-5d8e7f901234"
	}
	out, err := encode(t, reg, "portbase/coreor", mappings.EncodeOptions{}, events)
	require.NoError(t, err)
	ref := unhRefs(out)[0]
	assert.Len(t, ref, 14, "UNH 0062 is an..14")
	again, err := encode(t, reg, "portbase/coreor", mappings.EncodeOptions{}, events)
	require.NoError(t, err)
	assert.Equal(t, out, again, "the same source message gets the same reference")
	assert.Contains(t, out, "UNT+18+"+ref+"'")

	// Two source messages' events in one interchange keep distinct references.
	split := []*canonical.ReleaseEvent{events[0]}
	other := *events[1]
	other.Type = canonical.ReleaseWithdrawn
	other.Release.PreviousRef = "REL0001"
	out, err = encode(t, reg, "portbase/coreor", mappings.EncodeOptions{}, append(split, &other))
	require.NoError(t, err)
	refs := unhRefs(out)
	require.Len(t, refs, 2)
	assert.Equal(t, ref, refs[0])
	assert.NotEqual(t, refs[0], refs[1], "references stay unique in the interchange")
	assert.Len(t, refs[1], 14, "a numbered reference is derived again when it is too long")
}

// unhRefs lists the message references of the UNH segments in out.
func unhRefs(out string) []string {
	var refs []string
	for _, seg := range strings.Split(out, "'") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(seg), "UNH+"); ok {
			refs = append(refs, strings.Split(rest, "+")[0])
		}
	}
	return refs
}

func TestEncodeRefusesValuesTooLong(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	events := fixtureEvents(t, reg, "portbase/coreor", "d00b-two-containers")[:1]
	events[0].Release.ReleaseNumber = strings.Repeat("R", 36)
	_, err = encode(t, reg, "portbase/coreor", mappings.EncodeOptions{}, events)
	require.ErrorIs(t, err, mappings.ErrCannotCarry)
	assert.Contains(t, err.Error(), `BGM+129 C106.1004 (release.releaseNumber) "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR" cannot be carried by the target profile: 1004 is an..35, at most 35 characters (36 given)`)
}
