package mappings_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// TestCPuShapesRoundTrip reads CPu release-right notifications in their
// public shape, writes each event back as the CPu call that answers or
// continues it (cpu/transfer, cpu/assign) and checks that the call names
// the release and the parties exactly as the notification did: container,
// every B/L, port, terminal, release ids and dates, and each party with
// every identifier CPu gave. A masked Alfapass number stays as CPu masked it.
func TestCPuShapesRoundTrip(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	cases := []struct {
		fixture, target, action string
		parties                 map[string]string // output key -> notification body key
	}{
		{"release-right-transferred-to-transport-operator", "cpu/transfer", "Transfer",
			map[string]string{"carrier": "carrier", "releaseFrom": "releaseFrom", "releaseTo": "releaseTo"}},
		{"release-right-accepted", "cpu/transfer", "Accept",
			map[string]string{"carrier": "carrier", "releaseFrom": "releaseFrom", "releaseTo": "releaseTo"}},
		{"release-right-declined", "cpu/transfer", "Decline",
			map[string]string{"carrier": "carrier", "releaseFrom": "releaseFrom", "releaseTo": "releaseTo"}},
		{"release-right-revoked", "cpu/transfer", "Revoke",
			map[string]string{"carrier": "carrier", "releaseFrom": "releaseFrom", "releaseTo": "releaseTo"}},
		{"release-right-assigned-masked-alfapass", "cpu/assign", "AssignDriver",
			map[string]string{"transportOperator": "releaseTo"}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			path := filepath.Join("..", "fixtures", "cpu", "notification", tc.fixture, "input.json")
			in := readJSON(t, path)
			body := in["body"].(map[string]any)
			events := decodeFile(t, reg, path, "cpu/notification")
			require.Len(t, events, 1)
			target, err := reg.Profile(tc.target)
			require.NoError(t, err)
			raw, err := encodeOne(target, events[0])
			require.NoError(t, err)
			require.NoError(t, target.CheckOutput(raw))
			var out map[string]any
			require.NoError(t, json.Unmarshal(raw, &out))

			assert.Equal(t, tc.action, out["action"])
			for _, k := range []string{"equipmentNumber", "billOfLadingNumbers", "portLoCode", "terminalCode", "releaseIdentification", "releaseId"} {
				assert.Equal(t, body[k], out[k], k)
			}
			for _, k := range []string{"releaseDateTimeUtc", "expirationDateTimeUtc"} {
				if tc.target == "cpu/assign" {
					break // assigning a driver does not restate the release's validity
				}
				assert.True(t, sameInstant(t, body[k], out[k]), "%s: %v, wrote %v", k, body[k], out[k])
			}
			for outKey, inKey := range tc.parties {
				assert.Equal(t, nonNull(body[inKey]), out[outKey], outKey)
			}
			if d, ok := body["driver"].(map[string]any); ok {
				assert.Equal(t, d, out["driver"], "driver as CPu masked it")
			}
		})
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// nonNull drops the members CPu sends as null, which a call leaves out.
func nonNull(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for k, x := range m {
		if x != nil {
			out[k] = x
		}
	}
	return out
}

// sameInstant reports whether two JSON values are the same time, or both
// absent (a null in CPu's notification is left out of the call).
func sameInstant(t *testing.T, a, b any) bool {
	t.Helper()
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta, err := time.Parse(time.RFC3339Nano, a.(string))
	require.NoError(t, err)
	tb, err := time.Parse(time.RFC3339Nano, b.(string))
	require.NoError(t, err)
	return ta.Equal(tb)
}
