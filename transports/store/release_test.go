package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

func TestSaveRelease(t *testing.T) {
	meta := store.ReleaseMeta{Status: "RELEASED", Port: "NLRTM", Carrier: "MSCU", Holder: "ACME"}
	type step = saveStep
	cases := []struct {
		name        string
		steps       []step
		wantVersion int
		wantBody    string
	}{
		{
			name:        "create",
			steps:       []step{{body: `{"v":1}`, expect: 0}},
			wantVersion: 1, wantBody: `{"v":1}`,
		},
		{
			name:        "create then update twice",
			steps:       []step{{body: `{"v":1}`}, {body: `{"v":2}`, expect: 1}, {body: `{"v":3}`, expect: 2}},
			wantVersion: 3, wantBody: `{"v":3}`,
		},
		{
			name:        "create twice conflicts",
			steps:       []step{{body: `{"v":1}`}, {body: `{"v":9}`, wantErr: store.ErrConflict}},
			wantVersion: 1, wantBody: `{"v":1}`,
		},
		{
			name:        "stale version conflicts",
			steps:       []step{{body: `{"v":1}`}, {body: `{"v":2}`, expect: 1}, {body: `{"v":9}`, expect: 1, wantErr: store.ErrConflict}},
			wantVersion: 2, wantBody: `{"v":2}`,
		},
		{
			name:  "update of a missing release conflicts",
			steps: []step{{body: `{"v":1}`, expect: 4, wantErr: store.ErrConflict}},
		},
		{
			name:  "invalid JSON",
			steps: []step{{body: `{"v":`, wantErr: store.ErrInvalidJSON}},
		},
		{
			name:  "negative version",
			steps: []step{{body: `{}`, expect: -1, wantErr: store.ErrBadFilter}},
		},
		{
			name:        "body kept byte for byte",
			steps:       []step{{body: "{\"b\": 2,  \"a\": [1, 2.50],\n \"s\": \"\\u00e9\"}"}},
			wantVersion: 1, wantBody: "{\"b\": 2,  \"a\": [1, 2.50],\n \"s\": \"\\u00e9\"}",
		},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					testSaveRelease(t, s, "NLRTM/MSCU/"+c.name, meta, c.steps, c.wantVersion, c.wantBody)
				})
			}
		})
	}
}

type saveStep struct {
	body    string
	expect  int
	wantErr error
}

func testSaveRelease(t *testing.T, s *store.Store, key string, meta store.ReleaseMeta, steps []saveStep, wantVersion int, wantBody string) {
	ctx := context.Background()
	for i, st := range steps {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveRelease(key, meta, []byte(st.body), st.expect)
		})
		if st.wantErr != nil {
			require.ErrorIs(t, err, st.wantErr, "step %d", i)
			assert.Contains(t, err.Error(), strconv.Quote(key))
		} else {
			require.NoError(t, err, "step %d", i)
		}
	}
	var (
		body    []byte
		version int
		found   bool
	)
	require.NoError(t, s.InTx(ctx, func(tx *store.Tx) (err error) {
		_, body, version, found, err = tx.FindRelease(key, "SEA/NONE/NONE")
		return err
	}))
	assert.Equal(t, wantVersion > 0, found)
	assert.Equal(t, wantVersion, version)
	assert.Equal(t, wantBody, string(body))
}

func TestSaveReleaseConflictMessage(t *testing.T) {
	s := openSQLite(t, store.Config{})
	ctx := context.Background()
	save := func(expect int) error {
		return s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveRelease("R1", store.ReleaseMeta{}, []byte(`{}`), expect)
		})
	}
	require.NoError(t, save(0))
	require.NoError(t, save(1))
	err := save(1)
	require.ErrorIs(t, err, store.ErrConflict)
	assert.Equal(t, `release "R1": expected version 1, found 2: was changed by another writer`, err.Error())
}

