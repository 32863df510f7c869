//go:build integration

package pipeline_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// Crash safety: a kill -9 at any moment loses no accepted message and
// sends no duplicate business message after restart.
const (
	crashMessages = 5000
	crashMinKills = 100
	crashMaxKills = 150
	crashFeedRate = 500 // messages per second written into the inbox
)

// TestCrashSafety builds pcsgate, runs it on a temporary folder and feeds
// it 5,000 COREORs for NLRTM while killing it with SIGKILL at random
// moments and restarting it, at least 100 times. Afterwards every input
// must be archived, every container must have exactly one outbound file
// that names it, no half-written file may remain and no message may be a
// dead letter. PCSGATE_CRASH_SEED replays a run's kill schedule;
// PCSGATE_CRASH_STRICT=1 also fails on empty files left in the archive.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds pcsgate and kills it at least 100 times over about two minutes; not run with -short")
	}
	started := time.Now()
	g := newCrashGateway(t, filepath.Join("inbox", "portbase"), filepath.Join("outbox", "portbase"))
	dir := g.dir
	g.config = g.writeConfig()
	require.NoError(t, os.MkdirAll(g.outbox, 0o750))
	rng := scheduleRand(t)

	watch, err := watchOutbox(g.outbox)
	require.NoError(t, err)
	defer watch.close()
	metrics := newMetricsScraper("http://"+g.addr+"/metrics", filepath.Join(dir, "data", "monitor.token"))
	defer metrics.stop()

	g.start()
	runStart := time.Now()
	fed := make(chan error, 1)
	go func() { fed <- feed(g.inbox, crashMessages, crashFeedRate) }()
	feeding := true

	kills := 0
	for kills < crashMaxKills && (kills < crashMinKills || feeding || watch.count() < crashMessages) {
		uptime := time.Duration(100+rng.IntN(600)) * time.Millisecond
		select {
		case <-time.After(uptime): // a random moment, not synchronisation
		case err := <-g.exited:
			t.Fatalf("pcsgate exited by itself after %d kills: %v", kills, err)
		case err := <-fed:
			require.NoError(t, err, "feeding the inbox")
			feeding = false
			continue
		}
		g.kill()
		kills++
		metrics.newLife()
		g.start()
	}
	if feeding {
		require.NoError(t, <-fed, "feeding the inbox")
	}
	t.Logf("%d kills; waiting for the backlog (%d of %d delivered; listing: %+v)", kills, watch.count(), crashMessages, g.state())

	// Wait for the end state: nothing pending, everything archived and
	// delivered, and the same two listings in a row.
	var prev, state crashState
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		state = g.state()
		if state.complete() && state == prev {
			break
		}
		prev = state
		select {
		case <-time.After(250 * time.Millisecond): // outbox settling is only visible by listing
		case err := <-g.exited:
			t.Fatalf("pcsgate exited by itself: %v", err)
		}
	}
	runTime := time.Since(runStart)
	metrics.scrape()
	g.stop()
	metrics.stop()

	t.Logf("end state: %+v", state)
	assert.Zero(t, state.pending, "inputs left in the inbox")
	assert.Zero(t, state.errored, "inputs moved to error/")
	assert.GreaterOrEqual(t, state.archived, crashMessages, "inputs archived")
	assert.Zero(t, state.parts, ".part files left in the outbox")
	assert.Equal(t, crashMessages, state.delivered, "outbound files")
	// A batch delivered again after a kill finds its files: no name is
	// written twice (fewer creations seen only after an overflow).
	assert.LessOrEqual(t, watch.creations(), state.delivered, "outbound names written twice")

	reserved := checkArchivedOnce(t, g.inbox, crashMessages)
	if len(reserved) > 0 {
		// A known flaw of the file drop's archive move: it reserves the
		// name with an empty file, then renames the input over it; a kill
		// in between leaves the reservation. No message is lost or
		// doubled, so this fails only under PCSGATE_CRASH_STRICT=1.
		report := t.Logf
		if os.Getenv("PCSGATE_CRASH_STRICT") != "" {
			report = t.Errorf
		}
		report("%d empty files left in the archive by moves cut short (the input itself was archived under a numbered name): %s",
			len(reserved), strings.Join(reserved[:min(len(reserved), 5)], ", "))
	}
	perContainer := checkDeliveredOnce(t, g.outbox, 0, crashMessages)

	// The ledger: no dead letters, one release per container, and how
	// often a crash made the gateway see an input again.
	st, err := store.Open(context.Background(), "sqlite:"+g.db, watermill.NopLogger{})
	require.NoError(t, err)
	defer st.Close()
	dls := checkNoDeadLetters(t, st)
	releases := 0
	for off := 0; ; off += 1000 {
		page, err := st.ListReleases(context.Background(), store.ListFilter{Port: "NLRTM", Limit: 1000, Offset: off})
		require.NoError(t, err)
		releases += len(page)
		if len(page) < 1000 {
			break
		}
	}
	assert.Equal(t, crashMessages, releases, "releases in the ledger")
	resent := 0
	for i := range crashMessages {
		key := "portbase-in/" + transports.ContentHash(workloadMessage(i))
		row, err := st.Dedupe(context.Background(), store.DedupeContent, key)
		if assert.NoError(t, err, "input %s has no content key", workloadName(i)) {
			resent += int(row.Count - 1)
		}
	}

	m := metrics.totals()
	transporttest.Figure("crash safety: %s messages, %d kills (SIGKILL), %d restarts, %.1f s from first drop to stable outbox (%.1f s in all with the build)\n",
		thousands(crashMessages), kills, g.starts-1, runTime.Seconds(), time.Since(started).Seconds())
	transporttest.Figure("crash safety: inputs seen again after a crash and recognised as duplicates: %d (ledger); /metrics across lives (lower bound, the last counts before each kill are lost): content duplicates %.0f, business duplicates %.0f, events found already applied %.0f, deliveries %.0f for %s outbound files; outbound renames observed: %d\n",
		resent, m[`pcsgate_duplicates_total{kind="content"}`], m[`pcsgate_duplicates_total{kind="business"}`],
		m[`pcsgate_events_total{outcome="duplicate"}`], m[`pcsgate_messages_delivered_total{endpoint="portbase-out"}`],
		thousands(float64(state.delivered)), watch.creations())
	transporttest.Figure("crash safety: lost %d, delivered twice %d, dead letters %d, .part files left %d, empty name reservations left in the archive %d\n",
		crashMessages-len(perContainer), countOver(perContainer, 1), len(dls), state.parts, len(reserved))
}

