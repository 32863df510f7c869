package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// fixedClock returns a clock that starts at start and advances a second on
// every call.
func fixedClock(start time.Time) func() time.Time {
	n := 0
	return func() time.Time {
		n++
		return start.Add(time.Duration(n) * time.Second)
	}
}

var t0 = time.Date(2026, 11, 27, 22, 59, 0, 123456789, time.UTC)

func TestAddEvent(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			events := []store.EventRow{
				{ID: "e2", ReleaseKey: "R1", Seq: 2, Type: "TRANSFER_OFFERED", OccurredAt: t0.Add(time.Hour), ReceivedAt: t0.Add(2 * time.Hour), Late: true, Hash: "h2", Body: []byte(`{"id": "e2"}`)},
				{ID: "e1", ReleaseKey: "R1", Seq: 1, Type: "RELEASE_CREATED", OccurredAt: t0, ReceivedAt: t0.Add(time.Minute), Hash: "h1", Body: []byte(`{"id":"e1"}`)},
				{ID: "x1", ReleaseKey: "R2", Seq: 1, Type: "RELEASE_CREATED", OccurredAt: t0, ReceivedAt: t0, Hash: "hx", Body: []byte(`{}`)},
			}
			cases := []struct {
				name         string
				event        store.EventRow
				wantInserted bool
			}{
				{"first", events[0], true},
				{"second", events[1], true},
				{"other release", events[2], true},
				{"redelivered", events[0], false},
				{"same id, other content", store.EventRow{ID: "e1", ReleaseKey: "R9", Type: "X", Body: []byte(`{"x":1}`)}, false},
			}
			for _, c := range cases {
				var inserted bool
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) (err error) {
					inserted, err = tx.AddEvent(c.event)
					return err
				}), c.name)
				assert.Equal(t, c.wantInserted, inserted, c.name)
			}
			got, err := s.ReleaseEvents(ctx, "R1")
			require.NoError(t, err)
			want := []store.EventRow{events[1], events[0]}
			for i := range want {
				want[i].OccurredAt = want[i].OccurredAt.Truncate(time.Microsecond)
				want[i].ReceivedAt = want[i].ReceivedAt.Truncate(time.Microsecond)
			}
			assert.Equal(t, want, got)
			none, err := s.ReleaseEvents(ctx, "R404")
			require.NoError(t, err)
			assert.Empty(t, none)
		})
	}
}

func TestSeen(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{Clock: fixedClock(t0)})
			ctx := context.Background()
			steps := []struct {
				kind, key string
				wantDup   bool
			}{
				{store.DedupeInterchange, "SENDER/000123", false},
				{store.DedupeInterchange, "SENDER/000123", true},
				{store.DedupeBusinessKey, "SENDER/000123", false},
				{store.DedupeInterchange, "SENDER/000123", true},
				{store.DedupeContent, "sha256:ab", false},
			}
			for i, st := range steps {
				var dup bool
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) (err error) {
					dup, err = tx.Seen(st.kind, st.key)
					return err
				}))
				assert.Equal(t, st.wantDup, dup, "step %d", i)
			}
			row, err := s.Dedupe(ctx, store.DedupeInterchange, "SENDER/000123")
			require.NoError(t, err)
			assert.Equal(t, int64(3), row.Count)
			assert.Equal(t, t0.Add(time.Second).Truncate(time.Microsecond), row.FirstSeen)
			assert.Equal(t, t0.Add(4*time.Second).Truncate(time.Microsecond), row.LastSeen)
			_, err = s.Dedupe(ctx, store.DedupeInterchange, "never")
			require.ErrorIs(t, err, store.ErrNotFound)

			n, err := s.PruneDedupe(ctx, t0.Add(4*time.Second))
			require.NoError(t, err)
			assert.Equal(t, int64(1), n, "only the business key was last seen before the cutoff")
			_, err = s.Dedupe(ctx, store.DedupeBusinessKey, "SENDER/000123")
			require.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