func TestLedgerInputLimits(t *testing.T) {
	long := strings.Repeat("k", 1025)
	cases := []struct {
		name    string
		fn      func(tx *store.Tx) error
		wantErr error
	}{
		{"empty release key", func(tx *store.Tx) error {
			return tx.SaveRelease("", store.ReleaseMeta{}, []byte(`{}`), 0)
		}, store.ErrEmpty},
		{"long release key", func(tx *store.Tx) error {
			return tx.SaveRelease(long, store.ReleaseMeta{}, []byte(`{}`), 0)
		}, store.ErrTooLarge},
		{"NUL in key", func(tx *store.Tx) error {
			_, _, _, _, err := tx.FindRelease("a\x00b", "u")
			return err
		}, store.ErrInvalidText},
		{"invalid UTF-8 in port", func(tx *store.Tx) error {
			return tx.SaveRelease("k", store.ReleaseMeta{Port: "\xff"}, []byte(`{}`), 0)
		}, store.ErrInvalidText},
		{"body over MaxBytes", func(tx *store.Tx) error {
			return tx.SaveRelease("k", store.ReleaseMeta{}, []byte(`"`+strings.Repeat("x", 4096)+`"`), 0)
		}, store.ErrTooLarge},
		{"event without id", func(tx *store.Tx) error {
			_, err := tx.AddEvent(store.EventRow{ReleaseKey: "k", Body: []byte(`{}`)})
			return err
		}, store.ErrEmpty},
		{"event body not JSON", func(tx *store.Tx) error {
			_, err := tx.AddEvent(store.EventRow{ID: "e", ReleaseKey: "k", Body: []byte(`nope`)})
			return err
		}, store.ErrInvalidJSON},
		{"dedupe without kind", func(tx *store.Tx) error {
			_, err := tx.Seen("", "k")
			return err
		}, store.ErrEmpty},
		{"dead letter payload over MaxBytes", func(tx *store.Tx) error {
			return tx.AddDeadLetter(store.DeadLetter{ID: "d", Payload: make([]byte, 4097)})
		}, store.ErrTooLarge},
		{"publish to a bad topic", func(tx *store.Tx) error {
			return tx.Publish(`a"; DROP TABLE releases; --`)
		}, store.ErrInvalidTopic},
		{"publish over MaxBytes", func(tx *store.Tx) error {
			return tx.Publish("t", newMessage("u", make([]byte, 4097)))
		}, store.ErrTooLarge},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{MaxBytes: 4096})
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					err := s.InTx(context.Background(), c.fn)
					require.ErrorIs(t, err, c.wantErr)
					assert.NotContains(t, err.Error(), "\n")
				})
			}
		})
	}
}

// FindRelease prefers the release stored under the key, else finds the
// one the unit belongs to.
func TestFindRelease(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			const unit, k1, k2 = "SEA/NLRTM/CSQU3054383", "SEA/NLRTM/MSC/B1/CSQU3054383", "SEA/NLRTM/MSC/B2/CSQU3054383"
			require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) error {
				_, _, _, found, err := tx.FindRelease(k1, unit)
				require.NoError(t, err)
				assert.False(t, found, "nothing stored yet")

				require.NoError(t, tx.SaveRelease(k1, store.ReleaseMeta{Status: "RELEASED"}, []byte(`{"b":1}`), 0))
				require.NoError(t, tx.SetUnit(unit, k1))
				require.NoError(t, tx.SaveRelease(k2, store.ReleaseMeta{Status: "RELEASED"}, []byte(`{"b":2}`), 0))
				require.NoError(t, tx.SaveRelease(k2, store.ReleaseMeta{Status: "BLOCKED"}, []byte(`{"b":2,"v":2}`), 1))

				key, body, version, found, err := tx.FindRelease(k2, unit)
				require.NoError(t, err)
				require.True(t, found)
				assert.Equal(t, []any{k2, `{"b":2,"v":2}`, 2}, []any{key, string(body), version}, "by key first")

				key, body, version, found, err = tx.FindRelease("SEA/NLRTM/MSC/B9/CSQU3054383", unit)
				require.NoError(t, err)
				require.True(t, found)
				assert.Equal(t, []any{k1, `{"b":1}`, 1}, []any{key, string(body), version}, "by unit when the key has none")

				_, _, _, found, err = tx.FindRelease("SEA/NLRTM/MSC/B9/CSQU3054383", "SEA/NLRTM/OTHU0000000")
				require.NoError(t, err)
				assert.False(t, found)

				require.NoError(t, tx.SetUnit(unit, k2))
				key, _, _, found, err = tx.FindRelease("SEA/NLRTM/MSC/B9/CSQU3054383", unit)
				require.NoError(t, err)
				require.True(t, found)
				assert.Equal(t, k2, key, "the latest release of the unit wins")
				return nil
			}))
		})
	}
}

