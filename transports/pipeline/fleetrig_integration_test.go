//go:build integration

package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// fleetRig runs several pcsgate processes on one PostgreSQL store, sharing
// one inbox and one outbox folder (the inbox is leased per endpoint) and
// the key files; each also takes COREORs on a webhook of its own.
type fleetRig struct {
	t             testing.TB
	dir           string
	inbox, outbox string
	members       []*crashGateway
	hooks         []string // webhook URL of each member
	logs          []*os.File
}

// fleetHookToken is the bearer token of the rig's webhooks.
const fleetHookToken = "campaign-token"

// newFleetRig builds pcsgate and writes the configuration of n members
// storing in dsn, with idleInTx as the sessions' idle-in-transaction limit
// and, when partitions > 0, that many partitions of each outbound topic.
// It starts none of them.
func newFleetRig(t testing.TB, n int, dsn string, idleInTx time.Duration, partitions int) *fleetRig {
	t.Helper()
	dir := t.TempDir()
	r := &fleetRig{t: t, dir: dir, inbox: filepath.Join(dir, "inbox"), outbox: filepath.Join(dir, "outbox")}
	require.NoError(t, os.MkdirAll(r.inbox, 0o750))
	require.NoError(t, os.MkdirAll(r.outbox, 0o750))
	bin := buildPcsgate(t, dir)
	for i := range n {
		mdir := filepath.Join(dir, fmt.Sprintf("member-%d", i))
		require.NoError(t, os.MkdirAll(mdir, 0o750))
		logf, err := os.Create(filepath.Join(mdir, "pcsgate.log"))
		require.NoError(t, err)
		r.logs = append(r.logs, logf)
		hook := freeAddr(t)
		g := &crashGateway{t: t, bin: bin, dir: mdir, inbox: r.inbox, outbox: r.outbox, addr: freeAddr(t), log: logf}
		g.config = r.writeConfig(mdir, dsn, g.addr, hook, idleInTx, partitions)
		r.members = append(r.members, g)
		r.hooks = append(r.hooks, "http://"+hook+"/in/coreor")
	}
	t.Cleanup(func() {
		for _, g := range r.members {
			if g.cmd != nil {
				_ = g.cmd.Process.Kill() // left running by a failed test; an ended one is a no-op
			}
		}
		for i, f := range r.logs {
			if t.Failed() {
				t.Logf("last lines of member %d's log:\n%s", i, tail(f.Name(), 20))
			}
			_ = f.Close()
		}
	})
	return r
}

