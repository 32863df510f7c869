package store

import (
	"fmt"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Config configures a Store. Only DSN is required; every other field has a
// default that suits the gateway.
type Config struct {
	// DSN says where the store lives; see ParseDSN.
	DSN string
	// Synchronous is SQLite's durability setting. "normal" (the default)
	// survives a crash of pcsgate (kill -9) but may lose the last commits on
	// a power cut; "full" fsyncs every commit and survives that too, at a
	// third or less of the throughput (see the package documentation). A
	// synchronous= parameter in the DSN wins.
	Synchronous string
	// BusyTimeout is how long a SQLite statement waits for a lock held by
	// another process before failing. Default 5s.
	BusyTimeout time.Duration
	// MaxReaders is the number of SQLite connections used for reading.
	// Writes always go through one connection. Default 4.
	MaxReaders int
	// MaxConns limits the PostgreSQL connection pool; 0 means no limit.
	// Subscriptions take a connection only for their short reads,
	// acknowledgements and claim renewals, and every InTx needs one, so a
	// limit must leave room for both. Listening for publishes uses one
	// more connection per process, outside the pool.
	MaxConns int
	// PollInterval is how often an idle subscription looks for messages
	// published by another process when no notification woke it (on
	// PostgreSQL they do; see the package documentation). Publishes
	// through this Store wake its subscriptions at once. Default 250ms.
	PollInterval time.Duration
	// ResendInterval is the wait before a nacked message is delivered
	// again. Default 100ms.
	ResendInterval time.Duration
	// RetryInterval is the wait after a failed read of a topic. Default 1s.
	RetryInterval time.Duration
	// AckDeadline is how long a delivered message may stay unacknowledged
	// before it is taken back and delivered again. Default 30s.
	AckDeadline time.Duration
	// BatchSize is how many messages a subscription reads at once. A crash
	// redelivers at most this many. Default 100.
	BatchSize int
	// MaxBytes bounds every key, body and payload written. Default 16 MiB.
	MaxBytes int
	// Clock returns the current time for updated_at, first_seen and similar
	// columns. Default time.Now.
	Clock func() time.Time
	// StatementTimeout is PostgreSQL's statement_timeout for every session:
	// a statement running longer is cancelled by the server. Default 30s.
	// Migrations run without it.
	StatementTimeout time.Duration
	// IdleInTxTimeout is PostgreSQL's idle_in_transaction_session_timeout
	// for every session: the server ends a session whose transaction waits
	// longer for its client, so a hung or cut-off instance holds no lock
	// and no snapshot longer than that. Default 10s. A subscription holds no
	// transaction while its handler works; its claim on the consumer group
	// expires half this long after its last renewal.
	IdleInTxTimeout time.Duration
}

// DefaultMaxBytes is Config.MaxBytes when none is given: 16 MiB.
const DefaultMaxBytes = 16 << 20

// Defaults applied by setDefaults.
const (
	defaultBusyTimeout    = 5 * time.Second
	defaultMaxReaders     = 4
	defaultPollInterval   = 250 * time.Millisecond
	defaultResendInterval = 100 * time.Millisecond
	defaultRetryInterval  = time.Second
	defaultAckDeadline    = 30 * time.Second
	defaultBatchSize      = 100
	defaultStmtTimeout    = 30 * time.Second
	defaultIdleInTx       = 10 * time.Second
	defaultMaxBytes       = DefaultMaxBytes
	// maxKeyBytes bounds keys, ids and names, which are indexed.
	maxKeyBytes = 1024
)

func (c *Config) setDefaults() {
	if c.Synchronous == "" {
		c.Synchronous = SyncNormal
	}
	if c.BusyTimeout == 0 {
		c.BusyTimeout = defaultBusyTimeout
	}
	if c.MaxReaders == 0 {
		c.MaxReaders = defaultMaxReaders
	}
	if c.PollInterval == 0 {
		c.PollInterval = defaultPollInterval
	}
	if c.ResendInterval == 0 {
		c.ResendInterval = defaultResendInterval
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = defaultRetryInterval
	}
	if c.AckDeadline == 0 {
		c.AckDeadline = defaultAckDeadline
	}
	if c.BatchSize == 0 {
		c.BatchSize = defaultBatchSize
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = defaultMaxBytes
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.StatementTimeout == 0 {
		c.StatementTimeout = defaultStmtTimeout
	}
	if c.IdleInTxTimeout == 0 {
		c.IdleInTxTimeout = defaultIdleInTx
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if _, err := ParseDSN(c.DSN); err != nil {
		return err
	}
	positive := []struct {
		name string
		v    time.Duration
	}{
		{"busy_timeout", c.BusyTimeout},
		{"poll_interval", c.PollInterval},
		{"resend_interval", c.ResendInterval},
		{"retry_interval", c.RetryInterval},
		{"ack_deadline", c.AckDeadline},
		{"statement_timeout", c.StatementTimeout},
		{"idle_in_transaction_timeout", c.IdleInTxTimeout},
	}
	for _, p := range positive {
		if p.v <= 0 {
			return fmt.Errorf("store %s %s: a positive duration expected: %w", p.name, p.v, ErrBadConfig)
		}
	}
	switch {
	case c.Synchronous != SyncNormal && c.Synchronous != SyncFull:
		return fmt.Errorf("store synchronous %s: normal or full expected: %w", errtext.Quote(c.Synchronous), ErrBadConfig)
	case c.MaxReaders < 1:
		return fmt.Errorf("store max_readers %d: at least 1 expected: %w", c.MaxReaders, ErrBadConfig)
	case c.MaxConns < 0:
		return fmt.Errorf("store max_conns %d: 0 (no limit) or more expected: %w", c.MaxConns, ErrBadConfig)
	case c.BatchSize < 1 || c.BatchSize > 10000:
		return fmt.Errorf("store batch_size %d: 1 to 10000 expected: %w", c.BatchSize, ErrBadConfig)
	case c.MaxBytes < 1024:
		return fmt.Errorf("store max_bytes %d: at least 1024 expected: %w", c.MaxBytes, ErrBadConfig)
	}
	return nil
}
