//go:build integration

package pipeline_test

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	rng := campaignRand(t)
	r := newFleetRig(t, campaignMembers, dsn, campaignIdleInTx)
	watch, err := watchOutbox(r.outbox)
	require.NoError(t, err)
	defer watch.close()
	r.startAll()

	started := time.Now()
	f := &feeder{rig: r, n: campaignMessages, rate: campaignFeedRate, posts: campaignPosters}
	fed := make(chan error, 1)
	go func() { fed <- f.run() }()
	h := &hanger{rig: r, hung: -1, done: make(chan error, 1)}
	go h.run(rand.New(rand.NewPCG(rng.Uint64(), 1)))

	kills := campaignKill(t, r, h, rng, fed, watch)
	feedTime := time.Since(started)
	state := r.settle(campaignMessages/2, campaignMessages, 3*time.Minute)
	runTime := time.Since(started)
	r.stopAll()

	t.Logf("end state: %+v", state)
	assert.Zero(t, state.pending, "inputs left in the inbox")
	assert.Zero(t, state.errored, "inputs moved to error/")
	assert.Zero(t, state.parts, ".part files left in the outbox")
	reserved := checkArchivedOnce(t, r.inbox, campaignMessages/2)
	perContainer := checkDeliveredOnce(t, r.outbox, 0, campaignMessages)
	assert.LessOrEqual(t, watch.creations(), state.delivered, "outbound names written twice")
	dls := checkNoDeadLetters(t, openStore(t, dsn))

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
	transporttest.Figure("fleet campaign: longest stall with work pending %.1f s (bound %s, idle_in_transaction_timeout %s); hang to first new outbox file: median %.1f s, max %.1f s over %d hangs\n",
		stall.Seconds(), campaignStallTarget, campaignIdleInTx,
		median(resume).Seconds(), slices.Max(append(resume, 0)).Seconds(), len(resume))
}

// campaignRand seeds the kill and hang schedule from PCSGATE_CRASH_SEED or
// the clock, and logs the seed.
func campaignRand(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PCSGATE_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "PCSGATE_CRASH_SEED")
	}
	t.Logf("kill schedule seed %d (PCSGATE_CRASH_SEED replays it)", seed)
	return rand.New(rand.NewPCG(seed, 0))
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
