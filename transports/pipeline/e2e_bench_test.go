package pipeline_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store/storetest"
)

// End-to-end benchmarks of make bench: the gateway runs in process with the
// embedded default configuration on temporary folders (settle 1 ms,
// outbound files synced to disk as by default); COREORs for NLRTM are
// dropped into inbox/portbase (written as .tmp, then renamed) and come out
// in outbox/portbase and in every other outbox a default route sends NLRTM
// events to (the partner status feed, when this build has its profile).
// Each store runs as a sub-benchmark: sqlite always, postgres when
// PCSGATE_TEST_POSTGRES names a database (a fresh schema per run, dropped
// afterwards). Delivered files are left in place: on ext4 without a
// journal, creating a file scans past the inodes deleted in the last
// minutes, so deleting them would slow down this run and the next ones.

// benchRoot holds the folders of every end-to-end benchmark of the process,
// in PCSGATE_BENCH_DIR (make bench: bin/bench in the checkout, beside
// make run's data folder) or else the system's temporary folder. TestMain
// removes a temporary one once all have run; make bench removes its own
// after its last benchmark, as the file drop's throughput and latency run
// in two processes and the second would create its files right after the
// first deleted thousands. Removing each benchmark's folder as it ends
// would slow down the next benchmarks' file creation (see above), and
// creating files in a temporary folder shared with the compiler's churn is
// slower than beside the checkout.
var benchRoot struct {
	once sync.Once
	dir  string
	err  error
}

// benchDir returns a new folder under benchRoot.
func benchDir(b *testing.B) string {
	b.Helper()
	benchRoot.once.Do(func() {
		parent := os.Getenv("PCSGATE_BENCH_DIR")
		if parent != "" {
			if err := os.MkdirAll(parent, 0o750); err != nil {
				benchRoot.err = err
				return
			}
		}
		benchRoot.dir, benchRoot.err = os.MkdirTemp(parent, "pcsgate-bench-")
	})
	require.NoError(b, benchRoot.err)
	dir, err := os.MkdirTemp(benchRoot.dir, "run-")
	require.NoError(b, err)
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchRoot.dir != "" && os.Getenv("PCSGATE_BENCH_DIR") == "" {
		_ = os.RemoveAll(benchRoot.dir)
	}
	os.Exit(code)
}

// benchRegistry compiles the embedded mappings once per process.
var benchRegistry = sync.OnceValues(mappings.Default)

// benchWarmup messages go through before the measurement: they create the
// topics' tables and warm the caches.
const benchWarmup = 20

// e2eStore is one store the benchmarks run on.
type e2eStore struct {
	name string
	// dsn returns the store address for one run ("" keeps the default
	// SQLite file in the run's folder), or skips.
	dsn func(b *testing.B) string
	// latency are the paced runs of BenchmarkFileDropLatency on this
	// store: the load of its target first, then a light load that shows
	// the latency of a message that does not queue behind others.
	latency []latencyRun
}

// latencyRun is one paced run of BenchmarkFileDropLatency.
type latencyRun struct {
	rate    int // messages per second offered
	seconds int
}

// e2eStores are the stores of the end-to-end benchmarks; the first latency
// run of each is the offered load of make bench's p99 target for it
// (1,000 msg/s on SQLite, 500 msg/s on PostgreSQL).
var e2eStores = []e2eStore{
	{"sqlite", func(*testing.B) string { return "" }, []latencyRun{{1000, 4}, {50, 4}}},
	{"postgres", postgresSchemaDSN, []latencyRun{{500, 4}, {50, 4}}},
}

// postgresSchemaDSN creates a schema for one run, dropped when it ends, and
// returns an address whose search_path points at it.
func postgresSchemaDSN(b *testing.B) string {
	return storetest.PostgresDSN(b)
}

// e2eGateway is a gateway running in process on a temporary folder.
type e2eGateway struct {
	dir     string
	inbox   string
	portout *outboxWatch   // outbox/portbase
	outs    []*outboxWatch // every outbox NLRTM events are routed to, portout first
	stop    func()
}

// waitAll returns once n files have appeared in every routed outbox.
func (e *e2eGateway) waitAll(n int, timeout time.Duration) error {
	for _, o := range e.outs {
		if err := o.waitFor(n, timeout); err != nil {
			return err
		}
	}
	return nil
}

