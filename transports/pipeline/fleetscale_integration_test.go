//go:build integration

package pipeline_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store/storetest"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// Fleet scaling: N pcsgate processes on one fresh PostgreSQL schema, each
// fed COREORs through its own webhook by fleetScalePosters concurrent
// senders, all routed to one file-drop outbox. The rate runs from the
// first POST after the warm-up to the last outbound file seen; CPU time is
// read from /proc for the instances, the PostgreSQL processes serving them
// and this process (the senders and the outbox watch).
//
// PCSGATE_BENCH_PIN=1 runs instance i with GOMAXPROCS=1 under taskset on
// CPU i mod NumCPU, so that 1 against 2 instances resembles one core per
// machine. PCSGATE_BENCH_PARTITIONS=N adds the same runs with
// "partitions: N" in each instance's postgres section.
const (
	fleetScaleMessages = 3000 // per b.N, after the warm-up
	fleetScaleWarmup   = 100
	fleetScalePosters  = 8 // concurrent webhook senders per instance
	fleetScaleMaxN     = 3
	// fleetScaleApp is the application_name of the instances' sessions,
	// which singles out their backends in pg_stat_activity.
	fleetScaleApp = "pcsgate-fleet-bench"
	// fleetScaleSample is the period of the pg_stat_activity sampling.
	fleetScaleSample = 50 * time.Millisecond
)

func BenchmarkFleetScaling(b *testing.B) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		b.Skip("set " + storetest.EnvPostgres + "=postgres://... to measure a fleet on PostgreSQL")
	}
	pinned := os.Getenv("PCSGATE_BENCH_PIN") == "1"
	partitions := []int{0}
	if s := os.Getenv("PCSGATE_BENCH_PARTITIONS"); s != "" {
		p, err := strconv.Atoi(s)
		require.NoError(b, err, "PCSGATE_BENCH_PARTITIONS")
		partitions = append(partitions, p)
	}
	for _, parts := range partitions {
		var one float64 // the 1-instance rate with these partitions
		for n := 1; n <= fleetScaleMaxN; n++ {
			b.Run(fleetScaleName(n, parts), func(b *testing.B) {
				res := runFleetScale(b, n, parts, pinned)
				if n == 1 {
					one = res.rate()
				}
				res.report(b, one, pinned)
			})
		}
	}
}

// fleetScaleName is "1-instance", "2-instances", "2-instances-4-partitions".
func fleetScaleName(n, partitions int) string {
	name := fmt.Sprintf("%d-instances", n)
	if n == 1 {
		name = "1-instance"
	}
	if partitions > 0 {
		name += fmt.Sprintf("-%d-partitions", partitions)
	}
	return name
}

// runFleetScale starts n instances on a fresh schema, warms them up, then
// POSTs b.N batches of fleetScaleMessages and waits for their files.
func runFleetScale(b *testing.B, n, partitions int, pinned bool) *fleetScaleResult {
	dsn := storetest.PostgresDSN(b) + "&application_name=" + fleetScaleApp
	r := newFleetRig(b, n, dsn, 10*time.Second, partitions)
	if pinned {
		for i, g := range r.members {
			g.launcher = []string{"taskset", "-c", strconv.Itoa(i % runtime.NumCPU())}
			g.env = []string{"GOMAXPROCS=1"}
		}
	}
	watch, err := watchOutbox(r.outbox)
	require.NoError(b, err)
	defer watch.close()
	r.startAll()
	defer r.stopAll()

	total := fleetScaleWarmup + b.N*fleetScaleMessages
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: fleetScalePosters}}
	defer client.CloseIdleConnections()
	f := &feeder{rig: r, n: total, posts: n * fleetScalePosters, client: client,
		hook: func(i int) string { return r.hooks[i%n] }, offered: make([]time.Time, total)}
	require.NoError(b, f.postRange(0, fleetScaleWarmup), "warm-up")
	require.NoError(b, watch.waitFor(fleetScaleWarmup, time.Minute), "warm-up")

	probe := startFleetProbe(b, r)
	b.ResetTimer()
	start := time.Now()
	require.NoError(b, f.postRange(fleetScaleWarmup, total))
	require.NoError(b, watch.waitFor(total, 5*time.Minute))
	b.StopTimer()
	res := probe.finish()
	require.NoError(b, r.exited())
	seen, _ := watch.times()
	last := start
	for _, at := range seen {
		if at.After(last) {
			last = at
		}
	}
	res.n, res.partitions, res.msgs, res.wall, res.retries = n, partitions, total-fleetScaleWarmup, last.Sub(start), f.retries
	return res
}

