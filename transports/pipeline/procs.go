package pipeline

import (
	"os"
	"runtime"
	"runtime/debug"
)

// defaultProcs is the Go runtime's own GOMAXPROCS, taken before anyone
// changes it: the CPUs the process may use.
var defaultProcs = runtime.GOMAXPROCS(0)

// Procs is the GOMAXPROCS pcsgate run sets: one more than the CPUs the
// process may use, unless GOMAXPROCS is set in the environment. The
// gateway's file-system calls block their thread, which keeps its processor
// until the runtime hands it on; the extra processor runs ready work
// meanwhile.
func Procs() int {
	if os.Getenv("GOMAXPROCS") != "" {
		return runtime.GOMAXPROCS(0)
	}
	return defaultProcs + 1
}

// GC settings of pcsgate run: the heap may grow to five times what is
// live before a collection (GOGC 400, not 100), as the gateway's live heap
// is small (profiles, messages in flight) and its garbage large (every
// message's values, events and rendered files); a soft limit collects
// sooner once the process nears runGCLimit.
const (
	runGCPercent = 400
	runGCLimit   = 512 << 20
)

// LessGC sets pcsgate run's GC settings, each unless GOGC or GOMEMLIMIT
// says otherwise, and returns a function that puts the previous ones
// back.
func LessGC() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(runGCPercent)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(runGCLimit)
		undo = append(undo, func() { debug.SetMemoryLimit(prev) })
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}
