package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/nexport/pcsgate/canonical/errtext"
)

// openSQLite opens the writer (one connection) and reader pools and returns
// the key under which Stores on the same file share in-process state.
func (s *Store) openSQLite(ctx context.Context) (string, error) {
	timeout := strconv.FormatInt(s.cfg.BusyTimeout.Milliseconds(), 10)
	if s.dsn.Memory {
		// One connection serves reads and writes: separate connections to
		// ":memory:" would each see an empty database of their own.
		db, err := sql.Open("sqlite", "file::memory:?_busy_timeout="+timeout+"&_foreign_keys=1&_txlock=immediate")
		if err != nil {
			return "", fmt.Errorf("store sqlite::memory:: %w", err)
		}
		oneConnection(db)
		if err := db.PingContext(ctx); err != nil {
			_ = db.Close()
			return "", fmt.Errorf("store sqlite::memory:: %w", err)
		}
		s.writer, s.reader = db, db
		return "sqlite-memory:" + randomID(8), nil
	}

	path, err := filepath.Abs(s.dsn.Path)
	if err != nil {
		return "", fmt.Errorf("store file %s: %w", errtext.Quote(s.dsn.Path), err)
	}
	if err := createPrivate(path); err != nil {
		return "", err
	}
	base := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	common := "_busy_timeout=" + timeout + "&_foreign_keys=1"
	// temp_store(memory): the savepoint of each transaction in a group
	// (see group.go) journals the pages it changes; in a temporary file
	// that was two write system calls per page, on the committer's path.
	base.RawQuery = common + "&_pragma=temp_store(memory)&_journal_mode=WAL&_synchronous=" + strings.ToUpper(s.cfg.Synchronous) + "&_txlock=immediate"
	writer, err := sql.Open("sqlite", base.String())
	if err != nil {
		return "", fmt.Errorf("store file %s: %w", errtext.Quote(path), err)
	}
	oneConnection(writer)
	if err := checkWAL(ctx, writer); err != nil {
		_ = writer.Close()
		return "", fmt.Errorf("store file %s: %w", errtext.Quote(path), err)
	}
	base.RawQuery = common + "&_query_only=1"
	reader, err := sql.Open("sqlite", base.String())
	if err != nil {
		_ = writer.Close()
		return "", fmt.Errorf("store file %s: %w", errtext.Quote(path), err)
	}
	reader.SetMaxOpenConns(s.cfg.MaxReaders)
	reader.SetMaxIdleConns(s.cfg.MaxReaders)
	s.writer, s.reader = writer, reader
	return "sqlite:" + path, nil
}

// createPrivate creates the folder of the database file path, readable by
// its owner only (0700), and the file itself, empty, read-write by its
// owner only (0600), unless they exist. SQLite gives its -wal and -shm
// files the mode of the database file.
func createPrivate(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store directory %s: %w", errtext.Quote(dir), err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store file %s: %w", errtext.Quote(path), err)
	}
	return f.Close()
}

// oneConnection makes db a pool of exactly one long-lived connection.
func oneConnection(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

// errNoWAL: the file system refused write-ahead logging (e.g. a network
// share), without which readers would block the writer.
var errNoWAL = errors.New("cannot use write-ahead logging (journal_mode=WAL); is it on a network file system?")

func checkWAL(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode %s: %w", errtext.Quote(mode), errNoWAL)
	}
	return nil
}
