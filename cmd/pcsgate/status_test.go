package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// fleetData leaves in a new data folder a store with two instances, one
// gone an hour ago, and a lease held by the other; it returns the folder
// and the lease.
func fleetData(t *testing.T) (string, store.Lease) {
	t.Helper()
	data := t.TempDir()
	dsn := "sqlite:" + filepath.Join(data, "pcsgate.db")
	ctx := context.Background()
	past, err := store.OpenConfig(ctx, store.Config{DSN: dsn, Clock: func() time.Time { return time.Now().Add(-time.Hour) }}, nil)
	require.NoError(t, err)
	_, err = past.Register(ctx, store.Instance{ID: "0ld0ld0ld0ld", Host: "gw-1", PID: 311, Version: "v1.1.0"})
	require.NoError(t, err)
	require.NoError(t, past.Close())
	s, err := store.Open(ctx, dsn, nil)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Register(ctx, store.Instance{ID: "a1b2c3d4e5f6", Host: "gw-2", PID: 4242, Version: "v1.2.0"})
	require.NoError(t, err)
	l, got, err := s.TryAcquireLease(ctx, "inbound/portbase-in", "a1b2c3d4e5f6", time.Hour)
	require.NoError(t, err)
	require.True(t, got)
	return data, l
}

// pcsgate status lists the instances, alive or gone, and the leases held.
func TestStatus(t *testing.T) {
	data, l := fleetData(t)
	code, out, errOut := runCLI(t, "", "status", "--data", data)
	require.Equal(t, 0, code, errOut)
	ls := lines(out)
	require.Len(t, ls, 8, out)
	assert.Equal(t, "Store sqlite:"+filepath.Join(data, "pcsgate.db")+": 2 instances, 1 alive", ls[0])
	assert.Empty(t, ls[1])
	assert.Regexp(t, `^INSTANCE\s+HOST\s+PID\s+VERSION\s+STARTED\s+HEARTBEAT\s+STATE$`, ls[2])
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	assert.Regexp(t, `^0ld0ld0ld0ld\s+gw-1\s+311\s+v1\.1\.0\s+`+ts+`\s+`+ts+`\s+gone$`, ls[3])
	assert.Regexp(t, `^a1b2c3d4e5f6\s+gw-2\s+4242\s+v1\.2\.0\s+`+ts+`\s+`+ts+`\s+alive$`, ls[4])
	assert.Empty(t, ls[5])
	assert.Regexp(t, `^LEASE\s+HOLDER\s+SINCE\s+EXPIRES$`, ls[6])
	assert.Regexp(t, `^inbound/portbase-in\s+a1b2c3d4e5f6\s+`+ts+`\s+`+ts+`$`, ls[7])
	assert.Contains(t, ls[7], l.ExpiresAt.UTC().Format("2006-01-02T15:04:05.000Z"))
}

// pcsgate status --json prints the fleet as /api/fleet does; an empty one
// has empty lists, not nulls.
func TestStatusJSON(t *testing.T) {
	data, l := fleetData(t)
	code, out, errOut := runCLI(t, "", "status", "--json", "--data", data)
	require.Equal(t, 0, code, errOut)
	var fl pipeline.Fleet
	require.NoError(t, json.Unmarshal([]byte(out), &fl), out)
	require.Len(t, fl.Instances, 2)
	assert.Equal(t, "0ld0ld0ld0ld", fl.Instances[0].ID, "oldest first")
	assert.False(t, fl.Instances[0].Alive)
	assert.Equal(t, store.Instance{ID: "a1b2c3d4e5f6", Host: "gw-2", PID: 4242, Version: "v1.2.0",
		StartedAt: fl.Instances[1].StartedAt, HeartbeatAt: fl.Instances[1].StartedAt, Alive: true}, fl.Instances[1])
	assert.Equal(t, []store.Lease{l}, fl.Leases)

	empty := t.TempDir()
	code, out, errOut = runCLI(t, "", "status", "--json", "--data", empty)
	require.Equal(t, 0, code, errOut)
	assert.JSONEq(t, `{"instances": [], "leases": []}`, out)

	code, _, errOut = runCLI(t, "", "status", "--data", filepath.Join(empty, "missing"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no such folder")
}

// pcsgate run with another credential key than the store was first
// started with stops at once with one line saying why and what to do.
func TestRunRefusesAnotherCredentialKey(t *testing.T) {
	data := t.TempDir()
	reg, err := mappings.Default()
	require.NoError(t, err)
	cfg := pipeline.DefaultConfig(data, func(string) bool { return true })
	gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
	require.NoError(t, err)
	require.NoError(t, gw.Close())
	key := filepath.Join(data, "credential.key")
	require.NoError(t, os.WriteFile(key, []byte(strings.Repeat("k", 32)), 0o600))

	code, out, errOut := runCLI(t, "", "run", "--data", data)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	require.Len(t, lines(errOut), 1, errOut)
	assert.Regexp(t, `^pcsgate: credential_key_file `+regexp.QuoteMeta(key)+` is not the key the store was first started with `+
		`\(fingerprint [0-9a-f]{12}, this one's [0-9a-f]{12}\): give every instance a copy of the same file`, errOut)
}

// On a store where nothing is leased (SQLite: one process), status says so
// instead of an empty table, and counts one instance in the singular.
func TestStatusWithoutLeases(t *testing.T) {
	data := t.TempDir()
	s, err := store.Open(context.Background(), "sqlite:"+filepath.Join(data, "pcsgate.db"), nil)
	require.NoError(t, err)
	_, err = s.Register(context.Background(), store.Instance{ID: "a1b2c3d4e5f6", Host: "gw-1", PID: 7, Version: "v1.2.0"})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	code, out, errOut := runCLI(t, "", "status", "--data", data)
	require.Equal(t, 0, code, errOut)
	ls := lines(out)
	assert.Contains(t, ls[0], ": 1 instance, 1 alive")
	assert.Equal(t, "No leases held: inbound work is leased on a PostgreSQL store only, to one instance per inbox or SFTP pick-up.", ls[len(ls)-1])
	assert.NotContains(t, out, "LEASE")
}
