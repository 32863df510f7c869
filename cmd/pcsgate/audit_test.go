package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/store/storetest"
)

// auditInput is the raw message the audit tests' releases come from: two
// releases of one COREOR.
var auditInput = filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")

// auditStore is a store the audit commands read, on one backend.
type auditStore struct {
	dsn    string // the store's address
	driver string // database/sql driver for raw changes
	source string // database/sql address for raw changes
	data   string // the data folder, SQLite only
}

// newSQLiteAudit is an empty store in a data folder of its own.
func newSQLiteAudit(t *testing.T) auditStore {
	data := filepath.Join(t.TempDir(), "data")
	db := filepath.Join(data, "pcsgate.db")
	return auditStore{dsn: "sqlite:" + db, driver: "sqlite", source: db, data: data}
}

// newPostgresAudit is an empty schema of its own on the PostgreSQL server
// that PCSGATE_TEST_POSTGRES names, dropped at the end of the test.
func newPostgresAudit(t *testing.T) auditStore {
	dsn := storetest.PostgresDSN(t)
	return auditStore{dsn: dsn, driver: "pgx", source: dsn}
}

// fill records the releases of auditInput as the gateway does: each
// RELEASE_CREATED followed by two light changes, applied by the ledger,
// with the raw message's hash. It returns the release keys.
func (a auditStore) fill(t *testing.T) []string {
	t.Helper()
	code, out, errOut := runCLI(t, "", "translate", "--to", "canonical", auditInput)
	require.Equal(t, 0, code, errOut)
	raw := transports.ContentHash(readFile(t, auditInput))
	st, err := store.Open(context.Background(), a.dsn, nil)
	require.NoError(t, err)
	defer st.Close()
	var keys []string
	for _, l := range lines(out) {
		var created canonical.ReleaseEvent
		require.NoError(t, json.Unmarshal([]byte(l), &created))
		keys = append(keys, created.Key.String())
		var r *ledger.Release
		for i, e := range []*canonical.ReleaseEvent{&created, lightEvent(created, 1, "RED"), lightEvent(created, 2, "GREEN")} {
			r, err = ledger.Apply(r, e)
			require.NoError(t, err)
			doc, err := json.Marshal(e)
			require.NoError(t, err)
			body, err := json.Marshal(r)
			require.NoError(t, err)
			require.NoError(t, st.InTx(context.Background(), func(tx *store.Tx) error {
				if _, err := tx.AddEvent(store.EventRow{ID: e.ID, ReleaseKey: r.Key.String(), Seq: int64(i + 1), Type: string(e.Type),
					OccurredAt: *e.OccurredAt, ReceivedAt: *e.OccurredAt, Hash: r.Head, Body: doc, RawHash: raw}); err != nil {
					return err
				}
				return tx.SaveRelease(r.Key.String(), store.ReleaseMeta{Status: string(r.Status)}, body, i)
			}))
		}
	}
	return keys
}

// lightEvent is the n-th customs light change after created.
func lightEvent(created canonical.ReleaseEvent, n int, state string) *canonical.ReleaseEvent {
	at := created.OccurredAt.Add(time.Duration(n) * time.Hour)
	return &canonical.ReleaseEvent{ID: fmt.Sprintf("%s-light%d", created.ID, n), Type: canonical.LightChanged, OccurredAt: &at,
		Source: created.Source, Key: created.Key, Light: &canonical.Light{Kind: "CUSTOMS", State: state}}
}

// exec changes the store behind pcsgate's back.
func (a auditStore) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	db, err := sql.Open(a.driver, a.source)
	require.NoError(t, err)
	defer db.Close()
	if a.driver == "pgx" {
		query = strings.NewReplacer("?1", "$1", "?2", "$2").Replace(query)
	}
	res, err := db.Exec(query, args...)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.Positive(t, n, "%s changed nothing", query)
}

// events returns the stored ids, bodies and hashes of release key's
// events in seq order.
func (a auditStore) events(t *testing.T, key string) []store.EventRow {
	t.Helper()
	st, err := store.Open(context.Background(), a.dsn, nil)
	require.NoError(t, err)
	defer st.Close()
	evs, err := st.ReleaseEvents(context.Background(), key)
	require.NoError(t, err)
	return evs
}

