// Package ledger folds canonical release events into releases and enforces
// the custody rules below. It is pure code: no I/O, no clock, no
// goroutines. The store persists what it returns; the pipeline decides
// what to tell the sender.
//
// Apply takes the current state of one release (nil when none exists yet)
// and one event, and returns a new Release; the input is never modified.
// A Release keeps the holder, the chain of hops, the three lights, the
// validity, the assignment, the gate moves, and every applied event as an
// EventRef in a SHA-256 hash chain (Head).
//
// # Custody rules
//
//  1. Exactly one holder. Only the holder offers a transfer or assigns
//     (ErrNotHolder). TRANSFER_ACCEPTED makes the offered receiver the
//     holder; TRANSFER_DECLINED leaves the giver holding; a new offer
//     supersedes the holder's open one. Regimes without an offer step
//     (Portbase nominations) send TRANSFER_ACCEPTED of kind NOMINATE or
//     AUTHORISE naming the holder as giver: it takes effect at once. A
//     change of holder drops the assignment; the new holder assigns its own
//     transport.
//  2. Only the issuer blocks, unblocks, updates, withdraws or cancels
//     (ErrNotIssuer). A second RELEASE_CREATED for an existing release is an
//     update by the issuer; after a withdrawal or cancellation it opens the
//     release again.
//  3. A transfer is revoked by its giver only while OFFERED (ErrNotGiver,
//     ErrRevokeAccepted). A nomination or authorisation, which takes effect
//     at once (Portbase), may be withdrawn by its giver while its receiver
//     still holds the right: the right goes back to the giver. A withdrawal or cancellation by the issuer
//     supersedes the whole chain: every OFFERED or ACCEPTED hop becomes
//     SUPERSEDED, and nobody holds the release until it is created again
//     (custody events meanwhile: ErrNotActive).
//  4. After PICKED_UP (GATED_OUT, or an air status DLV) nothing changes
//     custody. Such late events are stored and flagged, not dropped: Apply
//     returns the new release, with the event appended as Late and the state
//     unchanged, together with a *Rejection wrapping ErrAfterPickup so the
//     sender can be told it had no effect. Lights, gate-ins and statuses
//     after pick-up are applied normally (an empty container comes back).
//  5. Events arrive out of order. An event for a release that does not
//     exist yet (a nomination before the commercial release) is rejected
//     with ErrNoRelease, an acceptance before its offer with ErrNoOffer;
//     Parkable reports both. The caller parks such an event and applies it
//     again once the release changes, for a bounded time, after which it
//     reports the last error. Fold does exactly this for a batch, ordered
//     by occurredAt and then arrival.
//
// Lights and custody are independent: LIGHT_CHANGED never moves the right,
// and a transfer never changes a light. A light keeps the newest state by
// occurredAt, so an older light event arriving late is stored as Stale
// without effect.
//
// # Who acted
//
// Parties are compared with SameParty: any shared identifier scheme with
// equal values, otherwise the name, case-insensitively. An event is
// checked against the party it names for the act: release.issuer for the
// issuer's acts, transfer.from for an offer or revocation, transfer.to for
// an acceptance or decline, assignment.by for an assignment. A named party
// that is not the right one rejects the event. An event that names no
// party is checked against source.sender: a sender that matches one of the
// required party's identifiers or its name verifies the act. Otherwise
// the event is accepted and its EventRef marked Unverified: the sender
// may be a platform relaying the act (CPu notifications come from NxtPort,
// not from the agent), so a mismatch proves nothing. A release whose
// issuer was never named accepts the issuer's acts as unverified; a
// release with no holder yet rejects holder acts.
//
// # Incremental and batch
//
// Apply works in arrival order, which is what the running gateway sees.
// Fold recomputes a release from all its events in occurredAt order, so a
// transfer that happened before a gate-out but arrived after it counts in
// Fold and is flagged Late by Apply. Fold is the reference for audits and
// repairs; Apply is what the pipeline uses.
//
// # Audits
//
// Each event's hash is ChainHash of the previous hash, the event id and
// the event's canonical JSON (algorithm ChainAlgorithm, version
// ChainAlgorithmVersion). VerifyChain checks decoded events against a
// release; CheckLinks checks events as a store recorded them (seq, id,
// canonical bytes, hash) against each other and the release's trail, and
// names the first link that breaks.
package ledger