// AddEventSaveRelease records an event and saves the release it changed,
// or neither: nothing is saved for an event recorded before, and a save
// that conflicts fails the transaction with the event.
func TestAddEventSaveRelease(t *testing.T) {
	until := t0.Add(48 * time.Hour)
	meta := func(status, system string) store.ReleaseMeta {
		return store.ReleaseMeta{Status: status, Port: "NLRTM", Carrier: "MSCU", Holder: "ACME", Search: []string{"CSQU3054383"},
			System: system, ValidUntil: &until, Collectable: true}
	}
	ev := func(id string, seq int64) store.EventRow {
		return store.EventRow{ID: id, ReleaseKey: "R1", Seq: seq, Type: "RELEASE_CREATED", OccurredAt: t0, ReceivedAt: t0, Hash: "h" + id, Body: []byte(`{"id":"` + id + `"}`)}
	}
	steps := []struct {
		name         string
		event        store.EventRow
		meta         store.ReleaseMeta
		body         string
		expect       int
		wantInserted bool
		wantErr      string
	}{
		{"creates", ev("e1", 1), meta("RELEASED", "PORTBASE"), `{"v":1}`, 0, true, ""},
		{"event seen before saves nothing", ev("e1", 1), meta("BLOCKED", "PORTBASE"), `{"v":9}`, 1, false, ""},
		{"updates", ev("e2", 2), meta("BLOCKED", "CPU"), `{"v":2}`, 1, true, ""},
		{"stale version", ev("e3", 3), meta("RELEASED", "CPU"), `{"v":9}`, 1, true, `release "R1": expected version 1, found 2: was changed by another writer`},
		{"created twice", ev("e4", 3), meta("RELEASED", "CPU"), `{"v":9}`, 0, true, `release "R1": expected version 0, found 2: was changed by another writer`},
		{"update of none", store.EventRow{ID: "e5", ReleaseKey: "R2", Type: "X", Body: []byte(`{}`)}, meta("RELEASED", "CPU"), `{}`, 3, true,
			`release "R2": expected version 3, found none: was changed by another writer`},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			for _, st := range steps {
				key := st.event.ReleaseKey
				var inserted bool
				err := s.InTx(ctx, func(tx *store.Tx) (err error) {
					inserted, err = tx.AddEventSaveRelease(st.event, key, st.meta, []byte(st.body), st.expect)
					return err
				})
				if st.wantErr != "" {
					require.ErrorIs(t, err, store.ErrConflict, st.name)
					assert.Equal(t, st.wantErr, err.Error(), st.name)
					continue
				}
				require.NoError(t, err, st.name)
				assert.Equal(t, st.wantInserted, inserted, st.name)
			}
			events, err := s.ReleaseEvents(ctx, "R1")
			require.NoError(t, err)
			var ids []string
			for _, e := range events {
				ids = append(ids, e.ID)
			}
			assert.Equal(t, []string{"e1", "e2"}, ids, "the events of failed saves are rolled back")
			r, err := s.Release(ctx, "R1")
			require.NoError(t, err)
			assert.Equal(t, []any{"BLOCKED", 2, `{"v":2}`, "ACME"}, []any{r.Status, r.Version, string(r.Body), r.Holder})
			for system, want := range map[string]int{"portbase": 1, "cpu": 1, "scr": 0} {
				rows, err := s.ListReleases(ctx, store.ListFilter{System: system, Query: "csqu305", ExpiringWithin: 72 * time.Hour, Now: t0})
				require.NoError(t, err)
				assert.Len(t, rows, want, "releases through %s", system)
			}
			_, err = s.Release(ctx, "R2")
			require.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

// A release found ahead is what FindRelease finds, unless a release or a
// unit was written after it was sent.
func TestFindReleaseAhead(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			const unit, k1, k2, k9 = "SEA/NLRTM/CSQU3054383", "SEA/NLRTM/MSC/B1/CSQU3054383", "SEA/NLRTM/MSC/B2/CSQU3054383", "SEA/NLRTM/MSC/B9/CSQU3054383"
			find := func(tx *store.Tx, key string) (string, int) {
				stored, _, version, found, err := tx.FindRelease(key, unit)
				require.NoError(t, err)
				if !found {
					return "", 0
				}
				return stored, version
			}
			require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) error {
				tx.FindReleaseAhead(k1, unit)
				_, err := tx.Seen("content", "c1") // carries the lookup on PostgreSQL
				require.NoError(t, err)
				stored, _ := find(tx, k1)
				assert.Empty(t, stored, "nothing stored yet")

				require.NoError(t, tx.SaveRelease(k1, store.ReleaseMeta{}, []byte(`{"b":1}`), 0))
				require.NoError(t, tx.SetUnit(unit, k1))
				tx.FindReleaseAhead(k1, unit)
				_, err = tx.Seen("content", "c2")
				require.NoError(t, err)
				require.NoError(t, tx.SaveRelease(k1, store.ReleaseMeta{}, []byte(`{"b":2}`), 1))
				stored, version := find(tx, k1)
				assert.Equal(t, []any{k1, 2}, []any{stored, version}, "the save after the lookup counts")

				tx.FindReleaseAhead(k9, unit)
				require.NoError(t, tx.SaveRelease(k2, store.ReleaseMeta{}, []byte(`{"b":3}`), 0))
				require.NoError(t, tx.SetUnit(unit, k2))
				stored, version = find(tx, k9)
				assert.Equal(t, []any{k2, 1}, []any{stored, version}, "the unit set after the lookup counts")

				tx.FindReleaseAhead(k1, unit)
				stored, version = find(tx, k1)
				assert.Equal(t, []any{k1, 2}, []any{stored, version}, "found ahead, nothing sent in between")
				stored, version = find(tx, k9)
				assert.Equal(t, []any{k2, 1}, []any{stored, version}, "another key is looked up on its own")
				return nil
			}))
		})
	}
}

// A refused event or dedupe key is named in the error, as its field.
func TestLedgerInputNamed(t *testing.T) {
	s := openSQLite(t, store.Config{})
	for _, c := range []struct {
		fn   func(tx *store.Tx) error
		want string
	}{
		{func(tx *store.Tx) error {
			_, err := tx.AddEvent(store.EventRow{ID: "e-1", Body: []byte(`{}`)})
			return err
		}, `event "e-1" release key is empty`},
		{func(tx *store.Tx) error {
			_, err := tx.AddEvent(store.EventRow{ID: "e-1", ReleaseKey: "k", Body: []byte(`nope`)})
			return err
		}, `event "e-1" body "nope"`},
		{func(tx *store.Tx) error {
			_, err := tx.Seen("content", "")
			return err
		}, `dedupe "content" key is empty`},
	} {
		err := s.InTx(context.Background(), c.fn)
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
}