// verify runs audit verify on the store, through the command line on
// SQLite and through its function on PostgreSQL (which needs a config
// file for the command line).
func (a auditStore) verify(t *testing.T, args ...string) (int, string) {
	t.Helper()
	if a.data != "" {
		code, out, errOut := runCLI(t, "", append([]string{"audit", "verify", "--data", a.data}, args...)...)
		assert.Empty(t, errOut)
		return code, out
	}
	st, err := store.Open(context.Background(), a.dsn, nil)
	require.NoError(t, err)
	defer st.Close()
	key := ""
	if len(args) == 2 && args[0] == "--release" {
		key = args[1]
	}
	var out, errOut bytes.Buffer
	err = verifyChains(context.Background(), st, key, &out, &errOut)
	if errors.Is(err, errRejected) {
		return exitRejected, out.String()
	}
	require.NoError(t, err)
	return exitOK, out.String()
}

// flipByte changes one bit of body at the first occurrence of sub, as
// a bit gone bad on disk or a hand that edited the row; nil when sub is
// not in body.
func flipByte(body []byte, sub string) []byte {
	i := bytes.Index(body, []byte(sub))
	if i < 0 {
		return nil
	}
	out := bytes.Clone(body)
	out[i] ^= 1
	return out
}

// chainHash is the README's formula, written here again without pcsgate:
// hex(SHA-256(previous hash || event id || canonical JSON)).
func chainHash(prev, id string, doc []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte(id))
	h.Write(doc)
	return hex.EncodeToString(h.Sum(nil))
}

func TestAuditVerify(t *testing.T) {
	for _, b := range []struct {
		name string
		open func(t *testing.T) auditStore
	}{{"sqlite", newSQLiteAudit}, {"postgres", newPostgresAudit}} {
		t.Run(b.name, func(t *testing.T) { testAuditVerify(t, b.open) })
	}
}

func testAuditVerify(t *testing.T, open func(t *testing.T) auditStore) {
	tests := []struct {
		name   string
		change func(t *testing.T, a auditStore, evs []store.EventRow)
		line   func(evs []store.EventRow) string // the broken release's line; "" when none
		// summary is the last line when not "2 releases, 6 events checked,
		// 1 broken" (or 5 events, when one is deleted).
		summary string
	}{
		{name: "untouched"},
		{name: "one byte of a body flipped",
			change: func(t *testing.T, a auditStore, evs []store.EventRow) {
				flipped := flipByte(evs[1].Body, `RED"`)
				require.NotNil(t, flipped)
				a.exec(t, `UPDATE events SET body = ?1 WHERE id = ?2`, string(flipped), evs[1].ID)
			},
			line: func(evs []store.EventRow) string {
				flipped := flipByte(evs[1].Body, `RED"`)
				return fmt.Sprintf("event %s (seq 2): hash expected %s, stored %s", evs[1].ID, chainHash(evs[0].Hash, evs[1].ID, flipped), evs[1].Hash)
			}},
		{name: "two events swapped",
			change: func(t *testing.T, a auditStore, evs []store.EventRow) {
				a.exec(t, `UPDATE events SET seq = 5 - seq WHERE id IN (?1, ?2)`, evs[1].ID, evs[2].ID)
			},
			line: func(evs []store.EventRow) string {
				return fmt.Sprintf("event %s (seq 2): hash expected %s, stored %s", evs[2].ID, chainHash(evs[0].Hash, evs[2].ID, evs[2].Body), evs[2].Hash)
			}},
		{name: "an event deleted",
			change: func(t *testing.T, a auditStore, evs []store.EventRow) {
				a.exec(t, `DELETE FROM events WHERE id = ?1`, evs[1].ID)
			},
			line: func(evs []store.EventRow) string {
				return fmt.Sprintf("event %s (seq 2): hash expected %s, stored %s", evs[2].ID, chainHash(evs[0].Hash, evs[2].ID, evs[2].Body), evs[2].Hash)
			}},
		{name: "the last event deleted",
			change: func(t *testing.T, a auditStore, evs []store.EventRow) {
				a.exec(t, `DELETE FROM events WHERE id = ?1`, evs[2].ID)
			},
			line: func(evs []store.EventRow) string {
				return fmt.Sprintf("event %s (seq 3): listed by the release but not recorded: hash expected %s, stored none", evs[2].ID, evs[2].Hash)
			}},
		{name: "a release deleted", summary: "1 releases, 3 events checked, 1 broken",
			change: func(t *testing.T, a auditStore, evs []store.EventRow) {
				a.exec(t, `DELETE FROM releases WHERE key = ?1`, evs[0].ReleaseKey)
			},
			line: func([]store.EventRow) string {
				return "3 events are recorded for it, but the release is not in the store"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := open(t)
			keys := a.fill(t)
			require.Len(t, keys, 2)
			evs := a.events(t, keys[1])
			require.Len(t, evs, 3)
			if tt.change != nil {
				tt.change(t, a, evs)
			}
			code, out := a.verify(t)
			if tt.line == nil {
				assert.Equal(t, 0, code)
				assert.Equal(t, []string{"2 releases, 6 events checked, 0 broken"}, lines(out))
				return
			}
			assert.Equal(t, 1, code)
			summary := tt.summary
			if summary == "" && strings.Contains(tt.name, "event deleted") {
				summary = "2 releases, 5 events checked, 1 broken"
			} else if summary == "" {
				summary = "2 releases, 6 events checked, 1 broken"
			}
			assert.Equal(t, []string{"release " + keys[1] + ": " + tt.line(evs), summary}, lines(out))

			code, out = a.verify(t, "--release", keys[0])
			assert.Equal(t, 0, code, "the other release is whole")
			assert.Equal(t, []string{"1 releases, 3 events checked, 0 broken"}, lines(out))
		})
	}
}

