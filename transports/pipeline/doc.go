// Package pipeline is the gateway: it wires inbound transports, the durable
// store, the mapping registry, the ledger and outbound transports into one
// Watermill router.
//
//	inbound endpoint ──intake + ledger + route──▶ outbound_<endpoint> ──deliver──▶ partner
//	                     │        ▲
//	                     │        └── canonical ◀── parked events, replays
//	                     └──── failures for good ─▶ dead letters (stage, profile, reason, original bytes) ─▶ replay
//
// Topics: the normal path uses two. An inbound endpoint's transport
// delivers on a topic named after the endpoint, and the intake publishes
// each rendered message to outbound_<endpoint> in the store, where the
// deliver handler of that endpoint takes it. The other store topics carry
// only what comes back: parked holds events whose release is not known
// yet until their time to try again, canonical takes them back to the
// ledger handler together with replayed ledger and decode dead letters,
// accepted takes replayed encode failures to the route handler, and
// deadletter takes what a handler gave up on (its retries spent, or a
// permanent failure such as an HTTP 4xx) to the dead-letter table.
//
// Stages:
//   - intake (one handler per inbound endpoint): recognises a content or
//     idempotency-key duplicate, decodes the message with the endpoint's
//     profile (or detects it), recognises business duplicates, and applies
//     each event to the ledger and routes it (below), all in one store
//     transaction: one commit per inbound message. Only then is the sender
//     acknowledged (file archived, HTTP 202). A file drop hands out up to
//     in_flight files at once: they are decoded side by side and their
//     transactions share commits, but the store queues the transactions in
//     the order the files were written (transports.Turn, store.InOrder), so
//     the ledger sees the events in that order. A message nothing could be
//     read from is acknowledged with its reason (file moved to error/ with
//     <name>.error.txt) and kept as a dead letter with its original bytes;
//     a partly bad one keeps its good events and dead-letters the whole
//     original with the reasons. A JSON Lines message is a message per
//     line: each line has its own content key, and a bad line alone is
//     dead-lettered with its bytes, reasons and line number; the file goes
//     to error/ only when no line could be read.
//   - ledger + route: applies an event to its release under the custody
//     rules (canonical/ledger), stores the release and the event chain,
//     and routes the accepted event: matches it against the routes (event
//     type, port, carrier, source profile; never back to the system it
//     came from unless the route says to_source), renders it in each target
//     profile and publishes to outbound_<endpoint>, all in the same
//     transaction, so an accepted event never lacks its outbound messages.
//     Output names derive from the event id so a retry overwrites, never
//     doubles. An event for a release not yet known is parked and tried
//     again later (bounded), through the canonical topic and its ledger
//     handler, then dead-lettered; a rule violation is dead-lettered with
//     the rule and its canonical event, and a replay puts that back on the
//     canonical topic. A route that cannot render the event leaves a dead
//     letter of stage encode; its replay goes through the accepted topic,
//     whose route handler routes it again. (Applying and routing in the
//     intake's transaction, rather than in stages of their own behind the
//     canonical and accepted topics, saves two pipe hops and a commit per
//     event.)
//   - deliver (one handler per outbound endpoint): hands the rendered
//     message to the transport; permanent failures (HTTP 4xx) are dead-
//     lettered, others retried. A file drop stages each file where
//     partners cannot see it yet; before the subscription records a batch
//     as done, the batch's files are synced together, named and counted as
//     delivered (store.SubscriberOptions.BeforeAck), so a batch shares one
//     wait for the disk and nothing is acknowledged that is not on it.
//
// Secrets at rest: when decoding reports that a message carries a secret
// (DecodeOptions.SecretSeen), what is kept of its bytes is sealed under the
// installation's key (secret_key_file, AES-256-GCM, package seal): its
// decode dead letters and the poison queue's copy of it, and, through
// transports.MetaSealFiles set before the ack, the file drop's archive/ or
// error/ copy ("<name>.sealed"). Replay and `pcsgate deadletters show`
// open them; ledger and encode dead letters hold canonical JSON and stay
// plain.
//
// Recovery, correlation ids, bounded retry and the poison queue are router
// middleware; handlers stay small. Logs carry ids, never payloads.
//
// The webhooks and the monitor listen apart. The monitor's routes are one
// table (monitorRoutes) with the role each needs, served through one guard
// (auth.go): bearer tokens or a browser session cookie, both checked
// against the store's tokens on every request; CSRF and origin checks on
// every form; security headers on every answer. Its pages (monitor.html:
// the release search and dead letters; release.html: one release with its
// custody chain drawn as SVG) are rendered on the server and need no
// script; the API under /api/ gives the same data as JSON, described in
// openapi.json.
//
// Each endpoint's handler (intake or delivery) reports its outcome to the
// gateway's health tracker (health.go), and an SFTP transport whether it
// reached its server. An endpoint failing for longer than its
// degraded_after is degraded: /healthz, open, names the kind of error
// only; /api/health gives the full reason to a viewer.
//
// On a PostgreSQL store the gateways sharing it form a fleet (fleet.go):
// each registers and heartbeats, runs an inbox or SFTP pick-up only while
// it holds that endpoint's lease, and refuses a credential key other than
// the one whose fingerprint the store recorded first. /healthz lists the
// instances by id and the leases; /api/fleet adds host, process and version.
package pipeline