// fleetScaleResult is what one run measured.
type fleetScaleResult struct {
	n, partitions, msgs, retries int
	opened                       int           // the instances' backends started during the run
	wall                         time.Duration // first POST to last outbound file
	probed                       time.Duration // the CPU readings' span
	members                      []procTimes
	pg                           procTimes     // cpu -1: PostgreSQL's processes could not be read
	feeder                       time.Duration // this process
	busy                         float64       // cores busy machine-wide
	cores                        int
	waits                        []sessionShare
}

func (res *fleetScaleResult) rate() float64 { return float64(res.msgs) / res.wall.Seconds() }

// perMsg is d per message in milliseconds.
func (res *fleetScaleResult) perMsg(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond) / float64(res.msgs)
}

// report sets the benchmark's metrics and prints the summary line and the
// line on where the time went; one is the 1-instance rate (0: not run).
func (res *fleetScaleResult) report(b *testing.B, one float64, pinned bool) {
	var cpu time.Duration
	for _, t := range res.members {
		cpu += t.cpu
	}
	b.ReportMetric(res.rate(), "msgs/s")
	b.ReportMetric(res.perMsg(cpu), "cpu-ms/msg")
	if res.pg.cpu >= 0 {
		b.ReportMetric(res.perMsg(res.pg.cpu), "pg-cpu-ms/msg")
	}
	store := "postgres"
	if res.partitions > 0 {
		store += fmt.Sprintf(", %d partitions", res.partitions)
	}
	ratio := "no 1-instance run to compare"
	if one > 0 {
		ratio = fmt.Sprintf("%.2fx of 1 instance", res.rate()/one)
	}
	instances := strings.ReplaceAll(fleetScaleName(res.n, 0), "-", " ")
	transporttest.Figure("fleet scaling, %s: %s %s msg/s = %s (pinned: %s; %.2f ms CPU per message)\n",
		store, instances, thousands(res.rate()), ratio, map[bool]string{true: "yes", false: "no"}[pinned], res.perMsg(cpu))
	transporttest.Figure("fleet scaling, %s: %s: %s\n", store, instances, res.where())
}

// where says where the time went: CPU per message and cores busy per
// process, the kernel's share of that CPU, how long their threads were
// runnable but waiting for a CPU (in threads, on average), and the mean
// number of the instances' sessions in each state.
func (res *fleetScaleResult) where() string {
	secs := res.probed.Seconds()
	var busy, queued []string
	var all procTimes
	for _, t := range res.members {
		busy = append(busy, fmt.Sprintf("%.2f", t.cpu.Seconds()/secs))
		queued = append(queued, fmt.Sprintf("%.2f", t.queued.Seconds()/secs))
		all.cpu += t.cpu
		all.sys += t.sys
	}
	pg := "PostgreSQL not readable"
	if res.pg.cpu >= 0 {
		pg = fmt.Sprintf("PostgreSQL %.2f ms/msg (%.0f%% in the kernel), %.2f cores, waiting for a CPU %.2f", res.perMsg(res.pg.cpu),
			percent(res.pg.sys, res.pg.cpu), res.pg.cpu.Seconds()/secs, res.pg.queued.Seconds()/secs)
	}
	var sessions []string
	for _, s := range res.waits {
		sessions = append(sessions, fmt.Sprintf("%s %.2f", s.state, s.mean))
	}
	return fmt.Sprintf("cores busy per instance %s (%.0f%% in the kernel), waiting for a CPU %s; %s; feeder %.2f ms/msg, %.2f cores; machine %.2f of %d cores busy; "+
		"sessions by state (mean over %s samples): %s; sessions opened during the run %d; POSTs retried %d",
		strings.Join(busy, " + "), percent(all.sys, all.cpu), strings.Join(queued, " + "), pg, res.perMsg(res.feeder), res.feeder.Seconds()/secs, res.busy, res.cores,
		fleetScaleSample, strings.Join(sessions, ", "), res.opened, res.retries)
}

