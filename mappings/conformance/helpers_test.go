package conformance_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/conformance"
)

// The cases below are small copies of fixture cases, so these tests build
// their own trees and do not depend on the fixture packs.

// scrBlockInput is a decode-only case (scr/event) that gives one event.
const scrBlockInput = `{
    "release": "0x3Ab1c9E07d42F5a6B8c0D1e2F3a4B5c6D7e8F901",
    "event": "BLOCK",
    "organization": "0x9c4E2b7A1d0F3e5C6b8A9d0E1f2A3b4C5d6E7f80",
    "vat": "BE0456123791"
}
`

// scrBlockCanonical is what scrBlockInput decodes to, as the runner writes it.
const scrBlockCanonical = `[
  {
    "id": "ev_dzh5k6efmphfdf5khvml4eczhz",
    "type": "RELEASE_BLOCKED",
    "source": {
      "pcs": "scr",
      "profile": "scr/event",
      "messageRef": "0x3Ab1c9E07d42F5a6B8c0D1e2F3a4B5c6D7e8F901/block",
      "receiver": "BE0456123791",
      "function": "BLOCK"
    },
    "key": {},
    "release": {
      "blocked": true,
      "systemRef": "0x3Ab1c9E07d42F5a6B8c0D1e2F3a4B5c6D7e8F901"
    }
  }
]
`

// scrUnknownEventInput is a bad scr/event input: one schema error, no events.
const scrUnknownEventInput = `{
  "release": "0x3Ab1c9E07d42F5a6B8c0D1e2F3a4B5c6D7e8F901",
  "event": "assign",
  "organization": "0x9c4E2b7A1d0F3e5C6b8A9d0E1f2A3b4C5d6E7f80",
  "vat": "BE0456123791"
}
`

// scrUnknownEventError is the line the decoder reports for scrUnknownEventInput.
const scrUnknownEventError = `input.json:3:12: event "assign" must be one of "transfer", "update", "block", "unblock", "delete", "revoke", "greenlights", "TRANSFER", "UPDATE", "BLOCK", "UNBLOCK", "DELETE", "REVOKE", "GREENLIGHTS" (schema event.schema.json)`

// codecoInput is a two-way case (ci5/codeco): one gate-out event.
const codecoInput = `UNA:+.? '
UNB+UNOC:3+EUROFOS:ZZZ+MGICI5:ZZZ+261012:0815+ICR1'
UNH+GF005+CODECO:D:95B:UN:SMDG16'
BGM+36+GATE1008+9'
NAD+CF+CMA:172:166'
EQD+CN+ECMU7711008+22G1:102:5++3+5'
RFF+BM:CMDUFOS2610551'
DTM+7:202611051412:203'
LOC+165+FRFOS:139:6+EUROFOS:TER:ZZZ'
MEA+AAE+G+KGM:18250'
SEL+FR77120+SH'
TDT+1++2+++++AB-123-CD:146'
CNT+16:1'
UNT+12+GF005'
UNZ+1+ICR1'
`

// statusCanonical is an encode-only case (partner/status-csv): the input events.
const statusCanonical = `[
  {
    "id": "ev_j5halj5an4ecyhcv43tgylr6ky",
    "type": "GATED_OUT",
    "occurredAt": "2026-11-24T10:47:00Z",
    "source": {
      "pcs": "smdg",
      "profile": "smdg/codeco",
      "messageRef": "GO4471"
    },
    "key": {
      "port": "NLRTM",
      "carrier": "MAEU",
      "blNumber": "MAEU258114377",
      "containerNumber": "MSKU1234565"
    },
    "gate": {
      "at": "2026-11-24T10:47:00Z",
      "facility": {
        "locode": "NLRTM",
        "code": "ECTDELTA"
      },
      "modality": "ROAD",
      "direction": "OUT"
    }
  }
]
`

// statusOutput is what statusCanonical encodes to.
const statusOutput = "event_id;event_type;occurred_at;port;carrier;bl_number;container_number;airport;awb;release_number;valid_until;holder;light;gate;modality;driver;status_code;location;source;message_ref\r\n" +
	"ev_j5halj5an4ecyhcv43tgylr6ky;GATED_OUT;2026-11-24T10:47:00Z;NLRTM;MAEU;MAEU258114377;MSKU1234565;;;;;;;OUT;ROAD;;;ECTDELTA;smdg/codeco;GO4471\r\n"

// statusUncarried is an encode-only input the target profile cannot carry.
const statusUncarried = `[
  {
    "id": "ev_m3evjgvt25sv3fb4qtcwukeb3i",
    "type": "RELEASE_EXPIRED",
    "occurredAt": "2026-11-28T23:00:00Z",
    "source": {
      "pcs": "portbase",
      "profile": "portbase/coreor",
      "messageRef": "M1001"
    },
    "key": {
      "port": "NLRTM",
      "carrier": "MAEU",
      "blNumber": "MAEU258114377",
      "containerNumber": "MSKU1234565"
    }
  }
]
`

var (
	regOnce sync.Once
	reg     *mappings.Registry
	regErr  error
)

// registry returns the built-in profiles, compiled once for all tests.
func registry(t *testing.T) *mappings.Registry {
	t.Helper()
	regOnce.Do(func() { reg, regErr = mappings.Default() })
	require.NoError(t, regErr)
	return reg
}

// writeCase creates the case folder root/<name> holding files and returns
// the Case the way Discover names it.
func writeCase(t *testing.T, root, name string, files map[string]string) conformance.Case {
	t.Helper()
	dir := filepath.Join(root, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for f, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644))
	}
	parts := strings.Split(name, "/")
	require.Len(t, parts, 3, "case names are pcs/profile/case")
	return conformance.Case{Name: name, Profile: parts[0] + "/" + parts[1], Dir: dir}
}

// newCase writes one case into a fresh temporary pack.
func newCase(t *testing.T, name string, files map[string]string) conformance.Case {
	t.Helper()
	return writeCase(t, t.TempDir(), name, files)
}

// snapshot reads every file of a case folder, so a test can tell what a run
// wrote, rewrote or removed.
func snapshot(t *testing.T, c conformance.Case) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(c.Dir)
	require.NoError(t, err)
	m := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(c.Dir, e.Name()))
		require.NoError(t, err)
		m[e.Name()] = string(b)
	}
	return m
}

// names lists the keys of a snapshot, sorted.
func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func read(t *testing.T, c conformance.Case, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.Dir, name))
	require.NoError(t, err)
	return string(b)
}
