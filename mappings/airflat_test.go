package mappings_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

const releaseCSVHeader = "action,port,carrier,blNumber,containerNumber,isoSizeType,releaseNumber,validFrom,validUntil,terminal,releaseTo,releaseToEori,remarks\n"

// decodeAll decodes in and returns the events and the error lines.
func decodeAll(t *testing.T, in string, opts mappings.DecodeOptions) ([]*canonical.ReleaseEvent, []string) {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	var events []*canonical.ReleaseEvent
	derr := reg.Decode(strings.NewReader(in), opts, func(b mappings.Batch) error {
		events = append(events, b.Events...)
		return nil
	})
	return events, mappings.Lines(derr)
}

func TestDetectAirAndFlatInputs(t *testing.T) {
	fixed := "H0VANMOERFWD  202611200814" + strings.Repeat(" ", 74) + "\n"
	tests := []struct {
		name    string
		in      string
		profile string // of the events; "" when the input is refused
		err     string
	}{
		{"FSU by its first line", "FSU/14\r\n074-48172633JFKAMS/T12K1840\r\nNFD/02JAN0815/AMS/T12K1840\r\n", "cargonaut/fsu", ""},
		{"CSV by its exact header", releaseCSVHeader + "NEW,NLRTM,MAEU,MAEU258114377,MSKU1234565,45G1,R1,,2026-11-27,ECTDELTA,Vanmoer Forwarding BV,,\n", "partner/release-csv", ""},
		{"CSV with another header", "port;container\nNLRTM;MSKU1234565\n", "", "name the profile of a fixed-width file with --from"},
		{"fixed width needs --from", fixed, "", "not EDIFACT, JSON, XML, Cargo-IMP or a CSV file with a known header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events, lines := decodeAll(t, tc.in, mappings.DecodeOptions{Name: "in", ReceivedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
			if tc.err != "" {
				require.Len(t, lines, 1)
				assert.Contains(t, lines[0], tc.err)
				assert.Empty(t, events)
				return
			}
			require.Empty(t, lines)
			require.Len(t, events, 1)
			assert.Equal(t, tc.profile, events[0].Source.Profile)
		})
	}
}

func TestCargoIMPDateTakesTheYearClosestToReceipt(t *testing.T) {
	in := "FSU/14\r\n074-48172633JFKAMS/T12K1840\r\nRCS/02JAN1010/JFK/T12K1840\r\nNFD/02JAN1010/AMS/T12K1840\r\n"
	tests := []struct {
		name     string
		received time.Time
		want     []string // occurredAt of RCS (New York) and NFD (Amsterdam)
	}{
		{"received in January", time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), []string{"2026-01-02T15:10:00Z", "2026-01-02T09:10:00Z"}},
		{"received the December before", time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC), []string{"2027-01-02T15:10:00Z", "2027-01-02T09:10:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events, lines := decodeAll(t, in, mappings.DecodeOptions{Name: "fsu", ReceivedAt: tc.received})
			require.Empty(t, lines)
			require.Len(t, events, 2)
			for i, e := range events {
				require.NotNil(t, e.OccurredAt)
				assert.Equal(t, tc.want[i], e.OccurredAt.Format(time.RFC3339))
			}
		})
	}
}

func TestEncodeKeyKeepsAirAndSeaApart(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	at := time.Date(2026, 1, 2, 13, 30, 0, 0, time.UTC)
	sea := &canonical.ReleaseEvent{Type: canonical.GatedOut, OccurredAt: &at, Source: canonical.Source{MessageRef: "GO1"},
		Key: canonical.Key{Port: "NLRTM", Carrier: "MSCU", BLNumber: "MEDUNL123456", ContainerNumber: "CSQU3054383"}}
	air := &canonical.ReleaseEvent{Type: canonical.GatedOut, OccurredAt: &at, Source: canonical.Source{MessageRef: "FSU1"},
		Key: canonical.Key{Airport: "AMS", AWB: "074-48172633"}, Status: &canonical.Status{Code: "DLV", Location: "AMS", Pieces: ptr(12)}}
	tests := []struct {
		name    string
		profile string
		event   *canonical.ReleaseEvent
		err     string // "" = written
	}{
		{"container to an air profile", "cargonaut/fsu", sea, `message GO1 container CSQU3054383: key "CSQU3054383" cannot be carried by the target profile: cargonaut/fsu carries air waybill statuses, not container releases`},
		{"air waybill to an air profile", "cargonaut/fsu", air, ""},
		{"air waybill to a sea profile", "smdg/codeco", air, "smdg/codeco carries container releases, not air waybills (074-48172633)"},
		{"both to the status feed", "partner/status-csv", air, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := reg.Profile(tc.profile)
			require.NoError(t, err)
			var out bytes.Buffer
			enc, err := p.NewEncoder(&out, mappings.EncodeOptions{})
			require.NoError(t, err)
			err = enc.Encode([]*canonical.ReleaseEvent{tc.event})
			if tc.err != "" {
				require.ErrorIs(t, err, mappings.ErrCannotCarry)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			require.NoError(t, enc.Close())
			assert.Contains(t, out.String(), "074-48172633")
		})
	}
}

func TestStatusCSVWritesAHeaderEvenWithoutEvents(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	p, err := reg.Profile("partner/status-csv")
	require.NoError(t, err)
	var out bytes.Buffer
	enc, err := p.NewEncoder(&out, mappings.EncodeOptions{})
	require.NoError(t, err)
	require.NoError(t, enc.Close())
	assert.True(t, strings.HasPrefix(out.String(), "event_id;event_type;occurred_at;"), out.String())
	assert.True(t, strings.HasSuffix(out.String(), "message_ref\r\n"))
}

func ptr[T any](v T) *T { return &v }

// validEvents fails the test if an event does not pass the canonical schema.
func validEvents(t *testing.T, events []*canonical.ReleaseEvent) {
	t.Helper()
	for _, e := range events {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		require.NoError(t, canonical.ValidateEventJSON(b), string(b))
	}
}
