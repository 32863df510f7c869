package pipeline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A parked event waits 5×, 10×, 20×... the first retry interval, at most
// five minutes apart: by tries (retry.max_retries) by default, or until
// retry.park_for has passed, its last wait ending the window.
func TestParkWait(t *testing.T) {
	g := &Gateway{cfg: &Config{Retry: RetryConfig{MaxRetries: 3}}, retryInterval: 200 * time.Millisecond}
	for tries, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		wait, ok := g.parkWait(tries, 0)
		assert.True(t, ok)
		assert.Equal(t, want, wait, "try %d", tries+1)
	}
	_, ok := g.parkWait(3, 0)
	assert.False(t, ok, "max_retries tries")

	g.parkFor = 6 * time.Hour
	wait, ok := g.parkWait(40, time.Hour)
	assert.True(t, ok, "tries do not count with park_for")
	assert.Equal(t, 5*time.Minute, wait, "at most five minutes apart")
	wait, ok = g.parkWait(40, 6*time.Hour-time.Minute)
	assert.True(t, ok)
	assert.Equal(t, time.Minute, wait, "the last wait ends the window")
	_, ok = g.parkWait(41, 6*time.Hour)
	assert.False(t, ok, "the window has passed")
	assert.Equal(t, "gave up after waiting 6h0m0s (retry.park_for)", g.gaveUp())
}
