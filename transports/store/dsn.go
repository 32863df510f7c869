package store

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Backend names, as returned by Store.Backend and DSN.Backend.
const (
	BackendSQLite   = "sqlite"
	BackendPostgres = "postgres"
)

// Values of the SQLite synchronous setting.
const (
	SyncNormal = "normal"
	SyncFull   = "full"
)

// maxDSNBytes bounds the address Open accepts.
const maxDSNBytes = 4096

// DSN is a parsed store address.
type DSN struct {
	// Backend is BackendSQLite or BackendPostgres.
	Backend string
	// Path is the SQLite database file; empty for Postgres and for Memory.
	Path string
	// Memory is true for "sqlite::memory:", a database that lives as long as
	// the Store.
	Memory bool
	// Synchronous is the SQLite synchronous setting named in the address
	// ("normal" or "full"), or empty when the address names none.
	Synchronous string
	// BusyTimeout is the SQLite busy timeout named in the address, or zero.
	BusyTimeout time.Duration
	// URL is the PostgreSQL connection URL, passed to pgx as is.
	URL string
}

// ParseDSN reads a store address:
//
//	sqlite:data/pcsgate.db                     file, relative to the working directory
//	sqlite:/var/lib/pcsgate/pcsgate.db?synchronous=full&busy_timeout=10s
//	sqlite::memory:                            in memory, gone on Close
//	postgres://user@host:5432/db?sslmode=disable
//
// A PostgreSQL URL is passed to pgx unchanged, so pgx's parameters (sslmode,
// search_path, ...) work. Error messages never repeat a PostgreSQL address,
// since it may hold a password.
func ParseDSN(s string) (DSN, error) {
	if len(s) > maxDSNBytes {
		return DSN{}, fmt.Errorf("store address of %d bytes: at most %d expected: %w", len(s), maxDSNBytes, ErrTooLarge)
	}
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		return parseSQLiteDSN(strings.TrimPrefix(s, "sqlite:"))
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return DSN{}, fmt.Errorf("store address %s: expected postgres://[user@]host[:port]/database: %w",
				redactedScheme(s), ErrBadDSN)
		}
		return DSN{Backend: BackendPostgres, URL: s}, nil
	case s == "":
		return DSN{}, fmt.Errorf("store address %w", ErrEmpty)
	default:
		return DSN{}, fmt.Errorf("store address %s: expected sqlite:PATH, sqlite::memory: or postgres://...: %w",
			redactedScheme(s), ErrBadDSN)
	}
}

// Redacted is the store address addr as it may be printed and logged: a
// URL's password, in its user part or as a password parameter, is shown as
// "xxxxx". A SQLite address is shown as it is; an address that is no URL
// only by its kind.
func Redacted(addr string) string {
	if strings.HasPrefix(addr, "sqlite:") {
		return addr
	}
	u, err := url.Parse(addr)
	if err != nil || u.Scheme == "" {
		return "store address " + redactedScheme(addr)
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// redactedScheme renders what comes before the first ':' (or the first few
// bytes), so an error names the address's kind without ever showing a
// password.
func redactedScheme(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 16 {
		s = s[:16]
	}
	return "starting " + errtext.Quote(s)
}

func parseSQLiteDSN(rest string) (DSN, error) {
	d := DSN{Backend: BackendSQLite}
	path, query, _ := strings.Cut(rest, "?")
	switch {
	case path == "":
		return DSN{}, fmt.Errorf("store address \"sqlite:\": file path %w", ErrEmpty)
	case path == ":memory:":
		d.Memory = true
	case strings.ContainsRune(path, 0):
		return DSN{}, fmt.Errorf("store address file path %s: NUL byte: %w", errtext.Quote(path), ErrBadDSN)
	default:
		d.Path = path
	}
	if query == "" {
		return d, nil
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return DSN{}, fmt.Errorf("store address parameters %s: expected name=value&...: %w", errtext.Quote(query), ErrBadDSN)
	}
	for name, vs := range vals {
		v := vs[len(vs)-1]
		switch name {
		case "synchronous":
			v = strings.ToLower(v)
			if v != SyncNormal && v != SyncFull {
				return DSN{}, fmt.Errorf("store address parameter synchronous %s: expected normal or full: %w", errtext.Quote(v), ErrBadDSN)
			}
			d.Synchronous = v
		case "busy_timeout":
			t, err := parseDurationOrMillis(v)
			if err != nil || t <= 0 {
				return DSN{}, fmt.Errorf("store address parameter busy_timeout %s: expected a positive duration such as 5s: %w", errtext.Quote(v), ErrBadDSN)
			}
			d.BusyTimeout = t
		default:
			return DSN{}, fmt.Errorf("store address parameter %s: expected synchronous or busy_timeout: %w", errtext.Quote(name), ErrBadDSN)
		}
	}
	return d, nil
}

// parseDurationOrMillis accepts "5s" or a bare number of milliseconds, as
// SQLite's own busy_timeout pragma does.
func parseDurationOrMillis(v string) (time.Duration, error) {
	if ms, err := strconv.ParseInt(v, 10, 32); err == nil {
		return time.Duration(ms) * time.Millisecond, nil
	}
	return time.ParseDuration(v)
}