// crashGateway runs the pcsgate binary, one process at a time.
type crashGateway struct {
	t                                   testing.TB
	bin, dir, inbox, outbox, db, config string
	addr                                string
	log                                 *os.File
	cmd                                 *exec.Cmd
	exited                              chan error
	starts                              int
	// launcher, when set, is the command pcsgate runs under (taskset -c 1,
	// say), and env is added to the test's environment.
	launcher, env []string
}

// newCrashGateway prepares one gateway on a temporary folder: pcsgate
// built, the inbox created and the outbox named at the given paths below
// the folder, the SQLite store in data/, a free monitor address and a log
// file whose last lines are logged if the test fails. The caller writes
// its configuration.
func newCrashGateway(t *testing.T, inbox, outbox string) *crashGateway {
	t.Helper()
	dir := t.TempDir()
	g := &crashGateway{
		t:      t,
		bin:    buildPcsgate(t, dir),
		dir:    dir,
		inbox:  filepath.Join(dir, inbox),
		outbox: filepath.Join(dir, outbox),
		db:     filepath.Join(dir, "data", "pcsgate.db"),
		addr:   freeAddr(t),
	}
	require.NoError(t, os.MkdirAll(g.inbox, 0o750))
	logf, err := os.Create(filepath.Join(dir, "pcsgate.log"))
	require.NoError(t, err)
	g.log = logf
	t.Cleanup(func() {
		logf.Close()
		if t.Failed() {
			t.Logf("last lines of the gateway's log:\n%s", tail(logf.Name(), 30))
		}
	})
	return g
}

// scheduleRand seeds a kill (and hang) schedule from PCSGATE_CRASH_SEED
// or the clock, and logs the seed so that a failing run can be replayed.
func scheduleRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PCSGATE_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "PCSGATE_CRASH_SEED")
	}
	t.Logf("kill schedule seed %d (PCSGATE_CRASH_SEED replays it)", seed)
	return rand.New(rand.NewPCG(seed, 0))
}

