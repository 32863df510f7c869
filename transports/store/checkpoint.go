package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

// Checkpoints of an SQLite store. In WAL mode each commit appends the
// pages it changed to the write-ahead log, and a checkpoint copies them
// back into the database file and syncs both. By default SQLite does that
// in the committing connection every 1,000 pages, so at full load the
// single writer stopped every few dozen messages to copy and sync, and
// each commit of the group waited for it. The writer's automatic
// checkpoints are off instead, and a connection of its own checkpoints in
// the background (PASSIVE: it never waits for the writer, nor the writer
// for it); a page changed by many commits in between is copied once.

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = 200 * time.Millisecond

// walSizeLimit is what SQLite truncates the log file to after it was
// checkpointed in full and starts again from its beginning.
const walSizeLimit = 64 << 20

// startCheckpointer starts the background checkpoints of an SQLite store
// on s.checkpointer, a connection of their own; they stop when the store
// closes.
func (s *Store) startCheckpointer() {
	s.checkpointDone = make(chan struct{})
	go func() {
		defer close(s.checkpointDone)
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		var failing bool
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-tick.C:
			}
			err := s.checkpoint(s.ctx)
			if err != nil && !failing && s.ctx.Err() == nil {
				s.logger.Error("Cannot checkpoint the write-ahead log; trying again", err, nil)
			}
			if err == nil && failing {
				s.logger.Info("Write-ahead log checkpointed again", watermill.LogFields{})
			}
			failing = err != nil
		}
	}()
}

// checkpoint copies what the write-ahead log holds back into the database
// file, as far as no reader still needs it.
func (s *Store) checkpoint(ctx context.Context) error {
	var busy, logged, copied int
	if err := s.checkpointer.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &copied); err != nil {
		return fmt.Errorf("store checkpoint: %w", err)
	}
	s.ckpt.runs.Add(1)
	s.ckpt.frames.Store(int64(logged))
	return nil
}

// stopCheckpointer waits for the background checkpoints to stop, once
// the store's context is cancelled, and closes their connection.
func (s *Store) stopCheckpointer() error {
	if s.checkpointer == nil {
		return nil
	}
	if s.checkpointDone != nil {
		<-s.checkpointDone
	}
	return s.checkpointer.Close()
}

// checkpointStats count the background checkpoints, for tests.
type checkpointStats struct {
	runs   atomic.Int64 // checkpoints run
	frames atomic.Int64 // frames in the log at the last one
}