// startE2E starts the default gateway on a new folder, with the store at
// dsn ("" for the default SQLite file), and watches its two outboxes.
func startE2E(b *testing.B, dsn string) *e2eGateway {
	b.Helper()
	// As pcsgate run does.
	prev := runtime.GOMAXPROCS(pipeline.Procs())
	b.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	b.Cleanup(pipeline.LessGC())
	reg, err := benchRegistry()
	require.NoError(b, err)
	dir := benchDir(b)
	cfg := pipeline.DefaultConfig(dir, func(p string) bool {
		pr, err := reg.Profile(p)
		return err == nil && pr.CanEncode()
	})
	if dsn != "" {
		cfg.Store = dsn
	}
	// PCSGATE_BENCH_PARTITIONS compares partition counts on PostgreSQL.
	if n, err := strconv.Atoi(os.Getenv("PCSGATE_BENCH_PARTITIONS")); err == nil {
		cfg.Postgres.Partitions = n
	}
	for i := range cfg.Endpoints {
		if f := cfg.Endpoints[i].Filedrop; f != nil {
			f.Settle = time.Millisecond
		}
	}
	// The COREORs dropped in Portbase's inbox go out to Portbase and the
	// partner, two files per message as the figures were always taken.
	for i := range cfg.Routes {
		cfg.Routes[i].ToSource = true
	}
	gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.RunRouter(ctx) }()
	select {
	case <-gw.Running():
	case err := <-done:
		b.Fatalf("router stopped: %v", err)
	case <-time.After(30 * time.Second):
		b.Fatal("router did not start within 30s")
	}
	e := &e2eGateway{dir: dir, inbox: filepath.Join(dir, "inbox", "portbase")}
	for _, out := range routedOutboxes(cfg, "NLRTM") {
		o, err := watchOutbox(out)
		require.NoError(b, err)
		e.outs = append(e.outs, o)
	}
	require.NotEmpty(b, e.outs, "no route for NLRTM")
	e.portout = e.outs[0]
	require.Equal(b, filepath.Join(dir, "outbox", "portbase"), e.portout.dir, "NLRTM goes to outbox/portbase first")
	e.stop = func() {
		for _, o := range e.outs {
			o.close()
		}
		cancel()
		require.NoError(b, <-done)
		require.NoError(b, gw.Close())
	}
	return e
}

// routedOutboxes returns the folders of the outbound file drops that the
// routes of cfg send events of port to, in route order.
func routedOutboxes(cfg *pipeline.Config, port string) []string {
	var dirs []string
	for _, r := range cfg.Routes {
		if len(r.Match.Ports) > 0 && !slices.Contains(r.Match.Ports, port) {
			continue
		}
		for _, ep := range cfg.Endpoints {
			if ep.Name == r.Endpoint && ep.FiledropOut != nil && !slices.Contains(dirs, ep.FiledropOut.Dir) {
				dirs = append(dirs, ep.FiledropOut.Dir)
			}
		}
	}
	return dirs
}

// warm sends the warm-up messages (numbered from first) through and waits
// for them in both outboxes.
func (e *e2eGateway) warm(b *testing.B, first int) {
	b.Helper()
	for i := first; i < first+benchWarmup; i++ {
		require.NoError(b, dropFile(e.inbox, workloadName(i), workloadMessage(i)))
	}
	require.NoError(b, e.waitAll(benchWarmup, time.Minute))
}

// BenchmarkFileDropThroughput drops b.N COREORs into the inbox as fast as
// one goroutine can write them and measures from the first drop to the
// last outbound file (in every routed outbox): msgs/s, and CPU time of the whole
// process (gateway, dropper and watcher) per message.
func BenchmarkFileDropThroughput(b *testing.B) {
	for _, st := range e2eStores {
		b.Run(st.name, func(b *testing.B) {
			e := startE2E(b, st.dsn(b))
			defer e.stop()
			e.warm(b, 0)
			n := b.N
			msgs := make([][]byte, n)
			for i := range n {
				msgs[i] = workloadMessage(benchWarmup + i)
			}
			b.ReportAllocs()
			cpu0, allocs0 := cpuTime(), mallocs()
			b.ResetTimer()
			start := time.Now()
			for i, m := range msgs {
				if err := dropFile(e.inbox, workloadName(benchWarmup+i), m); err != nil {
					b.Fatal(err)
				}
			}
			dropped := time.Since(start)
			timeout := time.Minute + time.Duration(n)*10*time.Millisecond
			require.NoError(b, e.waitAll(benchWarmup+n, timeout))
			elapsed := time.Since(start)
			b.StopTimer()
			cpu := cpuTime() - cpu0
			rate := float64(n) / elapsed.Seconds()
			cpuPerMsg := cpu.Seconds() * 1000 / float64(n)
			b.ReportMetric(rate, "msgs/s")
			b.ReportMetric(cpuPerMsg, "cpu-ms/msg")
			b.ReportMetric(float64(mallocs()-allocs0)/float64(n), "allocs/msg")
			if finalRun(b, elapsed) {
				fmt.Printf("file drop -> file out, %s: %s msg/s (%s messages to %d outboxes in %.2f s, dropped in %.2f s; %.2f ms CPU per message, %.0f msgs per CPU-second)\n",
					st.name, thousands(rate), thousands(float64(n)), len(e.outs), elapsed.Seconds(), dropped.Seconds(), cpuPerMsg, 1000/cpuPerMsg)
			}
		})
	}
}