// SeenEach answers each key in the order given, in one statement per 200
// distinct keys: a key given twice is seen the second time, and the counts
// add up as they would through Seen.
func TestSeenEach(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			seenEach := func(keys ...store.DedupeKey) []bool {
				t.Helper()
				var seen []bool
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) (err error) {
					seen, err = tx.SeenEach(keys)
					return err
				}))
				return seen
			}
			c, i, b1, b2 := store.DedupeKey{Kind: "content", Key: "h1"}, store.DedupeKey{Kind: "interchange", Key: "S/1"},
				store.DedupeKey{Kind: "business", Key: "B1"}, store.DedupeKey{Kind: "business", Key: "B2"}
			assert.Equal(t, []bool{false, false, false, true}, seenEach(c, i, b1, b1))
			assert.Equal(t, []bool{true, false, true, true}, seenEach(c, b2, i, b2))
			assert.Empty(t, seenEach())
			for key, want := range map[store.DedupeKey]int64{c: 2, i: 2, b1: 2, b2: 2} {
				row, err := s.Dedupe(ctx, key.Kind, key.Key)
				require.NoError(t, err)
				assert.Equal(t, want, row.Count, "%v", key)
			}

			// More keys than one statement takes.
			many := make([]store.DedupeKey, 450)
			for n := range many {
				many[n] = store.DedupeKey{Kind: "business", Key: fmt.Sprintf("M%03d", n%300)}
			}
			seen := seenEach(many...)
			for n, got := range seen {
				assert.Equal(t, n >= 300, got, "key %d", n)
			}
			row, err := s.Dedupe(ctx, "business", "M010")
			require.NoError(t, err)
			assert.Equal(t, int64(2), row.Count)

			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.SeenEach([]store.DedupeKey{c, {Kind: "content"}})
				require.ErrorIs(t, err, store.ErrEmpty)
				return nil
			}))
		})
	}
}

func TestDeadLetters(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{Clock: fixedClock(t0.Add(time.Hour))})
			ctx := context.Background()
			letters := []store.DeadLetter{
				{ID: "d1", Stage: "decode", Profile: "portbase/coreor", Endpoint: "portbase-in", Reason: `EQD C237.8260 "X" is not an ISO 6346 container number`, Payload: []byte("UNB+\x00\xff"), Metadata: map[string]string{"file": "a.edi"}, CreatedAt: t0},
				{ID: "d2", Stage: "encode", Profile: "cpu/coreor", Reason: "r2", Payload: []byte("x"), CreatedAt: t0.Add(time.Minute)},
				{ID: "d3", Stage: "decode", Profile: "scr/release", Reason: "r3"},
			}
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				for _, d := range letters {
					if err := tx.AddDeadLetter(d); err != nil {
						return err
					}
				}
				// The same failure again is kept once.
				dup := letters[0]
				dup.Reason = "other"
				return tx.AddDeadLetter(dup)
			}))
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.MarkReplayed("d2") }))
			err := s.InTx(ctx, func(tx *store.Tx) error { return tx.MarkReplayed("d404") })
			require.ErrorIs(t, err, store.ErrNotFound)

			cases := []struct {
				name   string
				filter store.DeadLetterFilter
				want   []string
			}{
				{"all, oldest first", store.DeadLetterFilter{}, []string{"d1", "d2", "d3"}},
				{"by stage", store.DeadLetterFilter{Stage: "decode"}, []string{"d1", "d3"}},
				{"by profile", store.DeadLetterFilter{Profile: "cpu/coreor"}, []string{"d2"}},
				{"by endpoint", store.DeadLetterFilter{Endpoint: "portbase-in"}, []string{"d1"}},
				{"by id", store.DeadLetterFilter{ID: "d3"}, []string{"d3"}},
				{"pending", store.DeadLetterFilter{Pending: true}, []string{"d1", "d3"}},
				{"page", store.DeadLetterFilter{Limit: 1, Offset: 1}, []string{"d2"}},
				{"past the end", store.DeadLetterFilter{Offset: 5}, nil},
			}
			for _, c := range cases {
				got, err := s.DeadLetters(ctx, c.filter)
				require.NoError(t, err, c.name)
				var ids []string
				for _, d := range got {
					ids = append(ids, d.ID)
				}
				assert.Equal(t, c.want, ids, c.name)
			}

			got, err := s.DeadLetters(ctx, store.DeadLetterFilter{})
			require.NoError(t, err)
			require.Len(t, got, 3)
			assert.Equal(t, letters[0].Payload, got[0].Payload, "payload kept byte for byte")
			assert.Equal(t, letters[0].Reason, got[0].Reason, "first record kept")
			assert.Equal(t, letters[0].Metadata, got[0].Metadata)
			assert.Equal(t, t0.Truncate(time.Microsecond), got[0].CreatedAt)
			assert.Nil(t, got[0].ReplayedAt)
			require.NotNil(t, got[1].ReplayedAt)
			assert.Equal(t, t0.Add(time.Hour+2*time.Second).Truncate(time.Microsecond), *got[1].ReplayedAt)
			assert.Equal(t, map[string]string{}, got[2].Metadata)
			assert.Equal(t, t0.Add(time.Hour+time.Second).Truncate(time.Microsecond), got[2].CreatedAt, "creation time defaults to now")

			for _, bad := range []store.DeadLetterFilter{{Limit: -1}, {Limit: 1001}, {Offset: -1}} {
				_, err := s.DeadLetters(ctx, bad)
				require.ErrorIs(t, err, store.ErrBadFilter, fmt.Sprint(bad))
			}
		})
	}
}

