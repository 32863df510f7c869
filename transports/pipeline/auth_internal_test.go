package pipeline

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A session cookie holds until its expiry, under its installation's key
// only, and any change to it (a later expiry, another token id) breaks it.
func TestSessionCookie(t *testing.T) {
	g := &Gateway{sealKey: keySealer("installation key of thirty-two b")}
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	v := g.newSession("a1b2c3", t0.Add(time.Hour))

	id, ok := g.checkSession(v, t0)
	assert.True(t, ok)
	assert.Equal(t, "a1b2c3", id)
	_, ok = g.checkSession(v, t0.Add(time.Hour))
	assert.False(t, ok, "expired")

	parts := strings.Split(v, ".")
	for name, bad := range map[string]string{
		"later expiry": parts[0] + "." + "9" + parts[1] + "." + parts[2],
		"other id":     "ffffff." + parts[1] + "." + parts[2],
		"no MAC":       parts[0] + "." + parts[1],
		"empty":        "",
	} {
		_, ok := g.checkSession(bad, t0)
		assert.False(t, ok, name)
	}
	other := &Gateway{sealKey: keySealer("another installation's key......")}
	_, ok = other.checkSession(v, t0)
	assert.False(t, ok, "another installation's key")
	assert.NotEqual(t, g.csrfToken(v), other.csrfToken(v))
	assert.NotEqual(t, g.csrfToken(v), g.csrfToken(g.newSession("a1b2c3", t0.Add(2*time.Hour))), "CSRF follows the session")
}

// FuzzCheckSession: a cookie the gateway did not make is never taken, and
// one it made is taken whole.
func FuzzCheckSession(f *testing.F) {
	g := &Gateway{sealKey: keySealer("installation key of thirty-two b")}
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	f.Add(g.newSession("a1b2c3", t0.Add(time.Hour)))
	f.Add("a1b2c3.1796644800.")
	f.Add("..")
	f.Fuzz(func(t *testing.T, v string) {
		id, ok := g.checkSession(v, t0)
		if !ok {
			return
		}
		exp := strings.Split(v, ".")
		if len(exp) < 3 {
			t.Fatalf("%q taken without a MAC", v)
		}
		sec, err := strconv.ParseInt(exp[len(exp)-2], 10, 64)
		if err != nil || g.newSession(id, time.Unix(sec, 0)) != v {
			t.Fatalf("%q taken but not made by the gateway", v)
		}
	})
}
