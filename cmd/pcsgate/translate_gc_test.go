package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// gcSettings returns GOGC and the memory limit in force.
func gcSettings() (int, int64) {
	pct := debug.SetGCPercent(100)
	debug.SetGCPercent(pct)
	return pct, debug.SetMemoryLimit(-1)
}

// Translate collects at its memory limit while the live heap is small,
// and goes back to GOGC 200 without a limit once it is not.
func TestTranslateCollectsAtTheLimitWhileTheLiveHeapIsSmall(t *testing.T) {
	pct, limit := gcSettings()
	defer func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}()
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	lessGC()
	p, l := gcSettings()
	assert.Equal(t, -1, p)
	assert.Equal(t, int64(translateMemoryLimit), l)
	runtime.GC()
	assert.NotZero(t, liveHeap())

	assert.True(t, keepLimit(translateLiftAt))
	p, l = gcSettings()
	assert.Equal(t, -1, p)
	assert.Equal(t, int64(translateMemoryLimit), l)

	assert.False(t, keepLimit(translateLiftAt+1))
	p, l = gcSettings()
	assert.Equal(t, translateGCPercent, p)
	assert.Equal(t, int64(math.MaxInt64), l)

	// GOGC in the environment is left alone.
	debug.SetGCPercent(100)
	t.Setenv("GOGC", "100")
	lessGC()
	p, l = gcSettings()
	assert.Equal(t, 100, p)
	assert.Equal(t, int64(math.MaxInt64), l)
}