func TestMonitorReads(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{Clock: fixedClock(t0)})
			ctx := context.Background()
			rels := []struct {
				key  string
				meta store.ReleaseMeta
			}{
				{"A", store.ReleaseMeta{Status: "RELEASED", Port: "NLRTM", Carrier: "MSCU", Holder: "H1"}},
				{"B", store.ReleaseMeta{Status: "BLOCKED", Port: "NLRTM", Carrier: "MAEU", Holder: "H2"}},
				{"C", store.ReleaseMeta{Status: "RELEASED", Port: "BEANR", Carrier: "MSCU", Holder: "H3"}},
			}
			for _, r := range rels {
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
					return tx.SaveRelease(r.key, r.meta, []byte(`{"key":"`+r.key+`"}`), 0)
				}))
			}
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.AddEvent(store.EventRow{ID: "e1", ReleaseKey: "A", Type: "T", Late: true, Body: []byte(`{}`)}); err != nil {
					return err
				}
				if _, err := tx.AddEvent(store.EventRow{ID: "e2", ReleaseKey: "A", Type: "T", Body: []byte(`{}`)}); err != nil {
					return err
				}
				for range 3 {
					if _, err := tx.Seen("k", "v"); err != nil {
						return err
					}
				}
				if err := tx.AddDeadLetter(store.DeadLetter{ID: "d1"}); err != nil {
					return err
				}
				return tx.AddDeadLetter(store.DeadLetter{ID: "d2"})
			}))
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.MarkReplayed("d1") }))

			cases := []struct {
				name   string
				filter store.ListFilter
				want   []string
			}{
				{"all, latest update first", store.ListFilter{}, []string{"C", "B", "A"}},
				{"by port", store.ListFilter{Port: "NLRTM"}, []string{"B", "A"}},
				{"by status", store.ListFilter{Status: "RELEASED"}, []string{"C", "A"}},
				{"by port and status", store.ListFilter{Port: "NLRTM", Status: "RELEASED"}, []string{"A"}},
				{"page", store.ListFilter{Limit: 1, Offset: 1}, []string{"B"}},
			}
			for _, c := range cases {
				got, err := s.ListReleases(ctx, c.filter)
				require.NoError(t, err, c.name)
				var keys []string
				for _, r := range got {
					keys = append(keys, r.Key)
				}
				assert.Equal(t, c.want, keys, c.name)
			}
			_, err := s.ListReleases(ctx, store.ListFilter{Limit: -1})
			require.ErrorIs(t, err, store.ErrBadFilter)

			one, err := s.Release(ctx, "B")
			require.NoError(t, err)
			assert.Equal(t, store.ReleaseRow{
				Key: "B", Status: "BLOCKED", Port: "NLRTM", Carrier: "MAEU", Holder: "H2",
				Body: []byte(`{"key":"B"}`), Version: 1, UpdatedAt: t0.Add(2 * time.Second).Truncate(time.Microsecond),
			}, one)

			counts, err := s.Counts(ctx)
			require.NoError(t, err)
			assert.Equal(t, store.Counts{
				Releases:         3,
				ReleasesByStatus: map[string]int64{"RELEASED": 2, "BLOCKED": 1},
				Events:           2, LateEvents: 1,
				DeadLetters: 2, DeadLettersPending: 1,
				DedupeKeys: 1, Duplicates: 2,
			}, counts)
		})
	}
}

// TestDeadLetterFailsAgain: a replayed dead letter that fails again is
// pending again with its new reason and stage.
func TestDeadLetterFailsAgain(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			add := func(d store.DeadLetter) {
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.AddDeadLetter(d) }))
			}
			add(store.DeadLetter{ID: "d1", Stage: "ledger", Reason: "first", Payload: []byte("a")})
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.MarkReplayed("d1") }))
			pending, err := s.DeadLetters(ctx, store.DeadLetterFilter{Pending: true})
			require.NoError(t, err)
			require.Empty(t, pending)

			add(store.DeadLetter{ID: "d1", Stage: "route", Reason: "second", Payload: []byte("b")})
			pending, err = s.DeadLetters(ctx, store.DeadLetterFilter{Pending: true})
			require.NoError(t, err)
			require.Len(t, pending, 1)
			assert.Equal(t, "route", pending[0].Stage)
			assert.Equal(t, "second", pending[0].Reason)
			assert.Equal(t, []byte("b"), pending[0].Payload)
			assert.Nil(t, pending[0].ReplayedAt)

			// While pending, the same failure redelivered changes nothing.
			add(store.DeadLetter{ID: "d1", Stage: "route", Reason: "third"})
			pending, err = s.DeadLetters(ctx, store.DeadLetterFilter{Pending: true})
			require.NoError(t, err)
			require.Len(t, pending, 1)
			assert.Equal(t, "second", pending[0].Reason)
		})
	}
}
