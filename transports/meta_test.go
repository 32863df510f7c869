package transports_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports"
)

func TestContentHash(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{name: "empty", payload: nil, want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{name: "abc", payload: []byte("abc"), want: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, transports.ContentHash(tt.payload))
		})
	}
}

func TestNewMessage(t *testing.T) {
	at := time.Date(2026, 3, 14, 11, 30, 0, 5, time.FixedZone("CET", 3600))
	msg := transports.NewMessage([]byte("abc"), at)

	assert.NotEmpty(t, msg.UUID)
	assert.Equal(t, []byte("abc"), []byte(msg.Payload))
	assert.Equal(t, "2026-03-14T10:30:00.000000005Z", msg.Metadata.Get(transports.MetaReceivedAt))
	assert.Equal(t, transports.ContentHash([]byte("abc")), msg.Metadata.Get(transports.MetaContentHash))
	assert.Equal(t, msg.Metadata.Get(transports.MetaContentHash), msg.Metadata.Get(transports.MetaIdempotencyKey))
	assert.NotEqual(t, msg.UUID, transports.NewMessage([]byte("abc"), at).UUID, "every message gets its own UUID")
}

func TestFileNames(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ignored bool
	}{
		{"coreor.edi", false}, {".hidden", true}, {"upload.edi.part", true}, {"x.tmp", true}, {"coreor.edi.done", true}, {"", true},
	} {
		assert.Equal(t, tc.ignored, transports.Ignored(tc.name), tc.name)
	}
	assert.True(t, transports.Included("a.edi", nil))
	assert.True(t, transports.Included("a.edi", []string{"*.xml", "*.edi"}))
	assert.False(t, transports.Included("a.json", []string{"*.edi"}))
	assert.Equal(t, "a.2.edi", transports.Suffixed("a.edi", 2))
	assert.Equal(t, "README.1", transports.Suffixed("README", 1))
	assert.Equal(t, "a.edi", transports.Suffixed("a.edi", 0))
}
