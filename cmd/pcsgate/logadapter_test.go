package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
)

// The fields of a log line come in a fixed order: the ones an operator
// looks for first, the others by name; the library's info is logged as
// debug.
func TestOrderedLogger(t *testing.T) {
	var buf bytes.Buffer
	sl := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	fields := watermill.LogFields{"uuid": "u1", "problems": 1, "file": "bad.json", "endpoint": "scr-in", "ms": 3, "reason": "r"}
	for range 20 { // a map's order would show within a few lines
		newOrderedLogger(sl, nil).Info("message rejected", fields)
	}
	want := `level=INFO msg="message rejected" endpoint=scr-in file=bad.json uuid=u1 ms=3 problems=1 reason=r`
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		assert.Equal(t, want, l)
	}

	buf.Reset()
	lib := newOrderedLogger(sl, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug}).With(watermill.LogFields{"topic": "t", "endpoint": "e"})
	lib.Info("Starting handler", nil)
	lib.Error("Handler failed", errors.New("boom"), watermill.LogFields{"uuid": "u2"})
	assert.Equal(t, "level=DEBUG msg=\"Starting handler\" endpoint=e topic=t\nlevel=ERROR msg=\"Handler failed\" endpoint=e topic=t uuid=u2 error=boom\n", buf.String())
}
