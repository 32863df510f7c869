package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Translate's live heap is small (the profiles and the messages in
// flight) and its garbage large (every message's values and events), so
// it collects less often than Go's default: not by a GOGC percentage of
// the live heap, which leaves little room above a small one, but once the
// heap reaches translateMemoryLimit. Should the live heap grow beyond a
// third of that (large documents read whole), collecting at the limit
// would run the collector all the time; translate then goes back to a
// heap of three times the live heap (GOGC 200), no limit.
const (
	translateMemoryLimit = 36 << 20
	translateLiftAt      = translateMemoryLimit / 3
	translateGCPercent   = 200
)

// lessGC sets translate's collection, unless GOGC says otherwise; with
// GOMEMLIMIT set, only GOGC 200.
func lessGC() {
	switch {
	case os.Getenv("GOGC") != "":
	case os.Getenv("GOMEMLIMIT") != "":
		debug.SetGCPercent(translateGCPercent)
	default:
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(translateMemoryLimit)
		watchLiveHeap()
	}
}

// gcMark is an object made only to be collected: its finalizer runs after
// the collection that found it unreachable.
type gcMark struct{ _ *byte }

// watchLiveHeap checks the live heap after every collection (from the
// finalizer of a new gcMark each time) until keepLimit says to lift the
// limit.
func watchLiveHeap() {
	runtime.SetFinalizer(new(gcMark), func(*gcMark) {
		if keepLimit(liveHeap()) {
			watchLiveHeap()
		}
	})
}

// keepLimit reports whether a live heap of live bytes leaves collecting
// at the limit worthwhile; if not, it sets GOGC 200 and lifts the limit.
func keepLimit(live uint64) bool {
	if live <= translateLiftAt {
		return true
	}
	debug.SetGCPercent(translateGCPercent)
	debug.SetMemoryLimit(math.MaxInt64)
	return false
}

// liveSample is read by the finalizers, which run one at a time.
var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	metrics.Read(liveSample)
	return liveSample[0].Value.Uint64()
}
