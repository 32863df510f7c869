package http

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client is counted by its IP address: not its port, and an IPv4
// address the same whether plain or mapped into IPv6.
func TestClientIP(t *testing.T) {
	v4 := netip.MustParseAddr("192.0.2.7")
	v6 := netip.MustParseAddr("2001:db8::7")
	tests := []struct {
		name string
		addr net.Addr
		want netip.Addr
	}{
		{"IPv4", &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7).To4(), Port: 1}, v4},
		{"IPv4, another port", &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7).To4(), Port: 2}, v4},
		{"IPv4 mapped into IPv6", &net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 3}, v4},
		{"IPv6", &net.TCPAddr{IP: net.ParseIP("2001:db8::7"), Port: 4}, v6},
		{"IPv6 loopback", &net.TCPAddr{IP: net.IPv6loopback, Port: 5}, netip.IPv6Loopback()},
		{"not TCP", &net.UDPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 6}, v4},
		{"not IP", &net.UnixAddr{Name: "/run/x.sock", Net: "unix"}, netip.Addr{}},
		{"none", nil, netip.Addr{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, clientIP(tt.addr))
		})
	}
}

// A refused client is logged at most once a minute, and the memory of
// having logged it goes after that minute.
func TestRefusalLoggedOnceAMinute(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	logs := watermill.NewCaptureLogger()
	l := LimitListener(inner, 4, 1, logs).(*limitListener)
	defer l.Close()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	lines := func() int { return len(logs.Captured()[watermill.InfoLogLevel]) }

	l.refused(a)
	l.refused(a)
	l.refused(b)
	assert.Equal(t, 2, lines(), "one line per client")
	now = now.Add(refusalLogEvery - time.Second)
	l.refused(a)
	assert.Equal(t, 2, lines(), "within the minute")
	now = now.Add(time.Second)
	l.refused(a)
	assert.Equal(t, 3, lines(), "a minute later")
	assert.Equal(t, map[netip.Addr]time.Time{a: now}, l.logged, "b is forgotten")
}

// The per-client counts hold no entry for a client without connections.
func TestClientCountsShrink(t *testing.T) {
	l := LimitListener(nil, 4, 2, nil).(*limitListener)
	a := netip.MustParseAddr("192.0.2.1")
	assert.True(t, l.take(a))
	assert.True(t, l.take(a))
	assert.False(t, l.take(a), "over the cap")
	assert.Equal(t, map[netip.Addr]int{a: 2}, l.open)
	l.drop(a)
	assert.Equal(t, map[netip.Addr]int{a: 1}, l.open)
	l.drop(a)
	assert.Empty(t, l.open)
}
