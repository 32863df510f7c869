package pipeline

import (
	"os"
	"runtime"
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
