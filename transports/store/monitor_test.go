package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// saveReleases stores each release of metas (key to meta) in order, then
// saves some of them again through another system.
func saveReleases(t *testing.T, s *store.Store, keys []string, metas map[string]store.ReleaseMeta) {
	t.Helper()
	ctx := context.Background()
	for _, k := range keys {
		require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveRelease(k, metas[k], []byte(`{}`), 0)
		}))
	}
}

// Each filter of the monitor's search narrows the list as its name says,
// and the filters combine.
func TestListReleasesFilters(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	metas := map[string]store.ReleaseMeta{
		"A": {Status: "RELEASED", Port: "NLRTM", Holder: "Example Forwarder BV", System: "portbase",
			Search: []string{"MSCU1234565", "BL100", "REL-1"}, ValidUntil: at(48 * time.Hour), Collectable: true},
		"B": {Status: "BLOCKED", Port: "NLRTM", Holder: "Haulier 50%", System: "portbase",
			Search: []string{"MAEU7654321", "BL200"}, ValidUntil: at(3 * time.Hour)},
		"C": {Status: "RELEASED", Port: "BEANR", Holder: "Trucking NV", System: "cpu",
			Search: []string{"CMAU1111111", "bl300"}, ValidUntil: at(-time.Hour), Collectable: true},
		"D": {Status: "PICKED_UP", Port: "FRLEH", System: "sone",
			Search: []string{"", "", "", "020-12345675"}, ValidUntil: at(-time.Hour)},
		"E": {Status: "RELEASED", Port: "NLRTM", Holder: "Example Forwarder BV", System: "scr",
			Search: []string{"TGHU2222222"}, ValidFrom: at(time.Hour), Collectable: true},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{Clock: fixedClock(t0)})
			ctx := context.Background()
			saveReleases(t, s, []string{"A", "B", "C", "D", "E"}, metas)
			// A comes through the SCR as well: both systems find it.
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				m := metas["A"]
				m.System = "SCR"
				return tx.SaveRelease("A", m, []byte(`{}`), 1)
			}))
			cases := []struct {
				name   string
				filter store.ListFilter
				want   []string
			}{
				{"everything, latest update first", store.ListFilter{}, []string{"A", "E", "D", "C", "B"}},
				{"container, part and lower case", store.ListFilter{Query: "mscu1234"}, []string{"A"}},
				{"B/L stored in lower case", store.ListFilter{Query: "BL300"}, []string{"C"}},
				{"release number", store.ListFilter{Query: " rel-1 "}, []string{"A"}},
				{"AWB", store.ListFilter{Query: "020-1234"}, []string{"D"}},
				{"a B/L prefix matches several", store.ListFilter{Query: "BL"}, []string{"A", "C", "B"}},
				{"a wildcard is a plain character", store.ListFilter{Query: "%"}, nil},
				{"system, first of two", store.ListFilter{System: "portbase"}, []string{"A", "B"}},
				{"system, second of two", store.ListFilter{System: "scr"}, []string{"A", "E"}},
				{"system is a whole name", store.ListFilter{System: "port"}, nil},
				{"holder, part and any case", store.ListFilter{Holder: "example"}, []string{"A", "E"}},
				{"holder with a wildcard", store.ListFilter{Holder: "50%"}, []string{"B"}},
				{"ready for pick-up", store.ListFilter{Ready: true, Now: now}, []string{"A"}},
				{"ready later, once valid", store.ListFilter{Ready: true, Now: now.Add(2 * time.Hour)}, []string{"A", "E"}},
				{"expiring within 24 h", store.ListFilter{ExpiringWithin: 24 * time.Hour, Now: now}, []string{"B"}},
				{"expired, picked up ones not", store.ListFilter{Expired: true, Now: now}, []string{"C"}},
				{"port and query", store.ListFilter{Port: "NLRTM", Query: "BL"}, []string{"A", "B"}},
				{"status and system", store.ListFilter{Status: "RELEASED", System: "portbase"}, []string{"A"}},
			}
			for _, c := range cases {
				got, err := s.ListReleases(ctx, c.filter)
				require.NoError(t, err, c.name)
				assert.Equal(t, c.want, keysOf(got), c.name)
			}
		})
	}
}

