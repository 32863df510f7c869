package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

// Store is the durable Pub/Sub and ledger storage of one pcsgate instance.
// All methods are safe for concurrent use. Close is idempotent.
type Store struct {
	cfg    Config
	dsn    DSN
	d      *dialect
	logger watermill.LoggerAdapter
	sh     *shared

	// writer takes every write. On SQLite it is a pool of one connection,
	// so writes queue in the process instead of failing with "database is
	// locked". On PostgreSQL writer and reader are the same pool.
	writer *sql.DB
	reader *sql.DB
	// wstmts and rstmts cache prepared statements of writer and reader
	// (SQLite only; nil on PostgreSQL).
	wstmts, rstmts *stmtCache
	// writes feed the group committer, which closes committerDone when it
	// stops.
	writes        chan *writeReq
	committerDone chan struct{}
	group         groupStats

	topics sync.Map // topic → struct{}: tables known to exist

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	mu       sync.Mutex
	closed   bool
	subs     map[*subscriber]struct{}
	closeErr error
}

// Open opens the store at dsn with default settings and brings its schema up
// to date. See ParseDSN for the addresses it takes and Config for the
// defaults.
func Open(ctx context.Context, dsn string, logger watermill.LoggerAdapter) (*Store, error) {
	return OpenConfig(ctx, Config{DSN: dsn}, logger)
}

// OpenConfig is Open with settings. A nil logger logs nothing.
func OpenConfig(ctx context.Context, cfg Config, logger watermill.LoggerAdapter) (*Store, error) {
	cfg.setDefaults()
	dsn, err := ParseDSN(cfg.DSN)
	if err != nil {
		return nil, err
	}
	if dsn.Synchronous != "" {
		cfg.Synchronous = dsn.Synchronous
	}
	if dsn.BusyTimeout != 0 {
		cfg.BusyTimeout = dsn.BusyTimeout
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	s := &Store{cfg: cfg, dsn: dsn, logger: logger, subs: map[*subscriber]struct{}{}}
	var key string
	switch dsn.Backend {
	case BackendSQLite:
		s.d = newSQLiteDialect(cfg.BatchSize)
		key, err = s.openSQLite(ctx)
		if err == nil {
			s.wstmts, s.rstmts = newStmtCache(s.writer), newStmtCache(s.reader)
			if s.reader == s.writer {
				s.rstmts = s.wstmts
			}
		}
	default:
		s.d = newPostgresDialect(cfg.BatchSize)
		key, err = s.openPostgres(ctx)
	}
	if err != nil {
		return nil, err
	}
	s.sh = acquireShared(key)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.startGroupCommit()
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Backend reports "sqlite" or "postgres".
func (s *Store) Backend() string { return s.d.name }

// Close stops every subscriber created by the store, cancels work in flight
// and closes the database. It is idempotent and returns the first close's
// result.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return s.closeErr
	}
	s.closed = true
	subs := make([]*subscriber, 0, len(s.subs))
	for sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()

	var errs []error
	for _, sub := range subs {
		errs = append(errs, sub.Close())
	}
	s.cancel()
	if s.committerDone != nil {
		<-s.committerDone
	}
	errs = append(errs, s.wstmts.close())
	if s.rstmts != s.wstmts {
		errs = append(errs, s.rstmts.close())
	}
	errs = append(errs, s.writer.Close())
	if s.reader != s.writer {
		errs = append(errs, s.reader.Close())
	}
	s.sh.release()

	s.mu.Lock()
	s.closeErr = errors.Join(errs...)
	s.mu.Unlock()
	return s.closeErr
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// now is the store's clock.
func (s *Store) now() time.Time { return s.cfg.Clock() }

// rawTx runs fn in a write transaction, committing when it returns nil.
func (s *Store) rawTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.groupTx(ctx, false, func(w *wtx) error {
		if err := w.flush(ctx); err != nil { // fn's statements come after what is queued
			return err
		}
		return fn(w.Tx)
	})
}

// randomID returns n random bytes in hex, for private names.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
