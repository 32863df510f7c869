// Package store is pcsgate's durable storage: Watermill Pub/Sub topics (the
// pipes between the pipeline's stages) and the ledger (releases, events,
// deduplication keys and dead letters), in one database, so that a handler
// can change the ledger and publish its output in a single transaction.
//
// # Backends
//
// Open takes an address:
//
//	sqlite:data/pcsgate.db       the embedded default: one file, pure Go (modernc.org/sqlite)
//	sqlite::memory:              for tests and demos; gone on Close
//	postgres://host/db           for several pcsgate instances sharing one database
//
// Both run the same code: watermill-sql's publisher and subscriber, with
// watermill-sql's PostgreSQL adapters on PostgreSQL and this package's
// SQLiteSchema and SQLiteOffsets on SQLite, and the same ledger queries.
//
// # Schema
//
// Each topic has two tables: "watermill_<topic>" holds the messages (offset,
// uuid, payload, metadata, created_at; on PostgreSQL also the writing
// transaction's id) and "watermill_offsets_<topic>" the last acked offset of
// each consumer group. They are created on first use, inside the
// transaction that first publishes to or subscribes to the topic. Names
// longer than 63 bytes end in a hash of the topic (see MessagesTable).
//
// The ledger's tables are created by versioned migrations, recorded in
// pcsgate_migrations and applied by Open in one transaction (on PostgreSQL
// under an advisory lock, so instances starting together take turns):
//
//	releases(key PK, status, port, carrier, holder, body JSON, version, updated_at,
//	         search, systems, valid_from, valid_until, collectable)
//	events(id PK, release_key, seq, type, occurred_at, received_at, late, hash, body JSON)
//	dedupe(kind, key, first_seen, last_seen, count; PK (kind, key))
//	deadletters(id PK, stage, profile, endpoint, reason, payload, metadata JSON, created_at, replayed_at, discarded_at, discard_reason)
//	monitor_tokens(id PK, name, role, hash, created_at, revoked_at)
//
// The monitor's search filters on the columns beside a release's body
// (ReleaseMeta), which the caller fills; only migration 4 read them once
// from the bodies of releases stored before it.
//
// Bodies are JSON documents this package does not interpret; they come back
// byte for byte (json, not jsonb, on PostgreSQL), so hashes over them hold.
// Times are UTC to the microsecond: timestamptz on PostgreSQL, fixed-width
// RFC 3339 text on SQLite, whose tables are STRICT.
//
// # One writer on SQLite
//
// SQLite lets one connection write at a time; a second one waits up to
// busy_timeout and then fails with "database is locked", and a transaction
// that read first and writes later fails at once if someone else wrote in
// between. So the Store writes through a pool of exactly one connection
// (transactions begin IMMEDIATE): concurrent writers queue inside the
// process instead of racing inside SQLite. Reads use a separate pool of
// query-only connections, which WAL lets run beside the writer.
//
// On both backends the transactions of InTx are committed in groups: what
// is queued while one commits is run as one transaction,
// each in a savepoint, with one commit. Transactions whose order matters
// wait their turn before they are queued (InOrder). On PostgreSQL the
// statements whose result nobody reads (inserts of rows and messages, the
// savepoints) wait and go with the next statement that needs an answer, in
// one pipelined round trip; such a statement's error fails its
// transaction, never a caller of a later one.
//
// watermill-sql's subscriber holds a transaction open from reading a batch
// until the handler acks, then writes the new offset in it. This package
// gives it a transaction of its own that holds none while the handler
// works. On SQLite a held transaction would hold the writer (or fail with
// SQLITE_BUSY_SNAPSHOT), so a subscription's read runs at once on a reader
// connection and is copied into memory, and its ack is kept and written
// through the writer at commit. Members of one consumer group take turns
// through an in-process lock held from the read of a batch until its ack
// is written: each message goes to one member, in order. That lock is per
// process, so a SQLite file must be served by one pcsgate process; use
// PostgreSQL to run several.
//
// On PostgreSQL, where watermill-sql's open transaction would hide every
// newer message of every topic from every instance (a message is read only
// once all transactions older than its publish have ended), members of a
// consumer group take turns through a claim: a row per topic and group in
// subscription_claims naming the holder, with an expiry on the database's
// clock. One short transaction takes the claim and reads the batch, the
// claim is renewed while the handler works, and a second short transaction
// writes the offset and gives the claim back only while the claim is still
// the member's. A member that hangs stops renewing; its claim expires half
// of IdleInTxTimeout after the last renewal and another member delivers
// the batch again from the acked offset. A slow handler so holds up only
// its own topic and group.
//
// The writer commits in groups: the transactions that wait while one runs
// are run after it in the same SQLite transaction, each inside a savepoint
// of its own (rolled back alone when it fails or panics), and committed
// once. A commit appends every page the transaction changed to the WAL in
// full, and the pipeline's stages change the same pages at the same
// moments, so the group saves most of that; nobody waits longer than for
// their turn. Statements are prepared once per connection and kept.
//
// On PostgreSQL every session runs with statement_timeout and
// idle_in_transaction_session_timeout (Config.StatementTimeout, 30s, and
// Config.IdleInTxTimeout, 10s), so an instance that hangs or loses its
// network holds no lock, and hides no newer message from the others, for
// longer than that.
//
// Subscriptions poll, but a publish through the Store wakes the topic's
// idle subscriptions at once, and on PostgreSQL so does a publish by
// another process: a trigger on each subscribed topic's table notifies the
// channel pcsgate_publish when the publishing transaction commits, and each
// process listens on one connection while it has subscriptions.
// PollInterval only bounds how late a message is seen when that
// connection is lost.
//
// # Durability
//
// SQLite runs in WAL mode with synchronous=NORMAL by default. Measured on
// the 2-core reference machine with other work running (BenchmarkPublish,
// one transaction per message): about 3,500 to 7,800 commits/s with
// NORMAL against 1,300 to 2,400 with FULL, whose fsync per commit fell to
// about 500/s under heavy disk load. Every message takes a commit per stage
// on its way through the pipes, so FULL would keep the gateway well below
// its 2,000 messages/s target. With NORMAL a commit survives any crash of
// pcsgate itself (kill -9): the data is in the operating system's cache.
// Only a power cut or kernel crash can undo the last commits, never
// corrupt the file. Where senders must never lose an acknowledged message
// even then, use "sqlite:PATH?synchronous=full" or PostgreSQL.
//
// Delivery is at least once. InTx makes a handler's ledger changes and its
// output messages one commit; the ack of its input is a second commit, so a
// crash between the two delivers the input again. Handlers are therefore
// idempotent on the event id (AddEvent reports a duplicate; Seen records
// any other key).
package store