// writeConfig writes one member's pcsgate.yaml: the shared store, keys,
// inbox (settle 20 ms) and outbox, a bearer webhook for COREORs, and NLRTM
// routed to the outbox. The postgres section names a partition count only
// when partitions > 0.
func (r *fleetRig) writeConfig(mdir, dsn, monitor, hook string, idleInTx time.Duration, partitions int) string {
	var partitionsLine string
	if partitions > 0 {
		partitionsLine = fmt.Sprintf("  partitions: %d\n", partitions)
	}
	cfg := fmt.Sprintf(`store: %q
monitor:
  listen: %s
webhooks:
  listen: %s
credential_key_file: %s
secret_key_file: %s
postgres:
  idle_in_transaction_timeout: %s
%sendpoints:
  - name: portbase-in
    direction: in
    transport: filedrop
    filedrop:
      dir: %s
      settle: 20ms
      poll: 250ms
  - name: hook-in
    direction: in
    transport: http
    http_in:
      path: /in/coreor
      auth: {bearer: %s}
  - name: portbase-out
    direction: out
    transport: filedrop
    filedrop_out:
      dir: %s
routes:
  - match: {ports: [NLRTM]}
    endpoint: portbase-out
    profile: portbase/coreor
    to_source: true
`, dsn, monitor, hook, filepath.Join(r.dir, "keys", "credential.key"), filepath.Join(r.dir, "keys", "secret.key"),
		idleInTx, partitionsLine, r.inbox, fleetHookToken, r.outbox)
	path := filepath.Join(mdir, "pcsgate.yaml")
	require.NoError(r.t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// startAll starts every member, one after the other (the first creates the
// key files).
func (r *fleetRig) startAll() {
	for _, g := range r.members {
		g.start()
	}
}

// stopAll ends every member with SIGTERM.
func (r *fleetRig) stopAll() {
	for _, g := range r.members {
		g.stop()
	}
}

// exited returns an error when a member has exited by itself.
func (r *fleetRig) exited() error {
	for i, g := range r.members {
		select {
		case err := <-g.exited:
			return fmt.Errorf("member %d exited by itself: %v", i, err)
		default:
		}
	}
	return nil
}

// settle waits until the folders show every file-drop input archived and
// outputs files delivered, the same two listings in a row, or timeout.
func (r *fleetRig) settle(inputs, outputs int, timeout time.Duration) crashState {
	probe := &crashGateway{inbox: r.inbox, outbox: r.outbox}
	var prev, state crashState
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		state = probe.state()
		if state.completeWith(inputs, outputs) && state == prev {
			break
		}
		prev = state
		require.NoError(r.t, r.exited())
		time.Sleep(250 * time.Millisecond) // outbox settling is only visible by listing
	}
	return state
}

// feeder offers workload messages, the first half as file drops and the
// second as webhook POSTs, at a steady rate, and records when each was
// offered (for a webhook: when it was first POSTed).
type feeder struct {
	rig     *fleetRig
	n, rate int // rate 0: as fast as the senders go
	posts   int
	// hook, when set, names the webhook message i is POSTed to; otherwise
	// each POST goes to a random member's.
	hook func(i int) string
	// client, when set, sends the POSTs; otherwise one with a 3 s timeout
	// on the default transport.
	client  *http.Client
	offered []time.Time
	retries int // POSTs answered otherwise than 2xx or not answered; guarded by mu
	mu      sync.Mutex
}

// run feeds everything and returns the first error.
func (f *feeder) run() error {
	f.offered = make([]time.Time, f.n)
	half := f.n / 2
	dropped := make(chan error, 1)
	go func() {
		dropped <- f.pace(0, half, 1, func(i int) error { return dropFile(f.rig.inbox, workloadName(i), workloadMessage(i)) })
	}()
	posted := f.postRange(half, f.n)
	if err := <-dropped; err != nil {
		return err
	}
	return posted
}

// postRange POSTs messages from to below to with f.posts concurrent
// senders, sender p taking from+p, from+p+f.posts, ..., and returns the
// first error once all are done.
func (f *feeder) postRange(from, to int) error {
	errs := make(chan error, f.posts)
	for p := range f.posts {
		go func() { errs <- f.pace(from+p, to, f.posts, f.post) }()
	}
	var first error
	for range f.posts {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// pace offers messages from, from+step, ... below to at rate/2 per second
// over all streams of its kind, or without pause when rate is 0.
func (f *feeder) pace(from, to, step int, offer func(int) error) error {
	start := time.Now()
	var per time.Duration
	if f.rate > 0 {
		per = time.Duration(step) * 2 * time.Second / time.Duration(f.rate)
	}
	for k, i := 0, from; i < to; k, i = k+1, i+step {
		if wait := time.Until(start.Add(time.Duration(k) * per)); wait > 0 {
			time.Sleep(wait) // pacing the offered load
		}
		f.offered[i] = time.Now()
		if err := offer(i); err != nil {
			return err
		}
	}
	return nil
}

// post POSTs message i to its webhook (or random members) until one
// answers 2xx, always with the same Idempotency-Key, as a sender retrying
// would.
func (f *feeder) post(i int) error {
	client := f.client
	if client == nil {
		client = &http.Client{Timeout: 3 * time.Second}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		url := f.rig.hooks[rand.IntN(len(f.rig.hooks))]
		if f.hook != nil {
			url = f.hook(i)
		}
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(workloadMessage(i)))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+fleetHookToken)
		req.Header.Set("Content-Type", "application/edifact")
		req.Header.Set("Idempotency-Key", workloadName(i))
		res, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body) // read to the end so the connection is reused
			res.Body.Close()
			if res.StatusCode/100 == 2 {
				return nil
			}
		}
		f.mu.Lock()
		f.retries++
		f.mu.Unlock()
		time.Sleep(50 * time.Millisecond) // a sender's pause before its retry
	}
	return fmt.Errorf("POST of %s not accepted within 2 minutes", workloadName(i))
}

