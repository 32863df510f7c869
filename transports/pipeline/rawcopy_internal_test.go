package pipeline

import (
	"errors"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports"
)

// keptCopy keeps a message without a secret as it is, masks each secret
// value of one with asterisks of its length (the longer of two values
// that overlap whole), and keeps none when a value cannot be found as it
// stands or part of the message could not be read.
func TestKeptCopy(t *testing.T) {
	msgOf := func(s string) *message.Message {
		m := transports.NewMessage([]byte(s), time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
		m.Metadata.Set(transports.MetaFilename, "in.xml")
		return m
	}
	for _, c := range []struct {
		name, in string
		secret   bool
		values   []string
		derr     error
		want     string // "" for none kept
	}{
		{name: "no secret", in: "<a>1234</a>", want: "<a>1234</a>"},
		{name: "one value, twice", in: "<p>4711x</p><q>4711x</q>", secret: true, values: []string{"4711x"}, want: "<p>*****</p><q>*****</q>"},
		{name: "a value inside a longer one", in: "<p>ABC1234</p><q>1234</q>", secret: true, values: []string{"ABC1234", "1234"}, want: "<p>*******</p><q>****</q>"},
		{name: "escaped in the input", in: "<p>12&amp;34</p>", secret: true, values: []string{"12&34"}},
		{name: "secret seen, no value", in: "<p>?</p>", secret: true},
		{name: "part unread", in: "<p>4711x</p>", secret: true, values: []string{"4711x"}, derr: errors.New("bad")},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := msgOf(c.in)
			got := keptCopy(m, "sone-in", c.secret, c.values, c.derr)
			if c.want == "" {
				assert.Nil(t, got)
				return
			}
			if assert.NotNil(t, got) {
				assert.Equal(t, c.want, string(got.Body))
				assert.Equal(t, transports.ContentHash(got.Body), got.Hash, "keyed by the hash of what is kept")
				assert.Equal(t, "in.xml", got.Name)
				assert.Equal(t, c.in, string(m.Payload), "the message itself is left as it is")
			}
		})
	}
}