func TestAuditVerifyUsage(t *testing.T) {
	a := newSQLiteAudit(t)
	a.fill(t)
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"unknown release", []string{"audit", "verify", "--data", a.data, "--release", "SEA/NOPE"}, 1, `pcsgate: release "SEA/NOPE" is not in the store` + "\n"},
		{"no store in the data folder", []string{"audit", "verify", "--data", filepath.Join(a.data, "nope")}, 2,
			"pcsgate: no store at " + filepath.Join(a.data, "nope", "pcsgate.db") + " (--data names the gateway's data folder)\n"},
		{"an argument", []string{"audit", "verify", "--data", a.data, "extra"}, 2, ""},
		{"unknown flag", []string{"audit", "verify", "--bogus"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, errOut)
			assert.Empty(t, out)
			if tt.err != "" {
				assert.Equal(t, tt.err, errOut)
			}
		})
	}
	_, err := os.Stat(filepath.Join(a.data, "nope"))
	assert.ErrorIs(t, err, os.ErrNotExist, "a mistyped --data creates nothing")
}

// verifyExport checks one exported release as README.md (Audit) tells a
// third party to, with the standard library only: each event's canonical
// JSON (base64) is hashed after the previous hash and its id, must give
// the event's hash and name the event's id, and the last hash is the head.
func verifyExport(doc []byte) error {
	var x struct {
		Algorithm struct {
			Name    string `json:"name"`
			Version int    `json:"version"`
		} `json:"algorithm"`
		Head   string `json:"head"`
		Events []struct {
			Seq       int    `json:"seq"`
			ID        string `json:"id"`
			Canonical string `json:"canonical"`
			Hash      string `json:"hash"`
		} `json:"events"`
	}
	if err := json.Unmarshal(doc, &x); err != nil {
		return err
	}
	if x.Algorithm.Name != "pcsgate-chain-sha256" || x.Algorithm.Version != 1 {
		return fmt.Errorf("algorithm %s version %d", x.Algorithm.Name, x.Algorithm.Version)
	}
	prev := ""
	for i, e := range x.Events {
		canon, err := base64.StdEncoding.DecodeString(e.Canonical)
		if err != nil {
			return err
		}
		var inner struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(canon, &inner); err != nil || inner.ID != e.ID || e.Seq != i+1 {
			return fmt.Errorf("event %d: id %q, seq %d (%v)", i+1, inner.ID, e.Seq, err)
		}
		if h := chainHash(prev, e.ID, canon); h != e.Hash {
			return fmt.Errorf("event %d (%s): hash %s, computed %s", i+1, e.ID, e.Hash, h)
		}
		prev = e.Hash
	}
	if prev != x.Head {
		return fmt.Errorf("head %s, last hash %s", x.Head, prev)
	}
	return nil
}

