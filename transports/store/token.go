package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// The roles of monitor tokens: a viewer reads the monitor, its API and the
// metrics; an operator may also replay and discard dead letters.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
)

// ErrBadRole: a role is neither RoleViewer nor RoleOperator.
var ErrBadRole = errors.New("is not a monitor token role")

// ErrBadToken: a monitor token is malformed, unknown or revoked. Its text
// never says which, nor shows the token.
var ErrBadToken = errors.New("is not a valid monitor token")

// tokenPrefix starts every monitor token, so that secret scanners and
// people recognise one.
const tokenPrefix = "pcsgate."

// Token is a monitor access token as listed: never its secret nor its hash.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// CreateToken creates a token of role (RoleViewer or RoleOperator) labelled
// name and returns it with its secret form, "pcsgate.<id>.<secret>", which
// exists only here: the store keeps the SHA-256 of its 256 random bits.
func (s *Store) CreateToken(ctx context.Context, name, role string) (Token, string, error) {
	if role != RoleViewer && role != RoleOperator {
		return Token{}, "", fmt.Errorf("role %s %w: %s or %s expected", errtext.Quote(role), ErrBadRole, RoleViewer, RoleOperator)
	}
	if err := checkShort("token name", name); err != nil {
		return Token{}, "", err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Token{}, "", err
	}
	hash := sha256.Sum256(secret)
	tok := Token{ID: randomID(6), Name: name, Role: role, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO monitor_tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)`),
			tok.ID, tok.Name, tok.Role, hash[:], s.d.timeArg(tok.CreatedAt))
		return err
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("monitor token: %w", err)
	}
	return tok, tokenPrefix + tok.ID + "." + base64.RawURLEncoding.EncodeToString(secret), nil
}

// Tokens lists every monitor token, revoked ones too, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, name, role, created_at, revoked_at FROM monitor_tokens ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("monitor tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.Name, &t.Role, scanTime{&t.CreatedAt}, scanNullTime{&t.RevokedAt}); err != nil {
			return nil, fmt.Errorf("monitor tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("monitor tokens: %w", err)
	}
	return out, nil
}

// HasLiveToken reports whether the store holds a token not yet revoked.
func (s *Store) HasLiveToken(ctx context.Context) (bool, error) { return s.hasToken(ctx, true) }

// EverIssuedToken reports whether a token was ever created in the store,
// revoked or not: the first run creates one only when none was.
func (s *Store) EverIssuedToken(ctx context.Context) (bool, error) { return s.hasToken(ctx, false) }

func (s *Store) hasToken(ctx context.Context, liveOnly bool) (bool, error) {
	q := `SELECT COUNT(*) FROM monitor_tokens`
	if liveOnly {
		q += ` WHERE revoked_at IS NULL`
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("monitor tokens: %w", err)
	}
	return n > 0, nil
}

// RevokeToken revokes the token id; the next request made with it, or in a
// session it opened, is refused. The error wraps ErrNotFound when there is
// no such token not yet revoked.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	var n int64
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE monitor_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`),
			s.d.timeArg(s.now()), id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("monitor token %s: %w", errtext.Quote(id), err)
	}
	if n == 0 {
		return fmt.Errorf("live monitor token %s %w", errtext.Quote(id), ErrNotFound)
	}
	return nil
}

// CheckToken returns the live token whose secret form is given. The hash
// is compared in constant time; the error wraps ErrBadToken whatever is
// wrong with it.
func (s *Store) CheckToken(ctx context.Context, token string) (Token, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	id, enc, ok2 := strings.Cut(rest, ".")
	secret, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || !ok2 || err != nil || len(secret) != 32 {
		return Token{}, fmt.Errorf("token %w", ErrBadToken)
	}
	t, hash, err := s.liveToken(ctx, id)
	if err != nil {
		return Token{}, err
	}
	want := sha256.Sum256(secret)
	if subtle.ConstantTimeCompare(hash, want[:]) != 1 {
		return Token{}, fmt.Errorf("token %w", ErrBadToken)
	}
	return t, nil
}

// LiveToken returns the token id if it is not revoked; the error wraps
// ErrBadToken otherwise. Sessions check their token with it.
func (s *Store) LiveToken(ctx context.Context, id string) (Token, error) {
	t, _, err := s.liveToken(ctx, id)
	return t, err
}

func (s *Store) liveToken(ctx context.Context, id string) (Token, []byte, error) {
	var (
		t    Token
		hash []byte
	)
	err := s.reader.QueryRowContext(ctx, s.d.q(`SELECT id, name, role, created_at, hash FROM monitor_tokens WHERE id = ? AND revoked_at IS NULL`), id).
		Scan(&t.ID, &t.Name, &t.Role, scanTime{&t.CreatedAt}, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Token{}, nil, fmt.Errorf("token %w", ErrBadToken)
	case err != nil:
		return Token{}, nil, fmt.Errorf("monitor token: %w", err)
	}
	return t, hash, nil
}
