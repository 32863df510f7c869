package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Leases. A lease names a piece of work that one instance of a fleet does
// at a time (an inbox folder, an SFTP poll schedule) and says who holds it
// until when. Expiry is decided by the database's clock, so a holder that
// dies or hangs loses its lease without its help, and another instance
// takes it once it has expired.

// ErrLeaseLost: RenewLease found the lease expired, released or held by another.
var ErrLeaseLost = errors.New("is no longer held")

// Lease is who holds the work name, since when and until when.
type Lease struct {
	Name       string    `json:"name"`
	Holder     string    `json:"holder"`
	AcquiredAt time.Time `json:"acquiredAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

// TryAcquireLease takes the lease name for holder for ttl when it is free, has
// expired or is holder's already (then it is renewed). It reports whether
// holder has it now, and the lease as stored either way (zero when there
// is none).
func (s *Store) TryAcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, bool, error) {
	if err := checkLease(name, holder, ttl); err != nil {
		return Lease{}, false, err
	}
	var (
		l   Lease
		got bool
	)
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		now, err := s.dbNow(ctx, tx)
		if err != nil {
			return err
		}
		// One statement: two instances racing for a free lease both
		// insert, and the database lets one win.
		res, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
	acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
	holder = excluded.holder, expires_at = excluded.expires_at
WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`),
			name, holder, s.d.timeArg(now), s.d.timeArg(now.Add(ttl)), s.d.timeArg(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		got = n > 0
		l, err = s.leaseIn(ctx, tx, name)
		return err
	})
	if err != nil {
		return Lease{}, false, fmt.Errorf("lease %s: %w", name, err)
	}
	return l, got, nil
}

// RenewLease extends holder's lease name to ttl from now. The error wraps
// ErrLeaseLost when holder does not hold it (any more): it expired, was
// released, or another instance took it.
func (s *Store) RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	if err := checkLease(name, holder, ttl); err != nil {
		return Lease{}, err
	}
	var l Lease
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		now, err := s.dbNow(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?`),
			s.d.timeArg(now.Add(ttl)), name, holder, s.d.timeArg(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, ErrLeaseLost)
		}
		l, err = s.leaseIn(ctx, tx, name)
		return err
	})
	if err != nil {
		return Lease{}, fmt.Errorf("lease %s: %w", name, err)
	}
	return l, nil
}

// ReleaseLease gives up holder's lease name, so that another instance may take
// it at once. Releasing a lease holder does not hold is no error.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM leases WHERE name = ? AND holder = ?`), name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("lease %s: %w", name, err)
	}
	return nil
}

// Leases lists the leases not yet expired by the database's clock, by
// name.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	now, err := s.dbNow(ctx, s.reader)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, s.d.q(`SELECT name, holder, acquired_at, expires_at FROM leases WHERE expires_at > ? ORDER BY name`), s.d.timeArg(now))
	if err != nil {
		return nil, fmt.Errorf("leases: %w", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		if err := rows.Scan(&l.Name, &l.Holder, scanTime{&l.AcquiredAt}, scanTime{&l.ExpiresAt}); err != nil {
			return nil, fmt.Errorf("leases: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("leases: %w", err)
	}
	return out, nil
}

// leaseIn reads the lease name within tx; zero when there is none.
func (s *Store) leaseIn(ctx context.Context, tx *sql.Tx, name string) (Lease, error) {
	l := Lease{Name: name}
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT holder, acquired_at, expires_at FROM leases WHERE name = ?`), name).
		Scan(&l.Holder, scanTime{&l.AcquiredAt}, scanTime{&l.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, nil
	}
	return l, err
}

// checkLease checks the arguments of TryAcquire and Renew.
func checkLease(name, holder string, ttl time.Duration) error {
	if err := checkKey("lease name", name); err != nil {
		return err
	}
	if err := checkKey("lease holder", holder); err != nil {
		return err
	}
	if ttl <= 0 {
		return fmt.Errorf("lease %s: ttl %v: more than 0 expected: %w", name, ttl, ErrBadConfig)
	}
	return nil
}
