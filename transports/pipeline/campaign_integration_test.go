//go:build integration

package pipeline_test

import (
	"math/rand/v2"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/store/storetest"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// The fleet campaign: three instances on one PostgreSQL store take 10,000
// COREORs, half dropped into their shared inbox and half POSTed to their
// webhooks, while instances are killed at random and restarted at least
// 100 times and hung (SIGSTOP, SIGCONT 20 s later) 10 times.
const (
	campaignMembers  = 3
	campaignMessages = 10_000
	campaignMinKills = 100
	campaignHangs    = 10
	campaignHang     = 20 * time.Second
	campaignFeedRate = 45 // messages per second, both ways together
	campaignPosters  = 4  // concurrent webhook senders
	// campaignIdleInTx is the sessions' idle_in_transaction_timeout: shorter
	// than the 10 s default, as a fleet expecting hangs would set it.
	campaignIdleInTx = 5 * time.Second
	// campaignStallTarget is the longest the fleet may stall for one hung
	// instance: its inbox lease moves within about 7 s, its claims on
	// consumer groups expire after half of campaignIdleInTx, and a
	// transaction it left open ends after campaignIdleInTx.
	campaignStallTarget = 10 * time.Second
)

// TestFleetCampaign runs the fleet campaign and asserts that no message is
// lost or delivered twice (every name the outbox shows counted, a rewrite
// of a name included), no dead letter, and that no stall while work
// remained outlasted 10 s: a hung instance's leases, claims and open
// transactions all end sooner. PCSGATE_CRASH_SEED replays
// a run's kill and hang schedule.
func TestFleetCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("fleet campaign: about four minutes; not run with -short")
	}
	t.Parallel() // the campaigns wait on faults more than they compute
	dsn := storetest.PostgresDSN(t)
	rng := scheduleRand(t)
	// Partitioned, so that the hangs and kills also hit members that
	// deliver side by side.
	run := startFleetRun(t, campaignMembers, dsn, campaignMessages, 4)
	defer run.watch.close()
	r, watch, f, fed, started := run.r, run.watch, run.f, run.fed, run.started
	h := &hanger{rig: r, hung: -1, done: make(chan error, 1)}
	go h.run(rand.New(rand.NewPCG(rng.Uint64(), 1)))

	kills := campaignKill(t, r, h, rng, fed, watch)
	feedTime := time.Since(started)
	state := r.settle(campaignMessages/2, campaignMessages, 3*time.Minute)
	runTime := time.Since(started)
	r.stopAll()

	reserved, perContainer, dls := run.checkEnd(t, dsn, state)

	seen, overflow := watch.times()
	stall, stallAt := longestStall(f.offered, seen)
	var resume []time.Duration
	for _, at := range h.stopped {
		if next := firstAfter(seen, at); !next.IsZero() {
			resume = append(resume, next.Sub(at))
		}
	}
	assert.LessOrEqual(t, stall, campaignStallTarget, "longest stall (began %s after the start)", stallAt.Sub(started))
	if overflow {
		t.Log("the outbox watch overflowed: some appearance times are listing times")
	}
	transporttest.Figure("fleet campaign: %s messages (%s file drops, %s webhook POSTs, %d POSTs retried) on %d instances, %d kills (SIGKILL), %d hangs of %s; lost %d, delivered twice %d (outbound names created %d for %d files), dead letters %d, empty archive reservations %d; %.0f s feeding, %.0f s to a stable outbox\n",
		thousands(campaignMessages), thousands(campaignMessages/2), thousands(campaignMessages/2), f.retries, campaignMembers,
		kills, len(h.stopped), campaignHang, campaignMessages-len(perContainer), countOver(perContainer, 1),
		watch.creations(), state.delivered, len(dls), len(reserved), feedTime.Seconds(), runTime.Seconds())
	transporttest.Figure("fleet campaign: first outbox file %.1f s after the first offer; longest stall with work pending after it %.1f s (bound %s, idle_in_transaction_timeout %s); hang to first new outbox file: median %.1f s, max %.1f s over %d hangs\n",
		firstFile(f.offered, seen).Seconds(), stall.Seconds(), campaignStallTarget, campaignIdleInTx,
		median(resume).Seconds(), slices.Max(append(resume, 0)).Seconds(), len(resume))
}

// fleetRun is a fleet rig being fed: the half of the messages dropped into
// the inbox, the other half POSTed to the webhooks.
type fleetRun struct {
	r       *fleetRig
	watch   *outboxWatch
	f       *feeder
	fed     chan error // the feed's result, once it ends
	n       int        // messages fed
	started time.Time
}

