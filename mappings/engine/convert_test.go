package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A time is a fmt.Stringer too: text must render it as RFC 3339 UTC, not
// as time.Time.String, and a nil *time.Time as nothing rather than panic.
func TestTextOfTimes(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 27, 23, 59, 0, 0, cet)
	assert.Equal(t, "2026-11-27T22:59:00Z", Text(at))
	assert.Equal(t, "2026-11-27T22:59:00Z", Text(&at))
	var none *time.Time
	assert.NotPanics(t, func() { assert.Empty(t, Text(none)) })
}
