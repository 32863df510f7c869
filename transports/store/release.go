package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// ReleaseMeta holds the columns of a release that the monitor filters and
// sorts on. The release itself is the JSON body, which this package does not
// interpret.
type ReleaseMeta struct {
	Status  string
	Port    string
	Carrier string
	Holder  string
	// Search lists the identifiers the monitor's search finds the release
	// by: container, B/L, release number, AWB.
	Search []string
	// System is the port system the saved change came through; the store
	// keeps every system a release came through.
	System string
	// ValidFrom and ValidUntil are the release's validity window, if any.
	ValidFrom, ValidUntil *time.Time
	// Collectable is whether the release is ready for pick-up apart from
	// its validity window, which the store checks at query time.
	Collectable bool
}

// searchText is how Search is stored: upper case, each identifier between
// spaces, so a query matches inside one identifier.
func (m ReleaseMeta) searchText() string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, id := range m.Search {
		if id = strings.TrimSpace(id); id != "" {
			b.WriteString(strings.ToUpper(id))
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (m ReleaseMeta) check() error {
	for _, f := range []struct{ name, v string }{
		{"release status", m.Status}, {"release port", m.Port},
		{"release carrier", m.Carrier}, {"release holder", m.Holder},
		{"release system", m.System}, {"release identifiers", m.searchText()},
	} {
		if err := checkShort(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// findReleaseQuery finds a release by its key or else by its unit.
const findReleaseQuery = `SELECT 0 AS via, key, body, version FROM releases WHERE key = ?
UNION ALL
SELECT 1, r.key, r.body, r.version FROM release_units u JOIN releases r ON r.key = u.key WHERE u.unit = ?
ORDER BY via LIMIT 1`

// foundRelease is the answer of a FindRelease sent ahead.
type foundRelease struct {
	key, unit string
	stored    string
	body      []byte
	version   int
	err       error // sql.ErrNoRows when there is none
	answered  bool
}

// FindReleaseAhead sends FindRelease(key, unit) with the transaction's
// next statement on PostgreSQL; FindRelease of the same key and unit then
// takes its answer without a round trip of its own, unless a release or
// unit was written in between. On SQLite it does nothing.
func (t *Tx) FindReleaseAhead(key, unit string) {
	if !t.w.batched() || t.check() != nil || checkKey("release key", key) != nil {
		return
	}
	f := &foundRelease{key: key, unit: unit}
	t.ahead = f
	t.w.ahead(t.s.d.q(findReleaseQuery), []any{key, unit}, func(r row) error {
		f.err = r.Scan(new(int), &f.stored, &f.body, &f.version)
		f.answered = true
		if errors.Is(f.err, sql.ErrNoRows) {
			return nil
		}
		return f.err
	})
}

// FindRelease returns the release stored under key or, when there is
// none, the release unit belongs to (see SetUnit), with the key it is
// stored under; found == false when neither exists: one query for both
// lookups.
func (t *Tx) FindRelease(key, unit string) (storedKey string, body []byte, version int, found bool, err error) {
	if err := t.check(); err != nil {
		return "", nil, 0, false, err
	}
	if err := checkKey("release key", key); err != nil {
		return "", nil, 0, false, err
	}
	if f := t.ahead; f != nil && f.key == key && f.unit == unit {
		t.ahead = nil
		if !f.answered {
			if err := t.w.flush(t.ctx); err != nil { // f's answer comes with it
				return "", nil, 0, false, fmt.Errorf("release %s: %w", errtext.Quote(key), err)
			}
		}
		storedKey, body, version, err = f.stored, f.body, f.version, f.err
	} else {
		err = t.queryRow(findReleaseQuery, key, unit).Scan(new(int), &storedKey, &body, &version)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil, 0, false, nil
	case err != nil:
		return "", nil, 0, false, fmt.Errorf("release %s: %w", errtext.Quote(key), err)
	}
	return storedKey, body, version, true, nil
}

// SaveRelease stores a release with optimistic concurrency. expectVersion is
// the version FindRelease returned, or 0 to create the release; the stored
// version becomes expectVersion+1. When the stored version is not
// expectVersion (someone saved in between, or the release already exists)
// nothing is written and the error wraps ErrConflict.
func (t *Tx) SaveRelease(key string, meta ReleaseMeta, body []byte, expectVersion int) error {
	if err := t.checkRelease(key, meta, body, expectVersion); err != nil {
		return err
	}
	q, args := t.releaseWrite(key, meta, body, expectVersion, false)
	res, err := t.exec(q, args...)
	if err != nil {
		return fmt.Errorf("release %s: %w", errtext.Quote(key), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("release %s: %w", errtext.Quote(key), err)
	}
	if n == 1 {
		return nil
	}
	var stored sql.NullInt64
	err = t.queryRow(`SELECT version FROM releases WHERE key = ?`, key).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("release %s: %w", errtext.Quote(key), err)
	}
	return releaseConflict(key, expectVersion, stored)
}

// checkRelease checks what SaveRelease is given, and forgets a release
// found ahead, which the save may change.
func (t *Tx) checkRelease(key string, meta ReleaseMeta, body []byte, expectVersion int) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkKey("release key", key); err != nil {
		return err
	}
	if err := meta.check(); err != nil {
		return err
	}
	if err := t.s.checkJSON("release "+errtext.Quote(key)+" body", body); err != nil {
		return err
	}
	if expectVersion < 0 {
		return fmt.Errorf("release %s expected version %d: 0 or more expected: %w", errtext.Quote(key), expectVersion, ErrBadFilter)
	}
	t.ahead = nil
	return nil
}

// releaseWrite is the statement of SaveRelease, with ? placeholders. When
// ifEvent, it writes only if the CTE ev has a row (PostgreSQL), and
// returns a row when it wrote.
func (t *Tx) releaseWrite(key string, meta ReleaseMeta, body []byte, expectVersion int, ifEvent bool) (string, []any) {
	d := t.s.d
	now := d.timeArg(t.s.now())
	system := strings.ToLower(meta.System)
	if expectVersion == 0 {
		args := []any{key, meta.Status, meta.Port, meta.Carrier, meta.Holder, string(body), now,
			meta.searchText(), systemsText(system), d.timePtrArg(meta.ValidFrom), d.timePtrArg(meta.ValidUntil), meta.Collectable}
		const insert = `INSERT INTO releases (key, status, port, carrier, holder, body, version, updated_at,
search, systems, valid_from, valid_until, collectable)
`
		if ifEvent {
			return insert + `SELECT ?, ?, ?, ?, ?, ?::json, 1, ?::timestamptz, ?, ?, ?::timestamptz, ?::timestamptz, ?::boolean
WHERE EXISTS (SELECT 1 FROM ev) ON CONFLICT (key) DO NOTHING RETURNING 1`, args
		}
		return insert + `VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`, args
	}
	q := `UPDATE releases SET status = ?, port = ?, carrier = ?, holder = ?, body = ?,
version = version + 1, updated_at = ?, search = ?, valid_from = ?, valid_until = ?, collectable = ?,
systems = CASE WHEN ? = '' OR systems LIKE ? ESCAPE '\' THEN systems ELSE systems || ? || ' ' END
WHERE key = ? AND version = ?`
	if ifEvent {
		q += ` AND EXISTS (SELECT 1 FROM ev) RETURNING 1`
	}
	return q, []any{meta.Status, meta.Port, meta.Carrier, meta.Holder, string(body), now,
		meta.searchText(), d.timePtrArg(meta.ValidFrom), d.timePtrArg(meta.ValidUntil), meta.Collectable,
		system, "% " + likeEscape(system) + " %", system, key, expectVersion}
}

// releaseConflict is the error of a save that expected version and found
// stored (none when not valid).
func releaseConflict(key string, expectVersion int, stored sql.NullInt64) error {
	if !stored.Valid {
		return fmt.Errorf("release %s: expected version %d, found none: %w", errtext.Quote(key), expectVersion, ErrConflict)
	}
	return fmt.Errorf("release %s: expected version %d, found %d: %w", errtext.Quote(key), expectVersion, stored.Int64, ErrConflict)
}

// systemsText is the systems column of a new release saved through system.
func systemsText(system string) string {
	if system == "" {
		return " "
	}
	return " " + system + " "
}

// likeEscape escapes the wildcards of a LIKE pattern (ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