// longestStall is the longest time in which no new outbox file appeared
// while an offered message was not yet delivered, and when it began. The
// wait for the fleet's first file (its start-up) is not a stall; see
// firstFile.
func longestStall(offered []time.Time, seen map[string]time.Time) (time.Duration, time.Time) {
	fed := slices.Clone(offered)
	slices.SortFunc(fed, func(a, b time.Time) int { return a.Compare(b) })
	got := make([]time.Time, 0, len(seen))
	for _, at := range seen {
		got = append(got, at)
	}
	slices.SortFunc(got, func(a, b time.Time) int { return a.Compare(b) })
	var worst time.Duration
	var from time.Time
	if len(got) == 0 {
		return 0, from
	}
	prev := got[0]
	for k := 1; k < len(got); k++ {
		at := got[k]
		// Work is pending from prev on, unless everything offered by then
		// was delivered: then from the next offer.
		if k < len(fed) && fedBy(fed, prev) <= k && fed[k].After(prev) {
			prev = fed[k]
		}
		if gap := at.Sub(prev); gap > worst {
			worst, from = gap, prev
		}
		prev = at
	}
	return worst, from
}

// firstFile is how long after the first offer the first outbox file
// appeared: the fleet's start-up, zero when nothing appeared.
func firstFile(offered []time.Time, seen map[string]time.Time) time.Duration {
	if len(offered) == 0 || len(seen) == 0 {
		return 0
	}
	first := slices.MinFunc(offered, func(a, b time.Time) int { return a.Compare(b) })
	var firstSeen time.Time
	for _, at := range seen {
		if firstSeen.IsZero() || at.Before(firstSeen) {
			firstSeen = at
		}
	}
	return firstSeen.Sub(first)
}

// fedBy counts the offers at or before t.
func fedBy(fed []time.Time, t time.Time) int {
	return sort.Search(len(fed), func(i int) bool { return fed[i].After(t) })
}

// firstAfter is the first outbox appearance after t, or the zero time.
func firstAfter(seen map[string]time.Time, t time.Time) time.Time {
	var first time.Time
	for _, at := range seen {
		if at.After(t) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first
}

// openStore opens the rig's store for the checks at the end.
func openStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, watermill.NopLogger{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// median of durations (zero for none).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestLongestStall checks the stall measure on made-up times: a gap counts
// only from when an offered message was waiting.
func TestLongestStall(t *testing.T) {
	t0 := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	seen := func(ss ...float64) map[string]time.Time {
		m := map[string]time.Time{}
		for i, s := range ss {
			m[fmt.Sprint(i)] = at(s)
		}
		return m
	}
	for _, c := range []struct {
		name      string
		offered   []time.Time
		seen      map[string]time.Time
		stall     time.Duration
		stallFrom time.Time
	}{
		{"backlog", []time.Time{at(0), at(1), at(2)}, seen(0.5, 5, 6), 4 * time.Second, at(1)},
		{"idle between offers", []time.Time{at(10), at(0)}, seen(1, 11), time.Second, at(10)},
		{"first delivery late: start-up, not a stall", []time.Time{at(0), at(0.1)}, seen(7, 7.5), 500 * time.Millisecond, at(7)},
		{"stall after the start", []time.Time{at(0), at(0.1), at(0.2)}, seen(7, 7.5, 19), 11500 * time.Millisecond, at(7.5)},
	} {
		stall, from := longestStall(c.offered, c.seen)
		require.Equal(t, c.stall, stall, c.name)
		require.Equal(t, c.stallFrom, from, c.name)
	}
	require.Equal(t, 7*time.Second, firstFile([]time.Time{at(0.1), at(0)}, seen(7.5, 7)))
	require.Zero(t, firstFile([]time.Time{at(0)}, nil))
}