func TestAuditExport(t *testing.T) {
	a := newSQLiteAudit(t)
	keys := a.fill(t)
	raw := sha256.Sum256(readFile(t, auditInput))

	code, out, errOut := runCLI(t, "", "audit", "export", "--data", a.data, "--release", keys[0])
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "1 releases, 3 events exported, 0 broken\n", errOut)
	require.NoError(t, verifyExport([]byte(out)))
	var doc auditExport
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, keys[0], doc.Release)
	require.Len(t, doc.Events, 3)
	for _, e := range doc.Events {
		assert.Equal(t, hex.EncodeToString(raw[:]), e.RawSHA256, "the raw message's hash")
	}
	assert.Equal(t, []string{"RELEASE_CREATED", "LIGHT_CHANGED", "LIGHT_CHANGED"}, []string{doc.Events[0].Type, doc.Events[1].Type, doc.Events[2].Type})

	file := filepath.Join(t.TempDir(), "export.json")
	code, _, errOut = runCLI(t, "", "audit", "export", "--data", a.data, "--release", keys[0], "-o", file)
	require.Equal(t, 0, code, errOut)
	assertPrivateFile(t, file, []byte(out))
	code, _, errOut = runCLI(t, "", "audit", "export", "--data", a.data, "--release", keys[0], "-o", file)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "exists already")

	code, out, errOut = runCLI(t, "", "audit", "export", "--data", a.data, "--since", "2000-01-01T00:00:00Z")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "2 releases, 6 events exported, 0 broken\n", errOut)
	require.Len(t, lines(out), 2, "one release a line")
	for i, l := range lines(out) {
		require.NoError(t, verifyExport([]byte(l)), "line %d", i+1)
		assert.Contains(t, l, `"release":"`+keys[i]+`"`)
	}

	code, out, errOut = runCLI(t, "", "audit", "export", "--data", a.data, "--since", time.Now().Add(time.Hour).Format(time.RFC3339))
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	assert.Equal(t, "0 releases, 0 events exported, 0 broken\n", errOut)

	// A changed body: the export still shows what is stored, says which
	// link is broken, and the independent check fails on it too.
	evs := a.events(t, keys[1])
	flipped := flipByte(evs[2].Body, `GREEN"`)
	require.NotNil(t, flipped)
	a.exec(t, `UPDATE events SET body = ?1 WHERE id = ?2`, string(flipped), evs[2].ID)
	code, out, errOut = runCLI(t, "", "audit", "export", "--data", a.data, "--release", keys[1])
	assert.Equal(t, 1, code)
	assert.Equal(t, []string{
		fmt.Sprintf("release %s: event %s (seq 3): hash expected %s, stored %s", keys[1], evs[2].ID, chainHash(evs[1].Hash, evs[2].ID, flipped), evs[2].Hash),
		"1 releases, 3 events exported, 1 broken"}, lines(errOut))
	assert.ErrorContains(t, verifyExport([]byte(out)), "event 3 ("+evs[2].ID+"): hash "+evs[2].Hash)
}

func TestAuditExportUsage(t *testing.T) {
	a := newSQLiteAudit(t)
	a.fill(t)
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"neither --release nor --since", []string{}, 2, "pcsgate: audit export needs --release KEY or --since RFC3339\n"},
		{"both", []string{"--release", "K", "--since", "2026-12-01T00:00:00Z"}, 2, "pcsgate: audit export takes --release or --since, not both\n"},
		{"not a time", []string{"--since", "yesterday"}, 2, `pcsgate: --since "yesterday": an RFC 3339 time expected, e.g. 2026-12-01T00:00:00Z` + "\n"},
		{"unknown release", []string{"--release", "SEA/NOPE"}, 1, `pcsgate: release "SEA/NOPE" is not in the store` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "export.json")
			code, out, errOut := runCLI(t, "", append([]string{"audit", "export", "--data", a.data, "-o", file}, tt.args...)...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, out)
			assert.Equal(t, tt.err, errOut)
			_, err := os.Stat(file)
			assert.ErrorIs(t, err, os.ErrNotExist, "no file is left behind")
		})
	}
}
