package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// Monitor tokens: created with a role, found by their secret form only,
// listed without secrets, and refused from the moment they are revoked.
func TestTokens(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			live, err := s.HasLiveToken(ctx)
			require.NoError(t, err)
			assert.False(t, live, "a new store has no token")

			tok, secret, err := s.CreateToken(ctx, "ops", store.RoleOperator)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(secret, "pcsgate."+tok.ID+"."), secret)
			got, err := s.CheckToken(ctx, secret)
			require.NoError(t, err)
			assert.Equal(t, store.RoleOperator, got.Role)
			assert.Equal(t, "ops", got.Name)

			for name, bad := range map[string]string{
				"other secret": secret[:len(secret)-2] + "AA",
				"no prefix":    strings.TrimPrefix(secret, "pcsgate."),
				"unknown id":   "pcsgate.000000000000." + secret[len(secret)-43:],
				"empty":        "",
			} {
				_, err := s.CheckToken(ctx, bad)
				require.ErrorIs(t, err, store.ErrBadToken, name)
				assert.NotContains(t, err.Error(), secret[len(secret)-43:], "%s: the error shows no secret", name)
			}

			_, _, err = s.CreateToken(ctx, "x", "admin")
			require.ErrorIs(t, err, store.ErrBadRole)
			assert.EqualError(t, err, `role "admin" is not a monitor token role: viewer or operator expected`)

			require.NoError(t, s.RevokeToken(ctx, tok.ID))
			_, err = s.CheckToken(ctx, secret)
			require.ErrorIs(t, err, store.ErrBadToken, "revoked")
			_, err = s.LiveToken(ctx, tok.ID)
			require.ErrorIs(t, err, store.ErrBadToken, "revoked")
			require.ErrorIs(t, s.RevokeToken(ctx, tok.ID), store.ErrNotFound, "revoked twice")
			live, err = s.HasLiveToken(ctx)
			require.NoError(t, err)
			assert.False(t, live)

			list, err := s.Tokens(ctx)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, tok.ID, list[0].ID)
			assert.NotNil(t, list[0].RevokedAt)
		})
	}
}

// A discarded dead letter is kept but no longer pending nor counted as
// such; it cannot be discarded twice.
func TestDiscardDeadLetter(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.AddDeadLetter(store.DeadLetter{ID: "d1", Stage: "decode", Reason: "bad", Payload: []byte("x")})
			}))
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.MarkDiscarded("d1") }))
			pending, err := s.DeadLetters(ctx, store.DeadLetterFilter{Pending: true})
			require.NoError(t, err)
			assert.Empty(t, pending)
			all, err := s.DeadLetters(ctx, store.DeadLetterFilter{})
			require.NoError(t, err)
			require.Len(t, all, 1)
			assert.NotNil(t, all[0].DiscardedAt)
			assert.Equal(t, []byte("x"), all[0].Payload, "the bytes are kept")
			c, err := s.Counts(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(1), c.DeadLetters)
			assert.Zero(t, c.DeadLettersPending)
			err = s.InTx(ctx, func(tx *store.Tx) error { return tx.MarkDiscarded("d1") })
			require.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

// Discard keeps the reason with the dead letter; a reason that is not
// short text is refused and leaves the dead letter pending.
func TestDiscardDeadLetterWithReason(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.AddDeadLetter(store.DeadLetter{ID: "d1", Stage: "ledger", Reason: "bad", Payload: []byte("x")}); err != nil {
					return err
				}
				return tx.AddDeadLetter(store.DeadLetter{ID: "d2", Stage: "ledger", Reason: "bad", Payload: []byte("y")})
			}))
			err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Discard("d2", strings.Repeat("x", 1025)) })
			require.ErrorIs(t, err, store.ErrTooLarge)
			err = s.InTx(ctx, func(tx *store.Tx) error { return tx.Discard("d2", "bad\x00") })
			require.ErrorIs(t, err, store.ErrInvalidText)
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.Discard("d1", "sent again by the carrier") }))

			all, err := s.DeadLetters(ctx, store.DeadLetterFilter{})
			require.NoError(t, err)
			require.Len(t, all, 2)
			assert.Equal(t, "sent again by the carrier", all[0].DiscardReason)
			assert.NotNil(t, all[0].DiscardedAt)
			assert.Empty(t, all[1].DiscardReason)
			assert.Nil(t, all[1].DiscardedAt, "d2 is still pending")
		})
	}
}