// percent is part of whole in percent, 0 for nothing.
func percent(part, whole time.Duration) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// fleetProbe reads the CPU time of the instances, of PostgreSQL's
// processes serving them and of this process at the start and the end of
// a run, and samples the instances' sessions in between.
type fleetProbe struct {
	b       *testing.B
	db      *sql.DB
	pids    []int
	members []procTimes
	pg      map[int]procTimes // by PostgreSQL process
	self    time.Duration
	machine [2]uint64 // busy and all ticks of /proc/stat
	started time.Time
	sampler *sessionSampler
}

func startFleetProbe(b *testing.B, r *fleetRig) *fleetProbe {
	db, err := sql.Open("pgx", os.Getenv(storetest.EnvPostgres))
	require.NoError(b, err)
	b.Cleanup(func() { _ = db.Close() })
	p := &fleetProbe{b: b, db: db}
	for _, g := range r.members {
		p.pids = append(p.pids, g.cmd.Process.Pid)
	}
	p.members, p.pg, p.self, p.machine = p.read()
	p.started = time.Now()
	p.sampler = sampleSessions(db)
	return p
}

// read takes the CPU readings; pg is nil when PostgreSQL's processes are
// not on this machine or not readable.
func (p *fleetProbe) read() (members []procTimes, pg map[int]procTimes, self time.Duration, machine [2]uint64) {
	for _, pid := range p.pids {
		t, err := readProcTimes(pid)
		require.NoError(p.b, err)
		members = append(members, t)
	}
	pg = p.postgresCPU()
	machine, _ = machineTicks()
	return members, pg, cpuTime(), machine
}

