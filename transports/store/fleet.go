package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Fleet membership. Instances of pcsgate sharing one PostgreSQL database
// each register in the instances table and refresh their heartbeat there;
// one whose heartbeat is older than a bound is listed as gone. Every time
// is the database's clock (clock_timestamp() on PostgreSQL, the store's
// Clock on SQLite, where one process owns the file), so instances whose
// clocks disagree still agree on who is alive.

// InstanceGoneAfter is how old an instance's heartbeat may be before it is
// listed as gone: five missed heartbeats at the gateway's two seconds.
const InstanceGoneAfter = 10 * time.Second

// instancePruneAfter is how long a gone instance stays listed; the next
// instance to register forgets it then.
const instancePruneAfter = 24 * time.Hour

// Instance is one pcsgate process of a fleet as the store knows it.
type Instance struct {
	ID          string    `json:"id"`
	Host        string    `json:"host,omitempty"`
	PID         int       `json:"pid,omitempty"`
	Version     string    `json:"version,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	HeartbeatAt time.Time `json:"heartbeatAt"`
	// Alive says its heartbeat is younger than the bound it was listed
	// with (InstanceGoneAfter by default).
	Alive bool `json:"alive"`
}

// dbNow is the time by the database's clock: clock_timestamp() on
// PostgreSQL, which moves on within a transaction unlike now(); the store's
// Clock on SQLite.
func (s *Store) dbNow(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (time.Time, error) {
	if !s.d.dollar {
		return s.now().UTC().Truncate(time.Microsecond), nil
	}
	var t time.Time
	if err := q.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("database clock: %w", err)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// Register records inst (its ID, Host, PID and Version) as started and
// alive now, replacing an earlier record of the same ID, and forgets the
// instances gone for a day. It returns inst with its times as stored.
func (s *Store) Register(ctx context.Context, inst Instance) (Instance, error) {
	if err := checkKey("instance id", inst.ID); err != nil {
		return Instance{}, err
	}
	for what, v := range map[string]string{"instance host": inst.Host, "instance version": inst.Version} {
		if err := checkShort(what, v); err != nil {
			return Instance{}, err
		}
	}
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		now, err := s.dbNow(ctx, tx)
		if err != nil {
			return err
		}
		inst.StartedAt, inst.HeartbeatAt, inst.Alive = now, now, true
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM instances WHERE heartbeat_at < ? OR id = ?`),
			s.d.timeArg(now.Add(-instancePruneAfter)), inst.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO instances (id, host, pid, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)`),
			inst.ID, inst.Host, inst.PID, inst.Version, s.d.timeArg(now), s.d.timeArg(now))
		return err
	})
	if err != nil {
		return Instance{}, fmt.Errorf("register instance %s: %w", inst.ID, err)
	}
	return inst, nil
}

// Heartbeat records that the instance id is alive now. The error wraps
// ErrNotFound when it is not registered (any more): it should register
// again.
func (s *Store) Heartbeat(ctx context.Context, id string) error {
	n, err := s.execCount(ctx, func(tx *sql.Tx, now time.Time) (sql.Result, error) {
		return tx.ExecContext(ctx, s.d.q(`UPDATE instances SET heartbeat_at = ? WHERE id = ?`), s.d.timeArg(now), id)
	})
	switch {
	case err != nil:
		return fmt.Errorf("heartbeat of instance %s: %w", id, err)
	case n == 0:
		return fmt.Errorf("instance %s %w", id, ErrNotFound)
	}
	return nil
}

// Unregister removes the instance id and gives up every lease it holds,
// so that others take them at once: a clean shutdown.
func (s *Store) Unregister(ctx context.Context, id string) error {
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM leases WHERE holder = ?`), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM instances WHERE id = ?`), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("unregister instance %s: %w", id, err)
	}
	return nil
}

// Instances lists the registered instances, oldest first, each alive when
// its heartbeat is younger than goneAfter (InstanceGoneAfter when 0) by
// the database's clock.
func (s *Store) Instances(ctx context.Context, goneAfter time.Duration) ([]Instance, error) {
	if goneAfter <= 0 {
		goneAfter = InstanceGoneAfter
	}
	now, err := s.dbNow(ctx, s.reader)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT id, host, pid, version, started_at, heartbeat_at FROM instances ORDER BY started_at, id`)
	if err != nil {
		return nil, fmt.Errorf("instances: %w", err)
	}
	defer rows.Close()
	var out []Instance
	for rows.Next() {
		var in Instance
		if err := rows.Scan(&in.ID, &in.Host, &in.PID, &in.Version, scanTime{&in.StartedAt}, scanTime{&in.HeartbeatAt}); err != nil {
			return nil, fmt.Errorf("instances: %w", err)
		}
		in.Alive = now.Sub(in.HeartbeatAt) < goneAfter
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("instances: %w", err)
	}
	return out, nil
}

// execCount runs one write statement, given the database's time, in a
// transaction and returns how many rows it changed.
func (s *Store) execCount(ctx context.Context, exec func(tx *sql.Tx, now time.Time) (sql.Result, error)) (int64, error) {
	var n int64
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		now, err := s.dbNow(ctx, tx)
		if err != nil {
			return err
		}
		res, err := exec(tx, now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// RecordKeyFingerprint records fingerprint as that of the fleet's key name
// unless one is recorded already, and returns the one recorded: the
// caller's when it was the first. Only a fingerprint is kept, never a key,
// so that instances started with another key can be told apart.
func (s *Store) RecordKeyFingerprint(ctx context.Context, name, fingerprint string) (string, error) {
	if err := checkKey("key name", name); err != nil {
		return "", err
	}
	if err := checkKey("key fingerprint", fingerprint); err != nil {
		return "", err
	}
	var recorded string
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		now, err := s.dbNow(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO fleet_keys (name, fingerprint, recorded_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`),
			name, fingerprint, s.d.timeArg(now))
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.d.q(`SELECT fingerprint FROM fleet_keys WHERE name = ?`), name).Scan(&recorded)
	})
	if err != nil {
		return "", fmt.Errorf("fingerprint of %s: %w", name, err)
	}
	return recorded, nil
}
