package pipeline_test

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports/pipeline"
)

// pcsgate run takes one processor more than the CPUs, unless GOMAXPROCS
// says otherwise.
func TestProcs(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	assert.Equal(t, pipeline.DefaultProcsForTest+1, pipeline.Procs())
	t.Setenv("GOMAXPROCS", "7")
	prev := runtime.GOMAXPROCS(7)
	defer runtime.GOMAXPROCS(prev)
	assert.Equal(t, 7, pipeline.Procs())
}

// pcsgate run lets the heap grow to five times what is live, with a soft
// limit, unless GOGC or GOMEMLIMIT say otherwise; restore puts the
// previous settings back.
func TestLessGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, beforeLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	restore := pipeline.LessGC()
	assert.Equal(t, 400, debug.SetGCPercent(-1), "GOGC of run")
	debug.SetGCPercent(400)
	assert.Equal(t, int64(512<<20), debug.SetMemoryLimit(-1))
	restore()
	assert.Equal(t, 100, debug.SetGCPercent(before), "put back")
	assert.Equal(t, beforeLimit, debug.SetMemoryLimit(beforeLimit))

	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	restore = pipeline.LessGC()
	assert.Equal(t, 150, debug.SetGCPercent(-1), "GOGC wins")
	debug.SetGCPercent(150)
	restore()
	debug.SetGCPercent(before)
}