// writeConfig writes pcsgate.yaml: the SQLite store, the portbase inbox
// (settle 20 ms) and outbox (synced, the default), NLRTM routed to it.
func (g *crashGateway) writeConfig() string {
	cfg := fmt.Sprintf(`store: sqlite:%s
monitor:
  listen: %s
credential_key_file: %s
endpoints:
  - name: portbase-in
    direction: in
    transport: filedrop
    filedrop:
      dir: %s
      settle: 20ms
      poll: 250ms
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
`, g.db, g.addr, filepath.Join(g.dir, "data", "credential.key"), g.inbox, g.outbox)
	path := filepath.Join(g.dir, "pcsgate.yaml")
	require.NoError(g.t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// start starts pcsgate and waits for /healthz.
func (g *crashGateway) start() {
	g.t.Helper()
	args := append(slices.Clone(g.launcher), g.bin, "run", "--config", g.config)
	cmd := exec.Command(args[0], args[1:]...)
	if len(g.env) > 0 {
		cmd.Env = append(os.Environ(), g.env...)
	}
	cmd.Dir = g.dir
	cmd.Stdout, cmd.Stderr = g.log, g.log
	require.NoError(g.t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	g.cmd, g.exited = cmd, exited
	g.starts++
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get("http://" + g.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("pcsgate not healthy 30s after start %d: %v", g.starts, err)
		}
		select {
		case err := <-exited:
			g.t.Fatalf("pcsgate exited during start %d: %v", g.starts, err)
		case <-time.After(20 * time.Millisecond): // /healthz can only be polled
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (g *crashGateway) kill() {
	g.t.Helper()
	require.NoError(g.t, g.cmd.Process.Signal(syscall.SIGKILL))
	<-g.exited
}

// stop ends the last process with SIGTERM (SIGKILL after 20s).
func (g *crashGateway) stop() {
	g.t.Helper()
	require.NoError(g.t, g.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-g.exited:
		assert.NoError(g.t, err, "pcsgate stopped on SIGTERM")
	case <-time.After(20 * time.Second):
		_ = g.cmd.Process.Kill()
		<-g.exited
		g.t.Error("pcsgate did not stop within 20s of SIGTERM")
	}
}

// crashState is what the folders show.
type crashState struct {
	pending, archived, errored, delivered, parts int
}

func (s crashState) complete() bool { return s.completeWith(crashMessages, crashMessages) }

// completeWith reports that nothing is pending or half-written, at least
// inputs are archived or errored and outputs delivered.
func (s crashState) completeWith(inputs, outputs int) bool {
	return s.pending == 0 && s.archived+s.errored >= inputs && s.delivered >= outputs && s.parts == 0
}

func (g *crashGateway) state() crashState {
	var s crashState
	entries, _ := os.ReadDir(g.inbox)
	for _, e := range entries {
		if e.Type().IsRegular() {
			s.pending++
		}
	}
	archived, _ := filepath.Glob(filepath.Join(g.inbox, "archive", "*", "*"))
	s.archived = len(archived)
	errored, _ := filepath.Glob(filepath.Join(g.inbox, "error", "*"))
	s.errored = len(errored)
	out, _ := os.ReadDir(g.outbox)
	for _, e := range out {
		if strings.HasSuffix(e.Name(), ".part") {
			s.parts++
		} else {
			s.delivered++
		}
	}
	return s
}

// feed drops n workload messages into inbox at rate per second, each
// written as .tmp and renamed.
func feed(inbox string, n, rate int) error {
	start := time.Now()
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); wait > 0 {
			time.Sleep(wait) // pacing the offered load
		}
		if err := dropFile(inbox, workloadName(i), workloadMessage(i)); err != nil {
			return err
		}
	}
	return nil
}

// buildPcsgate builds the binary into dir.
func buildPcsgate(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "pcsgate")
	goBin, err := exec.LookPath("go") // go test puts its own go first on PATH
	require.NoError(t, err)
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/nexport/pcsgate/cmd/pcsgate")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// metricsScraper reads the gateway's counters every 100 ms and adds up
// the last reading of each process life.
type metricsScraper struct {
	url       string
	tokenFile string // the monitor token the first start writes
	mu        sync.Mutex
	life      int                // process lives closed so far
	done      map[string]float64 // lives before this one, added up
	cur       map[string]float64 // last reading of this life
	quit      chan struct{}
	ended     chan struct{}
	client    *http.Client
	once      sync.Once
}

func newMetricsScraper(url, tokenFile string) *metricsScraper {
	m := &metricsScraper{url: url, tokenFile: tokenFile, done: map[string]float64{}, cur: map[string]float64{},
		quit: make(chan struct{}), ended: make(chan struct{}), client: &http.Client{Timeout: time.Second}}
	go func() {
		defer close(m.ended)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.quit:
				return
			case <-tick.C:
				m.scrape()
			}
		}
	}()
	return m
}

// scrape reads /metrics once; a process that is down is skipped.
func (m *metricsScraper) scrape() {
	m.mu.Lock()
	life := m.life
	m.mu.Unlock()
	// The first start writes the monitor's token.
	token, err := os.ReadFile(m.tokenFile)
	if err != nil {
		return
	}
	req, err := http.NewRequest(http.MethodGet, m.url, nil)
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	res, err := m.client.Do(req)
	if err != nil {
		return
	}
	defer res.Body.Close()
	read := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "pcsgate_") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil && i > 0 {
			read[line[:i]] = v
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if life != m.life {
		return // asked of a process that has been killed since
	}
	for k, v := range read {
		m.cur[k] = v
	}
}

// newLife closes the current process life.
func (m *metricsScraper) newLife() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range m.cur {
		m.done[k] += v
	}
	m.cur = map[string]float64{}
	m.life++
}

