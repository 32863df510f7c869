package pipeline

// outcome is what became of one event at the ledger. Its String is the
// "outcome" of the ledger log line and of pcsgate_events_total.
type outcome int

const (
	// outcomeSkipped: a business duplicate of an event seen before, not
	// applied, counted and logged with its message only.
	outcomeSkipped outcome = iota
	// outcomeAccepted: applied to its release and routed.
	outcomeAccepted
	// outcomeLate: stored and flagged (it came after pick-up), not routed.
	outcomeLate
	// outcomeDuplicate: the release already holds it.
	outcomeDuplicate
	// outcomeParked: its release is not known yet; it is tried again later.
	outcomeParked
	// outcomeParkedAgain: a parked event came back and its release is
	// still not known; it was counted when first parked.
	outcomeParkedAgain
	// outcomeRejected: the custody rules reject it, or it waited for its
	// release long enough; it is a dead letter of the ledger stage.
	outcomeRejected
)

func (o outcome) String() string {
	switch o {
	case outcomeSkipped:
		return "skipped"
	case outcomeAccepted:
		return "accepted"
	case outcomeLate:
		return "late"
	case outcomeDuplicate:
		return "duplicate"
	case outcomeParked:
		return "parked"
	case outcomeParkedAgain:
		return "parked again"
	case outcomeRejected:
		return "rejected"
	}
	return "unknown"
}