// Pages of a list follow each other without gaps or repeats, also among
// releases updated at the same time.
func TestListReleasesPaging(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			same := func() time.Time { return t0 }
			s := b.open(t, store.Config{Clock: same})
			ctx := context.Background()
			var keys []string
			metas := map[string]store.ReleaseMeta{}
			for _, k := range []string{"K5", "K3", "K1", "K4", "K2", "K6", "K7"} {
				keys = append(keys, k)
				metas[k] = store.ReleaseMeta{Status: "RELEASED"}
			}
			saveReleases(t, s, keys, metas)
			var paged []string
			for off := 0; off < 9; off += 3 {
				got, err := s.ListReleases(ctx, store.ListFilter{Limit: 3, Offset: off})
				require.NoError(t, err)
				paged = append(paged, keysOf(got)...)
			}
			assert.Equal(t, []string{"K1", "K2", "K3", "K4", "K5", "K6", "K7"}, paged)
			again, err := s.ListReleases(ctx, store.ListFilter{Limit: 3, Offset: 3})
			require.NoError(t, err)
			assert.Equal(t, []string{"K4", "K5", "K6"}, keysOf(again), "the same page twice")
		})
	}
}

// A store written before the monitor's search columns existed gets them
// from the bodies and events of its releases when it is opened.
func TestMigrationFillsSearchColumns(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			storeSchema3(t, dsn)
			s := b.open(t, store.Config{DSN: dsn})
			ctx := context.Background()
			now := time.Date(2026, 12, 8, 11, 0, 0, 0, time.UTC)
			for name, f := range map[string]store.ListFilter{
				"container": {Query: "mscu"}, "B/L": {Query: "BL9"}, "release number": {Query: "r9"},
				"system": {System: "portbase"}, "ready": {Ready: true, Now: now},
				"expiring":                {ExpiringWithin: 24 * time.Hour, Now: now},
				"expired after 12:00 UTC": {Expired: true, Now: now.Add(time.Hour + time.Second)},
			} {
				got, err := s.ListReleases(ctx, f)
				require.NoError(t, err, name)
				assert.Equal(t, []string{"R"}, keysOf(got), name)
			}
			for name, f := range map[string]store.ListFilter{
				"another system": {System: "cpu"}, "not expired at 12:00 UTC": {Expired: true, Now: now.Add(time.Hour)},
			} {
				got, err := s.ListReleases(ctx, f)
				require.NoError(t, err, name)
				assert.Empty(t, got, name)
			}
		})
	}
}

// storeSchema3 leaves at dsn a store as schema 3 had it: one release with
// an event, and none of the columns of migration 4.
func storeSchema3(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, nil)
	require.NoError(t, err)
	body := `{"key":{"port":"NLRTM","blNumber":"BL9","containerNumber":"MSCU1234565"},"status":"RELEASED",
"releaseNumber":"R9","holder":{"name":"H"},"assignment":{},"validUntil":"2026-12-08T13:00:00+01:00",
"lights":{"commercial":{"state":"GREEN"},"customs":{"state":"GREEN"},"terminal":{"state":"GREEN"}}}`
	require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveRelease("R", store.ReleaseMeta{Status: "RELEASED", Port: "NLRTM"}, []byte(body), 0); err != nil {
			return err
		}
		_, err := tx.AddEvent(store.EventRow{ID: "e1", ReleaseKey: "R", Type: "T", Body: []byte(`{"source":{"pcs":"portbase"}}`)})
		return err
	}))
	require.NoError(t, s.Close())

	driver, addr := "pgx", dsn
	if rest, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, addr = "sqlite", rest
	}
	db, err := sql.Open(driver, addr)
	require.NoError(t, err)
	defer db.Close()
	for _, q := range []string{`DROP INDEX releases_valid_until`, `ALTER TABLE releases DROP COLUMN search`,
		`ALTER TABLE releases DROP COLUMN systems`, `ALTER TABLE releases DROP COLUMN valid_from`,
		`ALTER TABLE releases DROP COLUMN valid_until`, `ALTER TABLE releases DROP COLUMN collectable`,
		`ALTER TABLE deadletters DROP COLUMN discard_reason`, `ALTER TABLE events DROP COLUMN raw_hash`,
		`DROP INDEX events_received`, `DROP INDEX events_endpoint_received`, `DROP INDEX deadletters_endpoint_created`,
		`ALTER TABLE events DROP COLUMN endpoint`, `DROP INDEX deadletters_release`, `ALTER TABLE deadletters DROP COLUMN release_key`,
		`DROP TABLE raw_messages`, `ALTER TABLE events DROP COLUMN masked_hash`,
		`DROP TABLE delivery_failures`, `DROP TABLE instances`, `DROP TABLE leases`, `DROP TABLE fleet_keys`,
		`DROP TABLE scheduled`, `DROP TABLE delivered`, `DROP TABLE IF EXISTS subscription_claims`,
		`DELETE FROM pcsgate_migrations WHERE version >= 4`} {
		_, err := db.Exec(q)
		require.NoError(t, err, q)
	}
	if driver == "pgx" {
		_, err := db.Exec(`DROP FUNCTION pcsgate_notify_publish`)
		require.NoError(t, err)
	}
}

func keysOf(rows []store.ReleaseRow) []string {
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
	}
	return keys
}