// totals adds up every life.
func (m *metricsScraper) totals() map[string]float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]float64{}
	for k, v := range m.done {
		out[k] += v
	}
	for k, v := range m.cur {
		out[k] += v
	}
	return out
}

func (m *metricsScraper) stop() {
	m.once.Do(func() { close(m.quit) })
	<-m.ended
}

// countOver counts the keys whose value exceeds n.
func countOver(m map[string]int, n int) int {
	c := 0
	for _, v := range m {
		if v > n {
			c++
		}
	}
	return c
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// creations is how many times a final name was created, re-deliveries that
// replaced a file included (a lower bound after an overflow).
func (o *outboxWatch) creations() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.renames
}

// checkArchivedOnce asserts that workload inputs 0 to n-1, and nothing
// else, are in inbox's archive exactly once, under their own name or,
// when that name was taken, a numbered one. It returns the empty files
// found: names reserved by a move that a kill cut short.
func checkArchivedOnce(t *testing.T, inbox string, n int) (reserved []string) {
	t.Helper()
	archived, err := filepath.Glob(filepath.Join(inbox, "archive", "*", "*"))
	require.NoError(t, err)
	byContent := make(map[string]int, n)
	for i := range n {
		byContent[string(workloadMessage(i))] = i
	}
	copies := make([]int, n)
	for _, p := range archived {
		content, err := os.ReadFile(p)
		require.NoError(t, err)
		rel := strings.TrimPrefix(p, inbox+string(filepath.Separator))
		i, ok := byContent[string(content)]
		switch {
		case len(content) == 0:
			reserved = append(reserved, rel)
		case !ok:
			assert.Failf(t, "unexpected file in the archive", "%s (%d bytes)", rel, len(content))
		default:
			copies[i]++
		}
	}
	for i, c := range copies {
		if c != 1 {
			assert.Failf(t, "input not archived exactly once", "%s archived %d times", workloadName(i), c)
		}
	}
	return reserved
}

// checkDeliveredOnce asserts that outbox holds exactly one file for each
// container of workload messages from to n-1, naming it and its B/L, and
// returns the files per container.
func checkDeliveredOnce(t *testing.T, outbox string, from, n int) map[string]int {
	t.Helper()
	entries, err := os.ReadDir(outbox)
	require.NoError(t, err)
	perContainer := map[string]int{}
	for _, e := range entries {
		content, err := os.ReadFile(filepath.Join(outbox, e.Name()))
		require.NoError(t, err)
		cs := containersOf(content)
		if !assert.Len(t, cs, 1, "%s names one container", e.Name()) {
			continue
		}
		perContainer[cs[0]]++
		i, err := strconv.Atoi(cs[0][4:10])
		require.NoError(t, err)
		if !strings.Contains(string(content), "RFF+BM:"+workloadBL(i)+"'") {
			assert.Failf(t, "outbound file lacks its B/L", "%s names %s but not B/L %s", e.Name(), cs[0], workloadBL(i))
		}
	}
	for i := from; i < n; i++ {
		if c := perContainer[workloadContainer(i)]; c != 1 {
			assert.Failf(t, "container not delivered exactly once", "%s (input %s) has %d outbound files", workloadContainer(i), workloadName(i), c)
		}
	}
	assert.Len(t, perContainer, n-from, "containers delivered")
	return perContainer
}

// checkNoDeadLetters asserts that the store holds no dead letter, logging
// the first ones, and returns them.
func checkNoDeadLetters(t *testing.T, st *store.Store) []store.DeadLetter {
	t.Helper()
	dls, err := st.DeadLetters(context.Background(), store.DeadLetterFilter{Limit: 10})
	require.NoError(t, err)
	for _, d := range dls {
		t.Logf("dead letter %s at %s: %s", d.ID, d.Stage, d.Reason)
	}
	assert.Empty(t, dls, "dead letters")
	return dls
}
