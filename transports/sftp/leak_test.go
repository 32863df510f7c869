package sftp_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoGoroutineLeakAfterReconnect: connections lost and replaced while
// picking up and uploading leave no goroutine behind once the transports
// and the server are closed.
func TestNoGoroutineLeakAfterReconnect(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("use", func(t *testing.T) {
		p := newPickup(t, nil, nil)
		p.put(t, "a.edi", strings.Repeat("x", 100<<10))
		p.srv.DropWhileReading(50 << 10)
		p.poll(t)
		require.True(t, p.receive(t).Ack())
		waitFiles(t, p.srv, "/in/archive", "2026-03-14/a.edi")

		u := newUpload(t, p.srv, nil)
		p.srv.DropWhileWriting(50 << 10)
		require.NoError(t, u.pub.Publish("out", outMsg("evt-1", strings.Repeat("y", 100<<10))))
		assert.GreaterOrEqual(t, p.srv.Logins(), 4)
	})
	// Goroutine exits cannot be waited on, only polled; in this goroutine,
	// as a helper goroutine would count.
	deadline := time.Now().Add(testTimeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			require.FailNow(t, "goroutines outlived the transports", "%d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		<-tick.C
	}
}