// startFleetRun starts members instances on dsn with the given outbound
// partitions (0: the default), watches their outbox and begins feeding n
// messages at campaignFeedRate. The caller closes watch.
func startFleetRun(t *testing.T, members int, dsn string, n, partitions int) *fleetRun {
	t.Helper()
	r := newFleetRig(t, members, dsn, campaignIdleInTx, partitions)
	watch, err := watchOutbox(r.outbox)
	require.NoError(t, err)
	r.startAll()
	run := &fleetRun{r: r, watch: watch, n: n, started: time.Now(), fed: make(chan error, 1)}
	run.f = &feeder{rig: r, n: n, rate: campaignFeedRate, posts: campaignPosters}
	go func() { run.fed <- run.f.run() }()
	return run
}

// checkEnd asserts the end state of a settled run: nothing left in the
// inbox or moved to error/, no .part file, every input archived and every
// message delivered exactly once, no outbound name written twice and no
// dead letter in the store at dsn. It returns the empty archive
// reservations, the deliveries per container and the dead letters.
func (run *fleetRun) checkEnd(t *testing.T, dsn string, state crashState) (reserved []string, perContainer map[string]int, dls []store.DeadLetter) {
	t.Helper()
	t.Logf("end state: %+v", state)
	assert.Zero(t, state.pending, "inputs left in the inbox")
	assert.Zero(t, state.errored, "inputs moved to error/")
	assert.Zero(t, state.parts, ".part files left in the outbox")
	reserved = checkArchivedOnce(t, run.r.inbox, run.n/2)
	perContainer = checkDeliveredOnce(t, run.r.outbox, 0, run.n)
	assert.LessOrEqual(t, run.watch.creations(), state.delivered, "outbound names written twice")
	dls = checkNoDeadLetters(t, openStore(t, dsn))
	return reserved, perContainer, dls
}

// campaignKill kills a random member that is not hung every 0.4 to 2.4 s
// and restarts it, until the feed and the hangs are over, at least
// campaignMinKills were done and everything was delivered. It returns the
// number of kills.
func campaignKill(t *testing.T, r *fleetRig, h *hanger, rng *rand.Rand, fed <-chan error, watch *outboxWatch) int {
	kills, feeding, hanging := 0, true, true
	for kills < campaignMinKills || feeding || hanging || watch.count() < campaignMessages {
		if kills > 3*campaignMinKills {
			t.Fatalf("not done after %d kills: %d of %d delivered, feeding %v, hanging %v", kills, watch.count(), campaignMessages, feeding, hanging)
		}
		select {
		case <-time.After(time.Duration(400+rng.IntN(2000)) * time.Millisecond): // a random moment
		case err := <-fed:
			require.NoError(t, err, "feeding")
			feeding = false
			continue
		case err := <-h.done:
			require.NoError(t, err, "hanging")
			hanging = false
			continue
		}
		require.NoError(t, r.exited())
		h.mu.Lock()
		i := rng.IntN(len(r.members))
		if i == h.hung {
			i = (i + 1) % len(r.members)
		}
		r.members[i].kill()
		r.members[i].start()
		h.mu.Unlock()
		kills++
	}
	return kills
}

// hanger stops one member at a time with SIGSTOP for campaignHang, then
// resumes it with SIGCONT, campaignHangs times, 1 to 3 s apart.
type hanger struct {
	rig     *fleetRig
	mu      sync.Mutex // held while a member is signalled, killed or restarted
	hung    int        // the member stopped now, or -1; guarded by mu
	stopped []time.Time
	done    chan error
}

func (h *hanger) run(rng *rand.Rand) {
	for range campaignHangs {
		time.Sleep(time.Duration(1000+rng.IntN(2000)) * time.Millisecond) // a random moment
		h.mu.Lock()
		i := rng.IntN(len(h.rig.members))
		err := h.rig.members[i].cmd.Process.Signal(syscall.SIGSTOP)
		h.hung = i
		h.stopped = append(h.stopped, time.Now())
		h.mu.Unlock()
		if err != nil {
			h.done <- err
			return
		}
		time.Sleep(campaignHang) // the fault's length
		h.mu.Lock()
		err = h.rig.members[i].cmd.Process.Signal(syscall.SIGCONT)
		h.hung = -1
		h.mu.Unlock()
		if err != nil {
			h.done <- err
			return
		}
	}
	h.done <- nil
}
