package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// SetUnit records that unit (a physical thing: "SEA/<port>/<container>" or
// "AIR/<airport>/<awb>") belongs to the release stored under key, replacing
// an earlier release of the same unit. Messages that name the unit without
// the whole release key (a gate-out without B/L) find the release this way.
func (t *Tx) SetUnit(unit, key string) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkKey("unit", unit); err != nil {
		return err
	}
	if err := checkKey("release key", key); err != nil {
		return err
	}
	now := t.s.d.timeArg(t.s.now())
	if _, err := t.exec(`INSERT INTO release_units (unit, key, updated_at) VALUES (?, ?, ?)
ON CONFLICT (unit) DO UPDATE SET key = excluded.key, updated_at = excluded.updated_at`, unit, key, now); err != nil {
		return fmt.Errorf("unit %s: %w", quote(unit), err)
	}
	return nil
}

// UnitKey returns the key of the release a unit belongs to (see SetUnit).
func (t *Tx) UnitKey(unit string) (key string, found bool, err error) {
	if err := t.check(); err != nil {
		return "", false, err
	}
	err = t.queryRow(`SELECT key FROM release_units WHERE unit = ?`, unit).Scan(&key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("unit %s: %w", quote(unit), err)
	}
	return key, true, nil
}
