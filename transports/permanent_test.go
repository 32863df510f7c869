package transports_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports"
)

var errPartner = errors.New("was rejected by the partner")

func TestIsPermanent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "nil", err: nil, want: false},
		{name: "plain", err: errPartner, want: false},
		{name: "permanent", err: transports.Permanent(errPartner), want: true},
		{name: "wrapped permanent", err: fmt.Errorf("message 7: %w", transports.Permanent(errPartner)), want: true},
		{name: "joined", err: errors.Join(errPartner, transports.Permanent(errPartner)), want: true},
		{name: "literal", err: &transports.PermanentError{Err: errPartner}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, transports.IsPermanent(tt.err))
		})
	}
}

func TestPermanent(t *testing.T) {
	t.Run("nil stays nil", func(t *testing.T) {
		assert.NoError(t, transports.Permanent(nil))
	})
	t.Run("keeps text and sentinel", func(t *testing.T) {
		err := transports.Permanent(fmt.Errorf("POST /in answered 422: %w", errPartner))
		assert.EqualError(t, err, "POST /in answered 422: was rejected by the partner")
		assert.ErrorIs(t, err, errPartner)
	})
	t.Run("not wrapped twice", func(t *testing.T) {
		once := transports.Permanent(errPartner)
		assert.Same(t, once, transports.Permanent(once))
	})
	t.Run("empty literal has text", func(t *testing.T) {
		assert.EqualError(t, &transports.PermanentError{}, "permanent failure")
	})
}