// postgresCPU reads the CPU time of the instances' backends and of the
// server's own processes (WAL writer, checkpointer and the like).
func (p *fleetProbe) postgresCPU() map[int]procTimes {
	rows, err := p.db.Query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR backend_type <> 'client backend'`, fleetScaleApp)
	require.NoError(p.b, err)
	defer rows.Close()
	out := map[int]procTimes{}
	for rows.Next() {
		var pid int
		require.NoError(p.b, rows.Scan(&pid))
		if t, err := readProcTimes(pid); err == nil {
			out[pid] = t
		}
	}
	require.NoError(p.b, rows.Err())
	if len(out) == 0 {
		return nil
	}
	return out
}

// finish takes the second readings and returns the differences.
func (p *fleetProbe) finish() *fleetScaleResult {
	waits, sampled := p.sampler.stop()
	members, pg, self, machine := p.read()
	res := &fleetScaleResult{probed: time.Since(p.started), feeder: self - p.self, waits: waits, pg: procTimes{cpu: -1}, cores: runtime.NumCPU()}
	for i, t := range members {
		res.members = append(res.members, t.sub(p.members[i]))
	}
	if pg != nil && p.pg != nil {
		res.pg = procTimes{}
		for pid, t := range sampled {
			if _, ok := pg[pid]; !ok {
				pg[pid] = t // closed during the run: its last reading
			}
			if _, ok := p.pg[pid]; !ok {
				res.opened++
			}
		}
		for pid, t := range pg {
			d := t.sub(p.pg[pid]) // a backend opened during the run counts whole
			res.pg.cpu += d.cpu
			res.pg.sys += d.sys
			res.pg.queued += d.queued
		}
	}
	if all := machine[1] - p.machine[1]; all > 0 {
		res.busy = float64(res.cores) * float64(machine[0]-p.machine[0]) / float64(all)
	}
	return res
}

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// procTimes are a process's CPU time, the part of it in the kernel, and
// the time its threads were runnable but waiting for a CPU.
type procTimes struct{ cpu, sys, queued time.Duration }

func (t procTimes) sub(u procTimes) procTimes {
	return procTimes{t.cpu - u.cpu, t.sys - u.sys, t.queued - u.queued}
}

// readProcTimes reads the times of process pid from /proc; the wait for
// a CPU is the sum over its threads now (zero where the kernel keeps no
// scheduler statistics).
func readProcTimes(pid int) (procTimes, error) {
	cpu, sys, err := procCPU(pid)
	if err != nil {
		return procTimes{}, err
	}
	t := procTimes{cpu: cpu, sys: sys}
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // a thread that ended meanwhile
		}
		// on the CPU, waiting on a run queue (both in ns), time slices
		if f := strings.Fields(string(b)); len(f) >= 2 {
			ns, _ := strconv.ParseInt(f[1], 10, 64)
			t.queued += time.Duration(ns)
		}
	}
	return t, nil
}

// procCPU is the user+system CPU time of process pid from /proc, and the
// system part of it.
func procCPU(pid int) (cpu, sys time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name is in parentheses and may hold spaces; utime and
	// stime are the 12th and 13th fields after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := cmp.Or(err1, err2); err != nil {
		return 0, 0, err
	}
	return time.Duration(utime+stime) * clockTick, time.Duration(stime) * clockTick, nil
}

// machineTicks reads the busy and all ticks of every CPU from /proc/stat
// (busy: neither idle nor waiting for I/O).
func machineTicks() ([2]uint64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return [2]uint64{}, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	var all, idle uint64
	for k, field := range strings.Fields(line)[1:] {
		v, err := strconv.ParseUint(field, 10, 64)
		if err != nil {
			return [2]uint64{}, err
		}
		all += v
		if k == 3 || k == 4 { // idle, iowait
			idle += v
		}
	}
	return [2]uint64{all - idle, all}, nil
}

// sessionShare is the mean number of the instances' sessions in one state.
type sessionShare struct {
	state string
	mean  float64
}

// sessionSampler counts the states of the instances' sessions in
// pg_stat_activity every fleetScaleSample, and keeps the last CPU reading
// of each of their backends, so that one closed during the run counts too.
type sessionSampler struct {
	db      *sql.DB
	mu      sync.Mutex
	counts  map[string]int    // guarded by mu
	samples int               // guarded by mu
	cpu     map[int]procTimes // by backend; guarded by mu
	quit    chan struct{}
	done    chan struct{}
}

func sampleSessions(db *sql.DB) *sessionSampler {
	s := &sessionSampler{db: db, counts: map[string]int{}, cpu: map[int]procTimes{},
		quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(fleetScaleSample)
		defer tick.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-tick.C:
				s.sample()
			}
		}
	}()
	return s
}

// sample counts the sessions once by state and wait event ("active on
// CPU" when active without one) and reads their backends' CPU time; a
// failed query is no sample.
func (s *sessionSampler) sample() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT pid, coalesce(state, ''), coalesce(wait_event_type || ':' || wait_event, 'on CPU')
		FROM pg_stat_activity WHERE application_name = $1`, fleetScaleApp)
	if err != nil {
		return
	}
	defer rows.Close()
	seen := map[string]int{}
	cpu := map[int]procTimes{}
	for rows.Next() {
		var pid int
		var state, wait string
		if rows.Scan(&pid, &state, &wait) != nil {
			return
		}
		seen[state+" "+wait]++
		if t, err := readProcTimes(pid); err == nil {
			cpu[pid] = t
		}
	}
	if rows.Err() != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples++
	for k, v := range seen {
		s.counts[k] += v
	}
	for pid, t := range cpu {
		s.cpu[pid] = t
	}
}

// stop ends the sampling and returns the states by mean, largest first,
// the ones below 0.01 left out, and the last CPU reading of every backend
// seen.
func (s *sessionSampler) stop() ([]sessionShare, map[int]procTimes) {
	close(s.quit)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sessionShare
	for k, v := range s.counts {
		if mean := float64(v) / float64(max(s.samples, 1)); mean >= 0.01 {
			out = append(out, sessionShare{k, mean})
		}
	}
	slices.SortFunc(out, func(a, b sessionShare) int { return cmp.Compare(b.mean, a.mean) })
	return out, s.cpu
}