// BenchmarkFileDropLatency offers COREORs at a steady rate and measures
// each message's latency from its rename into the inbox to its outbound
// file's rename into outbox/portbase; reports p50, p99 and max in ms. A
// run is of fixed size whatever b.N (a paced run cannot be shortened):
// run it with -benchtime 1x, or the framework runs it twice.
func BenchmarkFileDropLatency(b *testing.B) {
	for _, st := range e2eStores {
		for _, run := range st.latency {
			b.Run(fmt.Sprintf("%s/%dmsgs", st.name, run.rate), func(b *testing.B) {
				benchLatency(b, st.name, st.dsn(b), run.rate, run.rate*run.seconds)
			})
		}
	}
}

func benchLatency(b *testing.B, storeName, dsn string, rate, n int) {
	e := startE2E(b, dsn)
	defer e.stop()
	e.warm(b, 0)
	msgs := make([][]byte, n)
	for i := range n {
		msgs[i] = workloadMessage(benchWarmup + i)
	}
	droppedAt := make([]time.Time, n)
	b.ReportAllocs()
	cpu0, allocs0 := cpuTime(), mallocs()
	b.ResetTimer()
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i, m := range msgs {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait) // pacing the offered load, not synchronisation
		}
		if err := dropFile(e.inbox, workloadName(benchWarmup+i), m); err != nil {
			b.Fatal(err)
		}
		droppedAt[i] = time.Now()
	}
	offered := float64(n) / time.Since(start).Seconds()
	require.NoError(b, e.waitAll(benchWarmup+n, 2*time.Minute+time.Duration(n)*10*time.Millisecond))
	b.StopTimer()
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(mallocs()-allocs0)/float64(n), "allocs/msg")

	lat := latencies(b, e, droppedAt)
	p50, p99, worst := percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(ms(worst), "max-ms")
	b.ReportMetric(offered, "offered-msgs/s")
	fmt.Printf("p50 latency at %d msg/s offered, %s: %s ms\n", rate, storeName, thousands(ms(p50)))
	fmt.Printf("p99 latency at %d msg/s offered, %s: %s ms (max %s ms; %s messages offered at %.0f msg/s; %.2f ms CPU per message)\n",
		rate, storeName, thousands(ms(p99)), thousands(ms(worst)), thousands(float64(n)), offered, cpu.Seconds()*1000/float64(n))
}

// latencies pairs each measured message's drop time with the appearance of
// its outbound file in outbox/portbase (found by the container the file
// names) and returns the latencies in ascending order.
func latencies(b *testing.B, e *e2eGateway, droppedAt []time.Time) []time.Duration {
	appeared, lost := e.portout.times()
	if lost {
		b.Log("notification queue overflowed: some appearance times are listing times")
	}
	byContainer := make(map[string]time.Time, len(appeared))
	for name, at := range appeared {
		content, err := os.ReadFile(filepath.Join(e.portout.dir, name))
		require.NoError(b, err)
		for _, c := range containersOf(content) {
			byContainer[c] = at
		}
	}
	out := make([]time.Duration, 0, len(droppedAt))
	for i, d := range droppedAt {
		at, ok := byContainer[workloadContainer(benchWarmup+i)]
		require.True(b, ok, "no outbound file names container %s", workloadContainer(benchWarmup+i))
		out = append(out, at.Sub(d))
	}
	slices.Sort(out)
	return out
}

// percentile returns the p-th percentile (nearest rank) of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// finalRun reports whether this run of a b.N-sized benchmark is the one
// the framework keeps: it stops at the first run whose timed part lasts
// -benchtime, or at the run of exactly -benchtime=Nx iterations.
func finalRun(b *testing.B, elapsed time.Duration) bool {
	bt := "1s"
	if f := flag.Lookup("test.benchtime"); f != nil {
		bt = f.Value.String()
	}
	if n, ok := strings.CutSuffix(bt, "x"); ok {
		want, err := strconv.Atoi(n)
		return err != nil || b.N >= want
	}
	d, err := time.ParseDuration(bt)
	return err != nil || elapsed >= d
}

// thousands formats v rounded, with a comma between groups of three digits.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// mallocs is the number of heap allocations of this process so far
// (gateway, dropper and watcher alike).
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
