package store

// migration is one versioned step of the ledger schema. Versions start at 1
// and never change once released; a new schema is a new migration appended
// to both lists, with the same version and description.
type migration struct {
	version     int
	description string
	stmts       []string
}

// sqliteMigrations is the ledger schema for SQLite. Tables are STRICT so a
// wrong type fails instead of being stored; times are TEXT in timeLayout.
var sqliteMigrations = []migration{{
	version:     1,
	description: "ledger: releases, events, dedupe, deadletters",
	stmts: []string{
		`CREATE TABLE releases (
	key TEXT PRIMARY KEY,
	status TEXT NOT NULL,
	port TEXT NOT NULL,
	carrier TEXT NOT NULL,
	holder TEXT NOT NULL,
	body TEXT NOT NULL CHECK (json_valid(body)),
	version INTEGER NOT NULL CHECK (version > 0),
	updated_at TEXT NOT NULL
) STRICT`,
		`CREATE INDEX releases_port_status ON releases (port, status, updated_at)`,
		`CREATE INDEX releases_status ON releases (status, updated_at)`,
		`CREATE INDEX releases_updated ON releases (updated_at)`,
		`CREATE TABLE events (
	id TEXT PRIMARY KEY,
	release_key TEXT NOT NULL,
	seq INTEGER NOT NULL,
	type TEXT NOT NULL,
	occurred_at TEXT NOT NULL,
	received_at TEXT NOT NULL,
	late INTEGER NOT NULL CHECK (late IN (0, 1)),
	hash TEXT NOT NULL,
	body TEXT NOT NULL CHECK (json_valid(body))
) STRICT`,
		`CREATE INDEX events_release ON events (release_key, seq)`,
		`CREATE TABLE dedupe (
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	first_seen TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID`,
		`CREATE TABLE deadletters (
	id TEXT PRIMARY KEY,
	stage TEXT NOT NULL,
	profile TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	reason TEXT NOT NULL,
	payload BLOB NOT NULL,
	metadata TEXT NOT NULL CHECK (json_valid(metadata)),
	created_at TEXT NOT NULL,
	replayed_at TEXT
) STRICT`,
		`CREATE INDEX deadletters_created ON deadletters (created_at)`,
	},
}, {
	version:     2,
	description: "ledger: units (port + container, airport + AWB) to release keys",
	stmts: []string{
		`CREATE TABLE release_units (
	unit TEXT PRIMARY KEY,
	key TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID`,
	},
}, {
	version:     3,
	description: "monitor: access tokens; dead letters can be discarded",
	stmts: []string{
		`CREATE TABLE monitor_tokens (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
	hash BLOB NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT
) STRICT`,
		`ALTER TABLE deadletters ADD COLUMN discarded_at TEXT`,
	},
}, {
	version:     4,
	description: "monitor: release search, systems, validity and readiness columns",
	stmts: []string{
		`ALTER TABLE releases ADD COLUMN search TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE releases ADD COLUMN systems TEXT NOT NULL DEFAULT ' '`,
		`ALTER TABLE releases ADD COLUMN valid_from TEXT`,
		`ALTER TABLE releases ADD COLUMN valid_until TEXT`,
		`ALTER TABLE releases ADD COLUMN collectable INTEGER NOT NULL DEFAULT 0 CHECK (collectable IN (0, 1))`,
		`CREATE INDEX releases_valid_until ON releases (valid_until)`,
		// Releases stored before: the same columns from their bodies and events.
		`UPDATE releases SET
	search = ' ' || upper(coalesce(body ->> '$.key.containerNumber', '') || ' ' || coalesce(body ->> '$.key.blNumber', '')
		|| ' ' || coalesce(body ->> '$.releaseNumber', '') || ' ' || coalesce(body ->> '$.key.awb', '')) || ' ',
	systems = coalesce((SELECT ' ' || group_concat(pcs, ' ') || ' ' FROM (SELECT DISTINCT e.body ->> '$.source.pcs' AS pcs
		FROM events e WHERE e.release_key = releases.key AND e.body ->> '$.source.pcs' IS NOT NULL)), ' '),
	valid_from = substr(strftime('%Y-%m-%dT%H:%M:%fZ', body ->> '$.validFrom'), 1, 23) || '000Z',
	valid_until = substr(strftime('%Y-%m-%dT%H:%M:%fZ', body ->> '$.validUntil'), 1, 23) || '000Z',
	collectable = coalesce(status = 'RELEASED' AND body ->> '$.holder' IS NOT NULL AND body ->> '$.assignment' IS NOT NULL
		AND body ->> '$.lights.commercial.state' = 'GREEN' AND body ->> '$.lights.customs.state' = 'GREEN'
		AND body ->> '$.lights.terminal.state' = 'GREEN' AND coalesce(body ->> '$.lights.total.state', 'GREEN') = 'GREEN', 0)`,
	},
}, {
	version:     5,
	description: "dead letters keep the reason they were discarded for",
	stmts: []string{
		`ALTER TABLE deadletters ADD COLUMN discard_reason TEXT NOT NULL DEFAULT ''`,
	},
}, {
	version:     6,
	description: "ledger: the content hash of the raw message an event came in",
	stmts: []string{
		`ALTER TABLE events ADD COLUMN raw_hash TEXT NOT NULL DEFAULT ''`,
	},
}, {
	version:     7,
	description: "monitor: the endpoint an event came through; recent messages newest first, per endpoint",
	stmts: []string{
		`ALTER TABLE events ADD COLUMN endpoint TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX events_received ON events (received_at)`,
		`CREATE INDEX events_endpoint_received ON events (endpoint, received_at)`,
		`CREATE INDEX deadletters_endpoint_created ON deadletters (endpoint, created_at)`,
	},
}, {
	version:     8,
	description: "monitor: the release a dead letter of the ledger or encode stage belongs to",
	stmts: []string{
		`ALTER TABLE deadletters ADD COLUMN release_key TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX deadletters_release ON deadletters (release_key, created_at)`,
	},
}, {
	version:     9,
	description: "monitor: inbound messages kept with their secrets masked, and the events of each",
	stmts: []string{
		`CREATE TABLE raw_messages (
	content_hash TEXT PRIMARY KEY,
	endpoint TEXT NOT NULL,
	name TEXT NOT NULL,
	received_at TEXT NOT NULL,
	body BLOB NOT NULL
) STRICT`,
		`ALTER TABLE events ADD COLUMN masked_hash TEXT NOT NULL DEFAULT ''`,
	},
}, {
	version:     10,
	description: "monitor: the failed attempts of a delivery",
	stmts: []string{
		`CREATE TABLE delivery_failures (
	uuid TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	at TEXT NOT NULL,
	reason TEXT NOT NULL
) STRICT`,
		`CREATE INDEX delivery_failures_uuid ON delivery_failures (uuid, at)`,
	},
}, {
	version:     11,
	description: "fleet: instances and their heartbeats, leases on inbound work, the credential key's fingerprint",
	stmts: []string{
		`CREATE TABLE instances (
	id TEXT PRIMARY KEY,
	host TEXT NOT NULL,
	pid INTEGER NOT NULL,
	version TEXT NOT NULL,
	started_at TEXT NOT NULL,
	heartbeat_at TEXT NOT NULL
) STRICT`,
		`CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	acquired_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT`,
		`CREATE TABLE fleet_keys (
	name TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	recorded_at TEXT NOT NULL
) STRICT`,
	},
}, {
	version:     12,
	description: "messages scheduled to be published when due: parked events",
	stmts: []string{
		`CREATE TABLE scheduled (
	id INTEGER PRIMARY KEY,
	topic TEXT NOT NULL,
	uuid TEXT NOT NULL,
	payload BLOB NOT NULL,
	metadata TEXT NOT NULL CHECK (json_valid(metadata)),
	due_at TEXT NOT NULL
) STRICT`,
		`CREATE INDEX scheduled_due ON scheduled (due_at, id)`,
	},
}, {
	version:     13,
	description: "deliveries marked done one by one, so a redelivered message is skipped",
	stmts: []string{
		`CREATE TABLE delivered (
	endpoint TEXT NOT NULL,
	uuid TEXT NOT NULL,
	at TEXT NOT NULL,
	PRIMARY KEY (endpoint, uuid)
) STRICT, WITHOUT ROWID`,
		`CREATE INDEX delivered_at ON delivered (at)`,
	},
}, {
	version:     14,
	description: "PostgreSQL subscriptions: consumer group claims, publish notifications (nothing on SQLite)",
}}

