package pipeline

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
)

// captured records what is published through it.
type captured struct {
	message.Publisher
	msgs []*message.Message
}

func (c *captured) Publish(_ string, msgs ...*message.Message) error {
	c.msgs = append(c.msgs, msgs...)
	return nil
}

// The poison queue's dead letter of an inbound message with a secret is
// stored sealed (the message itself, still held by its transport, keeps
// its bytes); other messages go as they are.
func TestSealingPublisher(t *testing.T) {
	key, err := randomKey()
	require.NoError(t, err)
	to := &captured{}
	p := sealingPublisher{Publisher: to, key: key}
	secret := message.NewMessage("a", []byte("PIN 1234"))
	secret.Metadata.Set(transports.MetaSealFiles, "true")
	secret.Metadata.Set(transports.MetaFilename, "a.edi")
	plain := message.NewMessage("b", []byte("no secret"))
	require.NoError(t, p.Publish(TopicDeadLetter, secret, plain))
	require.Len(t, to.msgs, 2)

	got := to.msgs[0]
	assert.Equal(t, "a", got.UUID)
	assert.Equal(t, "a.edi", got.Metadata.Get(transports.MetaFilename))
	assert.True(t, seal.IsSealed(got.Payload))
	opened, err := seal.Open(key, got.Payload)
	require.NoError(t, err)
	assert.Equal(t, "PIN 1234", string(opened))
	assert.Equal(t, "PIN 1234", string(secret.Payload), "the transport's message is left alone")
	assert.Same(t, plain, to.msgs[1])
}
