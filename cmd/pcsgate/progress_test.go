package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bar counts bytes read on another goroutine (the cutter of a
// parallel translate) and messages emitted on this one, and draws from
// this one only.
func TestProgressCountsMessagesAcrossGoroutines(t *testing.T) {
	var out bytes.Buffer
	p := &progress{w: &out, name: "big.edi", size: 1000, on: true, start: time.Now()}
	r := p.reader(strings.NewReader(strings.Repeat("x", 500)))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, r)
	}()
	<-done
	p.events(2)
	p.events(3)
	require.Contains(t, out.String(), "big.edi [##########          ]  50% 0.0/0.0 MB  1 messages (")
	p.clear()
	assert.True(t, strings.HasSuffix(out.String(), "\r\033[K"), "cleared for a problem line")
	p.events(1)
	p.draw() // as the next tick after 200 ms would
	p.done()
	assert.Contains(t, out.String(), "3 messages")
	assert.Contains(t, out.String(), "6 events")
	assert.True(t, strings.HasSuffix(out.String(), "\n"))
}
