package store

import (
	"fmt"

	"github.com/nexport/pcsgate/canonical/errtext"
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
	t.ahead = nil // a release found ahead may be found by unit
	now := t.s.d.timeArg(t.s.now())
	if err := t.later(`INSERT INTO release_units (unit, key, updated_at) VALUES (?, ?, ?)
ON CONFLICT (unit) DO UPDATE SET key = excluded.key, updated_at = excluded.updated_at`, unit, key, now); err != nil {
		return fmt.Errorf("unit %s: %w", errtext.Quote(unit), err)
	}
	return nil
}
