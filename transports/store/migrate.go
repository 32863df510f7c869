package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

// migrationsTable records which migrations ran.
const migrationsTable = "pcsgate_migrations"

// migrateLock is the PostgreSQL advisory lock taken while migrating, so
// instances starting together migrate one after the other.
const migrateLock = 0x70637367 // "pcsg"

// migrate brings the ledger schema up to date in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	return s.rawTx(ctx, func(tx *sql.Tx) error {
		if s.d.dollar {
			// Waiting for another instance's migration, or migrating a
			// large ledger, may take longer than any statement should.
			if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
				return fmt.Errorf("migration: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		create := `CREATE TABLE IF NOT EXISTS ` + migrationsTable + ` (
	version INTEGER PRIMARY KEY,
	description TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`
		if _, err := tx.ExecContext(ctx, create); err != nil {
			return fmt.Errorf("table %s: %w", migrationsTable, err)
		}
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+migrationsTable).Scan(&have); err != nil {
			return fmt.Errorf("table %s: %w", migrationsTable, err)
		}
		known := s.d.migrations[len(s.d.migrations)-1].version
		if have > known {
			return fmt.Errorf("store schema version %d: at most %d expected: %w", have, known, ErrSchemaTooNew)
		}
		for _, m := range s.d.migrations {
			if m.version <= have {
				continue
			}
			for i, stmt := range m.stmts {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d (%s) statement %d: %w", m.version, m.description, i+1, err)
				}
			}
			_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO `+migrationsTable+` (version, description, applied_at) VALUES (?, ?, ?)`),
				m.version, m.description, time.Now().UTC().Format(timeLayout))
			if err != nil {
				return fmt.Errorf("migration %d: %w", m.version, err)
			}
			s.logger.Info("store schema migrated", watermill.LogFields{"version": m.version, "description": m.description})
		}
		return nil
	})
}

// SchemaVersion reports the ledger schema version of the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+migrationsTable).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("table %s: %w", migrationsTable, err)
	}
	return v, nil
}