// postgresMigrations is the same schema for PostgreSQL. Bodies are json, not
// jsonb, so they come back byte for byte as written and hashes over them
// stay valid.
var postgresMigrations = []migration{{
	version:     1,
	description: "ledger: releases, events, dedupe, deadletters",
	stmts: []string{
		`CREATE TABLE releases (
	key TEXT PRIMARY KEY,
	status TEXT NOT NULL,
	port TEXT NOT NULL,
	carrier TEXT NOT NULL,
	holder TEXT NOT NULL,
	body JSON NOT NULL,
	version INTEGER NOT NULL CHECK (version > 0),
	updated_at TIMESTAMPTZ NOT NULL
)`,
		`CREATE INDEX releases_port_status ON releases (port, status, updated_at)`,
		`CREATE INDEX releases_status ON releases (status, updated_at)`,
		`CREATE INDEX releases_updated ON releases (updated_at)`,
		`CREATE TABLE events (
	id TEXT PRIMARY KEY,
	release_key TEXT NOT NULL,
	seq BIGINT NOT NULL,
	type TEXT NOT NULL,
	occurred_at TIMESTAMPTZ NOT NULL,
	received_at TIMESTAMPTZ NOT NULL,
	late BOOLEAN NOT NULL,
	hash TEXT NOT NULL,
	body JSON NOT NULL
)`,
		`CREATE INDEX events_release ON events (release_key, seq)`,
		`CREATE TABLE dedupe (
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	first_seen TIMESTAMPTZ NOT NULL,
	last_seen TIMESTAMPTZ NOT NULL,
	count BIGINT NOT NULL,
	PRIMARY KEY (kind, key)
)`,
		`CREATE TABLE deadletters (
	id TEXT PRIMARY KEY,
	stage TEXT NOT NULL,
	profile TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	reason TEXT NOT NULL,
	payload BYTEA NOT NULL,
	metadata JSON NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	replayed_at TIMESTAMPTZ
)`,
		`CREATE INDEX deadletters_created ON deadletters (created_at)`,
	},
}, {
	version:     2,
	description: "ledger: units (port + container, airport + AWB) to release keys",
	stmts: []string{
		`CREATE TABLE release_units (
	unit TEXT PRIMARY KEY,
	key TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
)`,
	},
}, {
	version:     3,
	description: "monitor: access tokens; dead letters can be discarded",
	stmts: []string{
		`CREATE TABLE monitor_tokens (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
	hash BYTEA NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	revoked_at TIMESTAMPTZ
)`,
		`ALTER TABLE deadletters ADD COLUMN discarded_at TIMESTAMPTZ`,
	},
}, {
	version:     4,
	description: "monitor: release search, systems, validity and readiness columns",
	stmts: []string{
		`ALTER TABLE releases ADD COLUMN search TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE releases ADD COLUMN systems TEXT NOT NULL DEFAULT ' '`,
		`ALTER TABLE releases ADD COLUMN valid_from TIMESTAMPTZ`,
		`ALTER TABLE releases ADD COLUMN valid_until TIMESTAMPTZ`,
		`ALTER TABLE releases ADD COLUMN collectable BOOLEAN NOT NULL DEFAULT FALSE`,
		`CREATE INDEX releases_valid_until ON releases (valid_until)`,
		// Releases stored before: the same columns from their bodies and events.
		`UPDATE releases SET
	search = ' ' || upper(concat_ws(' ', body #>> '{key,containerNumber}', body #>> '{key,blNumber}',
		body ->> 'releaseNumber', body #>> '{key,awb}')) || ' ',
	systems = coalesce((SELECT ' ' || string_agg(DISTINCT e.body #>> '{source,pcs}', ' ') || ' '
		FROM events e WHERE e.release_key = releases.key), ' '),
	valid_from = (body ->> 'validFrom')::timestamptz,
	valid_until = (body ->> 'validUntil')::timestamptz,
	collectable = coalesce(status = 'RELEASED' AND body -> 'holder' IS NOT NULL AND body -> 'assignment' IS NOT NULL
		AND body #>> '{lights,commercial,state}' = 'GREEN' AND body #>> '{lights,customs,state}' = 'GREEN'
		AND body #>> '{lights,terminal,state}' = 'GREEN' AND coalesce(body #>> '{lights,total,state}', 'GREEN') = 'GREEN', FALSE)`,
	},
}, {
	version:     5,
	description: "dead letters keep the reason they were discarded for",
	stmts: []string{
		`ALTER TABLE deadletters ADD COLUMN discard_reason TEXT NOT NULL DEFAULT ''`,
	},
}, {
	version:     6,
	description: "ledger: the content hash of the raw message an event came in",
	stmts: []string{
		`ALTER TABLE events ADD COLUMN raw_hash TEXT NOT NULL DEFAULT ''`,
	},
}, {
	version:     7,
	description: "monitor: the endpoint an event came through; recent messages newest first, per endpoint",
	stmts: []string{
		`ALTER TABLE events ADD COLUMN endpoint TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX events_received ON events (received_at)`,
		`CREATE INDEX events_endpoint_received ON events (endpoint, received_at)`,
		`CREATE INDEX deadletters_endpoint_created ON deadletters (endpoint, created_at)`,
	},
}, {
	version:     8,
	description: "monitor: the release a dead letter of the ledger or encode stage belongs to",
	stmts: []string{
		`ALTER TABLE deadletters ADD COLUMN release_key TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX deadletters_release ON deadletters (release_key, created_at)`,
	},
}, {
	version:     9,
	description: "monitor: inbound messages kept with their secrets masked, and the events of each",
	stmts: []string{
		`CREATE TABLE raw_messages (
	content_hash TEXT PRIMARY KEY,
	endpoint TEXT NOT NULL,
	name TEXT NOT NULL,
	received_at TIMESTAMPTZ NOT NULL,
	body BYTEA NOT NULL
)`,
		`ALTER TABLE events ADD COLUMN masked_hash TEXT NOT NULL DEFAULT ''`,
	},
}, {
	version:     10,
	description: "monitor: the failed attempts of a delivery",
	stmts: []string{
		`CREATE TABLE delivery_failures (
	uuid TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	reason TEXT NOT NULL
)`,
		`CREATE INDEX delivery_failures_uuid ON delivery_failures (uuid, at)`,
	},
}, {
	version:     11,
	description: "fleet: instances and their heartbeats, leases on inbound work, the credential key's fingerprint",
	stmts: []string{
		`CREATE TABLE instances (
	id TEXT PRIMARY KEY,
	host TEXT NOT NULL,
	pid INTEGER NOT NULL,
	version TEXT NOT NULL,
	started_at TIMESTAMPTZ NOT NULL,
	heartbeat_at TIMESTAMPTZ NOT NULL
)`,
		`CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	acquired_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
)`,
		`CREATE TABLE fleet_keys (
	name TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL
)`,
	},
}, {
	version:     12,
	description: "messages scheduled to be published when due: parked events",
	stmts: []string{
		`CREATE TABLE scheduled (
	id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	topic TEXT NOT NULL,
	uuid TEXT NOT NULL,
	payload BYTEA NOT NULL,
	metadata JSON NOT NULL,
	due_at TIMESTAMPTZ NOT NULL
)`,
		`CREATE INDEX scheduled_due ON scheduled (due_at, id)`,
	},
}, {
	version:     13,
	description: "deliveries marked done one by one, so a redelivered message is skipped",
	stmts: []string{
		`CREATE TABLE delivered (
	endpoint TEXT NOT NULL,
	uuid TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (endpoint, uuid)
)`,
		`CREATE INDEX delivered_at ON delivered (at)`,
	},
}, {
	version:     14,
	description: "PostgreSQL subscriptions: consumer group claims, publish notifications (nothing on SQLite)",
	stmts: []string{
		`CREATE TABLE subscription_claims (
	topic TEXT NOT NULL,
	consumer_group TEXT NOT NULL,
	holder TEXT NOT NULL,
	gen BIGINT NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (topic, consumer_group)
)`,
		`CREATE FUNCTION pcsgate_notify_publish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('pcsgate_publish', TG_ARGV[0]);
	RETURN NULL;
END
$$`,
	},
}}
