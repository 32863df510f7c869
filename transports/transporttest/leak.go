package transporttest

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// checkNoLeak runs use as a subtest (so its cleanups have run when it
// returns) and then waits until every goroutine started since is gone. It
// fails listing the goroutines that stayed.
func checkNoLeak(t *testing.T, timeout time.Duration, use func(t *testing.T)) {
	t.Helper()
	before := goroutines()
	if !t.Run("use", use) {
		return
	}
	// Polled in this goroutine: a goroutine started for it would count as new.
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var leaked []string
		for id, stack := range goroutines() {
			if _, old := before[id]; !old && !ignorable(stack) {
				leaked = append(leaked, stack)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutine(s) outlived the transport:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
			return
		}
		<-tick.C // goroutine exits cannot be waited on, only polled
	}
}

// goroutines returns the stack of every goroutine, keyed by its id line
// ("goroutine 12").
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		stack := string(g)
		head, _, _ := strings.Cut(stack, " [")
		out[head] = stack
	}
	return out
}

// ignorable reports goroutines that belong to the test runner or the
// runtime, not to a transport.
func ignorable(stack string) bool {
	for _, s := range []string{
		"testing.(*T).Run", "testing.tRunner", "testing.runTests",
		"runtime.goexit0", "os/signal.signal_recv", "runtime.ensureSigM",
	} {
		if strings.Contains(stack, s) {
			return true
		}
	}
	return false
}
